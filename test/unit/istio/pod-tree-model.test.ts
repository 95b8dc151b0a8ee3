import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PodSummary } from '../../../src/kube/pod-summary';
import type { ComponentNode, GroupNode, PodTree, PodTreeInput } from '../../../src/istio/pod-tree-model';
import {
  buildPodTree,
  changedNodes,
  commonAncestor,
  controlPlaneHealth,
  pathTo,
  podRow,
} from '../../../src/istio/pod-tree-model';
import { podsFromManifest, sidecarPod } from './pod-fixtures';

const NOW = Date.parse('2019-07-10T12:00:00Z');
const cluster = { context: 'istio-lab-sandbox', server: 'https://127.0.0.1:6443', simulated: true };
const bookPods = (): PodSummary[] =>
  podsFromManifest('legacy/istio-1.2.2/istio-demo.yaml').map((pod) => ({ ...pod, createdAt: NOW - 95 * 60_000 }));
const build = (pods: readonly PodSummary[], extra: Partial<PodTreeInput> = {}): PodTree =>
  buildPodTree({ cluster, pods, state: { kind: 'synced' }, istioNamespace: 'istio-system', now: NOW, ...extra });

const childrenOf = (tree: PodTree, id: string) => tree.nodes.get(id)!.children.map((child) => tree.nodes.get(child)!);
/** The cluster's groups in order, each with one of its counts: `[['control', 6], …]`. */
const groupCounts = (tree: PodTree, count: 'pods' | 'singleReplicas') =>
  (childrenOf(tree, 'cluster') as GroupNode[]).map((group) => [group.group, group[count]]);

describe("the pod tree of the book's 1.2.2 install", () => {
  const tree = build(bookPods());

  test('groups the 15 pods under the cluster: control plane, gateways, add-ons, jobs', () => {
    assert.deepEqual(tree.roots, ['cluster']);
    assert.deepEqual(groupCounts(tree, 'pods'), [
      ['control', 6],
      ['gateways', 2],
      ['addons', 4],
      ['jobs', 3],
    ]);
    assert.equal([...tree.nodes.values()].filter((node) => node.kind === 'pod').length, 15);
  });

  test('the cluster node knows the Istio version from the images', () => {
    const node = tree.nodes.get('cluster');
    assert.equal(node?.kind, 'cluster');
    assert.deepEqual(node.kind === 'cluster' && node.istioVersions, ['1.2.2']);
  });

  test('each control-plane component with one replica carries the single-point-of-failure warning', () => {
    const components = childrenOf(tree, 'group:control') as ComponentNode[];
    assert.deepEqual(
      components.map((node) => node.workload),
      ['istio-citadel', 'istio-galley', 'istio-pilot', 'istio-policy', 'istio-sidecar-injector', 'istio-telemetry'],
    );
    assert.ok(
      components.every((node) => node.isSinglePointOfFailure && node.replicas.ready === 1 && node.replicas.total === 1),
    );
    const gateways = childrenOf(tree, 'group:gateways') as ComponentNode[];
    assert.ok(
      gateways.every((node) => !node.isSinglePointOfFailure),
      'only the control plane is warned about',
    );
  });

  test('the control-plane group counts its single replicas, so the view explains them once', () => {
    assert.deepEqual(groupCounts(tree, 'singleReplicas'), [
      ['control', 6],
      ['gateways', 0],
      ['addons', 0],
      ['jobs', 0],
    ]);
  });

  test('pod rows read like kubectl: 2/2 Running for pilot, 0/1 Completed for the jobs', () => {
    const rows = new Map(
      [...tree.nodes.values()].flatMap((node) =>
        node.kind === 'pod' ? [[node.role.workload, { row: podRow(node.pod, NOW), health: node.health }]] : [],
      ),
    );
    assert.deepEqual(rows.get('istio-pilot'), {
      row: { ready: '2/2', status: 'Running', restarts: 0, age: '95m' },
      health: 'ready',
    });
    assert.deepEqual(rows.get('istio-telemetry')?.row.ready, '2/2');
    assert.deepEqual(rows.get('istio-cleanup-secrets-1.2.2'), {
      row: { ready: '0/1', status: 'Completed', restarts: 0, age: '95m' },
      health: 'completed',
    });
  });

  test('ids are stable and each node can be reached from the root', () => {
    const again = build(bookPods().map((pod) => ({ ...pod })));
    assert.deepEqual([...again.nodes.keys()].sort(), [...tree.nodes.keys()].sort());
    const pilot = [...tree.nodes.values()].find((node) => node.kind === 'pod' && node.role.workload === 'istio-pilot')!;
    assert.deepEqual(pathTo(tree, pilot.id), [
      'cluster',
      'group:control',
      'component:control:istio-system/istio-pilot',
      pilot.id,
    ]);
  });

  test('the installation is healthy: 12 of 12 pods ready, jobs aside', () => {
    assert.deepEqual(controlPlaneHealth(bookPods(), 'istio-system', NOW), {
      ready: 12,
      total: 12,
      failing: 0,
      isReady: true,
    });
  });
});

