// The contract between the pod watch store (src/kube/pod-store.ts) and its readers (role
// classification, the pod tree, the architecture diagram): a small projection of each pod,
// kept instead of whole objects, and the store's observable surface.

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
  /** Only the annotations the lab reads (sidecar.istio.io/status, sidecar.istio.io/inject, istio.io/rev, …). */
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
