// The disruption controller: keeps each PodDisruptionBudget's status (expectedPods, desiredHealthy,
// currentHealthy, disruptionsAllowed, disruptedPods, observedGeneration) in step with its pods, so
// the eviction subresource (../subresources/eviction.ts) can refuse what would break the budget.
// Ported from kubernetes v1.13.7 pkg/controller/disruption/disruption.go (trySync,
// getExpectedPodCount, getExpectedScale and its finders, buildDisruptedPodMap, countHealthyPods,
// updatePdbStatus, failSafe) and apimachinery's intstr.GetValueFromIntOrPercent.
import type { KubeObject } from '../apimachinery/kube-object';
import type { Resource } from '../client/client';
import type { ControllerClient } from '../client/client';
import { DEPLOYMENTS, PDBS, PODS, REPLICA_SETS, STATEFUL_SETS } from '../client/client';
import type { Json } from '../apimachinery/objects';
import { asJson, isPodReady, sameJson, selectorMatches } from '../apimachinery/objects';
import type { EventRecorder } from './events';
import type { KubeletClock } from './kubelet-clock';

const REPLICATION_CONTROLLERS: Resource = { group: '', version: 'v1', resource: 'replicationcontrollers' };

/** How long a pod the eviction subresource approved is not counted healthy while it is deleted (DeletionTimeout). */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

const SOURCE = { component: 'controllermanager' };

/** intstr.GetValueFromIntOrPercent: an int as is, a string as a percentage of `total` (every `%` dropped, then Atoi). */
export function valueFromIntOrPercent(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const text = String(value).replace(/%/g, '');
  if (!/^[+-]?\d+$/.test(text))
    throw new Error(
      `invalid value for IntOrString: invalid value ${JSON.stringify(String(value))}: strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`,
    );
  const scaled = (Number(text) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/** The pods a budget covers: its namespace's pods its selector matches; an empty selector matches none (getPodsForPdb). */
export function podsForBudget(pdb: KubeObject, pods: readonly KubeObject[]): KubeObject[] {
  const selector = asJson(pdb.spec).selector;
  return pods.filter(
    (pod) => pod.metadata.namespace === pdb.metadata.namespace && selectorMatches(selector, pod.metadata.labels),
  );
}

/** The controller a pod belongs to and its scale, or undefined (the finders: ReplicaSet, Deployment, ReplicationController, StatefulSet). */
export type ControllerScale = (pod: KubeObject) => { uid: string; scale: number } | undefined;

/** expectedCount and desiredHealthy of getExpectedPodCount; throws as getExpectedScale does for a pod no controller owns. */
export function expectedPodCount(
  pdb: KubeObject,
  pods: readonly KubeObject[],
  controllerOf: ControllerScale,
): { expectedCount: number; desiredHealthy: number } {
  const spec = asJson(pdb.spec);
  const expectedScale = (): number => {
    const scales = new Map<string, number>();
    for (const pod of pods) {
      const controller = controllerOf(pod);
      if (!controller)
        throw new NoControllersError(`found no controllers for pod ${JSON.stringify(pod.metadata.name)}`);
      scales.set(controller.uid, controller.scale);
    }
    return [...scales.values()].reduce((sum, scale) => sum + scale, 0);
  };
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    const expectedCount = expectedScale();
    const maxUnavailable = valueFromIntOrPercent(spec.maxUnavailable, expectedCount, true);
    return { expectedCount, desiredHealthy: Math.max(0, expectedCount - maxUnavailable) };
  }
  if (typeof spec.minAvailable === 'number') return { expectedCount: pods.length, desiredHealthy: spec.minAvailable };
  if (typeof spec.minAvailable === 'string') {
    const expectedCount = expectedScale();
    return { expectedCount, desiredHealthy: valueFromIntOrPercent(spec.minAvailable, expectedCount, true) };
  }
  return { expectedCount: 0, desiredHealthy: 0 };
}

export class NoControllersError extends Error {}

/** buildDisruptedPodMap: the entries still awaiting their pod's deletion, and the earliest time one expires. */
export function disruptedPodMap(
  pdb: KubeObject,
  pods: readonly KubeObject[],
  now: number,
): { disrupted: Record<string, string>; recheckAt?: number; overdue: KubeObject[] } {
  const recorded = asJson(asJson(pdb.status).disruptedPods);
  const disrupted: Record<string, string> = {};
  const overdue: KubeObject[] = [];
  let recheckAt: number | undefined;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const at = recorded[pod.metadata.name!];
    if (typeof at !== 'string') continue;
    const expectedDeletion = Date.parse(at) + DELETION_TIMEOUT_MS;
    if (expectedDeletion < now) {
      overdue.push(pod);
      continue;
    }
    if (recheckAt === undefined || expectedDeletion < recheckAt) recheckAt = expectedDeletion;
    disrupted[pod.metadata.name!] = at;
  }
  return { disrupted, recheckAt, overdue };
}

/** countHealthyPods: ready pods that are neither being deleted nor approved for eviction. */
export function countHealthyPods(pods: readonly KubeObject[], disrupted: Record<string, string>, now: number): number {
  return pods.filter((pod) => {
    if (pod.metadata.deletionTimestamp) return false;
    const at = disrupted[pod.metadata.name!];
    if (at !== undefined && Date.parse(at) + DELETION_TIMEOUT_MS > now) return false;
    return isPodReady(pod);
  }).length;
}

