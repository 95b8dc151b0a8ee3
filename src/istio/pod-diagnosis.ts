// Why a pod is in trouble and what fixes it, as codes and data (src/ui words them in English and
// Korean): the failures people meet installing Istio — no room on the nodes (FailedScheduling),
// images that do not pull, crash loops, readiness that never comes, a sidecar left without config.
import type { ContainerSummary, PodSummary } from '../kube/pod-summary';
import { isBookinfoPod } from './data-plane';

/** How a pod row looks: its icon and colour. */
export type PodHealth = 'ready' | 'progressing' | 'completed' | 'failing' | 'terminating';

/** A Kubernetes Event about the pod (what `kubectl describe pod` lists at the end). */
export interface PodEvent {
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  readonly count?: number;
  /** Epoch milliseconds of the last time it happened. */
  readonly lastSeen?: number;
}

export type PodProblem =
  /** The scheduler found no node with room: `0/3 nodes are available: 3 Insufficient cpu.` */
  | { readonly code: 'unschedulable'; readonly insufficient: readonly string[]; readonly message?: string }
  | {
      readonly code: 'imagePull';
      readonly container: string;
      readonly image: string;
      readonly reason: string;
      readonly message?: string;
    }
  | {
      readonly code: 'crashLoop';
      readonly container: string;
      readonly restarts: number;
      readonly lastReason?: string;
      readonly exitCode?: number;
    }
  /** Running, but a readiness probe keeps failing. */
  | { readonly code: 'notReady'; readonly containers: readonly string[]; readonly message?: string }
  /** The istio-proxy sidecar runs but is not ready: it has not received its configuration from Pilot/istiod. */
  | { readonly code: 'proxyNotReady' }
  /** Injection was asked for, and the pod has no sidecar: it was created while the injector was not answering. */
  | { readonly code: 'sidecarNotInjected' }
  /** A Bookinfo pod running 1/1 without istio-proxy: its namespace was not labelled `istio-injection=enabled` when it was created. */
  | { readonly code: 'namespaceNotLabelled'; readonly namespace: string }
  | { readonly code: 'failed'; readonly reason?: string; readonly message?: string };

/** How long a running pod may stay unready before it counts as a readiness failure, not a start. */
export const READINESS_GRACE_MS = 2 * 60_000;

const IMAGE_PULL_REASONS = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'ErrImageNeverPull',
  'RegistryUnavailable',
]);

const allContainers = (pod: PodSummary): readonly ContainerSummary[] => [...pod.initContainers, ...pod.containers];

/** `0/3 nodes are available: 2 Insufficient cpu, 3 Insufficient memory.` → ['cpu', 'memory']. */
export function insufficientResources(message: string): string[] {
  return [...new Set([...message.matchAll(/Insufficient ([\w./-]*\w)/g)].map((match) => match[1]))];
}

function unschedulable(pod: PodSummary, events: readonly PodEvent[]): PodProblem | undefined {
  if (pod.nodeName || pod.deleting) return undefined;
  const condition = pod.conditions.find((entry) => entry.type === 'PodScheduled' && entry.status === 'False');
  const event = [...events].reverse().find((entry) => entry.reason === 'FailedScheduling');
  if (!condition && !event) return undefined;
  const message = event?.message ?? condition?.message;
  return {
    code: 'unschedulable',
    insufficient: message ? insufficientResources(message) : [],
    ...(message ? { message } : {}),
  };
}

function imagePull(pod: PodSummary): PodProblem | undefined {
  const container = allContainers(pod).find(
    (entry) => entry.state === 'waiting' && entry.reason && IMAGE_PULL_REASONS.has(entry.reason),
  );
  if (!container) return undefined;
  return {
    code: 'imagePull',
    container: container.name,
    image: container.image,
    reason: container.reason!,
    ...(container.message ? { message: container.message } : {}),
  };
}

function crashLoop(pod: PodSummary): PodProblem | undefined {
  const container = allContainers(pod).find(
    (entry) => entry.state === 'waiting' && entry.reason === 'CrashLoopBackOff',
  );
  if (!container) return undefined;
  return {
    code: 'crashLoop',
    container: container.name,
    restarts: container.restartCount,
    ...(container.lastTerminationReason ? { lastReason: container.lastTerminationReason } : {}),
  };
}

