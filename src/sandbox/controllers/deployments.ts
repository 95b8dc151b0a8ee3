// The Deployment controller: finds or creates the ReplicaSet of the current pod template (reusing
// an old one with an equal template, so `rollout undo` collapses revisions), steps a rolling update
// within maxSurge/maxUnavailable or recreates, holds still while paused, numbers revisions, copies
// annotations such as kubernetes.io/change-cause, and deletes history beyond revisionHistoryLimit.
// Ported from kubernetes v1.13 pkg/controller/deployment/{deployment_controller.go, sync.go,
// rolling.go, recreate.go} and util/deployment_util.go; cited per function.
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../apimachinery/kube-object';
import type { Json } from '../apimachinery/objects';
import { asJson, asList, controllerRef, isControlledBy, isPodTerminated } from '../apimachinery/objects';
import type { ControllerClient } from '../client/client';
import { DEPLOYMENTS, PODS, REPLICA_SETS } from '../client/client';
import {
  calculateStatus,
  isDeploymentComplete,
  newCondition,
  pausedConditions,
  replicasOf,
  rolloutStatus,
  rollingSpecOf,
  setCondition,
  hasProgressDeadline,
} from './deployment-status';
import { podTemplateHash } from './naming';
import type { RollingSpec } from './rolling-update';
import { maxSurge, newReplicaSetReplicas, oldReplicaSetReplicas } from './rolling-update';
import type { Reporter, WorkloadPass } from './workloads';
import { each, writeStatus } from './workloads';

const REVISION = 'deployment.kubernetes.io/revision';
const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
const HASH_LABEL = 'pod-template-hash';

/** deploymentutil's skipCopyAnnotation: what a Deployment's annotations never pass to its ReplicaSets. */
const NOT_COPIED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  REVISION_HISTORY,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  'deprecated.deployment.rollback.to',
]);

const SOURCE = { component: 'deployment-controller' };

/** One sync of one Deployment: what it read, and the conditions it is building up. */
interface Rollout {
  readonly client: ControllerClient;
  readonly reporter: Reporter;
  readonly time: string;
  readonly spec: RollingSpec;
  deployment: KubeObject;
  conditions: Json[];
}

const revisionOf = (rs: KubeObject): number => Number(rs.metadata.annotations?.[REVISION] ?? 0) || 0;
const byCreation = (a: KubeObject, b: KubeObject): number =>
  String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? '')) ||
  String(a.metadata.name).localeCompare(String(b.metadata.name));

/** The template without the pod-template-hash label, as EqualIgnoreHash compares it. */
function templateIgnoringHash(template: unknown): Json {
  const copy = structuredClone(asJson(template));
  const labels = asJson(asJson(copy.metadata).labels);
  delete labels[HASH_LABEL];
  return copy;
}

/** deploymentutil.FindNewReplicaSet: the oldest ReplicaSet whose template equals the Deployment's. */
export function findNewReplicaSet(deployment: KubeObject, replicaSets: readonly KubeObject[]): KubeObject | undefined {
  const wanted = templateIgnoringHash(asJson(deployment.spec).template);
  return [...replicaSets]
    .sort(byCreation)
    .find((rs) => isDeepStrictEqual(templateIgnoringHash(asJson(rs.spec).template), wanted));
}

/** copyDeploymentAnnotationsToReplicaSet, SetNewReplicaSetAnnotations' revision bump and history. */
function newReplicaSetAnnotations(
  deployment: KubeObject,
  current: Record<string, string>,
  revision: number,
): Record<string, string> {
  const annotations = { ...current };
  for (const [key, value] of Object.entries(deployment.metadata.annotations ?? {}))
    if (!NOT_COPIED.has(key)) annotations[key] = value;
  const previous = current[REVISION];
  if (!previous || Number(previous) < revision) {
    annotations[REVISION] = String(revision);
    if (previous)
      annotations[REVISION_HISTORY] = current[REVISION_HISTORY] ? `${current[REVISION_HISTORY]},${previous}` : previous;
  }
  return annotations;
}