/** updatePdbStatus: no disruption is allowed while no pod is expected (the budget's first pods may not be counted yet). */
export function budgetStatus(
  pdb: KubeObject,
  counts: { currentHealthy: number; desiredHealthy: number; expectedCount: number },
  disrupted: Record<string, string>,
): Json {
  const allowed = counts.currentHealthy - counts.desiredHealthy;
  return {
    currentHealthy: counts.currentHealthy,
    desiredHealthy: counts.desiredHealthy,
    disruptionsAllowed: counts.expectedCount <= 0 || allowed <= 0 ? 0 : allowed,
    expectedPods: counts.expectedCount,
    ...(Object.keys(disrupted).length ? { disruptedPods: disrupted } : {}),
    observedGeneration: pdb.metadata.generation ?? 1,
  };
}

const STATUS_FIELDS = ['currentHealthy', 'desiredHealthy', 'disruptionsAllowed', 'expectedPods', 'observedGeneration'];

/** updatePdbStatus's comparison: the counts, the generation and the disrupted pods (in any key order). */
function isSameStatus(current: Json, next: Json): boolean {
  const sorted = (value: unknown) => Object.entries(asJson(value)).sort(([a], [b]) => a.localeCompare(b));
  return (
    STATUS_FIELDS.every((field) => current[field] === next[field]) &&
    sameJson(sorted(current.disruptedPods), sorted(next.disruptedPods))
  );
}

/** The finders of getExpectedScale, over the stored workloads. */
function controllerScales(client: ControllerClient, namespace: string): ControllerScale {
  const owners = new Map<string, KubeObject>();
  for (const resource of [REPLICA_SETS, DEPLOYMENTS, STATEFUL_SETS, REPLICATION_CONTROLLERS]) {
    for (const object of client.list(resource, namespace)) owners.set(object.metadata.uid!, object);
  }
  const controllerRefOf = (object: KubeObject, kinds: readonly string[]) =>
    (object.metadata.ownerReferences ?? []).find((entry) => entry.controller && kinds.includes(entry.kind));
  const controllerOf = (object: KubeObject, kinds: readonly string[]): KubeObject | undefined => {
    const ref = controllerRefOf(object, kinds);
    const owner = ref && owners.get(ref.uid);
    return owner?.kind === ref?.kind ? owner : undefined;
  };
  const replicas = (object: KubeObject) => Number(asJson(object.spec).replicas ?? 1);
  return (pod) => {
    const replicaSet = controllerOf(pod, ['ReplicaSet']);
    if (replicaSet) {
      // A ReplicaSet a Deployment controls is the Deployment finder's (nothing if that Deployment is gone).
      if (!controllerRefOf(replicaSet, ['Deployment']))
        return { uid: replicaSet.metadata.uid!, scale: replicas(replicaSet) };
      const deployment = controllerOf(replicaSet, ['Deployment']);
      return deployment && { uid: deployment.metadata.uid!, scale: replicas(deployment) };
    }
    const other = controllerOf(pod, ['ReplicationController', 'StatefulSet']);
    return other ? { uid: other.metadata.uid!, scale: replicas(other) } : undefined;
  };
}

/** Brings every budget's status up to date; schedules a pass when an approved eviction's entry expires. */
export function syncDisruptionBudgets(client: ControllerClient, clock: KubeletClock, recorder: EventRecorder): void {
  const now = clock.now().getTime();
  const allPods = client.list(PODS);
  for (const pdb of client.list(PDBS)) {
    const pods = podsForBudget(pdb, allPods);
    const { disrupted, recheckAt, overdue } = disruptedPodMap(pdb, pods, now);
    let status: Json;
    const events: [KubeObject, 'Normal' | 'Warning', string, string][] = [];
    if (pods.length === 0) events.push([pdb, 'Normal', 'NoPods', 'No matching pods found']);
    for (const pod of overdue)
      events.push([
        pod,
        'Warning',
        'NotDeleted',
        `Pod was expected by PDB ${pdb.metadata.namespace}/${pdb.metadata.name} to be deleted but it wasn't`,
      ]);
    try {
      const counts = expectedPodCount(pdb, pods, controllerScales(client, pdb.metadata.namespace!));
      status = budgetStatus(pdb, { ...counts, currentHealthy: countHealthyPods(pods, disrupted, now) }, disrupted);
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      if (error instanceof NoControllersError) events.push([pdb, 'Warning', 'NoControllers', error.message]);
      // failSafe: nothing may be disrupted, and observedGeneration stays behind so evictions answer 429.
      status = { ...asJson(pdb.status), disruptionsAllowed: 0 };
    }
    if (recheckAt !== undefined) clock.dueAt(pdb.metadata.uid!, `disrupted/${recheckAt}`, recheckAt - now, false);
    if (isSameStatus(asJson(pdb.status), status)) continue;
    client.updateStatus(PDBS, { ...pdb, status });
    for (const [object, type, reason, message] of events) recorder.record(object, type, reason, message, SOURCE);
  }
}
