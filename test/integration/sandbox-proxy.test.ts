// The API server's service proxy through the real kubectl: Pilot 1.2.2's /v1/registration reached as
// the book does, `kubectl get --raw …/services/http:istio-pilot:8080/proxy/v1/registration`.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as yaml from 'js-yaml';
import type { KubectlSandbox } from './kubectl';
import { fixtures, startKubectlSandbox } from './kubectl';

const NS = 'istio-system';
const proxyPath = (service: string, rest: string): string =>
  `/api/v1/namespaces/${NS}/services/${service}/proxy/${rest}`;

function demoService(name: string): Record<string, unknown> {
  const documents = yaml.loadAll(
    fs.readFileSync(path.join(fixtures, 'legacy', 'istio-1.2.2', 'istio-demo.yaml'), 'utf8'),
    undefined,
    { json: true },
  );
  const found = documents.find((d) => {
    const object = d as { kind?: string; metadata?: { name?: string } } | null;
    return object?.kind === 'Service' && object.metadata?.name === name;
  });
  assert.ok(found, `Service ${name} in istio-demo.yaml`);
  return found as Record<string, unknown>;
}

function pod(name: string, labels: Record<string, string>, images: string[]): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NS, labels },
    spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) },
  };
}

const readyStatus = (ip: string): string =>
  JSON.stringify({
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: 'True' }] },
  });

function endpoints(
  name: string,
  podName: string,
  ip: string,
  ports: { name?: string; port: number }[],
): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name, namespace: NS },
    subsets: [
      {
        addresses: [{ ip, targetRef: { kind: 'Pod', name: podName, namespace: NS } }],
        ports: ports.map((p) => ({ ...p, protocol: 'TCP' })),
      },
    ],
  };
}

describe('service proxy to simulated containers, through kubectl', () => {
  let cluster: KubectlSandbox;
  before(async () => {
    cluster = await startKubectlSandbox();
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
        demoService('istio-pilot'),
        demoService('grafana'),
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'lonely', namespace: NS },
          spec: { ports: [{ name: 'http', port: 80 }], selector: { app: 'lonely' } },
        },
        pod('istio-pilot-5c4b6f5d8-abcde', { istio: 'pilot', app: 'pilot' }, [
          'docker.io/istio/pilot:1.2.2',
          'docker.io/istio/proxyv2:1.2.2',
        ]),
        pod('grafana-6575997f54-xyzwv', { app: 'grafana' }, ['grafana/grafana:6.1.6']),
        endpoints('istio-pilot', 'istio-pilot-5c4b6f5d8-abcde', '10.8.0.12', [
          { name: 'grpc-xds', port: 15010 },
          { name: 'https-xds', port: 15011 },
          { name: 'http-legacy-discovery', port: 8080 },
          { name: 'http-monitoring', port: 15014 },
        ]),
        endpoints('grafana', 'grafana-6575997f54-xyzwv', '10.8.1.5', [{ name: 'http', port: 3000 }]),
        { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'lonely', namespace: NS } },
      ],
    };
    const created = await cluster.kubectl(['create', '-f', '-'], { stdin: JSON.stringify(list) });
    assert.equal(created.code, 0, created.stderr);
    for (const [name, ip] of [
      ['istio-pilot-5c4b6f5d8-abcde', '10.8.0.12'],
      ['grafana-6575997f54-xyzwv', '10.8.1.5'],
    ]) {
      const patched = await cluster.kubectl([
        'patch',
        'pod',
        name,
        '-n',
        NS,
        '--subresource=status',
        '--type=merge',
        '-p',
        readyStatus(ip),
      ]);
      assert.equal(patched.code, 0, patched.stderr);
    }
  });
  after(() => cluster.close());

  test('Pilot answers /v1/registration with grafana|http at port 3000, pretty-printed like go-restful', async () => {
    const result = await cluster.kubectl(['get', '--raw', proxyPath('http:istio-pilot:8080', 'v1/registration')]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^\[\n {2}\{\n {3}"service-key"/);
    const entries = JSON.parse(result.stdout) as {
      'service-key': string;
      hosts: { ip_address: string; port: number }[];
    }[];
    const grafana = entries.find((e) => e['service-key'] === 'grafana.istio-system.svc.cluster.local|http');
    assert.ok(grafana, result.stdout);
    assert.ok(grafana.hosts.some((h) => h.port === 3000 && h.ip_address === '10.8.1.5'));
    const pilot = entries.find(
      (e) => e['service-key'] === 'istio-pilot.istio-system.svc.cluster.local|http-legacy-discovery',
    );
    assert.deepEqual(pilot?.hosts, [{ ip_address: '10.8.0.12', port: 8080 }]);
    assert.deepEqual(entries.find((e) => e['service-key'] === 'lonely.istio-system.svc.cluster.local|http')?.hosts, []);
    assert.ok(entries.some((e) => e['service-key'] === 'kubernetes.default.svc.cluster.local|https'));
  });

  test('Pilot 1.2 serves /debug/registryz and /debug/endpointz as its hand-written streams ending in {}', async () => {
    const registry = await cluster.kubectl(['get', '--raw', proxyPath('http:istio-pilot:8080', 'debug/registryz')]);
    assert.equal(registry.code, 0, registry.stderr);
    assert.match(registry.stdout, /"hostname": "grafana\.istio-system\.svc\.cluster\.local"/);
    assert.ok(registry.stdout.endsWith('{}]\n'));
    const endpoints = await cluster.kubectl(['get', '--raw', proxyPath('http:istio-pilot:8080', 'debug/endpointz')]);
    assert.equal(endpoints.code, 0, endpoints.stderr);
    assert.match(
      endpoints.stdout,
      /\{"svc": "grafana\.istio-system\.svc\.cluster\.local:http", "ep": \[\n\{\n {4}"endpoint": \{/,
    );
    assert.match(endpoints.stdout, /"Address": "10\.8\.1\.5",\n {6}"Port": 3000/);
    assert.ok(endpoints.stdout.endsWith('\n{}]\n'));
  });

  test('the port can be named instead of numbered, and the scheme left out', async () => {
    const result = await cluster.kubectl([
      'get',
      '--raw',
      proxyPath('istio-pilot:http-legacy-discovery', 'v1/registration'),
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.ok((JSON.parse(result.stdout) as unknown[]).length > 0);
  });

  test('a path Pilot has no route for is a 404 from Pilot, a port the service lacks is a 503', async () => {
    const missing = await cluster.kubectl([
      'get',
      '--raw',
      proxyPath('http:istio-pilot:8080', 'v1/registration/reviews'),
    ]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /NotFound|404/);
    const noPort = await cluster.kubectl(['get', '--raw', proxyPath('istio-pilot:9999', 'v1/registration')]);
    assert.notEqual(noPort.code, 0);
    assert.match(noPort.stderr, /no service port 9999 found for service "istio-pilot"/);
  });

  test('a service without ready endpoints answers 503 with the apiserver message', async () => {
    const result = await cluster.kubectl(['get', '--raw', proxyPath('lonely:80', '')]);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /ServiceUnavailable.*no endpoints available for service "lonely"/);
  });

  test('an image the sandbox does not model answers a page that says it is simulated', async () => {
    const result = await cluster.kubectl(['get', '--raw', proxyPath('grafana:3000', 'api/health')]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /Simulated by Istio Lab's sandbox: grafana\/grafana:6\.1\.6 would answer GET \/api\/health on port 3000/,
    );
  });
});
