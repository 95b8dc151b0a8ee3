// Eviction and drain as on a real 1.13 cluster, judged by the real kubectl: cordon marks the node
// SchedulingDisabled and taints it, the pods/eviction subresource refuses with 429 what would break
// a PodDisruptionBudget (Istio's demo gives single-replica components `minAvailable: 1`), and
// `kubectl drain` keeps retrying on it until its timeout.
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KubeObject } from '../../src/sandbox/apimachinery/kube-object';
import type { KubectlSandbox } from './kubectl';
import { whenStored } from './when-stored';
import { startKubectlSandbox } from './kubectl';
import { sendForStatus } from './status-request';

/** A single-replica component and its budget, shaped as Istio 1.2's demo install has them. */
const gateway = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: istio-ingressgateway
  namespace: lab
spec:
  replicas: ${replicas}
  selector:
    matchLabels: { app: istio-ingressgateway }
  template:
    metadata:
      labels: { app: istio-ingressgateway, istio: ingressgateway }
    spec:
      containers:
      - name: istio-proxy
        image: docker.io/istio/proxyv2:1.2.2
---
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: istio-ingressgateway
  namespace: lab
spec:
  minAvailable: 1
  selector:
    matchLabels: { app: istio-ingressgateway, istio: ingressgateway }
`;

interface Budget {
  currentHealthy?: number;
  desiredHealthy?: number;
  disruptionsAllowed?: number;
  expectedPods?: number;
  observedGeneration?: number;
}

interface Status {
  code: number;
  reason: string;
  message: string;
  details?: { causes?: { reason: string; message: string }[] };
}

describe('sandbox eviction and drain, as kubectl 1.32 sees them on 1.13', () => {
  let cluster: KubectlSandbox;
  const budget = (status: (budget: Budget) => boolean) =>
    whenStored(cluster.sandbox, () => {
      const pdb = cluster.sandbox.store.get('policy/poddisruptionbudgets', 'lab', 'istio-ingressgateway');
      return pdb && status((pdb.status ?? {}) as Budget) ? ((pdb.status ?? {}) as Budget) : undefined;
    });
  const gatewayPods = (): KubeObject[] =>
    cluster.sandbox.store
      .list('/pods', 'lab')
      .filter((pod) => pod.metadata.labels?.app === 'istio-ingressgateway' && !pod.metadata.deletionTimestamp);
  const evict = (pod: string) =>
    sendForStatus<Status>(
      cluster.sandbox,
      'POST',
      `/api/v1/namespaces/lab/pods/${pod}/eviction`,
      JSON.stringify({ apiVersion: 'policy/v1beta1', kind: 'Eviction', metadata: { name: pod, namespace: 'lab' } }),
    );

  before(async () => {
    cluster = await startKubectlSandbox({ nodes: 2, speed: 0 });
    assert.equal((await cluster.kubectl(['create', 'namespace', 'lab'])).code, 0);
    const created = await cluster.kubectl(['apply', '-f', '-'], { stdin: gateway(1) });
    assert.equal(created.code, 0, created.stderr);
  });
  after(() => cluster.close());

  test('discovery announces pods/eviction as policy/v1beta1 Eviction', async () => {
    const { stdout } = await cluster.kubectl(['get', '--raw', '/api/v1']);
    const entry = (
      JSON.parse(stdout) as {
        resources: { name: string; group?: string; version?: string; kind: string; verbs: string[] }[];
      }
    ).resources.find((resource) => resource.name === 'pods/eviction');
    assert.deepEqual(entry && { group: entry.group, version: entry.version, kind: entry.kind, verbs: entry.verbs }, {
      group: 'policy',
      version: 'v1beta1',
      kind: 'Eviction',
      verbs: ['create'],
    });
  });

  test('the disruption controller counts the budget and a POST that would break it answers 429 with upstream message and cause', async () => {
    const status = await budget((s) => s.currentHealthy === 1);
    assert.deepEqual(status, {
      currentHealthy: 1,
      desiredHealthy: 1,
      disruptionsAllowed: 0,
      expectedPods: 1,
      observedGeneration: 1,
    });
    const table = await cluster.kubectl(['get', 'pdb', '-n', 'lab']);
    assert.match(table.stdout, /istio-ingressgateway\s+1\s+N\/A\s+0\s/);
    const pod = gatewayPods()[0].metadata.name!;
    const answer = await evict(pod);
    assert.equal(answer.code, 429);
    assert.equal(answer.status.reason, 'TooManyRequests');
    assert.equal(answer.status.message, "Cannot evict pod as it would violate the pod's disruption budget.");
    assert.deepEqual(answer.status.details?.causes, [
      {
        reason: 'DisruptionBudget',
        message: 'The disruption budget istio-ingressgateway needs 1 healthy pods and has 1 currently',
      },
    ]);
    assert.ok(cluster.sandbox.store.get('/pods', 'lab', pod), 'the refused pod is still there');
  });

  test('kubectl drain cordons the node, evicts what it may and retries on the budget until its timeout', async () => {
    const pod = gatewayPods()[0];
    const node = String((pod.spec as { nodeName: string }).nodeName);
    const drain = await cluster.kubectl([
      'drain',
      node,
      '--ignore-daemonsets',
      '--delete-emptydir-data',
      '--timeout=6s',
    ]);
    assert.equal(drain.code, 1, drain.stdout);
    assert.match(drain.stdout, new RegExp(`node/${node} cordoned`));
    assert.match(
      drain.stderr,
      /error when evicting pods\/"istio-ingressgateway-[^"]+" -n "lab" \(will retry after 5s\): Cannot evict pod as it would violate the pod's disruption budget\./,
    );
    assert.match(drain.stderr, /global timeout reached: 6s/);
    assert.ok(cluster.sandbox.store.get('/pods', 'lab', pod.metadata.name!), 'the protected pod was not deleted');

    const nodes = await cluster.kubectl(['get', 'nodes']);
    assert.match(nodes.stdout, new RegExp(`${node}\\s+Ready,SchedulingDisabled\\s`));
    const taints = await whenStored(cluster.sandbox, () => {
      const stored = cluster.sandbox.store.get('/nodes', undefined, node);
      const list = (stored?.spec as { taints?: { key: string; effect: string }[] } | undefined)?.taints;
      return list?.length ? list : undefined;
    });
    assert.deepEqual(
      taints.map((taint) => `${taint.key}:${taint.effect}`),
      ['node.kubernetes.io/unschedulable:NoSchedule'],
    );

    const uncordon = await cluster.kubectl(['uncordon', node]);
    assert.equal(uncordon.code, 0, uncordon.stderr);
    await whenStored(cluster.sandbox, () =>
      ((cluster.sandbox.store.get('/nodes', undefined, node)?.spec as { taints?: unknown[] } | undefined)?.taints ?? [])
        .length === 0
        ? true
        : undefined,
    );
    assert.match((await cluster.kubectl(['get', 'node', node])).stdout, new RegExp(`${node}\\s+Ready\\s`));
  });

  test('with a replica to spare the eviction succeeds, the pod goes, and the Deployment replaces it', async () => {
    assert.equal(
      (await cluster.kubectl(['scale', 'deployment.apps/istio-ingressgateway', '-n', 'lab', '--replicas=2'])).code,
      0,
    );
    await budget((s) => s.disruptionsAllowed === 1 && s.expectedPods === 2);
    const pod = gatewayPods()[0].metadata.name!;
    const answer = await evict(pod);
    assert.equal(answer.code, 201);
    assert.deepEqual(answer.status, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    const gone = cluster.sandbox.store.get('/pods', 'lab', pod);
    assert.ok(!gone || gone.metadata.deletionTimestamp, 'the evicted pod is deleted');
    await budget((s) => s.currentHealthy === 2 && s.disruptionsAllowed === 1);
  });
});
