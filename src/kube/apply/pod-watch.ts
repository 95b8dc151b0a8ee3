// Follows the pods of a namespace while an install runs, for the install timeline and for
// "control plane ready": a plain list-then-watch through client-node's Watch, handing each pod
// as the API sent it to the caller. A failed list or watch (a 500, a dropped connection) is
// retried from a relist with a growing pause; only 401, 403 and 404 stop it, since retrying
// cannot fix them. `until` waits, for a bounded time, until the pods seen pass a test.
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { kubernetesClient } from '../connection';
import type { KubeError, KubeStatus } from '../kube-errors';
import { kubeErrorFromStatus, toKubeError } from '../kube-errors';

export type PodEvent = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface PodWatchOptions {
  /** Called for each failed list or watch, with whether it will be retried. */
  onError?: (error: KubeError, retrying: boolean) => void;
  /** First pause before a retry, doubled up to `maxRetryDelayMs` (defaults 250 ms and 5 s). */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
}

/** Why `until` ended without its test passing. */
export type WaitEnd = 'timeout' | 'cancelled' | 'stopped';

export type WaitOutcome =
  | { readonly ready: true; readonly pods: readonly V1Pod[] }
  | { readonly ready: false; readonly end: WaitEnd; readonly pods: readonly V1Pod[]; readonly failures: number; readonly lastError?: KubeError };

export interface PodWatch {
  /** The pods seen, latest version of each. */
  pods(): V1Pod[];
  /** Resolves once `test` holds for the pods seen, or after `timeoutMs`, on abort, or when the watch stopped for good. */
  until(test: (pods: readonly V1Pod[]) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<WaitOutcome>;
  dispose(): void;
}

const PERMANENT = new Set([401, 403, 404]);

/** Any list or watch failure as a KubeError naming the request, keeping the Status reason. */
function asKubeError(error: unknown, verb: string, namespace: string): KubeError {
  const request = { verb, resource: 'pods', namespace };
  const value = error as { code?: unknown; body?: unknown } | undefined;
  // client-node's ApiException: `code` is the HTTP status, `body` the Status as JSON text.
  if (typeof value?.code === 'number') {
    let status: KubeStatus | undefined;
    try {
      status = typeof value.body === 'string' ? (JSON.parse(value.body) as KubeStatus) : (value.body as KubeStatus | undefined);
    } catch {
      status = undefined;
    }
    return kubeErrorFromStatus(value.code, status, request);
  }
  return toKubeError(error, request);
}

export async function watchPods(kubeConfig: KubeConfig, namespace: string, onPod: (pod: V1Pod, type: PodEvent) => void, options: PodWatchOptions = {}): Promise<PodWatch> {
  const k8s = await kubernetesClient();
  const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
  const watch = new k8s.Watch(kubeConfig);
  const firstDelay = options.retryDelayMs ?? 250;
  const maxDelay = options.maxRetryDelayMs ?? 5_000;
  const seen = new Map<string, V1Pod>();
  const changed = new Set<() => void>();
  let stopped = false;
  let gaveUp = false;
  let failures = 0;
  let lastError: KubeError | undefined;
  let delay = firstDelay;
  let request: AbortController | undefined;
  let retryTimer: NodeJS.Timeout | undefined;

  const notify = () => {
    for (const listener of [...changed]) listener();
  };
  const deliver = (pod: V1Pod, type: PodEvent) => {
    const name = pod.metadata?.name ?? '';
    if (type === 'DELETED') seen.delete(name);
    else seen.set(name, pod);
    onPod(pod, type);
    notify();
  };
  const failed = (cause: unknown, verb: string) => {
    if (stopped) return;
    const error = asKubeError(cause, verb, namespace);
    failures++;
    lastError = error;
    const retrying = error.statusCode === undefined || !PERMANENT.has(error.statusCode);
    options.onError?.(error, retrying);
    if (!retrying) {
      gaveUp = true;
      notify();
      return;
    }
    retryTimer = setTimeout(() => void run(), delay);
    delay = Math.min(delay * 2, maxDelay);
  };
  const run = async (): Promise<void> => {
    if (stopped) return;
    let verb = 'list';
    try {
      const list = await core.listNamespacedPod({ namespace });
      if (stopped) return;
      const listed = new Set(list.items.map((pod) => pod.metadata?.name ?? ''));
      for (const pod of [...seen.values()]) if (!listed.has(pod.metadata?.name ?? '')) deliver(pod, 'DELETED');
      for (const pod of list.items) deliver(pod, seen.has(pod.metadata?.name ?? '') ? 'MODIFIED' : 'ADDED');
      delay = firstDelay;
      verb = 'watch';
      request = await watch.watch(
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
        { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true },
        (type, object) => {
          if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') deliver(object as V1Pod, type);
        },
        (error) => {
          // A watch ends normally when the server closes it; either way it is resumed from a relist.
          if (stopped) return;
          if (error) failed(error, 'watch');
          else retryTimer = setTimeout(() => void run(), firstDelay);
        },
      );
      if (stopped) request.abort();
    } catch (error) {
      failed(error, verb);
    }
  };
  void run();

  return {
    pods: () => [...seen.values()],
    until: (test, timeoutMs, signal) =>
      new Promise<WaitOutcome>((resolve) => {
        const end = (outcome: WaitOutcome) => {
          changed.delete(check);
          clearTimeout(timer);
          signal?.removeEventListener('abort', cancel);
          resolve(outcome);
        };
        const notReady = (reason: WaitEnd): WaitOutcome => ({ ready: false, end: reason, pods: [...seen.values()], failures, lastError });
        const cancel = () => end(notReady('cancelled'));
        function check() {
          const pods = [...seen.values()];
          if (test(pods)) end({ ready: true, pods });
          else if (gaveUp || stopped) end(notReady('stopped'));
        }
        const timer = setTimeout(() => end(notReady('timeout')), timeoutMs);
        if (signal?.aborted) return cancel();
        changed.add(check);
        signal?.addEventListener('abort', cancel, { once: true });
        check();
      }),
    dispose: () => {
      stopped = true;
      clearTimeout(retryTimer);
      request?.abort();
      notify();
    },
  };
}
