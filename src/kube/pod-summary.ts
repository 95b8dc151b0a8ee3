// The contract between the pod watch store (src/kube/pod-store.ts) and its readers (role
// classification, the pod tree, the architecture diagram): a small projection of each pod,
// kept instead of whole objects, and the store's observable surface. READY, STATUS and RESTARTS
// come from kubectl's printPod, ported once in src/shared/pod-status.ts.
import { podStatusColumns } from '../shared/pod-status';

export interface ContainerSummary {
  readonly name: string;
  readonly image: string;
  readonly ready: boolean;
  readonly restartCount: number;
  /** kubectl's view of the container: 'running' | 'waiting' | 'terminated' (or 'unknown' before a status). */
  readonly state: 'running' | 'waiting' | 'terminated' | 'unknown';
  /** Waiting/terminated reason (ContainerCreating, ImagePullBackOff, CrashLoopBackOff, Completed, Error…). */
  readonly reason?: string;
  readonly message?: string;
  readonly exitCode?: number;
  /** The previous run's termination (reason, exitCode), for crash loops. */
  readonly lastTerminationReason?: string;
}

export interface PodCondition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
}

export interface PodSummary {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly resourceVersion: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Only the annotations the watch's selection keeps (the lab's: Istio's own, src/istio/data-plane.ts). */
  readonly annotations: Readonly<Record<string, string>>;
  readonly ownerKind?: string;
  readonly ownerName?: string;
  readonly phase: string;
  /** The STATUS column of `kubectl get pods` (Running, Completed, Init:0/1, CrashLoopBackOff, Terminating…). */
  readonly status: string;
  /** Ready containers / all (non-init) containers, as in READY `2/2`. */
  readonly readyContainers: number;
  readonly totalContainers: number;
  readonly restarts: number;
  /** Epoch milliseconds of metadata.creationTimestamp. */
  readonly createdAt: number;
  readonly deleting: boolean;
  readonly nodeName?: string;
  readonly podIP?: string;
  readonly containers: readonly ContainerSummary[];
  readonly initContainers: readonly ContainerSummary[];
  readonly conditions: readonly PodCondition[];
}

export type PodStoreState =
  | { readonly kind: 'connecting' }
  | { readonly kind: 'synced' }
  /** The watch dropped or failed; the store retries with capped exponential backoff and jitter. */
  | { readonly kind: 'reconnecting'; readonly attempt: number; readonly retryInMs: number; readonly error: Error }
  /** A cause that retrying alone will not fix (no permission, namespace missing, bad credentials). */
  | { readonly kind: 'failed'; readonly error: Error };

export interface PodStoreChange {
  readonly added: readonly PodSummary[];
  readonly updated: readonly PodSummary[];
  readonly removed: readonly PodSummary[];
}

export interface PodStore {
  /** The pods now known, in no particular order. */
  pods(): readonly PodSummary[];
  get(uid: string): PodSummary | undefined;
  state(): PodStoreState;
  /** Called for every effective change (a relist that changes nothing calls nothing). Returns an unsubscribe. */
  onChange(listener: (change: PodStoreChange) => void): () => void;
  onState(listener: (state: PodStoreState) => void): () => void;
  /** Stops watching; the store keeps its last pods for reading. */
  dispose(): void;
}

// ── projection ───────────────────────────────────────────────────────────────────────────────

/** The fields of a v1 Pod (as the API server's JSON) that the projection reads. */
export interface PodObject {
  readonly metadata?: {
    readonly uid?: string;
    readonly name?: string;
    readonly namespace?: string;
    readonly resourceVersion?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly ownerReferences?: readonly {
      readonly kind?: string;
      readonly name?: string;
      readonly controller?: boolean;
    }[];
    readonly creationTimestamp?: string | Date;
    readonly deletionTimestamp?: string | Date | null;
  };
  readonly spec?: {
    readonly nodeName?: string;
    readonly containers?: readonly ContainerSpec[];
    readonly initContainers?: readonly ContainerSpec[];
  };
  readonly status?: {
    readonly phase?: string;
    readonly reason?: string;
    readonly podIP?: string;
    readonly conditions?: readonly PodCondition[];
    readonly containerStatuses?: readonly ContainerStatus[];
    readonly initContainerStatuses?: readonly ContainerStatus[];
  };
}

interface ContainerSpec {
  readonly name?: string;
  readonly image?: string;
  readonly restartPolicy?: string;
}

interface TerminatedState {
  readonly reason?: string;
  readonly message?: string;
  readonly exitCode?: number;
  readonly signal?: number;
}

