// The registry model on real captures of each format (test/fixtures/istio/registry/).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseIstiodDebug } from '../../../src/istio/registry/istiod-debug';
import { RegistryFormatError } from '../../../src/istio/registry/json-text';
import { parseRegistration } from '../../../src/istio/registry/legacy-registration';
import { countEndpoints, diffSnapshots, registryCsv, withPods } from '../../../src/istio/registry/registry-model';
import { legacyRegistrationBody } from '../../../src/sandbox/istio/pilot-registry';

const fixture = (name: string): string =>
  fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'istio', 'registry', name), 'utf8');

test('normalises the legacy Bookinfo registration into services, ports and endpoints', () => {
  const snapshot = parseRegistration(fixture('legacy-registration-bookinfo.json'));
  assert.equal(snapshot.format, 'legacy-registration');
  assert.deepEqual(
    snapshot.services.map((s) => [s.namespace, s.name, s.hostname]),
    [
      ['nino', 'details', 'details.nino.svc.cluster.local'],
      ['nino', 'reviews', 'reviews.nino.svc.cluster.local'],
    ],
  );
  const reviews = snapshot.services[1].ports[0];
  assert.equal(reviews.key, 'reviews.nino.svc.cluster.local|http');
  assert.equal(reviews.name, 'http');
  assert.equal(reviews.port, undefined, 'legacy registration has no service port numbers');
  assert.deepEqual(
    reviews.endpoints.map((e) => `${e.ip}:${e.port}`),
    ['10.244.0.38:9080', '10.244.0.41:9080', '10.244.0.42:9080'],
  );
  assert.deepEqual(countEndpoints(snapshot), { services: 2, ports: 2, endpoints: 4 });
});

test('reads the 0.x per-key answer when the key is given', () => {
  const snapshot = parseRegistration(
    fixture('legacy-registration-single-key.json'),
    'reviews.nino.svc.cluster.local|http',
  );
  assert.equal(snapshot.services[0].ports[0].endpoints[0].ip, '10.244.0.38');
});

test('groups the ports of one service, and keeps an unnamed port under the bare hostname', () => {
  const body =
    '[{"service-key":"a.ns.svc.cluster.local|grpc","hosts":[]},{"service-key":"a.ns.svc.cluster.local|http","hosts":[{"ip_address":"10.0.0.1","port":80,"tags":{"x":1}}]},{"service-key":"inj.istio-system.svc.cluster.local","hosts":[],"weight":3}]';
  const snapshot = parseRegistration(body);
  const a = snapshot.services.find((s) => s.name === 'a')!;
  assert.deepEqual(
    a.ports.map((p) => p.name),
    ['grpc', 'http'],
  );
  assert.deepEqual(a.ports[1].endpoints[0].extra, { tags: { x: 1 } }, 'unknown host fields are kept');
  const injector = snapshot.services.find((s) => s.name === 'inj')!;
  assert.equal(injector.ports[0].key, 'inj.istio-system.svc.cluster.local');
  assert.equal(injector.ports[0].name, '');
  assert.deepEqual(injector.ports[0].extra, { weight: 3 }, 'unknown entry fields are kept');
});

test('reads what the sandbox Pilot answers, pretty-printed the way go-restful writes it', () => {
  const body = legacyRegistrationBody({
    services: [
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'grafana', namespace: 'istio-system' },
        spec: { ports: [{ name: 'http', port: 3000 }] },
      },
    ],
    endpoints: [
      {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: 'grafana', namespace: 'istio-system' },
        subsets: [{ addresses: [{ ip: '10.4.0.7' }], ports: [{ name: 'http', port: 3000 }] }],
      },
    ],
  });
  const [grafana] = parseRegistration(body).services;
  assert.equal(grafana.ports[0].key, 'grafana.istio-system.svc.cluster.local|http');
  assert.deepEqual(grafana.ports[0].endpoints, [{ ip: '10.4.0.7', port: 3000 }]);
});

