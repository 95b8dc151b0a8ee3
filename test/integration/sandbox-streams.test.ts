// Streaming into the sandbox's simulated containers with the real kubectl and client-node:
// `kubectl port-forward` (SPDY tunnelled in WebSocket, and the plain SPDY upgrade), client-node's
// WebSocket PortForward, the book's `kubectl run -i --rm … curl -v …`, `kubectl exec`, and istiod's
// debug endpoints that answer a port-forward but refuse the API server's service proxy with 401.
import * as assert from 'node:assert/strict';
import { httpGet } from './local-http-get';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { createIstioDemo, createIstiodDemo } from './istio-demo';
import { execWithClientNode } from './client-node-exec';
import { firstPod, serviceProxy, waitForPods } from './kubectl-args';
import { withPortForward } from './port-forward';
import { useKubectlSandbox } from './suite-sandbox';

const NS = 'istio-system';
/** The book's one-off curl pod, as `kubectl run` makes it. */
const CURL_POD = ['--restart=Never', '--image=tutum/curl:alpine'];

interface Registration {
  'service-key': string;
  hosts: { ip_address: string; port: number }[];
}

const grafanaAt3000 = (registry: Registration[]): boolean =>
  registry.some(
    (entry) =>
      entry['service-key'] === 'grafana.istio-system.svc.cluster.local|http' &&
      entry.hosts.some((host) => host.port === 3000),
  );