describe('refreshing only what changed', () => {
  test('a pod turning unready refreshes its group (counts changed), not the whole tree', () => {
    const pods = bookPods();
    const before = build(pods);
    const galley = pods.findIndex((pod) => pod.name.startsWith('istio-galley'));
    const changed = [...pods];
    changed[galley] = {
      ...pods[galley],
      resourceVersion: '2',
      readyContainers: 0,
      containers: pods[galley].containers.map((c) => ({ ...c, ready: false })),
    };
    assert.deepEqual(changedNodes(before, build(changed)), ['group:control']);
    assert.equal(controlPlaneHealth(changed, 'istio-system', NOW).isReady, false);
  });

  test('a crash-looping Mixer counts as failing', () => {
    const pods = bookPods();
    const telemetry = pods.findIndex((pod) => pod.name.startsWith('istio-telemetry'));
    const changed = [...pods];
    const mixer = {
      ...pods[telemetry].containers[0],
      ready: false,
      state: 'waiting' as const,
      reason: 'CrashLoopBackOff',
      restartCount: 15,
    };
    changed[telemetry] = {
      ...pods[telemetry],
      status: 'CrashLoopBackOff',
      readyContainers: 1,
      containers: [mixer, pods[telemetry].containers[1]],
    };
    assert.deepEqual(controlPlaneHealth(changed, 'istio-system', NOW), {
      ready: 11,
      total: 12,
      failing: 1,
      isReady: false,
    });
    const component = build(changed).nodes.get('component:control:istio-system/istio-telemetry') as ComponentNode;
    assert.equal(component.hasFailingPod, true);
  });

  test('a restart counted on a ready pod refreshes that pod alone', () => {
    const pods = bookPods();
    const before = build(pods);
    const policy = pods.findIndex((pod) => pod.name.startsWith('istio-policy'));
    const changed = [...pods];
    changed[policy] = { ...pods[policy], resourceVersion: '2', restarts: 2 };
    assert.deepEqual(changedNodes(before, build(changed)), [`pod:${pods[policy].uid}`]);
  });

  test('changes in two groups are refreshed through the cluster, changes in one group through that group', () => {
    const pods = bookPods();
    const before = build(pods);
    const galley = pods.findIndex((pod) => pod.name.startsWith('istio-galley'));
    const ingress = pods.findIndex((pod) => pod.name.startsWith('istio-ingressgateway'));
    const changed = [...pods];
    changed[galley] = { ...pods[galley], resourceVersion: '2', restarts: 1 };
    changed[ingress] = { ...pods[ingress], resourceVersion: '2', readyContainers: 0 };
    const after = build(changed);
    const changes = changedNodes(before, after);
    assert.deepEqual(new Set(changes), new Set([`pod:${pods[galley].uid}`, 'group:gateways']));
    assert.equal(commonAncestor(after, changes as string[]), 'cluster');
    const pilot = `pod:${pods.find((pod) => pod.name.startsWith('istio-pilot'))!.uid}`;
    assert.equal(
      commonAncestor(after, [pilot, 'component:control:istio-system/istio-pilot']),
      'component:control:istio-system/istio-pilot',
    );
    assert.equal(commonAncestor(after, [pilot, `pod:${pods[galley].uid}`]), 'group:control');
    assert.equal(commonAncestor(after, [pilot]), pilot);
    assert.equal(commonAncestor(after, []), undefined);
  });

  test('an unchanged relist refreshes nothing, and a first build refreshes all', () => {
    const pods = bookPods();
    assert.deepEqual(changedNodes(build(pods), build(pods.map((pod) => ({ ...pod })))), []);
    assert.equal(changedNodes(undefined, build(pods)), 'all');
  });
});

describe('states, filters and the data plane', () => {
  test('reconnecting shows a message node above the groups it still knows', () => {
    const error = new Error('connect ECONNREFUSED 127.0.0.1:6443');
    const tree = build(bookPods(), { state: { kind: 'reconnecting', attempt: 2, retryInMs: 800, error } });
    const [first] = childrenOf(tree, 'cluster');
    assert.deepEqual(first.kind === 'message' && [first.code, first.attempt, first.error], ['reconnecting', 2, error]);
    assert.equal(childrenOf(tree, 'cluster').length, 5);
  });

  test('a filter keeps matching pods with their group and component, or says nothing matched', () => {
    const tree = build(bookPods(), { filter: 'PILOT' });
    assert.deepEqual(
      childrenOf(tree, 'cluster').map((node) => node.id),
      ['group:control'],
    );
    const none = build(bookPods(), { filter: 'no-such-pod' });
    assert.deepEqual(
      childrenOf(none, 'cluster').map((node) => node.id),
      ['message:noMatch'],
    );
  });

  test("a filter matches the READY and STATUS columns too, such as the book's 2/2", () => {
    const tree = build(bookPods(), { filter: '2/2' });
    const pods = [...tree.nodes.values()]
      .filter((node) => node.kind === 'pod')
      .map((node) => node.kind === 'pod' && node.pod.name.replace(/-[a-z0-9]+-[a-z0-9]+$/, ''));
    assert.deepEqual(pods.sort(), ['istio-pilot', 'istio-policy', 'istio-telemetry']);
    const completed = build(bookPods(), { filter: 'completed' });
    assert.deepEqual(
      childrenOf(completed, 'cluster').map((node) => node.id),
      ['group:jobs'],
    );
  });

  test('sidecars count their pods and namespaces', () => {
    const tree = build([
      ...bookPods(),
      sidecarPod('productpage-v1', 'default', 'g5k4s'),
      sidecarPod('reviews-v1', 'default', 'g5k4s'),
      sidecarPod('ratings-v1', 'bookinfo', 'g5k4s'),
    ]);
    const sidecars = tree.nodes.get('group:sidecars') as GroupNode;
    assert.deepEqual([sidecars.pods, sidecars.namespaces], [3, 2]);
  });
});
