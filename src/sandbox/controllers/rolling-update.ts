// The arithmetic of a Deployment's rolling update, pure so it can be tested on its own: how far
// maxSurge and maxUnavailable let the new ReplicaSet grow and the old ones shrink in one sync.
// Ported from kubernetes v1.13 pkg/controller/deployment/rolling.go and
// pkg/controller/deployment/util/deployment_util.go (ResolveFenceposts, NewRSNewReplicas,
// MaxUnavailable, MaxSurge) and apimachinery's intstr.GetValueFromIntOrPercent.

/** An `intstr.IntOrString` as stored: a number or a percentage such as `25%`. */
export type IntOrPercent = number | string | undefined;

/** intstr.GetValueFromIntOrPercent: a percentage of `total`, rounded up or down; a plain number as is. */
export function valueFromIntOrPercent(value: IntOrPercent, total: number, roundUp: boolean): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const match = /^(-?\d+)%$/.exec(value);
  if (!match) return Number.isInteger(Number(value)) ? Number(value) : 0;
  const scaled = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

export interface Fenceposts {
  readonly surge: number;
  readonly unavailable: number;
}

/**
 * ResolveFenceposts: surge rounds up, unavailable rounds down, and both 0 would never make
 * progress, so unavailable becomes 1 (validation refuses both 0 written as such).
 */
export function resolveFenceposts(maxSurge: IntOrPercent, maxUnavailable: IntOrPercent, desired: number): Fenceposts {
  const surge = valueFromIntOrPercent(maxSurge, desired, true);
  const unavailable = valueFromIntOrPercent(maxUnavailable, desired, false);
  return { surge, unavailable: surge === 0 && unavailable === 0 ? 1 : unavailable };
}

/** What the rolling arithmetic needs of a Deployment. */
export interface RollingSpec {
  readonly replicas: number;
  /** `RollingUpdate` or `Recreate`. */
  readonly strategy: string;
  readonly maxSurge?: IntOrPercent;
  readonly maxUnavailable?: IntOrPercent;
}

/** deploymentutil.MaxUnavailable: 0 unless rolling, never more than the desired replicas. */
export function maxUnavailable(spec: RollingSpec): number {
  if (spec.strategy !== 'RollingUpdate' || spec.replicas === 0) return 0;
  return Math.min(resolveFenceposts(spec.maxSurge, spec.maxUnavailable, spec.replicas).unavailable, spec.replicas);
}

/** deploymentutil.MaxSurge: 0 unless rolling. */
export function maxSurge(spec: RollingSpec): number {
  if (spec.strategy !== 'RollingUpdate') return 0;
  return resolveFenceposts(spec.maxSurge, spec.maxUnavailable, spec.replicas).surge;
}

/** A ReplicaSet as the arithmetic sees it: `spec.replicas` and `status.availableReplicas`. */
export interface ReplicaCounts {
  readonly replicas: number;
  readonly available: number;
}

const sum = (sets: readonly ReplicaCounts[], field: keyof ReplicaCounts): number =>
  sets.reduce((total, set) => total + set[field], 0);

/**
 * deploymentutil.NewRSNewReplicas (and reconcileNewReplicaSet's scale-down): the new ReplicaSet's
 * size after this sync. Rolling: grow while all ReplicaSets together stay within replicas + surge.
 * Recreate: the full size at once.
 */
export function newReplicaSetReplicas(spec: RollingSpec, newReplicas: number, all: readonly ReplicaCounts[]): number {
  if (spec.strategy !== 'RollingUpdate' || newReplicas >= spec.replicas) return spec.replicas;
  const maxTotal = spec.replicas + maxSurge(spec);
  const current = sum(all, 'replicas');
  if (current >= maxTotal) return newReplicas;
  return newReplicas + Math.min(maxTotal - current, spec.replicas - newReplicas);
}

/**
 * reconcileOldReplicaSets: the old ReplicaSets' sizes after this sync (same order as `old`, which
 * is oldest first). Unhealthy replicas go first (cleanupUnhealthyReplicas), then available ones
 * while at least replicas − maxUnavailable stay available (scaleDownOldReplicaSetsForRollingUpdate).
 */
export function oldReplicaSetReplicas(
  spec: RollingSpec,
  newSet: ReplicaCounts,
  old: readonly ReplicaCounts[],
): number[] {
  const sizes = old.map((set) => set.replicas);
  if (sum(old, 'replicas') === 0) return sizes;
  const minAvailable = spec.replicas - maxUnavailable(spec);
  const newUnavailable = newSet.replicas - newSet.available;
  const maxScaledDown = sum(old, 'replicas') + newSet.replicas - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return sizes;
  let cleaned = 0;
  old.forEach((set, i) => {
    if (cleaned >= maxScaledDown || sizes[i] === 0 || sizes[i] === set.available) return;
    const count = Math.min(maxScaledDown - cleaned, sizes[i] - set.available);
    sizes[i] -= count;
    cleaned += count;
  });
  // Upstream reads the available counts from the ReplicaSets' status, which the cleanup has not changed.
  const available = sum(old, 'available') + newSet.available;
  if (available <= minAvailable) return sizes;
  const toScaleDown = available - minAvailable;
  let scaled = 0;
  sizes.forEach((size, i) => {
    if (scaled >= toScaleDown || size === 0) return;
    const count = Math.min(size, toScaleDown - scaled);
    sizes[i] -= count;
    scaled += count;
  });
  return sizes;
}
