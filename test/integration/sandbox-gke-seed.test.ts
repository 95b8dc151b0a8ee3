// kube-system on a sandbox with nodes looks like a new GKE 1.13 cluster's: the same workloads,
// one kube-proxy, fluentd-gcp and prometheus-to-sd pod per node, with the same READY counts.
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KubectlSandbox } from './kubectl';
import { startKubectlSandbox } from './kubectl';
import { whenStored } from './when-stored';

/**
 * `kubectl get pods -n kube-system` of a GKE v1.13.10-gke.0 cluster with 3 nodes (a public
 * training repository's README, 2019), as owner → [pods, READY].
 */
const GKE_1_13: Record<string, [number, string]> = {
  'event-exporter-v0.2.4': [1, '2/2'],
  'fluentd-gcp-scaler': [1, '1/1'],
  'fluentd-gcp-v3.2.0': [3, '2/2'],
  'heapster-v1.6.1': [1, '3/3'],
  'kube-dns': [2, '4/4'],
  'kube-dns-autoscaler': [1, '1/1'],
  'kube-proxy': [3, '1/1'],
  'l7-default-backend': [1, '1/1'],
  'metrics-server-v0.3.1': [1, '2/2'],
  'prometheus-to-sd': [3, '1/1'],
};

const SAFE = '[bcdfghjklmnpqrstvwxz2456789]';
/** `heapster-v1.6.1-66fd5c9d75-k9kvg` → `heapster-v1.6.1`; `kube-proxy-gke-…` → `kube-proxy`. */
const owner = (name: string): string =>
  name.startsWith('kube-proxy-gke-')
    ? 'kube-proxy'
    : name.replace(new RegExp(`-${SAFE}{6,10}-${SAFE}{5}$`), '').replace(new RegExp(`-${SAFE}{5}$`), '');

describe("the sandbox's kube-system", () => {
  let cluster: KubectlSandbox;
  before(async () => {
    cluster = await startKubectlSandbox({ nodes: 3, speed: 0 });
    const expected = Object.values(GKE_1_13).reduce((total, [pods]) => total + pods, 0);
    // Wait (on store changes) until the controllers have made every pod, then for them to be ready.
    await whenStored(
      cluster.sandbox,
      () => cluster.sandbox.store.list('/pods', 'kube-system').length >= expected || undefined,
    );
    await cluster.kubectlOk(['wait', '--for=condition=Ready', 'pod', '--all', '-n', 'kube-system', '--timeout=60s']);
  });
  after(() => cluster.close());

  test('lists the pods of a new GKE 1.13 cluster with the same READY counts', async () => {
    const { code, stdout, stderr } = await cluster.kubectl(['get', 'pods', '-n', 'kube-system', '--no-headers']);
    assert.equal(code, 0, stderr);
    const actual: Record<string, [number, string]> = {};
    for (const line of stdout.trim().split('\n')) {
      const [name, ready, status] = line.split(/\s+/);
      assert.equal(status, 'Running', line);
      const entry = (actual[owner(name)] ??= [0, ready]);
      entry[0]++;
      assert.equal(entry[1], ready, line);
    }
    assert.deepEqual(actual, GKE_1_13);
  });

  test("kube-proxy runs as a mirror pod on each node's own address", async () => {
    const { stdout } = await cluster.kubectl([
      'get',
      'pods',
      '-n',
      'kube-system',
      '-l',
      'component=kube-proxy',
      '-o',
      'jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName} {.status.podIP} {.status.hostIP}{"\\n"}{end}',
    ]);
    const rows = stdout
      .trim()
      .split('\n')
      .map((line) => line.split(' '));
    assert.equal(rows.length, 3);
    for (const [name, node, podIp, hostIp] of rows) {
      assert.equal(name, `kube-proxy-${node}`);
      assert.equal(podIp, hostIp, 'host network');
    }
  });
});