/** SetReplicasAnnotations: the size the Deployment wanted when it last scaled this ReplicaSet. */
function replicasAnnotations(rollout: Rollout): Record<string, string> {
  return {
    [DESIRED_REPLICAS]: String(rollout.spec.replicas),
    [MAX_REPLICAS]: String(rollout.spec.replicas + maxSurge(rollout.spec)),
  };
}

/** SetDeploymentRevision, written at once (upstream writes it with the status). */
function setDeploymentRevision(rollout: Rollout, revision: string): void {
  const { deployment } = rollout;
  if (deployment.metadata.annotations?.[REVISION] === revision) return;
  rollout.deployment = rollout.client.update(DEPLOYMENTS, {
    ...deployment,
    metadata: { ...deployment.metadata, annotations: { ...deployment.metadata.annotations, [REVISION]: revision } },
  });
}

/** dc.scaleReplicaSet: size and replicas annotations in one write, an event when the size changed. */
function scaleReplicaSet(rollout: Rollout, rs: KubeObject, size: number): KubeObject {
  const annotations = { ...rs.metadata.annotations, ...replicasAnnotations(rollout) };
  const from = replicasOf(rs);
  if (from === size && isDeepStrictEqual(annotations, rs.metadata.annotations ?? {})) return rs;
  const scaled = rollout.client.update(REPLICA_SETS, {
    ...rs,
    metadata: { ...rs.metadata, annotations },
    spec: { ...asJson(rs.spec), replicas: size },
  });
  if (from !== size) {
    const { recorder, messages } = rollout.reporter;
    const message =
      size > from
        ? messages.scaledUp(rs.metadata.name!, size, from)
        : messages.scaledDown(rs.metadata.name!, size, from);
    recorder.record(rollout.deployment, 'Normal', 'ScalingReplicaSet', message, SOURCE);
  }
  return scaled;
}

/**
 * dc.getNewReplicaSet: the existing new ReplicaSet with its annotations brought up to date and a
 * revision above every old one, or (when `create`) a new one named `<deployment>-<hash>`.
 */
