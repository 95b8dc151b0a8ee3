// The pod watch store: an informer (list, then watch from the list's resourceVersion, with
// bookmarks) keeping a small projection of each pod in scope. A `410 Gone` relists and diffs
// against what is known, so the tree does not flicker; a dropped watch resumes from the last
// resourceVersion it reached, and relists when the resumed watch fails again before delivering
// anything (resuming would replay the same events into the same drop); failures retry with capped exponential backoff and jitter (`reconnecting`),
// and causes a retry will not fix (401, 403, TLS, missing plugin) show as `failed` while the
// store keeps retrying slowly, so it recovers by itself once the cause goes away.
//
// Scope: the namespace alone, or one cluster-wide pod watch filtered here to the namespace plus the
// pods the caller's selection keeps (src/istio/data-plane.ts: Istio's data plane). No label
// selector covers the data plane: Istio 1.0–1.4 injection adds no label, and a selector cannot OR
// "in istio-system" with "has a sidecar"; one watch also keeps one resourceVersion, so the two
// parts never disagree.
import type { ClusterConnection } from './connection';
import { kubernetesClient } from './connection';
import { getJson } from './api-request';
import type { KubeRequestInfo, KubeStatus } from './kube-errors';
import { KubeError, kubeErrorFromStatus, toKubeError } from './kube-errors';
import type { PodEventType } from './pod-cache';
import { PodCache } from './pod-cache';
import type { PodObject, PodSelection, PodStore, PodStoreChange, PodStoreState, PodSummary } from './pod-summary';
import { summarizePod } from './pod-summary';

export interface PodStoreScope {
  /** The control-plane namespace, watched in full (`istioLab.namespace`, default istio-system). */
  readonly namespace: string;
  /** Pods of every other namespace to keep too (Istio's data plane), and which annotations to
   *  keep; without it the store lists and watches the namespace alone, and keeps no annotations. */
  readonly otherNamespaces?: PodSelection;
}

export interface PodStoreOptions {
  readonly signal?: AbortSignal;
  /** Items per list page (kubectl's --chunk-size default, 500). */
  readonly pageSize?: number;
  /** First retry delay after a failure; doubles up to maxBackoffMs. */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Retry delay while `failed` (a cause retrying alone will not fix). */
  readonly failedRetryMs?: number;
  /** 0..1 random source for the jitter (tests pin it). */
  readonly random?: () => number;
}

interface PodList {
  readonly metadata?: { readonly resourceVersion?: string; readonly continue?: string };
  readonly items?: PodObject[];
}

interface WatchEnd {
  readonly resourceVersion: string;
  /** 410: the resourceVersion is too old, relist. */
  readonly gone: boolean;
  /** Whether the watch delivered anything (a watch that closes at once, repeatedly, backs off). */
  readonly progressed: boolean;
}

/** A watch that ended in an error; `progressed` says whether it delivered any event first. */
class WatchFailure extends Error {
  constructor(
    readonly error: KubeError,
    readonly progressed: boolean,
  ) {
    super(error.message, { cause: error });
  }
}

