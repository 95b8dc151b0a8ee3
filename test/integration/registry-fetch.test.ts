// Fetching Pilot's registry from the sandbox through the real client-node: era detection, the
// service proxy, the port-forward fallback when RBAC denies `services/proxy`, istiod through a
// port-forward only, and every error a learner can meet (not installed, not ready, 500, malformed
// JSON, oversize, RBAC).
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { KubeConfig } from '@kubernetes/client-node';
import { RegistryFormatError } from '../../src/istio/registry/json-text';
import type { ClusterConnection } from '../../src/kube/connection';
import { openConnection } from '../../src/kube/connection';
import { KubeError } from '../../src/kube/kube-errors';
import { startPodStore } from '../../src/kube/pod-store';
import { istioPodScope } from '../../src/istio/data-plane';
import type { PodStore } from '../../src/kube/pod-summary';
import { detectPilot, fetchRegistry, RegistryFetchError } from '../../src/istio/registry/registry-fetch';
import type { RegistryFetchOptions } from '../../src/istio/registry/registry-fetch';
import type { FaultConfig } from '../../src/sandbox';
import { demo122 } from './istio-demo';
import type { KubectlSandbox } from './kubectl';
import { fixtures, startKubectlSandbox } from './kubectl';
import { until } from './until';

const TIMEOUT = { timeout: 90_000 };

const pilotReady = (store: PodStore): boolean =>
  store
    .pods()
    .some(
      (pod) =>
        pod.namespace === 'istio-system' &&
        pod.labels.istio === 'pilot' &&
        pod.status === 'Running' &&
        pod.readyContainers === pod.totalContainers,
    );

/** Pilot's Service `name` in `namespace`, in front of the pods `selector` picks. */
const pilotService = (
  name: string,
  namespace: string,
  selector: Record<string, string>,
  ports: { name: string; port: number }[],
) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector, ports } });