interface ContainerState {
  readonly running?: object | null;
  readonly waiting?: { readonly reason?: string; readonly message?: string } | null;
  readonly terminated?: TerminatedState | null;
}

interface ContainerStatus {
  readonly name?: string;
  readonly image?: string;
  readonly ready?: boolean;
  readonly started?: boolean;
  readonly restartCount?: number;
  readonly state?: ContainerState;
  readonly lastState?: ContainerState;
}

function summarizeContainer(spec: ContainerSpec, status: ContainerStatus | undefined): ContainerSummary {
  const state = status?.state ?? {};
  const base = {
    name: spec.name ?? '',
    image: spec.image ?? status?.image ?? '',
    ready: status?.ready === true,
    restartCount: status?.restartCount ?? 0,
    lastTerminationReason: status?.lastState?.terminated?.reason || undefined,
  };
  if (state.running) return { ...base, state: 'running' };
  if (state.terminated) {
    return {
      ...base,
      state: 'terminated',
      reason: state.terminated.reason || undefined,
      message: state.terminated.message || undefined,
      exitCode: state.terminated.exitCode,
    };
  }
  if (state.waiting)
    return {
      ...base,
      state: 'waiting',
      reason: state.waiting.reason || undefined,
      message: state.waiting.message || undefined,
    };
  return { ...base, state: 'unknown' };
}

function summarizeContainers(
  specs: readonly ContainerSpec[] | undefined,
  statuses: readonly ContainerStatus[] | undefined,
): ContainerSummary[] {
  const byName = new Map((statuses ?? []).map((status) => [status.name, status]));
  return (specs ?? []).map((spec) => summarizeContainer(spec, byName.get(spec.name)));
}

const epochMs = (time: string | Date | undefined | null): number => (time ? new Date(time).getTime() : 0);

const keepNone = (): boolean => false;

/** The small projection of a pod the store keeps (see PodSummary), with the annotations `keepsAnnotation` names (none by default). */
export function summarizePod(pod: PodObject, keepsAnnotation: (key: string) => boolean = keepNone): PodSummary {
  const metadata = pod.metadata ?? {};
  const owner = metadata.ownerReferences?.find((reference) => reference.controller) ?? metadata.ownerReferences?.[0];
  const annotations: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata.annotations ?? {}))
    if (keepsAnnotation(key)) annotations[key] = value;
  const columns = podStatusColumns(pod);
  return {
    uid: metadata.uid ?? `${metadata.namespace}/${metadata.name}`,
    namespace: metadata.namespace ?? '',
    name: metadata.name ?? '',
    resourceVersion: metadata.resourceVersion ?? '',
    labels: { ...metadata.labels },
    annotations,
    ownerKind: owner?.kind,
    ownerName: owner?.name,
    phase: pod.status?.phase || 'Pending',
    status: columns.status,
    readyContainers: columns.readyContainers,
    totalContainers: columns.totalContainers,
    restarts: columns.restarts,
    createdAt: epochMs(metadata.creationTimestamp),
    deleting: Boolean(metadata.deletionTimestamp),
    nodeName: pod.spec?.nodeName || undefined,
    podIP: pod.status?.podIP || undefined,
    containers: summarizeContainers(pod.spec?.containers, pod.status?.containerStatuses),
    initContainers: summarizeContainers(pod.spec?.initContainers, pod.status?.initContainerStatuses),
    conditions: (pod.status?.conditions ?? []).map(({ type, status, reason, message }) => ({
      type,
      status,
      reason: reason || undefined,
      message: message || undefined,
    })),
  };
}

/** Whether two projections show the same thing (resourceVersion aside): an update that changes nothing shown is no change. */
export function isSamePodSummary(a: PodSummary, b: PodSummary): boolean {
  return sameValue({ ...a, resourceVersion: '' }, { ...b, resourceVersion: '' });
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a).filter((key) => (a as Record<string, unknown>)[key] !== undefined);
  const keysB = Object.keys(b).filter((key) => (b as Record<string, unknown>)[key] !== undefined);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((key) => sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/** What a watch keeps beyond its namespace, named: the shared watch of a connection is one per
 *  namespace and selection name (src/istio/data-plane.ts is the lab's). */
export interface PodSelection {
  readonly name: string;
  /** Whether a pod of another namespace is kept (a cluster-wide watch's filter). */
  keeps(pod: PodObject): boolean;
  /** Which annotations each pod's projection keeps; the rest (often large) are dropped. */
  keepsAnnotation(key: string): boolean;
}