function readiness(pod: PodSummary, events: readonly PodEvent[], now: number): PodProblem | undefined {
  if (pod.phase !== 'Running' || pod.deleting) return undefined;
  const unready = pod.containers.filter((entry) => entry.state === 'running' && !entry.ready);
  if (unready.length === 0) return undefined;
  const probe = [...events].reverse().find((entry) => entry.reason === 'Unhealthy');
  // A container that just started is not failing yet, unless its probe already said so.
  if (!probe && now - pod.createdAt < READINESS_GRACE_MS) return undefined;
  if (unready.every((entry) => entry.name === 'istio-proxy')) return { code: 'proxyNotReady' };
  return {
    code: 'notReady',
    containers: unready.map((entry) => entry.name),
    ...(probe ? { message: probe.message } : {}),
  };
}

function sidecarNotInjected(pod: PodSummary): PodProblem | undefined {
  const asked =
    pod.labels['sidecar.istio.io/inject'] === 'true' || pod.annotations['sidecar.istio.io/inject'] === 'true';
  const injected =
    Boolean(pod.annotations['sidecar.istio.io/status']) || pod.containers.some((entry) => entry.name === 'istio-proxy');
  return asked && !injected ? { code: 'sidecarNotInjected' } : undefined;
}

/**
 * The lab's most common mistake: the sample app applied before its namespace was labelled. Pods
 * without a namespace-labels read cannot see the label itself, so the pod decides: Bookinfo's, one
 * container, no istio-proxy and no `sidecar.istio.io/status` (what the injector writes), and not
 * opted out with `sidecar.istio.io/inject: "false"`.
 */
function namespaceNotLabelled(pod: PodSummary): PodProblem | undefined {
  if (!isBookinfoPod(pod) || pod.deleting || pod.containers.length !== 1) return undefined;
  const injected =
    Boolean(pod.annotations['sidecar.istio.io/status']) ||
    allContainers(pod).some((entry) => entry.name === 'istio-proxy');
  const inject = pod.annotations['sidecar.istio.io/inject'] ?? pod.labels['sidecar.istio.io/inject'];
  return injected || inject === 'false' || inject === 'true'
    ? undefined
    : { code: 'namespaceNotLabelled', namespace: pod.namespace };
}

function failed(pod: PodSummary): PodProblem | undefined {
  if (pod.phase !== 'Failed') return undefined;
  const terminated = pod.containers.find((entry) => entry.state === 'terminated' && entry.exitCode !== 0);
  const reason = pod.status !== 'Failed' ? pod.status : terminated?.reason;
  return {
    code: 'failed',
    ...(reason ? { reason } : {}),
    ...(terminated?.message ? { message: terminated.message } : {}),
  };
}

/** What is wrong with a pod, most fundamental first; empty for a healthy or starting pod. */
export function diagnosePod(pod: PodSummary, now: number, events: readonly PodEvent[] = []): PodProblem[] {
  const checks = [
    unschedulable(pod, events),
    imagePull(pod),
    crashLoop(pod),
    failed(pod),
    readiness(pod, events, now),
    sidecarNotInjected(pod),
    namespaceNotLabelled(pod),
  ];
  return checks.filter((problem): problem is PodProblem => problem !== undefined);
}

/** The icon a pod row gets. */
export function podHealth(pod: PodSummary, problems: readonly PodProblem[]): PodHealth {
  if (pod.deleting) return 'terminating';
  if (pod.phase === 'Succeeded' || pod.status === 'Completed') return 'completed';
  if (problems.some((problem) => problem.code !== 'sidecarNotInjected' && problem.code !== 'namespaceNotLabelled'))
    return 'failing';
  if (pod.phase === 'Running' && pod.readyContainers === pod.totalContainers) return 'ready';
  return 'progressing';
}

/** The kubectl commands that show more about a problem (what the learner would type). */
export function problemCommands(pod: PodSummary, problem: PodProblem): string[] {
  const target = `-n ${pod.namespace} ${pod.name}`;
  switch (problem.code) {
    case 'unschedulable':
      return [`kubectl describe pod ${target}`, 'kubectl describe nodes'];
    case 'imagePull':
      return [`kubectl describe pod ${target}`];
    case 'crashLoop':
      return [`kubectl logs ${target} -c ${problem.container} --previous`];
    case 'notReady':
      return [`kubectl describe pod ${target}`, `kubectl logs ${target} -c ${problem.containers[0]}`];
    case 'proxyNotReady':
      return [`kubectl logs ${target} -c istio-proxy`, `kubectl get pods -n istio-system`];
    case 'sidecarNotInjected':
      return [`kubectl get pods -n istio-system`, `kubectl delete pod ${target}`];
    case 'namespaceNotLabelled':
      return [`kubectl label namespace ${pod.namespace} istio-injection=enabled`, `kubectl delete pod ${target}`];
    case 'failed':
      return [`kubectl describe pod ${target}`];
  }
}
