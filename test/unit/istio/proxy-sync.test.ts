// The Proxies view's reading of `/debug/syncz`: Pilot 1.2's array (node IDs, Go time nonces,
// endpoint_percent) and istiod's (pod.namespace IDs, UUID nonces), worded as `istioctl proxy-status`
// words them (test/fixtures/istio/registry/FORMATS.md §4), and the sandbox's own istiod answer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goDuration, goTimeMillis, parseSyncz, proxyName, xdsCell } from '../../../src/istio/registry/proxy-sync';
import { RegistryFormatError } from '../../../src/istio/registry/json-text';
import { istiodSyncz } from '../../../src/sandbox/istio/istiod-debug';
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';

/** The pushes the first two proxies below share: clusters and listeners sent and acknowledged, routes sent. */
const PUSHED = {
  cluster_sent: '2019-07-01 10:00:00.123 +0000 UTC m=+12.300000001',
  cluster_acked: '2019-07-01 10:00:00.123 +0000 UTC m=+12.300000001',
  listener_sent: '2019-07-01 10:00:00.2 +0000 UTC m=+12.4',
  listener_acked: '2019-07-01 10:00:00.2 +0000 UTC m=+12.4',
  route_sent: '2019-07-01 10:00:00.3 +0000 UTC m=+12.5',
};

// Pilot 1.2.2's answer as `json.MarshalIndent(syncz, "", "    ")` writes it: one synced sidecar, one
// gateway that has not acknowledged the last endpoints push, one proxy that connected before the first push.
const PILOT_1_2 = JSON.stringify(
  [
    {
      proxy: 'sidecar~10.8.0.12~productpage-v1-7d6cfb7dfd-5mc96.default~default.svc.cluster.local',
      proxy_version: '1.2.2',
      istio_version: '1.2.2',
      ...PUSHED,
      route_acked: '2019-07-01 10:00:00.3 +0000 UTC m=+12.5',
      endpoint_sent: '2019-07-01 10:00:00.4 +0000 UTC m=+12.6',
      endpoint_acked: '2019-07-01 10:00:00.4 +0000 UTC m=+12.6',
      endpoint_percent: 100,
    },
    {
      proxy: 'router~10.8.0.7~istio-ingressgateway-6b5b9b8b4f-8lm2z.istio-system~istio-system.svc.cluster.local',
      proxy_version: '1.2.2',
      istio_version: '1.2.2',
      ...PUSHED,
      endpoint_sent: '2019-07-01 10:02:05.9 +0000 UTC m=+138.1',
      endpoint_acked: '2019-07-01 10:00:00.4 +0000 UTC m=+12.6',
      endpoint_percent: 50,
    },
    {
      proxy: 'sidecar~10.8.0.13~ratings-v1-6f8c5bcb9d-wq2xj.default~default.svc.cluster.local',
      proxy_version: '1.2.2',
    },
  ],
  null,
  4,
);

describe('parseSyncz: Pilot 1.2', () => {
  const rows = parseSyncz(PILOT_1_2, 'istio-pilot-5f9b7c8d4-abcde', { endpointPercent: true });

  it('names each proxy pod.namespace and sorts them as istioctl does', () => {
    assert.deepEqual(
      rows.map((row) => [row.name, row.pod, row.namespace]),
      [
        ['istio-ingressgateway-6b5b9b8b4f-8lm2z.istio-system', 'istio-ingressgateway-6b5b9b8b4f-8lm2z', 'istio-system'],
        ['productpage-v1-7d6cfb7dfd-5mc96.default', 'productpage-v1-7d6cfb7dfd-5mc96', 'default'],
        ['ratings-v1-6f8c5bcb9d-wq2xj.default', 'ratings-v1-6f8c5bcb9d-wq2xj', 'default'],
      ],
    );
  });

  it('prints a synced proxy as istioctl 1.2 does, endpoint share after EDS', () => {
    const synced = rows[1];
    assert.deepEqual(
      [synced.cds, synced.lds, synced.eds, synced.rds, synced.pilot, synced.version, synced.state],
      ['SYNCED', 'SYNCED', 'SYNCED (100%)', 'SYNCED', 'istio-pilot-5f9b7c8d4-abcde', '1.2.2', 'synced'],
    );
  });

  it('says how far behind a stale proxy is, and when it never acknowledged', () => {
    const gateway = rows[0];
    assert.equal(gateway.eds, 'STALE (2m5.5s) (50%)');
    assert.equal(gateway.rds, 'STALE (Never Acknowledged)');
    assert.equal(gateway.state, 'stale');
  });

  it('shows NOT SENT before the first push and the proxy version starred without an Istio version', () => {
    const fresh = rows[2];
    assert.deepEqual(
      [fresh.cds, fresh.lds, fresh.eds, fresh.rds, fresh.version, fresh.state],
      ['NOT SENT', 'NOT SENT', 'NOT SENT (0%)', 'NOT SENT', '1.2.2*', 'not-sent'],
    );
  });
});

