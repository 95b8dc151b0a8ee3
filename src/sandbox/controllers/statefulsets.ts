// The StatefulSet controller: ordinal pods `<name>-0…`. OrderedReady (the default) creates one
// pod at a time and waits for it to be Running and Ready, and removes surplus pods from the
// highest ordinal down; Parallel does both at once. A template change makes a new
// ControllerRevision; RollingUpdate replaces pods from the highest ordinal down to the partition,
// one at a time. Ported from kubernetes v1.13 pkg/controller/statefulset/stateful_set_control.go
// (updateStatefulSet) and stateful_set_utils.go.
import type { KubeObject } from '../apimachinery/kube-object';
import type { Json } from '../apimachinery/objects';
import { asJson, isPodReady } from '../apimachinery/objects';
import type { ControllerClient } from '../client/client';
import { PODS, STATEFUL_SETS } from '../client/client';
import { ownedRevisions, statefulSetUpdateRevision, truncateHistory } from './controller-revisions';
import type { Reporter, WorkloadPass } from './workloads';
import { each, ownedPods, podFromTemplate, writeStatus } from './workloads';

const REVISION_LABEL = 'controller-revision-hash';
const SOURCE = { component: 'statefulset-controller' };

const isRunningAndReady = (pod: KubeObject): boolean => asJson(pod.status).phase === 'Running' && isPodReady(pod);
const isFailed = (pod: KubeObject): boolean => asJson(pod.status).phase === 'Failed';
const revisionOf = (pod: KubeObject): string | undefined => pod.metadata.labels?.[REVISION_LABEL];

/** getOrdinal: the number after the set's name, or -1 for a pod that is not one of its ordinals. */
function ordinalOf(set: KubeObject, pod: KubeObject): number {
  const match = new RegExp(`^${set.metadata.name!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)$`).exec(
    pod.metadata.name ?? '',
  );
  return match ? Number(match[1]) : -1;
}

/** newVersionedStatefulSetPod: the template of the revision this ordinal should run. */
function newPod(set: KubeObject, template: Json, ordinal: number, revision: string): KubeObject {
  const name = `${set.metadata.name}-${ordinal}`;
  const pod = podFromTemplate(set, template, {
    name,
    labels: { [REVISION_LABEL]: revision, 'statefulset.kubernetes.io/pod-name': name },
  });
  asJson(pod.spec).hostname = name;
  const spec = asJson(set.spec);
  if (spec.serviceName) asJson(pod.spec).subdomain = spec.serviceName;
  return pod;
}

/** The template a revision holds (its data is `{"spec":{"template":{…,"$patch":"replace"}}}`). */
function templateOf(revision: KubeObject): Json {
  const template = { ...asJson(asJson(asJson(revision.data).spec).template) };
  delete template.$patch;
  return template;
}