/** Local TCP ports that accept connections now (to see that a port-forward's listener is gone). */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe("fetching the registry of the book's Istio 1.2.2 from the sandbox", () => {
  let cluster: KubectlSandbox;
  let connection: ClusterConnection;
  let kubeConfig: KubeConfig;
  let store: PodStore;

  before(async () => {
    cluster = await startKubectlSandbox({ nodes: 3, speed: 0 });
    connection = await openConnection({ kubeconfig: cluster.kubeconfigPath });
    kubeConfig = connection.kubeConfig;
    store = startPodStore(connection, istioPodScope('istio-system'));
  });
  after(async () => {
    store?.dispose();
    await cluster?.close();
  });
  /** Creates `namespace` and then `objects` in it, with one `kubectl create`. */
  const createNamespaceWith = (namespace: string, objects: object[]) =>
    cluster.kubectlOk(['create', '-f', '-'], {
      stdin: JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }, ...objects],
      }),
    });
  /** fetchRegistry fails as `expected` says while the sandbox has `faults`; they are cleared however it ends. */
  const rejectsUnder = async (
    faults: FaultConfig,
    expected: (error: unknown) => boolean,
    options?: RegistryFetchOptions,
  ): Promise<void> => {
    cluster.sandbox.faults.set(faults);
    try {
      await assert.rejects(fetchRegistry(kubeConfig, options), expected);
    } finally {
      cluster.sandbox.faults.clear();
    }
  };

  test('says Pilot is not installed when istio-system has neither istiod nor istio-pilot', TIMEOUT, async () => {
    assert.equal(await detectPilot(kubeConfig), undefined);
    await assert.rejects(
      fetchRegistry(kubeConfig),
      (error: unknown) => error instanceof RegistryFetchError && error.code === 'not-installed',
    );
  });

  test('says Pilot is not ready while its Service has no ready endpoint', TIMEOUT, async () => {
    await createNamespaceWith('istio-bare', [
      pilotService('istio-pilot', 'istio-bare', { istio: 'pilot' }, [{ name: 'http-legacy-discovery', port: 8080 }]),
    ]);
    await assert.rejects(
      fetchRegistry(kubeConfig, { namespace: 'istio-bare' }),
      (error: unknown) =>
        error instanceof RegistryFetchError && error.code === 'not-ready' && error.details.era === 'legacy',
    );
  });

  test("detects legacy Pilot once the book's istio-demo.yaml is applied", TIMEOUT, async () => {
    // As Istio 1.2's docs do: the CRDs first, then the demo with a fresh discovery cache.
    await cluster.kubectlOk(['apply', '-f', path.join(fixtures, 'legacy', 'istio-1.2.2', 'crds')]);
    await cluster.kubectlOk(['apply', '-f', demo122], {
      cacheDir: path.join(cluster.cacheDir, '..', 'cache-after-crds'),
    });
    const target = await detectPilot(kubeConfig);
    assert.deepEqual(target && { era: target.era, service: target.service, port: target.port }, {
      era: 'legacy',
      service: 'istio-pilot',
      port: 8080,
    });
    await until(store, () => pilotReady(store));
  });

  test(
    'lists grafana.istio-system.svc.cluster.local|http on port 3000 through the service proxy, as the book does',
    TIMEOUT,
    async () => {
      const result = await fetchRegistry(kubeConfig);
      assert.equal(result.via, 'service-proxy');
      assert.equal(result.target.era, 'legacy');
      const grafana = result.snapshot.services.find(
        (service) => service.hostname === 'grafana.istio-system.svc.cluster.local',
      );
      assert.ok(grafana, 'grafana is in the registry');
      assert.equal(grafana.ports[0].key, 'grafana.istio-system.svc.cluster.local|http');
      assert.deepEqual(
        grafana.ports[0].endpoints.map((e) => e.port),
        [3000],
      );
      assert.match(result.raw, /^\[\n {2}\{\n {3}"service-key"/, 'the raw body is kept as Pilot wrote it');
    },
  );

  test(
    "reads what every proxy received from Pilot's /debug/syncz on the same path: the two gateways, synced",
    TIMEOUT,
    async () => {
      const result = await fetchRegistry(kubeConfig);
      assert.ok(
        'rows' in result.proxies,
        `syncz was read: ${'error' in result.proxies ? String(result.proxies.error) : ''}`,
      );
      const rows = result.proxies.rows;
      assert.deepEqual(
        rows.map((row) => [
          row.name.replace(/-[a-z0-9]+-[a-z0-9]+\.istio-system$/, '.istio-system'),
          row.cds,
          row.lds,
          row.eds,
          row.rds,
          row.version,
        ]),
        [
          ['istio-egressgateway.istio-system', 'SYNCED', 'SYNCED', 'SYNCED (100%)', 'SYNCED', '1.2.2'],
          ['istio-ingressgateway.istio-system', 'SYNCED', 'SYNCED', 'SYNCED (100%)', 'SYNCED', '1.2.2'],
        ],
      );
      assert.ok(
        rows.every((row) => /^istio-pilot-/.test(row.pilot)),
        'PILOT names the Pilot pod',
      );
    },
  );

  test(
    'falls back to a port-forward to the Pilot pod when RBAC denies services/proxy, and closes it',
    TIMEOUT,
    async () => {
      cluster.sandbox.faults.set({ deny: [{ verb: 'get', resource: 'services/proxy' }] });
      try {
        const result = await fetchRegistry(kubeConfig);
        assert.equal(result.via, 'port-forward');
        assert.equal(result.fallbackReason, 'proxy-forbidden');
        assert.match(result.pod ?? '', /^istio-pilot-/);
        assert.ok(result.snapshot.services.some((service) => service.name === 'grafana'));
      } finally {
        cluster.sandbox.faults.clear();
      }
    },
  );

  test('says which permissions are missing when neither the proxy nor a port-forward is allowed', TIMEOUT, async () => {
    await rejectsUnder(
      {
        deny: [
          { verb: 'get', resource: 'services/proxy' },
          { verb: 'create', resource: 'pods/portforward' },
        ],
      },
      (error: unknown) =>
        error instanceof RegistryFetchError &&
        error.code === 'forbidden' &&
        error.details.denied?.join(', ') === 'get services/proxy, create pods/portforward',
    );
  });

  test('keeps the Forbidden reason when RBAC denies reading the Services', TIMEOUT, async () => {
    await rejectsUnder(
      { deny: [{ verb: 'get', resource: 'services' }] },
      (error: unknown) => error instanceof KubeError && error.code === 'forbidden' && error.reason === 'Forbidden',
    );
  });

  test('reports a 500 from Pilot with its status and body', TIMEOUT, async () => {
    await rejectsUnder(
      { debugEndpoints: [{ app: 'pilot', answer: 'error' }] },
      (error: unknown) =>
        error instanceof RegistryFetchError && error.code === 'endpoint-error' && error.details.status === 500,
    );
  });

  test('reports malformed JSON with its line and column', TIMEOUT, async () => {
    await rejectsUnder(
      { debugEndpoints: [{ app: 'pilot', answer: 'malformed' }] },
      (error: unknown) =>
        error instanceof RegistryFormatError &&
        error.problem === 'malformed-json' &&
        (error.line ?? 0) > 1 &&
        (error.column ?? 0) >= 1,
    );
  });

  test('stops reading at the size cap with a clear error', TIMEOUT, async () => {
    await assert.rejects(
      fetchRegistry(kubeConfig, { maxBytes: 1024 }),
      (error: unknown) =>
        error instanceof RegistryFetchError && error.code === 'too-large' && error.details.maxBytes === 1024,
    );
  });

  test('stops when cancelled', TIMEOUT, async () => {
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(
      fetchRegistry(kubeConfig, { signal: abort.signal }),
      (error: unknown) => error instanceof RegistryFetchError && error.code === 'cancelled',
    );
  });

  test('times out when the API server is slower than the limit', TIMEOUT, async () => {
    await rejectsUnder(
      { latencyMs: 2_000 },
      (error: unknown) => error instanceof RegistryFetchError && error.code === 'timeout',
      { timeoutMs: 200 },
    );
  });

  test('the port-forward of the fallback leaves no local listener behind', TIMEOUT, async () => {
    const before = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const result = await fetchRegistry(kubeConfig, { preferPortForward: true });
    assert.equal(result.via, 'port-forward');
    // The forward listened on a free port near the probe's; none of those is still open.
    const open = await Promise.all(Array.from({ length: 20 }, (_, k) => listening(before + k)));
    assert.deepEqual(open.filter(Boolean), []);
  });

  test(
    "reads istiod's registryz and endpointz through a port-forward, since it answers only local callers",
    TIMEOUT,
    async () => {
      await createNamespaceWith('istio-modern', [
        pilotService('istiod', 'istio-modern', { app: 'istiod' }, [
          { name: 'grpc-xds', port: 15010 },
          { name: 'http-monitoring', port: 15014 },
        ]),
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'istiod', namespace: 'istio-modern' },
          spec: {
            replicas: 1,
            selector: { matchLabels: { app: 'istiod' } },
            template: {
              metadata: { labels: { app: 'istiod', istio: 'pilot' } },
              spec: {
                containers: [
                  {
                    name: 'discovery',
                    image: 'docker.io/istio/pilot:1.26.1',
                    ports: [{ containerPort: 15010 }, { containerPort: 15014 }],
                  },
                ],
              },
            },
          },
        },
      ]);
      const modernStore = startPodStore(connection, { namespace: 'istio-modern' });
      try {
        await until(modernStore, () =>
          modernStore.pods().some((pod) => pod.status === 'Running' && pod.readyContainers === pod.totalContainers),
        );
      } finally {
        modernStore.dispose();
      }
      const result = await fetchRegistry(kubeConfig, { namespace: 'istio-modern' });
      assert.equal(result.target.era, 'istiod');
      assert.equal(result.via, 'port-forward');
      assert.equal(result.snapshot.format, 'istiod-debug');
      const grafana = result.snapshot.services.find(
        (service) => service.hostname === 'grafana.istio-system.svc.cluster.local',
      );
      assert.equal(grafana?.ports[0].port, 3000);
      assert.equal(grafana?.ports[0].endpoints.length, 1, 'endpointz joined to registryz');
      assert.match(result.raw, /^\{\n"registryz": \[/);
    },
  );

  test('explains the 401 when RBAC leaves istiod only the service proxy', TIMEOUT, async () => {
    await rejectsUnder(
      { deny: [{ verb: 'create', resource: 'pods/portforward' }] },
      (error: unknown) =>
        error instanceof RegistryFetchError && error.code === 'istiod-needs-local' && error.details.status === 401,
      { namespace: 'istio-modern' },
    );
  });
});