test('reports malformed JSON with its line and column', () => {
  const broken = fixture('legacy-registration-bookinfo.json').replace('"port": 9080', '"port": 9080,');
  assert.throws(
    () => parseRegistration(broken),
    (error: unknown) =>
      error instanceof RegistryFormatError &&
      error.problem === 'malformed-json' &&
      error.line === 6 &&
      error.column === 4,
  );
  assert.throws(
    () => parseRegistration('[{"service-key": "x", "hosts": [ tru ]}]'),
    (error: unknown) => error instanceof RegistryFormatError && error.line === 1 && error.column === 37,
  );
  assert.throws(
    () => parseRegistration('[{"service-key": "x"'),
    (error: unknown) => error instanceof RegistryFormatError && /ends early/.test(error.message),
  );
});

test('rejects JSON of the wrong shape with a reason', () => {
  assert.throws(
    () => parseRegistration('{"kind":"Status"}'),
    (error: unknown) => error instanceof RegistryFormatError && error.problem === 'unexpected-shape',
  );
  assert.throws(() => parseRegistration('[{"hosts":[]}]'), /no "service-key"/);
});

test('normalises the 1.16 registryz capture: 14 services with namespaces, VIPs and ports', () => {
  const snapshot = parseIstiodDebug(fixture('registryz-1.16.0-array.json'));
  assert.equal(snapshot.format, 'istiod-debug');
  assert.equal(snapshot.services.length, 14);
  const envoy = snapshot.services.find((s) => s.hostname === 'envoy.default.svc.cluster.local')!;
  assert.equal(envoy.namespace, 'default');
  assert.equal(envoy.address, '10.43.77.128');
  assert.deepEqual(
    envoy.ports.map((p) => [p.key, p.port, p.protocol]),
    [
      ['envoy.default.svc.cluster.local|admin', 15000, 'UnsupportedProtocol'],
      ['envoy.default.svc.cluster.local|http', 80, 'HTTP'],
    ],
  );
  const scraper = snapshot.services.find((s) => s.name === 'dashboard-metrics-scraper')!;
  assert.equal(scraper.ports[0].name, '', 'a port without a name stays unnamed');
  assert.ok(
    envoy.extra && 'Attributes' in envoy.extra && 'ResourceVersion' in envoy.extra,
    'unread fields are kept for the raw view',
  );
});

test('joins a 1.12-era endpointz group to its registryz service by hostname and port name', () => {
  const group = JSON.parse(fixture('endpointz-one-service-1.12-era.json')) as { ep: { service: unknown }[] };
  const snapshot = parseIstiodDebug(JSON.stringify([group.ep[0].service]), JSON.stringify([group]));
  const [service] = snapshot.services;
  assert.equal(service.name, 'alertmanager-webhook-dingtalk');
  assert.equal(service.namespace, 'monitor');
  assert.equal(service.ports[0].port, 80);
  assert.deepEqual(
    service.ports[0].endpoints.map((e) => `${e.ip}:${e.port}`),
    ['10.244.247.56:8060'],
  );
  assert.equal(service.ports[0].endpoints[0].extra?.WorkloadName, 'alertmanager-webhook-dingtalk');
});

test('reads the pre-1.12 streams closed by empty objects and the 1.20+ shard map', () => {
  const registryz =
    '[\n{"hostname": "a.ns.svc.cluster.local", "address": "10.0.0.9", "ports": [{"name": "http", "port": 80}]},\n{}]\n';
  const legacyEndpointz =
    '[\n\n{"svc": "a.ns.svc.cluster.local:http", "ep": [\n  {"endpoint": {"Family": 0, "Address": "10.1.0.1", "Port": 8080}},\n\n{}]},\n{}]\n';
  const old = parseIstiodDebug(registryz, legacyEndpointz);
  assert.equal(old.services.length, 1);
  assert.equal(old.services[0].address, '10.0.0.9');
  assert.deepEqual(
    old.services[0].ports[0].endpoints.map((e) => `${e.ip}:${e.port}`),
    ['10.1.0.1:8080'],
  );
  const shards = JSON.stringify({
    'a.ns.svc.cluster.local': {
      ns: {
        Shards: {
          'Kubernetes/Kubernetes': [
            { Addresses: ['10.1.0.2'], ServicePortName: 'http', EndpointPort: 8081, HealthStatus: 1 },
          ],
        },
      },
    },
  });
  const modern = parseIstiodDebug(registryz, shards);
  assert.deepEqual(modern.services[0].ports[0].endpoints, [{ ip: '10.1.0.2', port: 8081, extra: { HealthStatus: 1 } }]);
});

