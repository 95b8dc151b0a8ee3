// The lab's data plane in the sandbox, through the real kubectl on the book's Istio 1.2.2 demo
// install: label `default` for injection, apply the release's bookinfo.yaml, every pod 2/2 Running;
// Pilot's /debug/syncz lists the 6 sidecars and both gateways SYNCED (one STALE under the
// proxyAckDelay fault), /v1/registration and /debug/registryz carry Bookinfo's services, the book's
// `kubectl exec … curl productpage:9080/productpage` check, and /productpage through the ingress gateway.
import * as assert from 'node:assert/strict';
import { httpGet } from './local-http-get';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { KubectlSandbox } from './kubectl';
import { fixtures } from './kubectl';
import { firstPod, serviceProxy } from './kubectl-args';
import { withPortForward } from './port-forward';
import { useKubectlSandbox } from './suite-sandbox';

const RELEASE = path.join(fixtures, 'legacy', 'istio-1.2.2');
const BOOKINFO = path.join(RELEASE, 'samples', 'bookinfo');
const DEPLOYMENTS = ['details-v1', 'ratings-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3', 'productpage-v1'];
const PILOT_8080 = serviceProxy('istio-system', 'http:istio-pilot:8080', '');

interface SyncStatus {
  proxy: string;
  istio_version?: string;
  cluster_sent?: string;
  cluster_acked?: string;
  listener_sent?: string;
  listener_acked?: string;
  route_sent?: string;
  route_acked?: string;
  endpoint_sent?: string;
  endpoint_acked?: string;
}

const XDS = ['cluster', 'listener', 'route', 'endpoint'] as const;
const isSynced = (status: SyncStatus): boolean =>
  XDS.every((type) => status[`${type}_sent`] !== undefined && status[`${type}_sent`] === status[`${type}_acked`]);
/** The pod part of a node ID, `sidecar~<ip>~<pod>.<ns>~<ns>.svc.cluster.local`, as istioctl prints it. */
const podOf = (status: SyncStatus): string => status.proxy.split('~')[2];

async function syncz(cluster: KubectlSandbox): Promise<SyncStatus[]> {
  return JSON.parse(await cluster.kubectlOk(['get', '--raw', `${PILOT_8080}/debug/syncz`])) as SyncStatus[];
}