describe("streams into the book's Istio 1.2.2 install", () => {
  let pilotPod: string;
  let kubeConfig: k8s.KubeConfig;
  const cluster = useKubectlSandbox({ nodes: 3, speed: 0 }, async (cluster) => {
    await createIstioDemo(cluster);
    for (const app of ['pilot', 'grafana']) await cluster.kubectlOk(waitForPods(`app=${app}`, NS));
    kubeConfig = new k8s.KubeConfig();
    kubeConfig.loadFromString(cluster.sandbox.kubeconfig);
    pilotPod = await cluster.kubectlOk(firstPod('app=pilot', NS));
  });
  /** A one-off `kubectl run -i` of tutum/curl's curl with `curlArgs`; `flags` add to kubectl's own. */
  const runCurl = (name: string, flags: string[], ...curlArgs: string[]) =>
    cluster.kubectl(['run', '-i', name, ...CURL_POD, ...flags, '--command', '--', 'curl', ...curlArgs]);
  /** `kubectl exec` into Pilot's discovery container. */
  const execInPilot = (...command: string[]) =>
    cluster.kubectl(['exec', pilotPod, '-c', 'discovery', '-n', NS, '--', ...command]);

  test('kubectl port-forward svc/istio-pilot (SPDY inside WebSocket) serves /v1/registration locally', async () => {
    const { status, body } = await withPortForward(cluster, ['svc/istio-pilot', ':8080', '-n', NS], (port) =>
      httpGet(port, '/v1/registration'),
    );
    assert.equal(status, 200);
    assert.ok(grafanaAt3000(JSON.parse(body) as Registration[]), body);
  });

  test('kubectl port-forward falls back to the plain SPDY/3.1 upgrade and carries more than a 64 KiB window', async () => {
    const { status, body } = await withPortForward(
      cluster,
      [`pod/${pilotPod}`, ':8080', '-n', NS],
      (port) => httpGet(port, '/debug/endpointz'),
      { env: { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' } },
    );
    assert.equal(status, 200);
    assert.ok(body.endsWith('\n{}]\n'), body.slice(-40));
    assert.match(body, /"svc": "grafana\.istio-system\.svc\.cluster\.local:http"/);
  });

  test("client-node's PortForward reaches Pilot over WebSocket channels", async () => {
    const output = new PassThrough();
    const errors = new PassThrough();
    const input = new PassThrough();
    let received = '';
    output.on('data', (chunk) => (received += chunk));
    const ws = (await new k8s.PortForward(kubeConfig).portForward(NS, pilotPod, [8080], output, errors, input)) as {
      once(event: 'close', listener: () => void): void;
    };
    const closed = new Promise<void>((resolve) => ws.once('close', resolve));
    input.write('GET /v1/registration HTTP/1.1\r\nHost: istio-pilot\r\nConnection: close\r\n\r\n');
    await closed;
    assert.match(received, /^HTTP\/1\.1 200 OK\r\n/);
    const body = received.slice(received.indexOf('\r\n\r\n') + 4);
    assert.ok(grafanaAt3000(JSON.parse(body) as Registration[]));
  });

  test('a port nothing listens on is reported on the error channel', async () => {
    const errors = new PassThrough();
    let message = '';
    errors.on('data', (chunk) => (message += chunk));
    const ws = (await new k8s.PortForward(kubeConfig).portForward(
      NS,
      pilotPod,
      [9999],
      new PassThrough(),
      errors,
      new PassThrough(),
    )) as { once(event: 'close', listener: () => void): void };
    await new Promise<void>((resolve) => ws.once('close', resolve));
    assert.match(message, /error forwarding port 9999 to pod .*Connection refused/);
  });

  test("the book's kubectl run -i --rm … curl -v prints curl's verbose lines and the registry, then deletes the pod", async () => {
    const run = await runCurl(
      'dummy',
      ['--rm', '-n', NS],
      '-v',
      'http://istio-pilot.istio-system:8080/v1/registration',
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^\* {3}Trying 10\.\d+\.\d+\.\d+:8080\.\.\.$/m);
    assert.match(run.stderr, /^\* Connected to istio-pilot\.istio-system \(10\.\d+\.\d+\.\d+\) port 8080 \(#0\)$/m);
    assert.match(run.stderr, /^> GET \/v1\/registration HTTP\/1\.1$/m);
    assert.match(run.stderr, /^> Host: istio-pilot\.istio-system:8080$/m);
    assert.match(run.stderr, /^< HTTP\/1\.1 200 OK$/m);
    assert.match(run.stdout, /pod "dummy" deleted\n$/);
    const registry = JSON.parse(run.stdout.replace(/pod "dummy" deleted\n$/, '')) as Registration[];
    assert.ok(grafanaAt3000(registry));
    const gone = await cluster.kubectl(['get', 'po', 'dummy', '-n', NS]);
    assert.match(gone.stderr, /NotFound/);
  });

  test('a command run with kubectl run -i ends the pod with its exit code, and kubectl logs shows what it printed', async () => {
    const failed = await runCurl('nohost', [], '-sS', 'http://reviews:9080/');
    assert.equal(failed.code, 6);
    assert.match(failed.stderr, /curl: \(6\) Could not resolve host: reviews/);
    const phase = await cluster.kubectl([
      'get',
      'po',
      'nohost',
      '-o',
      'jsonpath={.status.phase} {.status.containerStatuses[0].state.terminated.exitCode}',
    ]);
    assert.equal(phase.stdout, 'Failed 6');
    const logs = await cluster.kubectl(['logs', 'nohost']);
    assert.match(logs.stdout, /^curl: \(6\) Could not resolve host: reviews$/m);
    assert.match(logs.stdout, /^exited with code 6 \(Error\)$/m);
  });

  test('kubectl exec runs the simulated shell: curl to a ClusterIP, sh -c, and sh: not found', async () => {
    const code = await execInPilot('curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', 'http://grafana:3000/');
    assert.equal(code.code, 0, code.stderr);
    assert.equal(code.stdout, '200');
    const script = await execInPilot('sh', '-c', 'echo hello && hostname; cat /etc/resolv.conf');
    assert.equal(script.code, 0, script.stderr);
    assert.match(
      script.stdout,
      new RegExp(
        `^hello\\n${pilotPod}\\nnameserver 10\\.\\d+\\.\\d+\\.\\d+\\nsearch istio-system\\.svc\\.cluster\\.local `,
      ),
    );
    const missing = await execInPilot('wget', 'http://grafana:3000/');
    assert.equal(missing.code, 127);
    assert.match(missing.stderr, /sh: wget: not found/);
  });

  test("client-node's Exec runs a command over v5.channel.k8s.io and reports its exit code in the status", async () => {
    const { stdout, status } = await execWithClientNode(
      cluster.sandbox,
      { namespace: NS, pod: pilotPod, container: 'discovery' },
      ['sh', '-c', 'echo hi; exit 3'],
    );
    assert.equal(stdout, 'hi\n');
    assert.equal(status.status, 'Failure');
    assert.equal(status.reason, 'NonZeroExitCode');
    assert.deepEqual(status.details?.causes, [{ reason: 'ExitCode', message: '3' }]);
  });

  test("Pilot 1.2 serves /debug/configz with the install's DestinationRules", async () => {
    const raw = await cluster.kubectlOk(['get', '--raw', serviceProxy(NS, 'http:istio-pilot:8080', '/debug/configz')]);
    assert.match(raw, /"type": "destination-rule",\n {4}"group": "networking\.istio\.io"/);
    assert.ok(raw.endsWith('\n{}]'));
  });

  test('the debug-endpoint faults make Pilot answer 500, or JSON cut off mid-way', async () => {
    const registration = serviceProxy(NS, 'http:istio-pilot:8080', '/v1/registration');
    cluster.sandbox.faults.set({ debugEndpoints: [{ app: 'pilot', answer: 'error' }] });
    try {
      const failed = await cluster.kubectl(['get', '--raw', registration]);
      assert.notEqual(failed.code, 0);
      assert.match(failed.stderr, /InternalError|Internal Server Error|500/);
      cluster.sandbox.faults.set({ debugEndpoints: [{ app: 'pilot', answer: 'malformed' }] });
      const cut = await cluster.kubectl(['get', '--raw', registration]);
      assert.equal(cut.code, 0, cut.stderr);
      assert.throws(() => JSON.parse(cut.stdout), SyntaxError);
    } finally {
      cluster.sandbox.faults.clear();
    }
  });
});

describe("istiod 1.26's debug endpoints", () => {
  // Istio 1.26's manifest needs a release that serves policy/v1 and apiextensions.k8s.io/v1.
  const cluster = useKubectlSandbox({ nodes: 3, speed: 0, kubeVersion: 'v1.32.0' }, async (cluster) => {
    await createIstiodDemo(cluster);
    await cluster.kubectlOk(waitForPods('app=istiod', NS));
  });
  const istiodDebug = (path: string) => cluster.kubectl(['get', '--raw', serviceProxy(NS, 'http:istiod:15014', path)]);

  test('through kubectl port-forward (a local caller) /debug/registryz, /debug/syncz and /version answer', async () => {
    await withPortForward(cluster, ['svc/istiod', ':15014', '-n', NS], async (port) => {
      const registry = await httpGet(port, '/debug/registryz');
      assert.equal(registry.status, 200);
      const services = JSON.parse(registry.body) as { hostname: string; Attributes: { ServiceRegistry: string } }[];
      assert.ok(
        services.some(
          (service) =>
            service.hostname === 'istiod.istio-system.svc.cluster.local' &&
            service.Attributes.ServiceRegistry === 'Kubernetes',
        ),
      );
      const syncz = await httpGet(port, '/debug/syncz');
      assert.equal(syncz.status, 200);
      const proxies = JSON.parse(syncz.body) as { proxy: string; proxy_type: string; istio_version: string }[];
      assert.ok(
        proxies.some(
          (proxy) =>
            /^istio-ingressgateway-.*\.istio-system$/.test(proxy.proxy) &&
            proxy.proxy_type === 'router' &&
            proxy.istio_version === '1.26.1',
        ),
        syncz.body,
      );
      const shards = JSON.parse((await httpGet(port, '/debug/endpointz')).body) as Record<
        string,
        Record<string, { Shards: Record<string, { Addresses: string[]; EndpointPort: number }[]> }>
      >;
      const istiod = shards['istiod.istio-system.svc.cluster.local'][NS].Shards['Kubernetes/Kubernetes'];
      assert.ok(
        istiod.some((endpoint) => endpoint.EndpointPort === 15014 && /^10\.0\.\d+\.\d+$/.test(endpoint.Addresses[0])),
      );
      const version = await httpGet(port, '/version');
      assert.match(version.body, /^1\.26\.1-/);
    });
  });

  test("through the API server's service proxy the debug endpoints answer 401, as istiod ≥1.11 does", async () => {
    const refused = await istiodDebug('/debug/registryz');
    assert.notEqual(refused.code, 0);
    // kubectl reads the proxied 401 as its own credentials failing, as it does against a real cluster.
    assert.match(refused.stderr, /the server has asked for the client to provide credentials/);
    const version = await istiodDebug('/version');
    assert.equal(version.code, 0, version.stderr);
    assert.match(version.stdout, /^1\.26\.1-/);
  });
});
