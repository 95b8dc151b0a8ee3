// The status a Deployment reports for its ReplicaSets: counts, the Available condition and the
// Progressing condition's reasons as kubectl reads them (`rollout status`, `describe`). Ported from
// kubernetes v1.13 pkg/controller/deployment/sync.go (calculateStatus, checkPausedConditions),
// progress.go (syncRolloutStatus) and util/deployment_util.go (SetDeploymentCondition,
// DeploymentComplete, DeploymentProgressing).
import type { KubeObject } from '../apimachinery/kube-object';
import type { Json } from '../apimachinery/objects';
import { asJson, asList } from '../apimachinery/objects';
import type { RollingSpec } from './rolling-update';
import { maxUnavailable } from './rolling-update';

/** progressDeadlineSeconds' "no deadline" (extensions/v1beta1's default): no Progressing condition. */
const MAX_INT32 = 2147483647;

export const replicasOf = (rs: KubeObject | undefined): number => Number(asJson(rs?.spec).replicas ?? 0);
const statusOf = (rs: KubeObject | undefined, field: string): number => Number(asJson(rs?.status)[field] ?? 0);

export function rollingSpecOf(deployment: KubeObject): RollingSpec {
  const spec = asJson(deployment.spec);
  const strategy = asJson(spec.strategy);
  const rolling = asJson(strategy.rollingUpdate);
  return {
    replicas: Number(spec.replicas ?? 1),
    strategy: String(strategy.type ?? 'RollingUpdate'),
    // apps/v1's defaults, for an object that was never defaulted.
    maxSurge: (rolling.maxSurge ?? '25%') as RollingSpec['maxSurge'],
    maxUnavailable: (rolling.maxUnavailable ?? '25%') as RollingSpec['maxUnavailable'],
  };
}

/** deploymentutil.HasProgressDeadline. */
export function hasProgressDeadline(deployment: KubeObject): boolean {
  const seconds = asJson(deployment.spec).progressDeadlineSeconds;
  return seconds !== undefined && Number(seconds) !== MAX_INT32;
}

export function newCondition(
  type: string,
  status: 'True' | 'False' | 'Unknown',
  reason: string,
  message: string,
  time: string,
): Json {
  return { type, status, lastUpdateTime: time, lastTransitionTime: time, reason, message };
}

/**
 * SetDeploymentCondition: a condition with the same status and reason is left as it was; a change
 * of reason keeps the transition time; the condition moves to the end of the list.
 */
export function setCondition(conditions: readonly Json[], next: Json): Json[] {
  const current = conditions.find((entry) => entry.type === next.type);
  if (current && current.status === next.status && current.reason === next.reason) return [...conditions];
  const condition =
    current && current.status === next.status ? { ...next, lastTransitionTime: current.lastTransitionTime } : next;
  return [...conditions.filter((entry) => entry.type !== next.type), condition];
}

/** checkPausedConditions: Progressing Unknown while paused (DeploymentPaused), then DeploymentResumed. */
export function pausedConditions(deployment: KubeObject, conditions: readonly Json[], time: string): Json[] {
  if (!hasProgressDeadline(deployment)) return [...conditions];
  const current = conditions.find((entry) => entry.type === 'Progressing');
  if (current?.reason === 'ProgressDeadlineExceeded') return [...conditions];
  const isPausedRecorded = current?.reason === 'DeploymentPaused';
  const isPaused = asJson(deployment.spec).paused === true;
  if (isPaused && !isPausedRecorded)
    return setCondition(
      conditions,
      newCondition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused', time),
    );
  if (!isPaused && isPausedRecorded)
    return setCondition(
      conditions,
      newCondition('Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed', time),
    );
  return [...conditions];
}

/** What a Deployment's status is worked out from: sync.go's arguments to calculateStatus. */
export interface StatusInput {
  readonly deployment: KubeObject;
  /** The ReplicaSet whose template is the Deployment's, if there is one yet. */
  readonly newRs: KubeObject | undefined;
  /** Every ReplicaSet the Deployment controls, the new one included. */
  readonly replicaSets: readonly KubeObject[];
  /** The conditions to start from: the stored ones, or those this sync already changed. */
  readonly conditions: readonly Json[];
  readonly time: string;
}