describe("Bookinfo on the book's Istio 1.2.2 demo install", () => {
  const cluster = useKubectlSandbox({ nodes: 3, speed: 0 }, async (cluster) => {
    // As the 1.2 docs: the CRDs first, then the demo profile.
    await cluster.kubectlOk(['apply', '-f', path.join(RELEASE, 'crds')]);
    await cluster.kubectlOk(['apply', '-f', path.join(RELEASE, 'istio-demo.yaml')]);
    for (const deployment of ['istio-sidecar-injector', 'istio-pilot', 'istio-ingressgateway', 'istio-egressgateway']) {
      await cluster.kubectlOk(['rollout', 'status', `deploy/${deployment}`, '-n', 'istio-system', '--timeout=60s']);
    }
    await cluster.kubectlOk(['label', 'namespace', 'default', 'istio-injection=enabled']);
    await cluster.kubectlOk(['apply', '-f', path.join(BOOKINFO, 'platform', 'kube', 'bookinfo.yaml')]);
    // rollout status watches each Deployment until its pods are available.
    for (const deployment of DEPLOYMENTS)
      await cluster.kubectlOk(['rollout', 'status', `deploy/${deployment}`, '--timeout=60s']);
  });

  test('every Bookinfo pod shows 2/2 Running: the app and the injected istio-proxy', async () => {
    const rows = (await cluster.kubectlOk(['get', 'po', '--no-headers']))
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/));
    assert.equal(rows.length, 6, rows.join('\n'));
    for (const [name, ready, status] of rows) {
      assert.ok(
        DEPLOYMENTS.some((deployment) => name.startsWith(`${deployment}-`)),
        name,
      );
      assert.deepEqual([ready, status], ['2/2', 'Running'], name);
    }
    const containers = await cluster.kubectlOk([
      'get',
      'po',
      '-l',
      'app=ratings',
      '-o',
      'jsonpath={.items[0].spec.containers[*].name} {.items[0].spec.initContainers[*].name}',
    ]);
    assert.equal(containers, 'ratings istio-proxy istio-init');
  });

  test("Pilot's /debug/syncz on 8080 lists 8 proxies, the 6 sidecars and both gateways, all SYNCED", async () => {
    const statuses = await syncz(cluster);
    assert.equal(statuses.length, 8, JSON.stringify(statuses, null, 1));
    const pods = statuses.map(podOf);
    for (const deployment of DEPLOYMENTS)
      assert.equal(
        pods.filter((pod) => pod.startsWith(`${deployment}-`) && pod.endsWith('.default')).length,
        1,
        deployment,
      );
    assert.ok(
      statuses.some((s) =>
        /^router~[\d.]+~istio-ingressgateway-[a-z0-9-]+\.istio-system~istio-system\.svc\.cluster\.local$/.test(s.proxy),
      ),
    );
    assert.ok(statuses.some((s) => /^router~[\d.]+~istio-egressgateway-[a-z0-9-]+\.istio-system~/.test(s.proxy)));
    assert.ok(statuses.every(isSynced), JSON.stringify(statuses, null, 1));
    assert.ok(statuses.every((s) => s.istio_version === '1.2.2'));
    assert.match(statuses[0].cluster_sent!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC m=\+\d+\.\d{9}$/);
  });

  test('a proxyAckDelay fault on reviews-v2 makes that one proxy STALE, and clearing it syncs it again', async () => {
    cluster.sandbox.faults.set({
      proxyAckDelay: [{ namespace: 'default', labels: { app: 'reviews', version: 'v2' } }],
    });
    try {
      const stale = (await syncz(cluster)).filter((status) => !isSynced(status));
      assert.equal(stale.length, 1, JSON.stringify(stale));
      assert.match(podOf(stale[0]), /^reviews-v2-.*\.default$/);
      assert.ok(stale[0].cluster_acked !== undefined && stale[0].cluster_acked < stale[0].cluster_sent!);
    } finally {
      cluster.sandbox.faults.clear();
    }
    assert.ok((await syncz(cluster)).every(isSynced));
  });

  test("/v1/registration and /debug/registryz carry Bookinfo's services with their pods' IPs on 9080", async () => {
    const registration = JSON.parse(await cluster.kubectlOk(['get', '--raw', `${PILOT_8080}/v1/registration`])) as {
      'service-key': string;
      hosts: { ip_address: string; port: number }[];
    }[];
    const podIps = JSON.parse(await cluster.kubectlOk(['get', 'po', '-o', 'json'])) as {
      items: { metadata: { labels: Record<string, string> }; status: { podIP: string } }[];
    };
    for (const app of ['details', 'ratings', 'reviews', 'productpage']) {
      const entry = registration.find((e) => e['service-key'] === `${app}.default.svc.cluster.local|http`);
      const expected = podIps.items
        .filter((pod) => pod.metadata.labels.app === app)
        .map((pod) => pod.status.podIP)
        .sort();
      assert.deepEqual(entry?.hosts.map((host) => host.ip_address).sort(), expected, app);
      assert.ok(entry.hosts.every((host) => host.port === 9080));
    }
    const registryz = await cluster.kubectlOk(['get', '--raw', `${PILOT_8080}/debug/registryz`]);
    assert.match(registryz, /"hostname": "productpage\.default\.svc\.cluster\.local"/);
  });

  test("the book's check: curl productpage:9080/productpage from the ratings container has the title Simple Bookstore App", async () => {
    const pod = await cluster.kubectlOk(firstPod('app=ratings', 'default'));
    const curl = ['curl', '-sS', 'productpage:9080/productpage'];
    const page = await cluster.kubectlOk(['exec', pod, '-c', 'ratings', '--', ...curl]);
    // The book pipes this into `grep -o "<title>.*</title>"`; here the host applies the same pattern.
    assert.deepEqual(page.match(/<title>.*<\/title>/g), ['<title>Simple Bookstore App</title>']);
  });

  test("after bookinfo-gateway.yaml, /productpage answers through a port-forward to the ingress gateway's port 80", async () => {
    await withPortForward(cluster, ['svc/istio-ingressgateway', ':80', '-n', 'istio-system'], async (port) => {
      assert.equal((await httpGet(port, '/productpage')).status, 404, 'no route before the Gateway is applied');
      await cluster.kubectlOk(['apply', '-f', path.join(BOOKINFO, 'networking', 'bookinfo-gateway.yaml')]);
      const page = await httpGet(port, '/productpage');
      assert.equal(page.status, 200);
      assert.deepEqual(page.body.match(/<title>.*<\/title>/g), ['<title>Simple Bookstore App</title>']);
      assert.equal((await httpGet(port, '/')).status, 404, 'the VirtualService routes only its own paths');
    });
  });
});
