// The pod watch store against the sandbox, through the real client-node: it watches istio-system
// come up into the book's 15 pods, keeps data-plane pods of other namespaces, and recovers from
// dropped watches, forced 410s, refused connections and server errors, or reports 401/403 as
// failed and recovers once the fault is gone.
import * as assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { namespaceExists } from '../../src/kube/api-request';
import type { ClusterConnection } from '../../src/kube/connection';
import { openConnection } from '../../src/kube/connection';
import { KubeError } from '../../src/kube/kube-errors';
import { startPodStore } from '../../src/kube/pod-store';
import { istioPodScope } from '../../src/istio/data-plane';
import type { PodStore, PodStoreChange, PodStoreState, PodSummary } from '../../src/kube/pod-summary';
import type { FaultConfig } from '../../src/sandbox/faults/faults';
import { BUILTIN_RESOURCE_TYPES } from '../../src/sandbox/apimachinery/resource-types';
import { podsFromCapture, readyAndStatusByOwner } from '../unit/istio/pod-fixtures';
import { demo122 } from './istio-demo';
import type { KubectlSandbox } from './kubectl';
import { startKubectlSandbox } from './kubectl';
import { until } from './until';

const podType = BUILTIN_RESOURCE_TYPES.find((type) => type.resource === 'pods')!;
// Generous: the sandbox's controllers share two cores with everything else running.
const TIMEOUT = { timeout: 120_000 };

const settled = (pods: readonly PodSummary[], namespace: string): boolean => {
  const inNamespace = pods.filter((pod) => pod.namespace === namespace);
  return (
    inNamespace.length === 15 &&
    inNamespace.every(
      (pod) => pod.status === 'Completed' || (pod.status === 'Running' && pod.readyContainers === pod.totalContainers),
    )
  );
};

/** Every state and change a store reports. */
function record(store: PodStore): { states: PodStoreState[]; changes: PodStoreChange[] } {
  const log = { states: [] as PodStoreState[], changes: [] as PodStoreChange[] };
  store.onState((state) => log.states.push(state));
  store.onChange((change) => log.changes.push(change));
  return log;
}

/** The KubeError a reconnecting or failed state carries. */
function errorOf(state: PodStoreState | undefined): KubeError {
  assert.ok(state && 'error' in state && state.error instanceof KubeError, JSON.stringify(state));
  return state.error;
}

const fastRetry = { initialBackoffMs: 20, maxBackoffMs: 200, failedRetryMs: 100 };