/** Runs one step of updateStatefulSet; returns when a monotonic set has to wait. */
function reconcilePods(
  client: ControllerClient,
  set: KubeObject,
  current: KubeObject,
  update: KubeObject,
  { recorder }: Reporter,
): void {
  const spec = asJson(set.spec);
  const replicas = Number(spec.replicas ?? 1);
  const isMonotonic = spec.podManagementPolicy !== 'Parallel';
  const strategy = asJson(spec.updateStrategy);
  const partition =
    strategy.type === 'RollingUpdate' ? Number(asJson(strategy.rollingUpdate).partition ?? 0) : replicas;
  const pods = ownedPods(client, set);
  const byOrdinal = new Map(pods.map((pod) => [ordinalOf(set, pod), pod]));
  // recordPodEvent (stateful_pod_control.go): reason `Successful<Verb>`, message in the verb's lower case.
  const podEvent = (verb: 'Create' | 'Delete', pod: KubeObject) =>
    recorder.record(
      set,
      'Normal',
      `Successful${verb}`,
      `${verb.toLowerCase()} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`,
      SOURCE,
    );

  for (let ordinal = 0; ordinal < replicas; ordinal++) {
    const pod = byOrdinal.get(ordinal);
    if (pod && isFailed(pod) && !pod.metadata.deletionTimestamp) {
      // A failed pod is deleted and made again once it is gone.
      client.delete(PODS, pod);
      podEvent('Delete', pod);
      if (isMonotonic) return;
      continue;
    }
    if (!pod) {
      // Below the partition an ordinal keeps the current revision (newVersionedStatefulSetPod).
      const revision = ordinal < partition ? current : update;
      const made = client.create(PODS, newPod(set, templateOf(revision), ordinal, revision.metadata.name!));
      podEvent('Create', made);
      if (isMonotonic) return;
      continue;
    }
    if (isMonotonic && (pod.metadata.deletionTimestamp || !isRunningAndReady(pod))) return;
  }
  const condemned = pods
    .filter((pod) => ordinalOf(set, pod) >= replicas || ordinalOf(set, pod) < 0)
    .sort((a, b) => ordinalOf(set, b) - ordinalOf(set, a));
  const firstUnhealthy = [...byOrdinal.values()]
    .sort((a, b) => ordinalOf(set, a) - ordinalOf(set, b))
    .find((pod) => !isRunningAndReady(pod) || pod.metadata.deletionTimestamp);
  for (const pod of condemned) {
    if (pod.metadata.deletionTimestamp) {
      if (isMonotonic) return;
      continue;
    }
    if (isMonotonic && firstUnhealthy && firstUnhealthy !== pod) return;
    client.delete(PODS, pod);
    podEvent('Delete', pod);
    if (isMonotonic) return;
  }
  if (strategy.type !== 'RollingUpdate') return;
  for (let ordinal = replicas - 1; ordinal >= partition; ordinal--) {
    const pod = byOrdinal.get(ordinal);
    if (!pod) return;
    if (revisionOf(pod) !== update.metadata.name && !pod.metadata.deletionTimestamp) {
      client.delete(PODS, pod);
      podEvent('Delete', pod);
      return;
    }
    if (!isRunningAndReady(pod) || pod.metadata.deletionTimestamp) return;
  }
}

function syncStatefulSet(client: ControllerClient, set: KubeObject, reporter: Reporter): void {
  let revisions = ownedRevisions(client, set);
  const update = statefulSetUpdateRevision(client, set, revisions);
  revisions = ownedRevisions(client, set);
  const previous = asJson(set.status);
  const current = revisions.find((revision) => revision.metadata.name === previous.currentRevision) ?? update;
  reconcilePods(client, set, current, update, reporter);

  const pods = ownedPods(client, set).filter((pod) => ordinalOf(set, pod) >= 0);
  const count = (check: (pod: KubeObject) => boolean) => pods.filter(check).length;
  const status: Json = {
    observedGeneration: set.metadata.generation,
    replicas: pods.length,
    readyReplicas: count(isRunningAndReady),
    currentReplicas: count((pod) => revisionOf(pod) === current.metadata.name),
    updatedReplicas: count((pod) => revisionOf(pod) === update.metadata.name),
    currentRevision: current.metadata.name,
    updateRevision: update.metadata.name,
    collisionCount: Number(previous.collisionCount ?? 0),
  };
  // completeRollingUpdate: once every pod runs the update revision and is ready, it becomes current.
  const replicas = Number(asJson(set.spec).replicas ?? 1);
  if (
    asJson(asJson(set.spec).updateStrategy).type === 'RollingUpdate' &&
    status.updatedReplicas === replicas &&
    status.readyReplicas === replicas &&
    status.replicas === replicas
  ) {
    status.currentRevision = update.metadata.name;
    status.currentReplicas = status.updatedReplicas;
  }
  // StatefulSetStatus' counts are omitempty but replicas.
  for (const field of ['readyReplicas', 'currentReplicas', 'updatedReplicas'])
    if (status[field] === 0) delete status[field];
  writeStatus(client, STATEFUL_SETS, set, status);
  truncateHistory(
    client,
    set,
    revisions,
    new Set([
      String(status.currentRevision),
      String(update.metadata.name),
      ...pods.map((pod) => revisionOf(pod) ?? ''),
    ]),
  );
}

export function syncStatefulSets({ client, onError, reporter }: WorkloadPass): void {
  each(client.list(STATEFUL_SETS), (set) => syncStatefulSet(client, set, reporter), onError);
}