function getNewReplicaSet(
  rollout: Rollout,
  existing: KubeObject | undefined,
  old: readonly KubeObject[],
  create: boolean,
): KubeObject | undefined {
  const { client, deployment } = rollout;
  const revision = Math.max(0, ...old.map(revisionOf)) + 1;
  if (existing) {
    const annotations = newReplicaSetAnnotations(deployment, existing.metadata.annotations ?? {}, revision);
    const rs = isDeepStrictEqual(annotations, existing.metadata.annotations ?? {})
      ? existing
      : client.update(REPLICA_SETS, { ...existing, metadata: { ...existing.metadata, annotations } });
    setDeploymentRevision(rollout, String(revisionOf(rs)));
    if (hasProgressDeadline(deployment) && !rollout.conditions.some((entry) => entry.type === 'Progressing')) {
      rollout.conditions = setCondition(
        rollout.conditions,
        newCondition(
          'Progressing',
          'True',
          'FoundNewReplicaSet',
          `Found new replica set "${rs.metadata.name}"`,
          rollout.time,
        ),
      );
    }
    return rs;
  }
  if (!create) return undefined;
  const spec = asJson(deployment.spec);
  const template = asJson(spec.template);
  const hash = podTemplateHash(template, Number(asJson(deployment.status).collisionCount ?? 0));
  const templateMeta = asJson(template.metadata);
  const labels = { ...(templateMeta.labels as Record<string, string> | undefined), [HASH_LABEL]: hash };
  const selector = asJson(spec.selector);
  const replicas = newReplicaSetReplicas(
    rollout.spec,
    0,
    old.map((rs) => ({ replicas: replicasOf(rs), available: 0 })),
  );
  const created = client.create(REPLICA_SETS, {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${deployment.metadata.name}-${hash}`,
      namespace: deployment.metadata.namespace,
      labels,
      annotations: { ...newReplicaSetAnnotations(deployment, {}, revision), ...replicasAnnotations(rollout) },
      ownerReferences: [controllerRef(deployment)],
    },
    spec: {
      replicas,
      ...(Number(spec.minReadySeconds ?? 0) > 0 ? { minReadySeconds: spec.minReadySeconds } : {}),
      selector: { ...selector, matchLabels: { ...asJson(selector.matchLabels), [HASH_LABEL]: hash } },
      template: { ...template, metadata: { ...templateMeta, labels } },
    },
  });
  if (replicas > 0)
    rollout.reporter.recorder.record(
      deployment,
      'Normal',
      'ScalingReplicaSet',
      rollout.reporter.messages.scaledUp(created.metadata.name!, replicas, 0),
      SOURCE,
    );
  setDeploymentRevision(rollout, String(revision));
  if (hasProgressDeadline(deployment)) {
    rollout.conditions = setCondition(
      rollout.conditions,
      newCondition(
        'Progressing',
        'True',
        'NewReplicaSetCreated',
        `Created new replica set "${created.metadata.name}"`,
        rollout.time,
      ),
    );
  }
  return created;
}

/**
 * dc.cleanupDeployment: old ReplicaSets beyond revisionHistoryLimit, oldest first (v1.13 sorts by
 * creation), only those scaled to 0 with no pods left. No limit (extensions/v1beta1) keeps all.
 */
function cleanupDeployment(rollout: Rollout, old: readonly KubeObject[]): void {
  const limit = asJson(rollout.deployment.spec).revisionHistoryLimit;
  if (limit === undefined || limit === null) return;
  const cleanable = old.filter((rs) => !rs.metadata.deletionTimestamp).sort(byCreation);
  const surplus = cleanable.length - Number(limit);
  for (const rs of cleanable.slice(0, Math.max(0, surplus))) {
    if (
      Number(asJson(rs.status).replicas ?? 0) !== 0 ||
      replicasOf(rs) !== 0 ||
      Number(rs.metadata.generation ?? 0) > Number(asJson(rs.status).observedGeneration ?? 0)
    )
      continue;
    rollout.client.delete(REPLICA_SETS, rs);
  }
}

/**
 * dc.scale, for a paused Deployment: the one active ReplicaSet (or the newest) follows `replicas`;
 * a saturated new ReplicaSet scales the old ones to 0. Proportional scaling of several active
 * ReplicaSets is not simulated.
 */
function scale(rollout: Rollout, newRs: KubeObject | undefined, old: KubeObject[]): void {
  const candidates = [...old].sort(byCreation).reverse();
  const active = [...candidates, ...(newRs ? [newRs] : [])].filter((rs) => replicasOf(rs) > 0);
  const target = active.length === 1 ? active[0] : active.length === 0 ? (newRs ?? candidates[0]) : undefined;
  if (target && replicasOf(target) !== rollout.spec.replicas) {
    scaleReplicaSet(rollout, target, rollout.spec.replicas);
    return;
  }
  const isSaturated =
    newRs &&
    replicasOf(newRs) === rollout.spec.replicas &&
    Number(asJson(newRs.status).availableReplicas ?? 0) === rollout.spec.replicas;
  if (isSaturated) for (const rs of old) if (replicasOf(rs) > 0) scaleReplicaSet(rollout, rs, 0);
}

/** dc.rolloutRolling: grow the new ReplicaSet, else shrink the old ones, one step per sync. */
function rolloutRolling(rollout: Rollout, existing: KubeObject | undefined, old: KubeObject[]): KubeObject | undefined {
  const newRs = getNewReplicaSet(rollout, existing, old, true)!;
  const counts = (rs: KubeObject) => ({
    replicas: replicasOf(rs),
    available: Number(asJson(rs.status).availableReplicas ?? 0),
  });
  const target = newReplicaSetReplicas(rollout.spec, replicasOf(newRs), [newRs, ...old].map(counts));
  if (target !== replicasOf(newRs)) return scaleReplicaSet(rollout, newRs, target);
  const active = old.filter((rs) => replicasOf(rs) > 0).sort(byCreation);
  const sizes = oldReplicaSetReplicas(rollout.spec, counts(newRs), active.map(counts));
  let isScaledDown = false;
  active.forEach((rs, i) => {
    if (sizes[i] === replicasOf(rs)) return;
    scaleReplicaSet(rollout, rs, sizes[i]);
    isScaledDown = true;
  });
  if (!isScaledDown && isDeploymentComplete(rollout.deployment, asJson(rollout.deployment.status)))
    cleanupDeployment(rollout, old);
  return newRs;
}

/** recreate.go oldPodsRunning: an old ReplicaSet still reports pods, or one of its pods has not ended. */
function isOldPodRunning(client: ControllerClient, deployment: KubeObject, old: readonly KubeObject[]): boolean {
  if (old.some((rs) => Number(asJson(rs.status).replicas ?? 0) > 0)) return true;
  return client
    .list(PODS, deployment.metadata.namespace)
    .some((pod) => old.some((rs) => isControlledBy(pod, rs)) && !isPodTerminated(pod));
}

/** dc.rolloutRecreate: every old pod gone before the new ReplicaSet is created at full size. */
function rolloutRecreate(
  rollout: Rollout,
  existing: KubeObject | undefined,
  old: KubeObject[],
): KubeObject | undefined {
  let newRs = getNewReplicaSet(rollout, existing, old, false);
  let isScaledDown = false;
  for (const rs of old) {
    if (replicasOf(rs) === 0) continue;
    scaleReplicaSet(rollout, rs, 0);
    isScaledDown = true;
  }
  if (isScaledDown || isOldPodRunning(rollout.client, rollout.deployment, old)) return newRs;
  newRs = scaleReplicaSet(rollout, newRs ?? getNewReplicaSet(rollout, undefined, old, true)!, rollout.spec.replicas);
  if (isDeploymentComplete(rollout.deployment, asJson(rollout.deployment.status))) cleanupDeployment(rollout, old);
  return newRs;
}

/** dc.syncDeployment: paused conditions, then sync (paused) or a rollout by strategy, then status. */
function syncDeployment(client: ControllerClient, deployment: KubeObject, time: string, reporter: Reporter): void {
  const rollout: Rollout = { client, reporter, time, deployment, spec: rollingSpecOf(deployment), conditions: [] };
  rollout.conditions = pausedConditions(deployment, asList(asJson(deployment.status).conditions), time);
  const owned = client.list(REPLICA_SETS, deployment.metadata.namespace).filter((rs) => isControlledBy(rs, deployment));
  const existing = findNewReplicaSet(deployment, owned);
  const old = owned.filter((rs) => rs !== existing);
  let newRs: KubeObject | undefined;
  const isPaused = asJson(deployment.spec).paused === true;
  if (isPaused) {
    newRs = getNewReplicaSet(rollout, existing, old, false);
    scale(rollout, newRs, old);
    cleanupDeployment(rollout, old);
  } else if (rollout.spec.strategy === 'Recreate') {
    newRs = rolloutRecreate(rollout, existing, old);
  } else {
    newRs = rolloutRolling(rollout, existing, old);
  }
  const replicaSets = client
    .list(REPLICA_SETS, deployment.metadata.namespace)
    .filter((rs) => isControlledBy(rs, deployment));
  const current = newRs && replicaSets.find((rs) => rs.metadata.uid === newRs.metadata.uid);
  const input = { deployment: rollout.deployment, newRs: current, replicaSets, conditions: rollout.conditions, time };
  const status = isPaused ? calculateStatus(input) : rolloutStatus(input);
  writeStatus(client, DEPLOYMENTS, rollout.deployment, status);
}

export function syncDeployments({ client, time, onError, reporter }: WorkloadPass): void {
  each(client.list(DEPLOYMENTS), (deployment) => syncDeployment(client, deployment, time, reporter), onError);
}