/** calculateStatus: the counts over all ReplicaSets and the Available condition. */
export function calculateStatus({ deployment, newRs, replicaSets, conditions, time }: StatusInput): Json {
  const spec = rollingSpecOf(deployment);
  const sum = (read: (rs: KubeObject) => number) => replicaSets.reduce((total, rs) => total + read(rs), 0);
  const available = sum((rs) => statusOf(rs, 'availableReplicas'));
  const unavailable = Math.max(0, sum(replicasOf) - available);
  const isAvailable = available >= spec.replicas - maxUnavailable(spec);
  const next = isAvailable
    ? newCondition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', time)
    : newCondition(
        'Available',
        'False',
        'MinimumReplicasUnavailable',
        'Deployment does not have minimum availability.',
        time,
      );
  // DeploymentStatus' fields are all omitempty but observedGeneration.
  const status: Json = { observedGeneration: deployment.metadata.generation };
  const counts: [string, number][] = [
    ['replicas', sum((rs) => statusOf(rs, 'replicas'))],
    ['updatedReplicas', statusOf(newRs, 'replicas')],
    ['readyReplicas', sum((rs) => statusOf(rs, 'readyReplicas'))],
    ['availableReplicas', available],
    ['unavailableReplicas', unavailable],
  ];
  for (const [field, count] of counts) if (count > 0) status[field] = count;
  status.conditions = setCondition(conditions, next);
  const collisionCount = asJson(deployment.status).collisionCount;
  if (collisionCount !== undefined) status.collisionCount = collisionCount;
  return status;
}

const count = (status: Json, field: string): number => Number(status[field] ?? 0);

/** DeploymentComplete: every desired replica updated and available, nothing old left. */
export function isDeploymentComplete(deployment: KubeObject, status: Json): boolean {
  const desired = rollingSpecOf(deployment).replicas;
  return (
    count(status, 'updatedReplicas') === desired &&
    count(status, 'replicas') === desired &&
    count(status, 'availableReplicas') === desired &&
    count(status, 'observedGeneration') >= Number(deployment.metadata.generation ?? 0)
  );
}

/** DeploymentProgressing: more updated, ready or available replicas, or fewer old ones, than last written. */
function isProgressing(previous: Json, next: Json): boolean {
  const old = (status: Json) => count(status, 'replicas') - count(status, 'updatedReplicas');
  return (
    count(next, 'updatedReplicas') > count(previous, 'updatedReplicas') ||
    old(next) < old(previous) ||
    count(next, 'readyReplicas') > count(previous, 'readyReplicas') ||
    count(next, 'availableReplicas') > count(previous, 'availableReplicas')
  );
}

/**
 * syncRolloutStatus: calculateStatus, then Progressing as progress was made (ReplicaSetUpdated,
 * its lastUpdateTime renewed) or the rollout completed (NewReplicaSetAvailable). The progress
 * deadline itself is not timed (ProgressDeadlineExceeded never appears).
 */
export function rolloutStatus(input: StatusInput): Json {
  const { deployment, newRs, conditions, time } = input;
  const status = calculateStatus(input);
  let next = asList(status.conditions);
  if (!hasProgressDeadline(deployment)) next = next.filter((entry) => entry.type !== 'Progressing');
  const current = conditions.find((entry) => entry.type === 'Progressing');
  const isCompleteRecorded =
    count(status, 'replicas') === count(status, 'updatedReplicas') && current?.reason === 'NewReplicaSetAvailable';
  if (hasProgressDeadline(deployment) && !isCompleteRecorded) {
    const kind = newRs ? `ReplicaSet "${newRs.metadata.name}"` : `Deployment "${deployment.metadata.name}"`;
    if (isDeploymentComplete(deployment, status)) {
      next = setCondition(
        next,
        newCondition('Progressing', 'True', 'NewReplicaSetAvailable', `${kind} has successfully progressed.`, time),
      );
    } else if (isProgressing(asJson(deployment.status), status)) {
      const updated = newCondition('Progressing', 'True', 'ReplicaSetUpdated', `${kind} is progressing.`, time);
      if (current?.status === 'True') updated.lastTransitionTime = current.lastTransitionTime;
      next = [...next.filter((entry) => entry.type !== 'Progressing'), updated];
    }
  }
  status.conditions = next;
  return status;
}

/** The status of a Deployment whose stored conditions are kept as the starting point (tests, resyncs). */
export function deploymentStatus(
  deployment: KubeObject,
  newRs: KubeObject | undefined,
  replicaSets: readonly KubeObject[],
  time: string,
): Json {
  return rolloutStatus({
    deployment,
    newRs,
    replicaSets,
    conditions: asList(asJson(deployment.status).conditions),
    time,
  });
}
