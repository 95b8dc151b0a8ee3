// Waiting on the pod store until the pods it knows pass a test: the install's "control plane
// ready". The store keeps watching through failures (back-off, 410 relist); the wait counts them
// and gives up only where retrying cannot help: a cause the store reports as `failed` (401, 403,
// TLS, a missing credential plugin) ends it at once as `stopped`, with that error.
import { KubeError } from './kube-errors';
import type { PodStore, PodSummary } from './pod-summary';

/** Why a wait ended without its test passing. */
export type WaitEnd = 'timeout' | 'cancelled' | 'stopped';

export type WaitOutcome =
  | { readonly ready: true; readonly pods: readonly PodSummary[] }
  | {
      readonly ready: false;
      readonly end: WaitEnd;
      readonly pods: readonly PodSummary[];
      readonly failures: number;
      readonly lastError?: KubeError;
    };

export interface PodWaitOptions {
  /** Only the pods this keeps are tested and returned (the install looks at its namespace). */
  readonly select?: (pod: PodSummary) => boolean;
  readonly signal?: AbortSignal;
}

const asKubeError = (error: Error): KubeError =>
  error instanceof KubeError ? error : new KubeError('unknown', { cause: error });

/** Resolves once `test` holds for the (selected) pods, or after `timeoutMs`, on abort, or when the store fails for good. */
export function waitForPods(
  store: PodStore,
  test: (pods: readonly PodSummary[]) => boolean,
  timeoutMs: number,
  options: PodWaitOptions = {},
): Promise<WaitOutcome> {
  const { select, signal } = options;
  const pods = (): PodSummary[] => (select ? store.pods().filter(select) : [...store.pods()]);
  let failures = 0;
  let lastError: KubeError | undefined;
  const initial = store.state();
  if (initial.kind === 'failed' || initial.kind === 'reconnecting') {
    failures++;
    lastError = asKubeError(initial.error);
  }
  return new Promise<WaitOutcome>((resolve) => {
    const offs: (() => void)[] = [];
    const end = (outcome: WaitOutcome): void => {
      for (const off of offs) off();
      clearTimeout(timer);
      signal?.removeEventListener('abort', cancel);
      resolve(outcome);
    };
    const notReady = (reason: WaitEnd): WaitOutcome => ({
      ready: false,
      end: reason,
      pods: pods(),
      failures,
      lastError,
    });
    const cancel = (): void => end(notReady('cancelled'));
    const check = (): void => {
      const seen = pods();
      if (test(seen)) end({ ready: true, pods: seen });
      else if (store.state().kind === 'failed') end(notReady('stopped'));
    };
    const timer = setTimeout(() => end(notReady('timeout')), timeoutMs);
    if (signal?.aborted) return cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    offs.push(
      store.onChange(check),
      store.onState((state) => {
        if (state.kind === 'failed' || state.kind === 'reconnecting') {
          failures++;
          lastError = asKubeError(state.error);
        }
        check();
      }),
    );
    check();
  });
}
