// One pod watch per connection, shared: the Istio Pods tree and the registry panel (and the
// install's wait, see install.test.ts) hold leases on one store against the sandbox, so a fault
// that drops the watch reaches them both as the same event, and the watch stops with the last lease.
import * as assert from 'node:assert/strict';
import { after, before, afterEach, describe, test } from 'node:test';
import type { ClusterConnection } from '../../src/kube/connection';
import { openConnection } from '../../src/kube/connection';
import type { PodStore, PodStoreState } from '../../src/kube/pod-summary';
import { SharedPodStores } from '../../src/kube/shared-pod-store';
import { istioPodScope } from '../../src/istio/data-plane';
import { BUILTIN_RESOURCE_TYPES } from '../../src/sandbox/apimachinery/resource-types';
import type { KubectlSandbox } from './kubectl';
import { startKubectlSandbox } from './kubectl';
import { until } from './until';

const podType = BUILTIN_RESOURCE_TYPES.find((type) => type.resource === 'pods')!;
const TIMEOUT = { timeout: 60_000 };
const scope = istioPodScope('istio-system');

describe('one pod watch shared by the views of a connection', () => {
  let cluster: KubectlSandbox;
  let connection: ClusterConnection;
  let podStores: SharedPodStores;
  let serial = 0;

  const createPod = (): string => {
    const name = `shared-${++serial}`;
    cluster.sandbox.api.create(
      { group: '', version: 'v1', type: podType, namespace: 'istio-system', rest: [], verb: 'create' },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'istio-system' },
        spec: { containers: [{ name: 'discovery', image: 'docker.io/istio/pilot:1.2.2' }] },
      },
    );
    return name;
  };
  const has = (store: PodStore, name: string) => () => store.pods().some((pod) => pod.name === name);
  const states = (store: PodStore): PodStoreState[] => {
    const seen: PodStoreState[] = [];
    store.onState((state) => seen.push(state));
    return seen;
  };

  before(async () => {
    cluster = await startKubectlSandbox();
    cluster.sandbox.api.create(
      {
        group: '',
        version: 'v1',
        type: BUILTIN_RESOURCE_TYPES.find((type) => type.resource === 'namespaces')!,
        rest: [],
        verb: 'create',
      },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } },
    );
    connection = await openConnection({ kubeconfig: cluster.kubeconfigPath });
  });
  afterEach(() => {
    cluster.sandbox.faults.clear();
    podStores.dispose();
  });
  after(() => cluster.close());

  test(
    'the tree and the registry panel get one watch, and a dropped watch reaches both as the same event',
    TIMEOUT,
    async () => {
      podStores = new SharedPodStores({ initialBackoffMs: 20, maxBackoffMs: 200 });
      const tree = podStores.acquire(connection, scope);
      const panel = podStores.acquire(connection, scope);
      assert.equal(podStores.watches, 1);
      const first = createPod();
      await until(tree, has(tree, first));
      assert.equal(has(panel, first)(), true, 'the panel sees what the tree sees, without a watch of its own');

      const treeStates = states(tree);
      const panelStates = states(panel);
      cluster.sandbox.faults.set({ dropWatchesAfterEvents: 1 });
      createPod();
      await until(tree, () => tree.state().kind === 'reconnecting');
      cluster.sandbox.faults.clear();
      const next = createPod();
      await until(panel, () => has(panel, next)() && panel.state().kind === 'synced');
      assert.ok(treeStates.some((state) => state.kind === 'reconnecting'));
      // The very same state objects: one store reported them to both.
      assert.equal(treeStates.length, panelStates.length);
      treeStates.forEach((state, i) => assert.equal(state, panelStates[i]));
    },
  );

  test('a released lease hears nothing more; the watch runs until the last lease is released', TIMEOUT, async () => {
    podStores = new SharedPodStores();
    const panel = podStores.acquire(connection, scope);
    const tree = podStores.acquire(connection, scope);
    await until(tree, () => tree.state().kind === 'synced');
    let panelChanges = 0;
    panel.onChange(() => panelChanges++);
    panel.dispose();
    assert.equal(podStores.watches, 1, 'the tree still holds the watch');
    const made = createPod();
    await until(tree, has(tree, made));
    assert.equal(panelChanges, 0);
    tree.dispose();
    assert.equal(podStores.watches, 0);
    // A later reader starts a fresh watch that lists what is there.
    const again = podStores.acquire(connection, scope);
    await until(again, has(again, made));
    assert.equal(podStores.watches, 1);
  });

  test('another connection (another context, a restarted sandbox) is another watch', TIMEOUT, async () => {
    podStores = new SharedPodStores();
    const other = await openConnection({ kubeconfig: cluster.kubeconfigPath });
    const tree = podStores.acquire(connection, scope);
    const next = podStores.acquire(other, scope);
    assert.equal(podStores.watches, 2);
    tree.dispose();
    assert.equal(podStores.watches, 1);
    next.dispose();
    assert.equal(podStores.watches, 0);
  });
});
