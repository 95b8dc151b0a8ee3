// The DaemonSet controller: one pod per node, and a ControllerRevision per template
// (`<ds>-<pod-template-hash>`, labelled controller-revision-hash as its pods are) so that
// `kubectl rollout history ds/…` and `rollout undo` work (kubernetes v1.13
// pkg/controller/daemon/update.go constructHistory, cleanupHistory).
import type { KubeObject } from '../apimachinery/kube-object';
import { asJson, isPodActive, isPodReady } from '../apimachinery/objects';
import type { ControllerClient } from '../client/client';
import { DAEMON_SETS, NODES, PODS } from '../client/client';
import { daemonSetRevision, ownedRevisions, truncateHistory } from './controller-revisions';
import { podTemplateHash } from './naming';
import type { Reporter, WorkloadPass } from './workloads';
import { each, ownedPods, podFromTemplate, writeStatus } from './workloads';

/** One pod per node, bound to it directly. */
function syncDaemonSet(client: ControllerClient, ds: KubeObject, { recorder }: Reporter): void {
  const spec = asJson(ds.spec);
  const source = { component: 'daemonset-controller' };
  const nodes = client.list(NODES).map((node) => node.metadata.name!);
  const pods = ownedPods(client, ds).filter(isPodActive);
  const hash = podTemplateHash(spec.template, Number(asJson(ds.status).collisionCount ?? 0));
  const revisions = ownedRevisions(client, ds);
  const revision = daemonSetRevision(client, ds, hash, revisions);
  for (const pod of pods) {
    if (
      !nodes.includes(String(asJson(pod.spec).nodeName)) ||
      pod.metadata.labels?.['controller-revision-hash'] !== hash
    ) {
      client.delete(PODS, pod);
      recorder.record(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, source);
    }
  }
  for (const node of nodes) {
    if (
      pods.some(
        (pod) => asJson(pod.spec).nodeName === node && pod.metadata.labels?.['controller-revision-hash'] === hash,
      )
    )
      continue;
    const pod = podFromTemplate(ds, asJson(spec.template), {
      generateName: `${ds.metadata.name}-`,
      labels: { 'controller-revision-hash': hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) },
    });
    asJson(pod.spec).nodeName = node;
    const created = client.create(PODS, pod);
    recorder.record(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`, source);
  }
  const current = ownedPods(client, ds).filter(isPodActive);
  const ready = current.filter(isPodReady).length;
  writeStatus(client, DAEMON_SETS, ds, {
    currentNumberScheduled: current.length,
    numberMisscheduled: 0,
    desiredNumberScheduled: nodes.length,
    numberReady: ready,
    observedGeneration: ds.metadata.generation,
    updatedNumberScheduled: current.filter((pod) => pod.metadata.labels?.['controller-revision-hash'] === hash).length,
    numberAvailable: ready,
    ...(nodes.length - ready > 0 ? { numberUnavailable: nodes.length - ready } : {}),
  });
  const hashesInUse = new Set(current.map((pod) => pod.metadata.labels?.['controller-revision-hash']));
  const inUse = revisions
    .filter((old) => hashesInUse.has(old.metadata.labels?.['controller-revision-hash']))
    .map((old) => old.metadata.name!);
  truncateHistory(client, ds, revisions, new Set([revision.metadata.name!, ...inUse]));
}

export function syncDaemonSets({ client, onError, reporter }: WorkloadPass): void {
  each(client.list(DAEMON_SETS), (ds) => syncDaemonSet(client, ds, reporter), onError);
}
