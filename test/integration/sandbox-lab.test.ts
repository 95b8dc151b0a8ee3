// The book's lab end to end on the sandbox, with the real kubectl: install Istio 1.2.2, wait for
// Pilot, then read its service registry through the API server's service proxy.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { KubectlSandbox } from './kubectl';
import { fixtures, startKubectlSandbox } from './kubectl';

const demo122 = path.join(fixtures, 'legacy', 'istio-1.2.2', 'istio-demo.yaml');

interface Registration {
  'service-key': string;
  hosts: { ip_address: string; port: number }[];
}

describe('the book\'s lab on the sandbox', () => {
  let cluster: KubectlSandbox;
  before(async () => {
    cluster = await startKubectlSandbox({ nodes: 3, speed: 0 });
    await cluster.kubectl(['get', 'ns']);
    const created = await cluster.kubectl(['create', '-f', demo122]);
    assert.equal(created.code, 0, created.stderr);
  });
  after(() => cluster.close());

  test('kube-system holds GKE 1.13\'s workloads, running on the simulated nodes', async () => {
    const ready = await cluster.kubectl(['wait', '--for=condition=Ready', 'pod', '-l', 'k8s-app=kube-dns', '-n', 'kube-system', '--timeout=60s']);
    assert.equal(ready.code, 0, ready.stderr);
  });

  test('Pilot\'s /v1/registration through the service proxy lists grafana on port 3000 and GKE\'s default backend', async () => {
    const ready = await cluster.kubectl(['wait', '--for=condition=Ready', 'pod', '-l', 'app=grafana', '-n', 'istio-system', '--timeout=60s']);
    assert.equal(ready.code, 0, ready.stderr);
    const pilot = await cluster.kubectl(['wait', '--for=condition=Ready', 'pod', '-l', 'istio=pilot', '-n', 'istio-system', '--timeout=60s']);
    assert.equal(pilot.code, 0, pilot.stderr);
    const raw = await cluster.kubectl(['get', '--raw', '/api/v1/namespaces/istio-system/services/http:istio-pilot:8080/proxy/v1/registration']);
    assert.equal(raw.code, 0, raw.stderr);
    const registry = JSON.parse(raw.stdout) as Registration[];
    const grafana = registry.find((entry) => entry['service-key'] === 'grafana.istio-system.svc.cluster.local|http');
    assert.ok(grafana, 'grafana is in the registry');
    assert.equal(grafana.hosts.length, 1);
    assert.equal(grafana.hosts[0].port, 3000);
    assert.match(grafana.hosts[0].ip_address, /^10\.0\.\d+\.\d+$/);
    assert.ok(registry.some((entry) => entry['service-key'] === 'default-http-backend.kube-system.svc.cluster.local|http'));
  });
});
