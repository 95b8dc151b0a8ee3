// The StatefulSet controller: ordinal pods `<name>-0…`.
import type { KubeObject } from '../apimachinery/kube-object';
import { asJson, isPodActive, isPodReady } from '../apimachinery/objects';
import type { ControllerClient } from '../client/client';
import { PODS, STATEFUL_SETS } from '../client/client';
import { podTemplateHash } from './naming';
import type { Reporter } from './workloads';
import { each, ownedPods, podFromTemplate, writeStatus } from './workloads';

/** Ordinal pods `<name>-0…`, recreated when missing or when the template changed. */
function syncStatefulSet(client: ControllerClient, sts: KubeObject, { recorder }: Reporter): void {
  const spec = asJson(sts.spec);
  const source = { component: 'statefulset-controller' };
  const replicas = Number(spec.replicas ?? 1);
  const revision = `${sts.metadata.name}-${podTemplateHash(spec.template)}`;
  const pods = ownedPods(client, sts);
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const ordinal = Number(pod.metadata.name!.slice(sts.metadata.name!.length + 1));
    if (ordinal >= replicas || pod.metadata.labels?.['controller-revision-hash'] !== revision) {
      client.delete(PODS, pod);
      recorder.record(sts, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${sts.metadata.name} successful`, source);
    }
  }
  for (let i = 0; i < replicas; i++) {
    const name = `${sts.metadata.name}-${i}`;
    if (client.get(PODS, sts.metadata.namespace, name)) continue;
    const pod = podFromTemplate(sts, asJson(spec.template), { name, labels: { 'controller-revision-hash': revision, 'statefulset.kubernetes.io/pod-name': name } });
    asJson(pod.spec).hostname = name;
    if (spec.serviceName) asJson(pod.spec).subdomain = spec.serviceName;
    client.create(PODS, pod);
    recorder.record(sts, 'Normal', 'SuccessfulCreate', `create Pod ${name} in StatefulSet ${sts.metadata.name} successful`, source);
  }
  const current = ownedPods(client, sts).filter(isPodActive);
  const ready = current.filter(isPodReady).length;
  writeStatus(client, STATEFUL_SETS, sts, {
    observedGeneration: sts.metadata.generation,
    replicas: current.length,
    ...(ready > 0 ? { readyReplicas: ready } : {}),
    currentReplicas: current.length,
    updatedReplicas: current.length,
    currentRevision: revision,
    updateRevision: revision,
    collisionCount: 0,
    availableReplicas: ready,
  });
}

export function syncStatefulSets(client: ControllerClient, onError: (error: unknown) => void, reporter: Reporter): void {
  each(client.list(STATEFUL_SETS), (sts) => syncStatefulSet(client, sts, reporter), onError);
}
