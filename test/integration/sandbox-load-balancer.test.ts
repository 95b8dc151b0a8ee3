// LoadBalancer Services as on the book's GKE: the ingress gateway gets an EXTERNAL-IP (a simulated
// one, from TEST-NET-3) that the book's INGRESS_HOST jsonpath reads, with the service controller's
// events; `--no-load-balancer` keeps `<pending>` as minikube and kind do, and says so to the
// pre-check by giving the nodes no cloud providerID.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { eventsWhere, waitForPods } from './kubectl-args';
import type { RunningCli } from './sandbox-cli-process';
import { startSandboxCli } from './sandbox-cli-process';
import { useKubectlSandbox } from './suite-sandbox';

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

/** The ingress gateway's Service (or another kind of the same name), as kubectl names it. */
const gateway = (kind = 'svc') => [kind, 'istio-ingressgateway', '-n', 'istio-system'];
const EXTERNAL_IP = 'jsonpath={.status.loadBalancer.ingress[0].ip}';
/** The book's INGRESS_HOST. */
const INGRESS_HOST = ['get', ...gateway(), '-o', EXTERNAL_IP];

describe('sandbox LoadBalancer Services on a simulated cloud', () => {
  const cluster = useKubectlSandbox({ nodes: 1, speed: 0 }, async (cluster) => {
    assert.equal((await cluster.kubectl(['create', 'namespace', 'istio-system'])).code, 0);
  });

  test("the ingress gateway gets an EXTERNAL-IP from 203.0.113.0/24 that the book's jsonpath reads", async () => {
    const created = await cluster.kubectl(['apply', '-f', '-'], { stdin: ingressGateway('istio-system') });
    assert.equal(created.code, 0, created.stderr);
    const ready = cluster.followKubectl(['get', ...gateway(), '-w', '-o', `${EXTERNAL_IP}{"\\n"}`]);
    await ready.until(/^203\.0\.113\.\d+$/m);
    ready.kill();

    const host = await cluster.kubectl(INGRESS_HOST);
    assert.match(host.stdout, /^203\.0\.113\.(\d+)$/);
    const table = await cluster.kubectl(['get', ...gateway()]);
    assert.match(
      table.stdout,
      new RegExp(
        `istio-ingressgateway\\s+LoadBalancer\\s+\\S+\\s+${host.stdout.replace(/\./g, '\\.')}\\s+80:\\d+/TCP,443:\\d+/TCP`,
      ),
    );

    const events = await cluster.kubectl(
      eventsWhere('istio-system', 'involvedObject.name=istio-ingressgateway', '-o', 'json'),
    );
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
    const patched = await cluster.kubectl(['patch', ...gateway(), '-p', '{"spec":{"type":"ClusterIP"}}']);
    assert.equal(patched.code, 0, patched.stderr);
    const events = cluster.followKubectl(eventsWhere('istio-system', 'reason=DeletedLoadBalancer', '-w'));
    await events.until(/Deleted load balancer/);
    events.kill();
    assert.equal((await cluster.kubectl(INGRESS_HOST)).stdout, '');
  });
});

describe('npm run sandbox -- --no-load-balancer', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-no-lb-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  let cli: RunningCli | undefined;
  const kubectl = (args: string[], input = '') =>
    spawnSync('kubectl', args, { env: { ...process.env, KUBECONFIG: kubeconfig, HOME: dir }, encoding: 'utf8', input });
  after(() => {
    cli?.child.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('keeps EXTERNAL-IP <pending> while the cluster runs, and the nodes name no cloud for the pre-check', async () => {
    const oneQuickNode = ['--nodes', '1', '--speed', '0'];
    cli = await startSandboxCli(['--port', '0', '--kubeconfig', kubeconfig, ...oneQuickNode, '--no-load-balancer']);
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
    const waited = kubectl(waitForPods('app=istio-ingressgateway', 'istio-system'));
    assert.equal(waited.status, 0, waited.stderr);
    const endpoints = kubectl(['get', ...gateway('endpoints'), '-o', 'jsonpath={.subsets[0].addresses[0].ip}']);
    assert.match(endpoints.stdout, /^10\./);

    assert.match(kubectl(['get', ...gateway()]).stdout, /istio-ingressgateway\s+LoadBalancer\s+\S+\s+<pending>\s/);
    assert.equal(kubectl(INGRESS_HOST).stdout, '');
    assert.equal(kubectl(['get', 'nodes', '-o', 'jsonpath={.items[*].spec.providerID}']).stdout, '');
    const events = kubectl(eventsWhere('istio-system', 'involvedObject.kind=Service', '-o', 'name'));
    assert.equal(events.stdout, '');
  });
});
