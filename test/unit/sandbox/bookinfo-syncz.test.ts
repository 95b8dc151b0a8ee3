// `/debug/syncz` of Pilot 1.2 and of istiod with Bookinfo's sidecars and the gateways connected:
// the shapes (Istio 1.2.2 pilot/pkg/proxy/envoy/v2/debug.go SyncStatus; istiod's pilot/pkg/xds/debug.go),
// Go's time.String() nonces, NOT SENT before the first push and STALE under the proxyAckDelay fault.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';
import { Faults } from '../../../src/sandbox/faults/faults';
import { goTimeString, istiodSyncz, legacySyncz } from '../../../src/sandbox/istio/istiod-debug';
import { answerFromPod } from '../../../src/sandbox/istio/simulated-containers';

const GO_TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,9})? \+0000 UTC m=\+\d+\.\d{9}$/;

function pod(
  namespace: string,
  name: string,
  ip: string,
  options: {
    image?: string;
    router?: boolean;
    ready?: boolean;
    startedAt?: string;
    labels?: Record<string, string>;
  } = {},
): KubeObject {
  const image = options.image ?? 'docker.io/istio/proxyv2:1.2.2';
  const startedAt = options.startedAt ?? '2019-07-01T10:00:00Z';
  const app = options.router ? [] : [{ name: 'app', image: 'istio/examples-bookinfo-ratings-v1:1.12.0' }];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: options.labels ?? {}, creationTimestamp: startedAt },
    spec: {
      containers: [...app, { name: 'istio-proxy', image, args: ['proxy', options.router ? 'router' : 'sidecar'] }],
    },
    status: {
      phase: 'Running',
      podIP: ip,
      containerStatuses: [
        ...app.map((c) => ({ name: c.name, ready: true, state: { running: { startedAt } } })),
        { name: 'istio-proxy', ready: options.ready ?? true, state: { running: { startedAt } } },
      ],
    },
  };
}

const pilotStart = Date.parse('2019-07-01T09:59:00Z');
const gateway = pod('istio-system', 'istio-ingressgateway-6b8d9c-x7k2p', '10.8.0.7', { router: true });
const ratings = pod('default', 'ratings-v1-5bd9c6d4f7-kzqxp', '10.8.1.12', {
  startedAt: '2019-07-01T10:01:00Z',
  labels: { app: 'ratings', version: 'v1' },
});
const reviews = pod('default', 'reviews-v2-7bdd5c9d6b-x2kzq', '10.8.2.14', {
  startedAt: '2019-07-01T10:01:05Z',
  labels: { app: 'reviews', version: 'v2' },
});
const plain = {
  ...ratings,
  metadata: { ...ratings.metadata, name: 'no-sidecar' },
  spec: { containers: [{ name: 'app', image: 'busybox' }] },
};

interface LegacyStatus {
  proxy: string;
  istio_version?: string;
  cluster_sent?: string;
  cluster_acked?: string;
  listener_sent?: string;
  endpoint_percent?: number;
  [field: string]: unknown;
}

describe("Go's time.String()", () => {
  test('prints UTC with trailing zeros of the fraction dropped and the monotonic reading in nine decimals', () => {
    assert.equal(
      goTimeString(Date.parse('2019-07-01T10:00:00.123Z'), 456000, 12_300_000_000),
      '2019-07-01 10:00:00.123456 +0000 UTC m=+12.300000000',
    );
    assert.equal(
      goTimeString(Date.parse('2019-07-01T10:00:00Z'), 0, 5),
      '2019-07-01 10:00:00 +0000 UTC m=+0.000000005',
    );
  });
});