describe('the pod store on the sandbox', () => {
  let cluster: KubectlSandbox;
  let connection: ClusterConnection;
  let store: PodStore;
  let serial = 0;

  /** Creates a pod in-process (no HTTP, so it works while the API answers 401): a watch event to carry faults. */
  const createPod = (
    namespace: string,
    extra: { annotations?: Record<string, string>; containers?: string[] } = {},
  ): string => {
    const name = `probe-${++serial}`;
    cluster.sandbox.api.create(
      { group: '', version: 'v1', type: podType, namespace, rest: [], verb: 'create' },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace, annotations: extra.annotations },
        spec: {
          containers: (extra.containers ?? ['app']).map((container) => ({
            name: container,
            image: 'docker.io/istio/examples-bookinfo-reviews-v1:1.12.0',
          })),
        },
      },
    );
    return name;
  };
  const has = (name: string) => () => store.pods().some((pod) => pod.name === name);

  /** Drops the store's watch (the sandbox cuts it after one event) and, once the store is
   *  reconnecting, puts the given faults in place for its next attempts. Returns the pod made. */
  const dropWatchThen = async (faults: FaultConfig): Promise<string> => {
    cluster.sandbox.faults.set({ dropWatchesAfterEvents: 1 });
    const made = createPod('istio-system');
    await until(store, () => store.state().kind === 'reconnecting');
    cluster.sandbox.faults.set(faults);
    return made;
  };

  before(async () => {
    cluster = await startKubectlSandbox({ nodes: 3, speed: 0 });
    await cluster.kubectl(['get', 'ns']);
    connection = await openConnection({ kubeconfig: cluster.kubeconfigPath });
  });
  afterEach(() => cluster.sandbox.faults.clear());
  after(async () => {
    store?.dispose();
    await cluster.close();
  });

  test('istio-system missing is an empty synced store, and namespaceExists says so', TIMEOUT, async () => {
    assert.equal(await namespaceExists(connection, 'istio-system'), false);
    store = startPodStore(connection, istioPodScope('istio-system'), fastRetry);
    assert.equal(store.state().kind, 'connecting');
    await until(store, () => store.state().kind === 'synced');
    assert.deepEqual(store.pods(), [], 'kube-system pods are neither istio-system nor data plane');
  });

  test("converges to the book's 15 pods after kubectl create -f istio-demo.yaml", TIMEOUT, async () => {
    const created = await cluster.kubectl(['create', '-f', demo122]);
    assert.equal(created.code, 0, created.stderr);
    await until(store, () => settled(store.pods(), 'istio-system'));
    assert.deepEqual(readyAndStatusByOwner(store.pods()), readyAndStatusByOwner(podsFromCapture('book-1.2.2.txt')));
    assert.equal(await namespaceExists(connection, 'istio-system'), true);
    const pilot = store.pods().find((pod) => pod.name.startsWith('istio-pilot-'))!;
    assert.equal(store.get(pilot.uid), pilot);
    assert.deepEqual(
      pilot.containers.map((container) => container.name),
      ['discovery', 'istio-proxy'],
    );
  });

  test('keeps data-plane pods of other namespaces and leaves other pods out', TIMEOUT, async () => {
    const sidecar = createPod('default', { containers: ['reviews', 'istio-proxy'] });
    const annotated = createPod('default', {
      annotations: { 'sidecar.istio.io/status': '{"version":"x","initContainers":["istio-init"]}' },
    });
    const plain = createPod('default');
    await until(store, () => has(sidecar)() && has(annotated)());
    assert.equal(has(plain)(), false);
  });

  test(
    'a dropped watch is reconnecting as watch-dropped (the server answered), then watches again and loses no pod',
    TIMEOUT,
    async () => {
      const log = record(store);
      const made = await dropWatchThen({});
      await until(store, () => has(made)() && store.state().kind === 'synced');
      const reconnecting = log.states.find((state) => state.kind === 'reconnecting');
      assert.ok(reconnecting?.kind === 'reconnecting');
      assert.equal(reconnecting.attempt, 1);
      assert.ok(reconnecting.retryInMs >= 10 && reconnecting.retryInMs <= 20, String(reconnecting.retryInMs));
      assert.equal(errorOf(reconnecting).code, 'watch-dropped');
      assert.equal(errorOf(reconnecting).details.verb, 'watch');
      assert.match(
        errorOf(reconnecting).message,
        /answered the watch of pods in all namespaces, then the stream ended mid-way/,
      );
      assert.deepEqual(
        log.changes.flatMap((change) => change.removed),
        [],
        'nothing was removed',
      );
    },
  );

  test('relists after 410 without dropping pods: only the pod made meanwhile is added', TIMEOUT, async () => {
    const before = new Set(store.pods().map((pod) => pod.uid));
    const log = record(store);
    const made = await dropWatchThen({ goneOnNextWatches: 1 });
    await until(store, () => has(made)() && store.state().kind === 'synced');
    assert.deepEqual(
      log.changes.flatMap((change) => change.removed),
      [],
      'no pod was dropped and re-added',
    );
    assert.deepEqual(
      log.changes.flatMap((change) => change.added).map((pod) => pod.name),
      [made],
    );
    assert.ok(store.pods().every((pod) => before.has(pod.uid) || pod.name === made));
  });

  test('a 403 is failed with the verb, resource and kubectl auth can-i, then recovers by itself', TIMEOUT, async () => {
    const log = record(store);
    const made = await dropWatchThen({
      deny: [
        { verb: 'watch', resource: 'pods' },
        { verb: 'list', resource: 'pods' },
      ],
    });
    await until(store, () => store.state().kind === 'failed');
    const error = errorOf(store.state());
    assert.equal(error.code, 'forbidden');
    assert.equal(error.reason, 'Forbidden');
    assert.deepEqual(
      [error.details.verb, error.details.resource, error.details.namespace],
      ['watch', 'pods', undefined],
    );
    assert.equal(error.kubectlHint, 'kubectl auth can-i watch pods --all-namespaces --context istio-lab-sandbox');
    cluster.sandbox.faults.clear();
    await until(store, () => store.state().kind === 'synced' && has(made)());
    assert.deepEqual(
      log.changes.flatMap((change) => change.removed),
      [],
    );
  });

  test(
    'a 401 (expired token) is failed as unauthorized, then recovers when the token works again',
    TIMEOUT,
    async () => {
      const made = await dropWatchThen({ expiredToken: true });
      await until(store, () => store.state().kind === 'failed');
      const error = errorOf(store.state());
      assert.equal(error.code, 'unauthorized');
      assert.equal(error.statusCode, 401);
      assert.equal(error.reason, 'Unauthorized');
      cluster.sandbox.faults.clear();
      await until(store, () => store.state().kind === 'synced' && has(made)());
    },
  );

  test('500s are reconnecting with growing backoff, then a relist makes it synced', TIMEOUT, async () => {
    const log = record(store);
    const made = await dropWatchThen({ errors: [{ verb: 'watch', resource: 'pods', code: 500, count: 2 }] });
    await until(store, () => has(made)() && store.state().kind === 'synced');
    const reconnecting = log.states.flatMap((state) => (state.kind === 'reconnecting' ? [state] : []));
    assert.deepEqual(
      reconnecting.map((state) => [state.attempt, errorOf(state).code]),
      [
        [1, 'watch-dropped'],
        // The resumed watch failed too, before any event: the store relists, which brings the pod made.
        [2, 'server-error'],
      ],
    );
    assert.equal(errorOf(reconnecting[1]).reason, 'InternalError');
  });

  test('refused connections are reconnecting until the server answers again', TIMEOUT, async () => {
    const log = record(store);
    const made = await dropWatchThen({ refuseConnectionsForMs: 300 });
    await until(store, () => has(made)() && store.state().kind === 'synced');
    assert.ok(log.states.filter((state) => state.kind === 'reconnecting').length >= 2, 'retried while refused');
  });

  test('added latency delays events but loses none', TIMEOUT, async () => {
    const latencyMs = 150;
    const made = await dropWatchThen({ latencyMs });
    // The store is between attempts: whatever brings the next pod is a request answered after the latency.
    const createdAt = performance.now();
    const next = createPod('istio-system');
    let arrivedAfter: number | undefined;
    const off = store.onChange((change) => {
      if (change.added.some((pod) => pod.name === next)) arrivedAfter ??= performance.now() - createdAt;
    });
    await until(store, () => has(made)() && has(next)() && store.state().kind === 'synced');
    off();
    assert.ok(arrivedAfter !== undefined, 'the pod arrived as an added pod');
    // Timers count whole milliseconds, so the measured delay may fall short of them by a fraction.
    assert.ok(
      Math.ceil(arrivedAfter) >= latencyMs,
      `the pod arrived ${arrivedAfter.toFixed(1)} ms after it was created, sooner than the ${latencyMs} ms latency`,
    );
  });

  test('dispose stops the watch; the last pods stay readable and no more changes arrive', TIMEOUT, async () => {
    const disposed = startPodStore(connection, istioPodScope('istio-system'), fastRetry);
    await until(disposed, () => disposed.state().kind === 'synced');
    const count = disposed.pods().length;
    let changes = 0;
    disposed.onChange(() => changes++);
    disposed.dispose();
    const made = createPod('istio-system');
    await until(store, has(made));
    assert.equal(changes, 0);
    assert.equal(disposed.pods().length, count);
  });
});
