import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PodStoreChange, PodSummary } from '../../../src/kube/pod-summary';
import { LivePodTree } from '../../../src/istio/live-pod-tree';
import type { PodTree, PodTreeInput } from '../../../src/istio/pod-tree-model';
import { buildPodTree, changedNodes, controlPlaneHealth } from '../../../src/istio/pod-tree-model';
import { podsFromManifest, sidecarPod } from './pod-fixtures';

const NOW = Date.parse('2019-07-10T12:00:00Z');
const cluster = { context: 'istio-lab-sandbox', server: 'https://127.0.0.1:6443', simulated: true };
const input = (pods: readonly PodSummary[], extra: Partial<PodTreeInput> = {}): PodTreeInput => ({
  cluster,
  pods,
  state: { kind: 'synced' },
  istioNamespace: 'istio-system',
  now: NOW,
  ...extra,
});
const bookPods = (): PodSummary[] =>
  podsFromManifest('legacy/istio-1.2.2/istio-demo.yaml').map((pod) => ({ ...pod, createdAt: NOW - 95 * 60_000 }));
/** The same nodes as a full build of the same pods. */
function assertSameTree(live: PodTree, built: PodTree): void {
  assert.deepEqual([...live.nodes.keys()].sort(), [...built.nodes.keys()].sort());
  for (const [id, node] of built.nodes) assert.deepEqual(live.nodes.get(id), node, id);
}

/** A small random source, so a failing sequence can be replayed. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe('the pod tree kept up to date event by event', () => {
  for (const filter of [undefined, 'reviews', 'running']) {
    test(`random adds, updates and deletes leave the same tree a full build makes, and refresh the same nodes (filter ${filter ?? 'none'})`, () => {
      const random = seeded(18);
      const pods = new Map<string, PodSummary>();
      for (const pod of [
        ...bookPods(),
        sidecarPod('productpage-v1', 'default', 1),
        sidecarPod('reviews-v1', 'default', 2),
      ])
        pods.set(pod.uid, pod);
      const live = new LivePodTree(input([...pods.values()], { filter }));
      let previous: PodTree = buildPodTree(input([...pods.values()], { filter }));
      assertSameTree(live, previous);
      let serial = 10;
      for (let step = 0; step < 300; step++) {
        const known = [...pods.values()];
        const pick = known[Math.floor(random() * known.length)];
        const roll = random();
        let change: PodStoreChange;
        if (roll < 0.3 || !pick) {
          const namespace = ['default', 'bookinfo', 'istio-system'][Math.floor(random() * 3)];
          const added = sidecarPod(
            ['ratings-v1', 'reviews-v2', 'details-v1'][Math.floor(random() * 3)],
            namespace,
            serial++,
          );
          pods.set(added.uid, added);
          change = { added: [added], updated: [], removed: [] };
        } else if (roll < 0.5) {
          pods.delete(pick.uid);
          change = { added: [], updated: [], removed: [pick] };
        } else {
          const phase = random() < 0.2 ? 'Succeeded' : random() < 0.2 ? 'Pending' : 'Running';
          const updated: PodSummary = {
            ...pick,
            resourceVersion: `${step}`,
            phase,
            restarts: pick.restarts + (random() < 0.5 ? 1 : 0),
            readyContainers: random() < 0.3 ? 0 : pick.totalContainers,
            deleting: random() < 0.05,
          };
          pods.set(updated.uid, updated);
          change = { added: [], updated: [updated], removed: [] };
        }
        const refreshed = live.apply(change, NOW);
        const built = buildPodTree(input([...pods.values()], { filter }));
        assertSameTree(live, built);
        const expected = changedNodes(previous, built);
        assert.deepEqual([...refreshed].sort(), expected === 'all' ? 'all' : [...expected].sort(), `step ${step}`);
        // The status bar's health reads the installation's pods alone, and counts what all pods count.
        assert.deepEqual(
          controlPlaneHealth(live.installationPods(), 'istio-system', NOW),
          controlPlaneHealth([...pods.values()], 'istio-system', NOW),
        );
        previous = built;
      }
    });
  }

  test('a restart counted on one of 2,000 sidecars refreshes that pod alone', () => {
    const pods = Array.from({ length: 2000 }, (_, i) => sidecarPod('productpage-v1', `ns-${i % 20}`, i));
    const live = new LivePodTree(input(pods));
    const pod = pods[777];
    const refreshed = live.apply(
      { added: [], updated: [{ ...pod, resourceVersion: '2', restarts: 1 }], removed: [] },
      NOW,
    );
    assert.deepEqual(refreshed, [`pod:${pod.uid}`]);
  });

  test("a filter and the store's state read as in a full build", () => {
    const pods = [...bookPods(), sidecarPod('productpage-v1', 'default', 1)];
    const state = { kind: 'reconnecting' as const, attempt: 2, retryInMs: 500, error: new Error('dropped') };
    const live = new LivePodTree(input(pods, { filter: 'pilot' }));
    // The message appears under the cluster node: that node's children changed.
    assert.deepEqual(live.setState(state), ['cluster']);
    assertSameTree(live, buildPodTree(input(pods, { filter: 'pilot', state })));
    const nothing = new LivePodTree(input(pods, { filter: 'no such pod' }));
    assertSameTree(nothing, buildPodTree(input(pods, { filter: 'no such pod' })));
  });
});
