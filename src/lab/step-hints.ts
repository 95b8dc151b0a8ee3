// Why a lab step is not done yet ("not yet" hints), as codes with parameters that src/ui words.
// The checks that tick the steps from the cluster (the install and the control plane coming up)
// return their hint with their status, so the tick and the hint come from the same look; the
// other steps' hints follow from the states of the steps they need.
import type { StepHint, StepState, StepStatus } from './lab-progress';
import type { LabStepId } from './steps';

export type { StepHint } from './lab-progress';

/** A step's state as a check finds it: the status that ticks it, and why it is not done. */
export interface StepCheck {
  readonly status: StepStatus;
  readonly hint?: StepHint;
}

/** The pod fields the checks read (a subset of V1Pod). */
export interface HintPod {
  readonly metadata?: {
    readonly name?: string;
    readonly creationTimestamp?: Date | string;
    readonly ownerReferences?: readonly { readonly kind?: string; readonly name?: string }[];
  };
  readonly status?: {
    readonly phase?: string;
    readonly conditions?: readonly { readonly type?: string; readonly status?: string }[];
    readonly containerStatuses?: readonly {
      readonly state?: {
        readonly waiting?: { readonly reason?: string };
        readonly terminated?: { readonly reason?: string };
      };
    }[];
  };
}

const isReady = (pod: HintPod) =>
  pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
const isDone = (pod: HintPod) => pod.status?.phase === 'Succeeded';

/** The Deployment or Job a pod belongs to: a ReplicaSet's name without its pod-template hash. */
export function workloadOf(pod: HintPod): string {
  const owner = pod.metadata?.ownerReferences?.[0];
  if (owner?.name && owner.kind === 'ReplicaSet') return owner.name.replace(/-[a-z0-9]+$/, '');
  return owner?.name ?? pod.metadata?.name ?? '';
}

/** Why a pod is not ready, as kubectl's STATUS column would say it. */
function waitReason(pod: HintPod): string | undefined {
  for (const status of pod.status?.containerStatuses ?? []) {
    const reason = status.state?.waiting?.reason ?? status.state?.terminated?.reason;
    if (reason) return reason;
  }
  return pod.status?.phase;
}

/**
 * "Watch the control plane come up": done once every pod of the Istio namespace is ready (or its
 * job completed); otherwise how many are, and which pod waits for what (the oldest waiting one).
 */
export function checkControlPlane(pods: readonly HintPod[]): StepCheck {
  if (pods.length === 0) return { status: 'todo', hint: { code: 'needs-step', step: 'install' } };
  const waiting = pods.filter((pod) => !isReady(pod) && !isDone(pod));
  if (waiting.length === 0) return { status: 'done' };
  const created = (pod: HintPod) => {
    const at = pod.metadata?.creationTimestamp;
    return at === undefined ? undefined : new Date(at).getTime();
  };
  const first = [...waiting].sort((a, b) => (created(a) ?? Infinity) - (created(b) ?? Infinity))[0];
  const since = created(first);
  const reason = waitReason(first);
  return {
    status: 'todo',
    hint: {
      code: 'pods-not-ready',
      ready: pods.length - waiting.length,
      total: pods.length,
      waitingFor: workloadOf(first),
      ...(reason ? { reason } : {}),
      ...(since !== undefined && Number.isFinite(since) ? { since } : {}),
    },
  };
}

/**
 * "Install the demo profile": done once the release's pods exist; interrupted when some of the
 * release's objects exist but no pod does (a window reload in the middle of the install).
 */
export function checkInstall(
  podCount: number,
  objects?: { readonly present: number; readonly total: number },
): StepCheck {
  if (podCount > 0) return { status: 'done' };
  if (objects && objects.present > 0)
    return { status: 'failed', hint: { code: 'install-interrupted', present: objects.present, total: objects.total } };
  return { status: 'todo', hint: { code: 'not-installed' } };
}

type States = (id: LabStepId) => StepState;

/** The first of `needed` that is not done (a warning counts as done), as a hint to do it first. */
function needs(states: States, ...needed: LabStepId[]): StepHint | undefined {
  const missing = needed.find((id) => states(id).status !== 'done' && states(id).status !== 'warning');
  return missing ? { code: 'needs-step', step: missing } : undefined;
}

/**
 * Why a step is not done: the hint its check recorded, else what its state and the steps before
 * it say. Undefined for a step that is done.
 */
export function stepHint(id: LabStepId, states: States): StepHint | undefined {
  const state = states(id);
  if (state.status === 'done') return undefined;
  if (state.hint) return state.hint;
  const { status } = state;
  switch (id) {
    case 'cluster':
      return status === 'failed' ? { code: 'cluster-unreachable' } : { code: 'no-cluster' };
    case 'download':
      return status === 'warning' ? { code: 'checksum-not-verified' } : { code: 'not-downloaded' };
    case 'verify':
      if (status === 'failed') return { code: 'precheck-blocked' };
      if (status === 'warning') return { code: 'precheck-warnings' };
      return needs(states, 'cluster') ?? { code: 'precheck-not-run' };
    case 'install':
      if (status === 'failed') return { code: 'install-failed' };
      return needs(states, 'cluster', 'download') ?? { code: 'not-installed' };
    case 'watch':
      return needs(states, 'install') ?? { code: 'control-plane-not-ready' };
    case 'sample-app':
      return needs(states, 'watch') ?? { code: 'sample-app-not-deployed' };
    case 'architecture':
      return { code: 'guide-not-read' };
    case 'registry':
      return needs(states, 'watch') ?? { code: 'registry-not-opened' };
  }
}