describe('parseSyncz: istiod', () => {
  it('reads what the sandbox istiod answers, UUID-style nonces giving plain SYNCED and no endpoint share', () => {
    const pods = [
      injectedPod('reviews-v2-5b64f47978-kxk7p', 'default'),
      injectedPod('details-v1-c5b5f496d-9wm6j', 'default'),
    ];
    const body = JSON.stringify(istiodSyncz(pods), null, 2);
    const rows = parseSyncz(body, 'istiod-7d9c8b6f5-xk2lp', { endpointPercent: false });
    assert.deepEqual(
      rows.map((row) => [row.name, row.cds, row.lds, row.eds, row.rds, row.version, row.state]),
      [
        ['details-v1-c5b5f496d-9wm6j.default', 'SYNCED', 'SYNCED', 'SYNCED', 'SYNCED', '1.16.0', 'synced'],
        ['reviews-v2-5b64f47978-kxk7p.default', 'SYNCED', 'SYNCED', 'SYNCED', 'SYNCED', '1.16.0', 'synced'],
      ],
    );
  });

  it('words a nonce that is not a time as plain STALE', () => {
    assert.deepEqual(xdsCell('7c3e5d1a-1b2c-4d5e-8f90-123456789abc', '0a1b2c3d-0000-4000-8000-000000000000'), {
      cell: 'STALE',
      state: 'stale',
    });
  });
});

describe('parseSyncz: what is not a syncz answer', () => {
  it('treats an empty answer and null as no proxies', () => {
    assert.deepEqual(parseSyncz('', 'p', { endpointPercent: true }), []);
    assert.deepEqual(parseSyncz('null\n', 'p', { endpointPercent: true }), []);
  });

  it('refuses an object, and malformed JSON with its position', () => {
    assert.throws(
      () => parseSyncz('{"proxy": "x"}', 'p', { endpointPercent: true }),
      (error: unknown) => error instanceof RegistryFormatError && error.problem === 'unexpected-shape',
    );
    assert.throws(
      () => parseSyncz('[{"proxy": }]', 'p', { endpointPercent: true }),
      (error: unknown) => error instanceof RegistryFormatError && error.problem === 'malformed-json',
    );
  });

  it('skips elements that are not proxies', () => {
    assert.deepEqual(parseSyncz('[1, null, {}, {"proxy": ""}]', 'p', { endpointPercent: false }), []);
  });
});

describe('Go time and duration', () => {
  it('reads time.Time.String() with its zone offset and monotonic part', () => {
    assert.equal(goTimeMillis('2019-07-01 10:00:00.5 +0900 KST m=+1.0'), Date.parse('2019-07-01T01:00:00.500Z'));
    assert.equal(goTimeMillis('not a time'), undefined);
  });

  it('writes time.Duration.String()', () => {
    assert.deepEqual([0, 250, 1500, 60_000, 125_500, 3_600_000, -2000].map(goDuration), [
      '0s',
      '250ms',
      '1.5s',
      '1m0s',
      '2m5.5s',
      '1h0m0s',
      '-2s',
    ]);
  });

  it('keeps a name that is not a node ID as it is', () => {
    assert.equal(proxyName('productpage-v1.default'), 'productpage-v1.default');
  });
});

function injectedPod(name: string, namespace: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, uid: `uid-${name}` },
    spec: {
      containers: [
        { name: 'app', image: 'docker.io/istio/examples-bookinfo-details-v1:1.17.0' },
        { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.16.0', args: ['proxy', 'sidecar'] },
      ],
    },
    status: { phase: 'Running', podIP: '10.8.0.20', containerStatuses: [running('app'), running('istio-proxy')] },
  } as unknown as KubeObject;
}

function running(name: string): Record<string, unknown> {
  return { name, ready: true, state: { running: { startedAt: '2026-01-01T12:00:00Z' } } };
}
