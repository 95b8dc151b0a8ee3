// kubectl's READY, STATUS and RESTARTS of a pod, ported once for both sides that show them: the
// pod tree's projection (src/kube/pod-summary.ts, on client-node's V1Pod or watch JSON) and the
// sandbox's `kubectl get pods` table (src/sandbox/printers/pods.ts, on its stored JSON).
// Port of printPod in kubernetes/kubernetes pkg/printers/internalversion/printers.go (v1.32.0):
// sidecar (restartable init) containers, Init:N/M, Init:<reason>, CrashLoopBackOff, Completed
// turned back into Running or NotReady, SchedulingGated, Terminating, and Unknown for a deleted
// pod whose node was lost. The types are structural: any pod-shaped value fits, and fields of the
// wrong JSON type count as absent, as Go's decoder would leave them at their zero value.

import { parseTime } from './kubectl-time';

export interface PodStatusContainerState {
  readonly running?: object | null;
  readonly waiting?: { readonly reason?: string } | null;
  readonly terminated?: {
    readonly reason?: string;
    readonly exitCode?: number;
    readonly signal?: number;
    readonly finishedAt?: string | Date | null;
  } | null;
}

export interface PodStatusContainerStatus {
  readonly name?: string;
  readonly ready?: boolean;
  readonly started?: boolean;
  readonly restartCount?: number;
  readonly state?: PodStatusContainerState | null;
  readonly lastState?: PodStatusContainerState | null;
}

/** The fields of a v1 Pod that printPod reads. */
export interface PodStatusInput {
  readonly metadata?: { readonly deletionTimestamp?: string | Date | null } | null;
  readonly spec?: {
    readonly containers?: readonly unknown[];
    readonly initContainers?: readonly { readonly name?: string; readonly restartPolicy?: string }[];
  } | null;
  readonly status?: {
    readonly phase?: string;
    readonly reason?: string;
    readonly conditions?: readonly { readonly type?: string; readonly status?: string; readonly reason?: string }[];
    readonly initContainerStatuses?: readonly PodStatusContainerStatus[];
    readonly containerStatuses?: readonly PodStatusContainerStatus[];
  } | null;
}

export interface PodStatusColumns {
  /** STATUS: Running, Completed, Init:0/1, Init:CrashLoopBackOff, CrashLoopBackOff, Terminating… */
  readonly status: string;
  /** READY is `readyContainers/totalContainers`; sidecars (restartable init containers) count. */
  readonly readyContainers: number;
  readonly totalContainers: number;
  readonly restarts: number;
  /** Epoch ms of the last container restart counted in `restarts`, for RESTARTS' "(5m ago)". */
  readonly lastRestartAt?: number;
}

/** Pod.Status.Reason the node lifecycle controller sets when a node stops answering. */
const NODE_UNREACHABLE_POD_REASON = 'NodeLost';

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const list = <T>(value: readonly T[] | undefined | null): readonly T[] => (Array.isArray(value) ? value : []);
const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

/** A wire timestamp (or client-node's Date) as epoch ms; Go's zero time is none. */
const epochMs = (value: unknown): number | undefined => parseTime(value instanceof Date ? value.toISOString() : value);

/** The later of two times; undefined is Go's zero time. */
function later(current: number | undefined, candidate: unknown): number | undefined {
  const time = epochMs(candidate);
  if (time === undefined) return current;
  return current === undefined || current < time ? time : current;
}

const lastFinished = (container: PodStatusContainerStatus): unknown =>
  isObject(container.lastState?.terminated) ? container.lastState.terminated.finishedAt : undefined;

function terminatedReason(terminated: NonNullable<PodStatusContainerState['terminated']>, prefix: string): string {
  const reason = text(terminated.reason);
  if (reason) return prefix + reason;
  const signal = count(terminated.signal);
  return signal !== 0 ? `${prefix}Signal:${signal}` : `${prefix}ExitCode:${count(terminated.exitCode)}`;
}

function isConditionTrue(status: NonNullable<PodStatusInput['status']>, type: string): boolean {
  return list(status.conditions).some((condition) => condition.type === type && condition.status === 'True');
}

/** READY, STATUS and RESTARTS as `kubectl get pods` prints them (printPod). */
export function podStatusColumns(pod: PodStatusInput): PodStatusColumns {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const initSpecs = list(spec.initContainers);
  const restartableInit = new Set(
    initSpecs.filter((container) => container.restartPolicy === 'Always').map((container) => text(container.name)),
  );
  const totalContainers =
    list(spec.containers).length + initSpecs.filter((container) => container.restartPolicy === 'Always').length;
  let readyContainers = 0;
  let restarts = 0;
  let restartableInitRestarts = 0;
  let lastRestartAt: number | undefined;
  let lastRestartableInitRestartAt: number | undefined;

  // The pod registry sets Pending on create, so a pod without a phase has not been seen by a kubelet.
  const phase = text(status.phase) || 'Pending';
  let reason = text(status.reason) || phase;
  for (const condition of list(status.conditions)) {
    if (condition.type === 'PodScheduled' && condition.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  let initializing = false;
  const initStatuses = list(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const container = initStatuses[i];
    const terminated = isObject(container.state?.terminated) ? container.state.terminated : undefined;
    const waiting = isObject(container.state?.waiting) ? container.state.waiting : undefined;
    const restartable = restartableInit.has(text(container.name));
    restarts += count(container.restartCount);
    lastRestartAt = later(lastRestartAt, lastFinished(container));
    if (restartable) {
      restartableInitRestarts += count(container.restartCount);
      lastRestartableInitRestartAt = later(lastRestartableInitRestartAt, lastFinished(container));
    }
    if (terminated && count(terminated.exitCode) === 0) continue;
    if (restartable && container.started === true) {
      if (container.ready === true) readyContainers++;
      continue;
    }
    // Initialization failed, waits for a reason, or is still under way.
    if (terminated) reason = terminatedReason(terminated, 'Init:');
    else if (waiting && text(waiting.reason) && waiting.reason !== 'PodInitializing')
      reason = `Init:${text(waiting.reason)}`;
    else reason = `Init:${i}/${initSpecs.length}`;
    initializing = true;
    break;
  }

  if (!initializing || isConditionTrue(status, 'Initialized')) {
    restarts = restartableInitRestarts;
    lastRestartAt = lastRestartableInitRestartAt;
    let hasRunning = false;
    const statuses = list(status.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const container = statuses[i];
      const state = container.state ?? {};
      restarts += count(container.restartCount);
      lastRestartAt = later(lastRestartAt, lastFinished(container));
      if (isObject(state.waiting) && text(state.waiting.reason)) reason = text(state.waiting.reason);
      else if (isObject(state.terminated)) reason = terminatedReason(state.terminated, '');
      else if (container.ready === true && isObject(state.running)) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // Back to Running when a container still runs (kubectl's own correction).
    if (reason === 'Completed' && hasRunning) reason = isConditionTrue(status, 'Ready') ? 'Running' : 'NotReady';
  }

  const deleting = pod.metadata?.deletionTimestamp !== undefined && pod.metadata?.deletionTimestamp !== null;
  if (deleting && status.reason === NODE_UNREACHABLE_POD_REASON) reason = 'Unknown';
  else if (deleting && phase !== 'Failed' && phase !== 'Succeeded') reason = 'Terminating';
  return {
    status: reason,
    readyContainers,
    totalContainers,
    restarts,
    ...(lastRestartAt === undefined ? {} : { lastRestartAt }),
  };
}
