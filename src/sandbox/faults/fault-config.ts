// The fault schema: everything `--faults FILE` (JSON) or `Faults.set()` can inject, in one place.
// API faults (latency, errors, dropped watches, forced 410s, refused connections, RBAC denials,
// expired tokens, broken Istio debug endpoints, Envoys slow to acknowledge Pilot's pushes) and workload faults (crash loops, failing image
// pulls, NotReady nodes). Documented in src/sandbox/README.md ("Faults").

export interface ErrorRule {
  /** `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, or `*`. */
  verb?: string;
  /** Resource plural (`pods`), or `*`. */
  resource?: string;
  /** Fraction of matching requests that fail, 0..1 (default 1). */
  rate?: number;
  /** HTTP status to answer (default 500). */
  code?: number;
  /** Stop after this many injected errors. */
  count?: number;
}

export interface DenyRule {
  verb?: string;
  /** A resource plural (`services`, with its subresources) or one subresource (`services/proxy`, `pods/portforward`). */
  resource?: string;
  namespace?: string;
}

export interface FaultConfig extends WorkloadFaultConfig {
  /** Added to every request, in milliseconds. */
  latencyMs?: number;
  errors?: ErrorRule[];
  /** Close every watch stream after this many events. */
  dropWatchesAfterEvents?: number;
  /** Answer the next N watches with a 410 Expired event. */
  goneOnNextWatches?: number;
  /** Refuse (reset) new connections for this many milliseconds from now. */
  refuseConnectionsForMs?: number;
  /** Answer 403 Forbidden, as RBAC would, for these requests. */
  deny?: DenyRule[];
  /** Answer every authenticated request 401, as an expired token does. */
  expiredToken?: boolean;
  /** Istio components whose debug endpoints (`/debug/*`, `/v1/registration`) answer 500 or malformed JSON. */
  debugEndpoints?: DebugEndpointRule[];
  /** Envoys that do not acknowledge Pilot's pushes in time: `/debug/syncz` shows them STALE. */
  proxyAckDelay?: ProxyAckDelayRule[];
}

export interface ProxyAckDelayRule {
  /** The proxy's pod, or its workload (`reviews-v2` matches `reviews-v2-5b8d9c6d4f-x7k2p`); any when absent. */
  workload?: string;
  namespace?: string;
  /** Labels the pod must carry (`{app: "reviews", version: "v2"}`). */
  labels?: Record<string, string>;
  /** No ACK ever came back (`STALE (Never Acknowledged)`), rather than only the last one missing. */
  neverAcked?: boolean;
}

export interface DebugEndpointRule {
  /** The pod's `app` label (`pilot`, `istiod`), or `*`. */
  app?: string;
  /** `error`: HTTP 500; `malformed`: 200 with the JSON cut off mid-way. */
  answer: 'error' | 'malformed';
}

export interface CrashLoopRule {
  /** Deployment, StatefulSet, DaemonSet, Job or pod name: `istio-galley` matches `istio-galley-5b8d9c6d4f-x7k2p`. */
  workload: string;
  namespace?: string;
  /** Only this container crashes (default: every container of the pod). */
  container?: string;
  /** Exit code of each run (default 1). */
  exitCode?: number;
  /** What each run prints before it exits (`kubectl logs`, `kubectl logs --previous`). */
  log?: string[];
}

export interface ImagePullRule {
  /** Image reference as written in the pod, `*` matching any run of characters (`docker.io/istio/*:1.2.2`). */
  image: string;
  /** The container runtime's error (default: Docker's "manifest … not found"). */
  error?: string;
}

export interface WorkloadFaultConfig {
  /** Pods of these workloads crash-loop: each start exits after printing its log, then backs off. */
  crashLoop?: CrashLoopRule[];
  /** Images that fail to pull: ErrImagePull, then ImagePullBackOff, retried with back-off. */
  imagePull?: ImagePullRule[];
  /** Nodes (by name, `*` for all) whose kubelet stops posting status: NotReady, nothing new scheduled there. */
  notReadyNodes?: string[];
}
