// LoadBalancer Services as on the book's GKE: the ingress gateway gets an EXTERNAL-IP (a simulated
// one, from TEST-NET-3) that the book's INGRESS_HOST jsonpath reads, with the service controller's
// events; `--no-load-balancer` keeps `<pending>` as minikube and kind do, and says so to the
// pre-check by giving the nodes no cloud providerID.
import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { KubectlSandbox } from './kubectl';
import { startKubectlSandbox } from './kubectl';

const ingressGateway = (namespace: string) => `apiVersion: v1
kind: Service
metadata:
  name: istio-ingressgateway
  namespace: ${namespace}
  labels: { app: istio-ingressgateway, istio: ingressgateway }
spec:
  type: LoadBalancer
  selector: { app: istio-ingressgateway, istio: ingressgateway }
  ports:
  - { name: http2, port: 80, targetPort: 80 }
  - { name: https, port: 443 }
`;

/** The book's INGRESS_HOST. */
const INGRESS_HOST = [
  'get',
  'svc',
  'istio-ingressgateway',
  '-n',
  'istio-system',
  '-o',
  'jsonpath={.status.loadBalancer.ingress[0].ip}',
];

describe('sandbox LoadBalancer Services on a simulated cloud', () => {
  let cluster: KubectlSandbox;
  before(async () => {
    cluster = await startKubectlSandbox({ nodes: 1, speed: 0 });
    assert.equal((await cluster.kubectl(['create', 'namespace', 'istio-system'])).code, 0);
  });
  after(() => cluster.close());

  test("the ingress gateway gets an EXTERNAL-IP from 203.0.113.0/24 that the book's jsonpath reads", async () => {
    const created = await cluster.kubectl(['apply', '-f', '-'], { stdin: ingressGateway('istio-system') });
    assert.equal(created.code, 0, created.stderr);
    const ready = cluster.followKubectl([
      'get',
      'svc',
      'istio-ingressgateway',
      '-n',
      'istio-system',
      '-w',
      '-o',
      'jsonpath={.status.loadBalancer.ingress[0].ip}{"\\n"}',
    ]);
    await ready.until(/^203\.0\.113\.\d+$/m);
    ready.kill();

    const host = await cluster.kubectl(INGRESS_HOST);
    assert.match(host.stdout, /^203\.0\.113\.(\d+)$/);
    const table = await cluster.kubectl(['get', 'svc', 'istio-ingressgateway', '-n', 'istio-system']);
    assert.match(
      table.stdout,
      new RegExp(
        `istio-ingressgateway\\s+LoadBalancer\\s+\\S+\\s+${host.stdout.replace(/\./g, '\\.')}\\s+80:\\d+/TCP,443:\\d+/TCP`,
      ),
    );

    const events = await cluster.kubectl([
      'get',
      'events',
      '-n',
      'istio-system',
      '--field-selector',
      'involvedObject.name=istio-ingressgateway',
      '-o',
      'json',
    ]);
    const items = (
      JSON.parse(events.stdout) as { items: { reason: string; message: string; source: { component: string } }[] }
    ).items;
    assert.deepEqual(
      items.map((event) => `${event.source.component} ${event.reason}: ${event.message}`),
      [
        'service-controller EnsuringLoadBalancer: Ensuring load balancer',
        'service-controller EnsuredLoadBalancer: Ensured load balancer',
      ],
    );
  });

  test('a Service changed to ClusterIP loses its address, with the Deleting and Deleted events', async () => {
    const patched = await cluster.kubectl([
      'patch',
      'svc',
      'istio-ingressgateway',
      '-n',
      'istio-system',
      '-p',
      '{"spec":{"type":"ClusterIP"}}',
    ]);
    assert.equal(patched.code, 0, patched.stderr);
    const events = cluster.followKubectl([
      'get',
      'events',
      '-n',
      'istio-system',
      '-w',
      '--field-selector',
      'reason=DeletedLoadBalancer',
    ]);
    await events.until(/Deleted load balancer/);
    events.kill();
    assert.equal((await cluster.kubectl(INGRESS_HOST)).stdout, '');
  });
});

describe('npm run sandbox -- --no-load-balancer', () => {
  const root = path.resolve(__dirname, '..', '..');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-no-lb-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  let child: ChildProcess | undefined;
  const kubectl = (args: string[], input = '') =>
    spawnSync('kubectl', args, { env: { ...process.env, KUBECONFIG: kubeconfig, HOME: dir }, encoding: 'utf8', input });
  after(() => {
    child?.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('keeps EXTERNAL-IP <pending> while the cluster runs, and the nodes name no cloud for the pre-check', async () => {
    child = spawn(
      process.execPath,
      [
        path.join(root, 'dist', 'sandbox.js'),
        '--port',
        '0',
        '--kubeconfig',
        kubeconfig,
        '--nodes',
        '1',
        '--speed',
        '0',
        '--no-load-balancer',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child!.stdout!.on('data', (chunk) => {
        out += chunk;
        if (/^ready /m.test(out)) resolve();
      });
      child!.once('exit', (code) => reject(new Error(`the sandbox exited (${code}) before it was ready`)));
    });
    assert.equal(kubectl(['create', 'namespace', 'istio-system']).status, 0);
    const created = kubectl(
      ['apply', '-f', '-'],
      `${ingressGateway('istio-system')}---
apiVersion: apps/v1
kind: Deployment
metadata: { name: istio-ingressgateway, namespace: istio-system }
spec:
  selector: { matchLabels: { app: istio-ingressgateway, istio: ingressgateway } }
  template:
    metadata: { labels: { app: istio-ingressgateway, istio: ingressgateway } }
    spec: { containers: [{ name: istio-proxy, image: docker.io/istio/proxyv2:1.2.2 }] }
`,
    );
    assert.equal(created.status, 0, created.stderr);
    // The controllers have run many passes once the gateway's pod is Ready behind the Service.
    const waited = kubectl([
      'wait',
      '--for=condition=Ready',
      'pod',
      '-l',
      'app=istio-ingressgateway',
      '-n',
      'istio-system',
      '--timeout=60s',
    ]);
    assert.equal(waited.status, 0, waited.stderr);
    const endpoints = kubectl([
      'get',
      'endpoints',
      'istio-ingressgateway',
      '-n',
      'istio-system',
      '-o',
      'jsonpath={.subsets[0].addresses[0].ip}',
    ]);
    assert.match(endpoints.stdout, /^10\./);

    assert.match(
      kubectl(['get', 'svc', 'istio-ingressgateway', '-n', 'istio-system']).stdout,
      /istio-ingressgateway\s+LoadBalancer\s+\S+\s+<pending>\s/,
    );
    assert.equal(kubectl(INGRESS_HOST).stdout, '');
    assert.equal(kubectl(['get', 'nodes', '-o', 'jsonpath={.items[*].spec.providerID}']).stdout, '');
    const events = kubectl([
      'get',
      'events',
      '-n',
      'istio-system',
      '--field-selector',
      'involvedObject.kind=Service',
      '-o',
      'name',
    ]);
    assert.equal(events.stdout, '');
  });
});