/** Equal jitter: half the exponential delay, plus a random share of the other half. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random: () => number): number {
  const delay = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(delay / 2 + (random() * delay) / 2);
}

export function startPodStore(
  connection: ClusterConnection,
  scope: PodStoreScope,
  options: PodStoreOptions = {},
): PodStore {
  const others = scope.otherNamespaces;
  const pageSize = options.pageSize ?? 500;
  const initialBackoffMs = options.initialBackoffMs ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const failedRetryMs = options.failedRetryMs ?? 30_000;
  const random = options.random ?? Math.random;
  const basePath = others ? '/api/v1/pods' : `/api/v1/namespaces/${encodeURIComponent(scope.namespace)}/pods`;
  const requestInfo = (verb: string): KubeRequestInfo => ({
    verb,
    resource: 'pods',
    namespace: others ? undefined : scope.namespace,
    context: connection.contextName,
    server: connection.server,
  });
  const keepsAnnotation = (key: string): boolean => others?.keepsAnnotation(key) ?? false;
  const inScope = (pod: PodObject): boolean =>
    pod.metadata?.namespace === scope.namespace || (others?.keeps(pod) ?? false);

  const cache = new PodCache();
  const changeListeners = new Set<(change: PodStoreChange) => void>();
  const stateListeners = new Set<(state: PodStoreState) => void>();
  let state: PodStoreState = { kind: 'connecting' };
  const stop = new AbortController();
  const onOuterAbort = (): void => stop.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (options.signal?.aborted) stop.abort();

  const deliver = <T>(listeners: Set<(value: T) => void>, value: T): void => {
    for (const listener of [...listeners]) {
      try {
        listener(value);
      } catch (error) {
        // A broken listener must not stop the watch; surface it as an uncaught error.
        process.nextTick(() => {
          throw error;
        });
      }
    }
  };
  const setState = (next: PodStoreState): void => {
    if (stop.signal.aborted) return;
    if (next.kind === state.kind && next.kind !== 'reconnecting' && next.kind !== 'failed') return;
    state = next;
    deliver(stateListeners, next);
  };
  const emit = (change: PodStoreChange | undefined): void => {
    if (change && !stop.signal.aborted) deliver(changeListeners, change);
  };

  async function relist(): Promise<string> {
    const fresh: PodSummary[] = [];
    let resourceVersion = '';
    let token: string | undefined;
    do {
      const query = new URLSearchParams({ limit: String(pageSize) });
      if (token) query.set('continue', token);
      const page = await getJson<PodList>(
        connection,
        { path: `${basePath}?${query}`, ...requestInfo('list') },
        { signal: stop.signal },
      );
      for (const pod of page.items ?? []) if (inScope(pod)) fresh.push(summarizePod(pod, keepsAnnotation));
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
      token = page.metadata?.continue || undefined;
    } while (token);
    // One change for the whole relist, and only what differs.
    emit(cache.replace(fresh));
    return resourceVersion;
  }

  async function watchOnce(resourceVersion: string, established: () => void, delivered: () => void): Promise<WatchEnd> {
    const k8s = await kubernetesClient();
    const watch = new k8s.Watch(connection.kubeConfig);
    let latest = resourceVersion;
    let gone = false;
    let progressed = false;
    let failure: KubeError | undefined;
    // The server answered 200 and events were streaming: an error now is a dropped stream, not an unreachable server.
    let streaming = false;
    let controller: AbortController | undefined;
    let onStop: (() => void) | undefined;
    const ended = new Promise<void>((resolve) => {
      const finish = (error: unknown): void => {
        if (error && !failure && !gone && !stop.signal.aborted)
          failure = streaming ? droppedWatch(error) : toKubeError(error, requestInfo('watch'));
        resolve();
      };
      onStop = () => {
        controller?.abort();
        resolve();
      };
      stop.signal.addEventListener('abort', onStop, { once: true });
      // client-go's watch timeout: 5–10 minutes, so a silently dead connection is replaced.
      const timeoutSeconds = String(Math.floor(300 * (1 + random())));
      watch
        .watch(
          basePath,
          { resourceVersion, allowWatchBookmarks: 'true', timeoutSeconds },
          (type: string, object: PodObject & KubeStatus) => {
            if (!progressed) delivered();
            progressed = true;
            if (type === 'ERROR') {
              if (object.code === 410) gone = true;
              else failure = kubeErrorFromStatus(object.code ?? 500, object, requestInfo('watch'));
              controller?.abort();
              return;
            }
            latest = object.metadata?.resourceVersion ?? latest;
            if (type === 'BOOKMARK') return;
            const uid = object.metadata?.uid ?? '';
            emit(
              cache.apply(
                type as PodEventType,
                uid,
                inScope(object) ? summarizePod(object, keepsAnnotation) : undefined,
              ),
            );
          },
          finish,
        )
        .then((started) => {
          controller = started;
          if (stop.signal.aborted) started.abort();
          else if (!failure) {
            streaming = true;
            established();
          }
        }, finish);
    });
    await ended;
    if (onStop) stop.signal.removeEventListener('abort', onStop);
    if (failure) throw new WatchFailure(failure, progressed);
    return { resourceVersion: latest, gone, progressed };
  }

  const droppedWatch = (error: unknown): KubeError => {
    const cause = toKubeError(error, requestInfo('watch'));
    return new KubeError('watch-dropped', { details: cause.details, cause: error });
  };

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        stop.signal.removeEventListener('abort', done);
        resolve();
      }
      stop.signal.addEventListener('abort', done, { once: true });
    });

  async function run(): Promise<void> {
    let resourceVersion: string | undefined;
    let attempt = 0;
    let quickCloses = 0;
    // Watches in a row that failed before delivering any event, from the same resourceVersion.
    let blindFailures = 0;
    while (!stop.signal.aborted) {
      try {
        if (resourceVersion === undefined) {
          resourceVersion = await relist();
          attempt = 0;
          setState({ kind: 'synced' });
        }
        // The attempt count restarts on progress (a relist, a watch event), not when a watch merely
        // opens: one that opens and drops, again and again, backs off like any failure.
        const end = await watchOnce(
          resourceVersion,
          () => setState({ kind: 'synced' }),
          () => {
            attempt = 0;
            blindFailures = 0;
          },
        );
        resourceVersion = end.gone ? undefined : end.resourceVersion;
        // A normal close (the watch timed out) resumes at once; one that closes without
        // delivering anything, again and again, waits as a failure would.
        quickCloses = end.progressed || end.gone ? 0 : quickCloses + 1;
        if (quickCloses > 1) await sleep(backoffDelay(quickCloses, initialBackoffMs, maxBackoffMs, random));
      } catch (error) {
        if (stop.signal.aborted) break;
        const failure =
          error instanceof WatchFailure
            ? error.error
            : toKubeError(error, requestInfo(resourceVersion === undefined ? 'list' : 'watch'));
        // One failure before any event may be a blip: resume. A second means resuming replays the
        // same events into the same failure (a stream cut after N events, a burst larger than N):
        // relist, as client-go's reflector does after a failed watch.
        if (error instanceof WatchFailure && !error.progressed && ++blindFailures >= 2) {
          resourceVersion = undefined;
          blindFailures = 0;
        }
        if (failure.code === 'gone') {
          resourceVersion = undefined;
          continue;
        }
        if (failure.code === 'unauthorized') connection.invalidateCredentials?.();
        attempt++;
        if (failure.isPersistent) {
          setState({ kind: 'failed', error: failure });
          await sleep(backoffDelay(2, failedRetryMs, failedRetryMs, random));
        } else {
          const retryInMs = backoffDelay(attempt, initialBackoffMs, maxBackoffMs, random);
          setState({ kind: 'reconnecting', attempt, retryInMs, error: failure });
          await sleep(retryInMs);
        }
      }
    }
  }

  void run();

  return {
    pods: () => cache.pods(),
    get: (uid) => cache.get(uid),
    state: () => state,
    onChange(listener) {
      changeListeners.add(listener);
      return () => changeListeners.delete(listener);
    },
    onState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    dispose() {
      options.signal?.removeEventListener('abort', onOuterAbort);
      stop.abort();
      changeListeners.clear();
      stateListeners.clear();
    },
  };
}