test('says which body is malformed when endpointz is', () => {
  assert.throws(
    () => parseIstiodDebug('[]', '[{"svc": }]'),
    (error: unknown) =>
      error instanceof RegistryFormatError && /^\/debug\/endpointz/.test(error.message) && error.column === 10,
  );
});

/** A running pod of Bookinfo's reviews in the fixture's namespace, with `ready` of its 2 containers ready. */
const reviewsPod = (name: string, podIP: string, ready: number) => ({
  namespace: 'nino',
  name,
  podIP,
  readyContainers: ready,
  totalContainers: 2,
  phase: 'Running',
  deleting: false,
});

test('puts pods behind endpoint IPs, with their readiness', () => {
  const snapshot = withPods(parseRegistration(fixture('legacy-registration-bookinfo.json')), [
    reviewsPod('reviews-v1-abc', '10.244.0.38', 2),
    reviewsPod('reviews-v2-def', '10.244.0.41', 1),
  ]);
  const endpoints = snapshot.services[1].ports[0].endpoints;
  assert.deepEqual(endpoints[0].pod, { namespace: 'nino', name: 'reviews-v1-abc', ready: true });
  assert.deepEqual(endpoints[1].pod, { namespace: 'nino', name: 'reviews-v2-def', ready: false });
  assert.equal(endpoints[2].pod, undefined);
});

test('marks an endpoint gone when its pod is deleted, and leaves the snapshot alone when no pod changed', () => {
  const pods = [reviewsPod('reviews-v1-abc', '10.244.0.38', 2), reviewsPod('reviews-v2-def', '10.244.0.41', 2)];
  const annotated = withPods(parseRegistration(fixture('legacy-registration-bookinfo.json')), pods);
  assert.equal(withPods(annotated, pods), annotated);
  const after = withPods(annotated, [pods[1]]);
  const endpoints = after.services[1].ports[0].endpoints;
  assert.deepEqual(endpoints[0].pod, { namespace: 'nino', name: 'reviews-v1-abc', ready: false, gone: true });
  assert.deepEqual(endpoints[1].pod, { namespace: 'nino', name: 'reviews-v2-def', ready: true });
  assert.equal(endpoints[2].pod, undefined);
  assert.equal(after.services[0], annotated.services[0], 'services whose pods did not change are kept as they were');
  const uninstalled = withPods(after, []);
  assert.equal(
    uninstalled.services[1].ports[0].endpoints[1].pod?.gone,
    true,
    'with no pods left, every known pod is gone',
  );
});

test('finds the endpoints added and removed between two fetches', () => {
  const before = parseRegistration(fixture('legacy-registration-bookinfo.json'));
  const after = parseRegistration(fixture('legacy-registration-bookinfo.json').replace('10.244.0.41', '10.244.0.50'));
  const diff = diffSnapshots(before, after);
  assert.deepEqual(diff.added, ['reviews.nino.svc.cluster.local|http 10.244.0.50:9080']);
  assert.deepEqual(
    diff.removed.map((r) => `${r.hostname} ${r.ip}`),
    ['reviews.nino.svc.cluster.local 10.244.0.41'],
  );
});

test('exports one CSV row per endpoint, quoting what needs it and defusing formulas', () => {
  const csv = registryCsv(
    parseRegistration(
      '[{"service-key":"=cmd.ns.svc.cluster.local|a,b","hosts":[{"ip_address":"10.0.0.1","port":1}]},{"service-key":"e.ns.svc.cluster.local|http","hosts":[]}]',
    ),
  );
  const lines = csv.trimEnd().split('\r\n');
  assert.equal(
    lines[0],
    'namespace,service,hostname,service_key,port_name,service_port,protocol,endpoint_ip,endpoint_port,pod,pod_ready',
  );
  assert.equal(lines.length, 3);
  assert.match(lines[2], /^ns,e,e\.ns\.svc\.cluster\.local,e\.ns\.svc\.cluster\.local\|http,http,,,,,,$/);
  assert.match(lines[1], /"'=cmd\.ns\.svc\.cluster\.local\|a,b"/);
});