describe("Pilot 1.2's /debug/syncz", () => {
  test("lists every connected proxy by node ID, indented four spaces, nonces in Go's format, sent equal to acked", () => {
    const body = legacySyncz([gateway, ratings, reviews, plain], pilotStart);
    assert.ok(body.startsWith('[\n    {\n        "proxy": "'), body);
    const statuses = JSON.parse(body) as LegacyStatus[];
    assert.deepEqual(
      statuses.map((s) => s.proxy),
      [
        'router~10.8.0.7~istio-ingressgateway-6b8d9c-x7k2p.istio-system~istio-system.svc.cluster.local',
        'sidecar~10.8.1.12~ratings-v1-5bd9c6d4f7-kzqxp.default~default.svc.cluster.local',
        'sidecar~10.8.2.14~reviews-v2-7bdd5c9d6b-x2kzq.default~default.svc.cluster.local',
      ],
    );
    for (const status of statuses) {
      assert.deepEqual(Object.keys(status), [
        'proxy',
        'istio_version',
        'cluster_sent',
        'cluster_acked',
        'listener_sent',
        'listener_acked',
        'route_sent',
        'route_acked',
        'endpoint_sent',
        'endpoint_acked',
        'endpoint_percent',
      ]);
      assert.equal(status.istio_version, '1.2.2');
      assert.equal(status.endpoint_percent, 100);
      for (const type of ['cluster', 'listener', 'route', 'endpoint']) {
        assert.match(String(status[`${type}_sent`]), GO_TIME);
        assert.equal(status[`${type}_acked`], status[`${type}_sent`]);
      }
    }
    // Every proxy got the push that followed the last one connecting, timed after it, counted from Pilot's start.
    assert.match(statuses[0].cluster_sent!, /^2019-07-01 10:01:05\.\d+ \+0000 UTC m=\+125\.\d{9}$/);
  });

  test('a proxy whose istio-proxy is not ready yet has no nonces: NOT SENT', () => {
    const waiting = pod('default', 'details-v1-6c7d8fd4b9-wvmtn', '10.8.1.13', { ready: false });
    const statuses = JSON.parse(legacySyncz([waiting], pilotStart)) as LegacyStatus[];
    assert.deepEqual(statuses, [
      {
        proxy: 'sidecar~10.8.1.13~details-v1-6c7d8fd4b9-wvmtn.default~default.svc.cluster.local',
        istio_version: '1.2.2',
      },
    ]);
  });

  test("the proxyAckDelay fault leaves the matching proxy's last push unacknowledged, or every push with neverAcked", () => {
    const faults = new Faults();
    faults.set({ proxyAckDelay: [{ labels: { app: 'reviews' } }] });
    const delay = (p: KubeObject) => (faults.proxyAckDelayFor(p.metadata) ? ('delayed' as const) : undefined);
    const statuses = JSON.parse(legacySyncz([gateway, ratings, reviews], pilotStart, delay)) as LegacyStatus[];
    const stale = statuses.filter((s) => s.cluster_sent !== s.cluster_acked);
    assert.deepEqual(
      stale.map((s) => s.proxy.split('~')[2]),
      ['reviews-v2-7bdd5c9d6b-x2kzq.default'],
    );
    assert.match(stale[0].cluster_acked!, GO_TIME);
    assert.ok(stale[0].cluster_acked! < stale[0].cluster_sent!);
    faults.set({ proxyAckDelay: [{ workload: 'reviews-v2', neverAcked: true }] });
    const never = (
      JSON.parse(
        legacySyncz([reviews], pilotStart, (p) => (faults.proxyAckDelayFor(p.metadata) ? 'never' : undefined)),
      ) as LegacyStatus[]
    )[0];
    assert.equal(never.cluster_acked, undefined);
    assert.match(never.cluster_sent!, GO_TIME);
  });

  test("Pilot 1.2 serves it on 8080 through its simulated container, with the fault applied from the sandbox's Faults", () => {
    const pilot: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'istio-pilot-7b8d9c6d4f-pqrst', namespace: 'istio-system', labels: { app: 'pilot' } },
      spec: { containers: [{ name: 'discovery', image: 'docker.io/istio/pilot:1.2.2' }] },
      status: {
        phase: 'Running',
        containerStatuses: [{ name: 'discovery', state: { running: { startedAt: '2019-07-01T09:59:00Z' } } }],
      },
    };
    const faults = new Faults();
    faults.set({ proxyAckDelay: [{ workload: 'ratings-v1', namespace: 'default' }] });
    const answer = answerFromPod(
      pilot,
      8080,
      {
        method: 'GET',
        path: '/debug/syncz',
        query: new URLSearchParams(),
        cluster: { services: [], endpoints: [], pods: [gateway, ratings, reviews] },
      },
      faults,
    )!;
    assert.equal(answer.status, 200);
    assert.equal(answer.contentType, 'application/json');
    const statuses = JSON.parse(answer.body) as LegacyStatus[];
    assert.deepEqual(
      statuses.filter((s) => s.listener_sent !== s.listener_acked).map((s) => s.proxy.split('~')[2]),
      ['ratings-v1-5bd9c6d4f7-kzqxp.default'],
    );
    assert.match(statuses[0].cluster_sent!, /m=\+125\.\d{9}$/);
  });
});

describe("istiod's /debug/syncz", () => {
  const modern = (p: KubeObject): KubeObject => ({
    ...p,
    spec: {
      containers: (p.spec as { containers: { image: string }[] }).containers.map((c) => ({
        ...c,
        image: c.image.replace('1.2.2', '1.26.1'),
      })),
    },
  });

  test('names proxies <pod>.<namespace> with their type; NOT SENT proxies have no nonces and STALE ones differ', () => {
    const waiting = modern(pod('default', 'details-v1-6c7d8fd4b9-wvmtn', '10.8.1.13', { ready: false }));
    const statuses = istiodSyncz([modern(gateway), modern(ratings), modern(reviews), waiting], undefined, (p) =>
      p.metadata.labels?.app === 'reviews' ? 'delayed' : undefined,
    );
    assert.deepEqual(
      statuses.map((s) => [s.proxy, s.proxy_type, s.istio_version]),
      [
        ['details-v1-6c7d8fd4b9-wvmtn.default', 'sidecar', '1.26.1'],
        ['istio-ingressgateway-6b8d9c-x7k2p.istio-system', 'router', '1.26.1'],
        ['ratings-v1-5bd9c6d4f7-kzqxp.default', 'sidecar', '1.26.1'],
        ['reviews-v2-7bdd5c9d6b-x2kzq.default', 'sidecar', '1.26.1'],
      ],
    );
    assert.equal(statuses[0].cluster_sent, undefined);
    assert.equal(statuses[2].cluster_sent, statuses[2].cluster_acked);
    // nonce(req.Push.PushVersion): the last push's RFC 3339 time and count, then a UUID.
    assert.match(
      statuses[2].cluster_sent!,
      /^2019-07-01T10:01:05Z\/3[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    assert.match(statuses[3].cluster_acked!, /^2019-07-01T10:01:05Z\/3/);
    assert.match(statuses[3].cluster_sent!, /^2019-07-01T10:01:06Z\/4/);
    assert.notEqual(statuses[3].cluster_sent, statuses[3].cluster_acked);
  });
});
