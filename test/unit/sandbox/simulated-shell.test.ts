// The simulated shell behind kubectl exec/attach: cluster DNS, kube-proxy to a ready endpoint,
// curl's verbose and error lines, and istiod's debug pages that answer only local callers.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Faults } from '../../../src/sandbox/faults/faults';
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';
import { ObjectStore } from '../../../src/sandbox/storage/object-store';
import { ResourceRegistry } from '../../../src/sandbox/apimachinery/resource-registry';
import { ClusterNetwork } from '../../../src/sandbox/streams/cluster-network';
import type { ShellResult } from '../../../src/sandbox/streams/simulated-shell';
import { parseScript, runCommand } from '../../../src/sandbox/streams/simulated-shell';

const running = (
  namespace: string,
  name: string,
  ip: string,
  images: string[],
  labels: Record<string, string> = {},
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, uid: `uid-${name}`, labels },
  spec: { containers: images.map((image, i) => ({ name: i === 0 ? 'main' : `c${i}`, image })) },
  status: { phase: 'Running', podIP: ip },
});

function cluster(faults = new Faults()): { network: ClusterNetwork; client: KubeObject; istiod: KubeObject } {
  const store = new ObjectStore();
  const client = running('istio-system', 'dummy', '10.0.1.7', ['tutum/curl:alpine']);
  const istiod = running('istio-system', 'istiod-5d9c7d8f9b-x2k4p', '10.0.2.3', ['docker.io/istio/pilot:1.26.1'], {
    app: 'istiod',
  });
  const pilot = running('istio-system', 'istio-pilot-1', '10.0.0.8', ['docker.io/istio/pilot:1.2.2'], { app: 'pilot' });
  for (const pod of [client, istiod, pilot]) store.put('/pods', pod);
  const service = (name: string, ip: string, ports: { name: string; port: number }[]): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'istio-system' },
    spec: { clusterIP: ip, ports },
  });
  store.put('/services', service('istio-pilot', '10.3.0.18', [{ name: 'http-legacy-discovery', port: 8080 }]));
  store.put('/services', service('istiod', '10.3.0.20', [{ name: 'http-monitoring', port: 15014 }]));
  store.put('/services', service('lonely', '10.3.0.30', [{ name: 'http', port: 80 }]));
  const endpoints = (name: string, pod: KubeObject, ip: string, port: { name: string; port: number }): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name, namespace: 'istio-system' },
    subsets: [
      {
        addresses: [{ ip, targetRef: { kind: 'Pod', name: pod.metadata.name, namespace: 'istio-system' } }],
        ports: [port],
      },
    ],
  });
  store.put('/endpoints', endpoints('istio-pilot', pilot, '10.0.0.8', { name: 'http-legacy-discovery', port: 8080 }));
  store.put('/endpoints', endpoints('istiod', istiod, '10.0.2.3', { name: 'http-monitoring', port: 15014 }));
  return { network: new ClusterNetwork(store, new ResourceRegistry(), faults), client, istiod };
}

const text = (result: ShellResult, stream: 'stdout' | 'stderr'): string =>
  result.output
    .filter((chunk) => chunk.stream === stream)
    .map((chunk) => chunk.text)
    .join('');

const now = new Date('2019-07-23T10:00:00Z');

/** Runs argv in the pod's `main` container at `now`. */
const runIn = (pod: KubeObject, network: ClusterNetwork, argv: string[]): ShellResult =>
  runCommand(argv, { network, pod, containerName: 'main', now });

describe('the simulated shell', () => {
  test('curl -v resolves svc.ns through the search path and prints the verbose exchange and the body', () => {
    const { network, client } = cluster();
    const result = runIn(client, network, ['curl', '-v', 'http://istio-pilot.istio-system:8080/v1/registration']);
    assert.equal(result.exitCode, 0);
    const stderr = text(result, 'stderr');
    assert.match(
      stderr,
      /^\* {3}Trying 10\.3\.0\.18:8080\.\.\.\n\* Connected to istio-pilot\.istio-system \(10\.3\.0\.18\) port 8080 \(#0\)\n> GET \/v1\/registration HTTP\/1\.1\n/m,
    );
    assert.match(
      stderr,
      /^< HTTP\/1\.1 200 OK\n< Content-Type: application\/json\n< Date: Tue, 23 Jul 2019 10:00:00 GMT\n/m,
    );
    assert.ok(Array.isArray(JSON.parse(text(result, 'stdout'))));
  });

  test('curl reports an unknown host (6) and a service without endpoints (7) as curl does', () => {
    const { network, client } = cluster();
    const missing = runIn(client, network, ['curl', '-sS', 'http://reviews:9080/']);
    assert.deepEqual([missing.exitCode, text(missing, 'stderr')], [6, 'curl: (6) Could not resolve host: reviews\n']);
    const refused = runIn(client, network, ['curl', '-s', 'lonely.istio-system.svc.cluster.local']);
    assert.deepEqual([refused.exitCode, text(refused, 'stderr')], [7, '']);
  });

  test("istiod's debug pages answer curl localhost inside its pod and 401 from another pod", () => {
    const { network, client, istiod } = cluster();
    const inside = runIn(istiod, network, ['curl', '-s', 'localhost:15014/debug/registryz']);
    assert.ok(Array.isArray(JSON.parse(text(inside, 'stdout'))));
    const registryz = 'http://istiod.istio-system:15014/debug/registryz';
    const outside = runIn(client, network, ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', registryz]);
    assert.equal(text(outside, 'stdout'), '401');
  });

  test("a malformed-JSON fault cuts Pilot's registration in half", () => {
    const faults = new Faults();
    faults.set({ debugEndpoints: [{ app: 'pilot', answer: 'malformed' }] });
    const { network, client } = cluster(faults);
    const result = runIn(client, network, ['curl', '-s', 'istio-pilot:8080/v1/registration']);
    assert.throws(() => JSON.parse(text(result, 'stdout')), SyntaxError);
  });

  test('sh -c runs ;, && and || lists with quoting, and an unknown command is not found (127)', () => {
    assert.deepEqual(
      parseScript(`echo 'a b' && x "c \\"d\\"" ; y`).map(({ words, next }) => ({ words, next })),
      [
        { words: ['echo', 'a b'], next: '&&' },
        { words: ['x', 'c "d"'], next: ';' },
        { words: ['y'], next: ';' },
      ],
    );
    const { network, client } = cluster();
    const result = runIn(client, network, ['sh', '-c', 'false && echo skipped; hostname || echo no; nslookup istiod']);
    assert.equal(text(result, 'stdout'), 'dummy\n');
    assert.equal(text(result, 'stderr'), 'sh: nslookup: not found\n');
    assert.equal(result.exitCode, 127);
  });
});
