// The registry viewer's pure pieces around the model: the message contract's validators, the
// diagram's live state from pods, and the table rows (search, component filter, refresh highlights).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { componentHealth, guessEra } from '../../../src/istio/registry/component-health';
import { parseRegistration } from '../../../src/istio/registry/legacy-registration';
import { diffSnapshots } from '../../../src/istio/registry/registry-model';
import { asExtensionMessage, asViewState, asWebviewMessage } from '../../../src/shared/registry-messages';
import type { Row, VisibleRows } from '../../../src/webview/registry-rows';
import { belongsTo, indexRegistry, visibleRows } from '../../../src/webview/registry-rows';

const listOf = (rows: VisibleRows): Row[] => Array.from({ length: rows.length }, (_, k) => rows.at(k));

const bookinfo = fs.readFileSync(
  path.join(__dirname, '..', '..', 'fixtures', 'istio', 'registry', 'legacy-registration-bookinfo.json'),
  'utf8',
);

test('accepts well-formed messages on both sides and rejects anything else', () => {
  const snapshot = parseRegistration(bookinfo);
  const registry = {
    type: 'registry',
    era: 'legacy',
    snapshot,
    raw: bookinfo,
    rawTruncated: false,
    fetchedAt: 1,
    via: 'service-proxy',
    commands: [],
  };
  assert.equal(asExtensionMessage(registry), registry);
  assert.equal(asExtensionMessage({ ...registry, via: 'ssh' }), undefined);
  const stale = { ...registry, stale: 'Pilot is not installed.' };
  assert.equal(asExtensionMessage(stale), stale, 'a stale registry carries why');
  assert.equal(asExtensionMessage({ ...registry, stale: true }), undefined);
  const gone = {
    ...snapshot,
    services: [
      {
        ...snapshot.services[0],
        ports: [
          {
            ...snapshot.services[0].ports[0],
            endpoints: [{ ip: '10.0.0.1', port: 80, pod: { namespace: 'n', name: 'p', ready: false, gone: true } }],
          },
        ],
      },
    ],
  };
  assert.ok(asExtensionMessage({ ...registry, snapshot: gone }), 'an endpoint may say its pod is gone');
  assert.equal(
    asExtensionMessage({
      ...registry,
      snapshot: {
        ...gone,
        services: [
          {
            ...gone.services[0],
            ports: [
              {
                ...gone.services[0].ports[0],
                endpoints: [
                  { ip: '10.0.0.1', port: 80, pod: { namespace: 'n', name: 'p', ready: false, gone: 'yes' } },
                ],
              },
            ],
          },
        ],
      },
    }),
    undefined,
  );
  assert.equal(asExtensionMessage({ ...registry, snapshot: { ...snapshot, services: [{ hostname: 1 }] } }), undefined);
  assert.equal(
    asExtensionMessage({
      type: 'health',
      era: 'legacy',
      components: [{ id: 'not-a-component', ready: 1, desired: 1 }],
    }),
    undefined,
  );
  assert.equal(asExtensionMessage({ type: '__proto__' }), undefined);
  assert.equal(asExtensionMessage('registry'), undefined);
  assert.deepEqual(asWebviewMessage({ type: 'export', format: 'csv' }), { type: 'export', format: 'csv' });
  assert.equal(asWebviewMessage({ type: 'export', format: 'xlsx' }), undefined);
  assert.equal(asWebviewMessage({ type: 'copy', text: 42 }), undefined);
  assert.deepEqual(asViewState({ filter: 'x', tab: 'raw', component: 'pilot' }), {
    filter: 'x',
    tab: 'raw',
    component: 'pilot',
  });
  assert.equal(asViewState({ filter: 'x', tab: 'graph' }), undefined);
});

const pod = (name: string, labels: Record<string, string>, ready: number, total: number) => ({
  namespace: 'istio-system',
  name,
  labels,
  annotations: {},
  ownerKind: 'ReplicaSet',
  ownerName: name.replace(/-[a-z0-9]+$/, ''),
  podIP: '10.0.0.1',
  readyContainers: ready,
  totalContainers: total,
  phase: 'Running',
  deleting: false,
  containers: [],
});

test('colours each diagram component from its pods: ready, partly ready or missing', () => {
  const pods = [
    pod('istio-pilot-68f587df5d-wzwxn', { istio: 'pilot', app: 'pilot' }, 2, 2),
    pod('istio-telemetry-7d9b4d9c5-abcde', { istio: 'mixer', 'istio-mixer-type': 'telemetry', app: 'telemetry' }, 1, 2),
  ];
  const health = componentHealth(pods, 'legacy', 'ko');
  const byId = new Map(health.map((entry) => [entry.id, entry]));
  assert.deepEqual([byId.get('pilot')?.ready, byId.get('pilot')?.desired], [1, 1]);
  assert.deepEqual([byId.get('mixer-telemetry')?.ready, byId.get('mixer-telemetry')?.desired], [0, 1]);
  assert.deepEqual([byId.get('citadel')?.ready, byId.get('citadel')?.desired], [0, 0]);
  assert.equal(byId.get('pilot')?.title, 'Pilot');
  assert.match(byId.get('pilot')?.role ?? '', /[가-힣]/, 'the role is in Korean for a Korean VS Code');
  assert.equal(guessEra(pods), 'legacy');
  assert.equal(guessEra([pod('istiod-7b69f7c8d-x2x2x', { app: 'istiod', istio: 'pilot' }, 1, 1)]), 'istiod');
});

test('filters rows by text, by component, and puts removed endpoints back struck through', () => {
  const before = parseRegistration(bookinfo);
  const after = parseRegistration(bookinfo.replace('10.244.0.41', '10.244.0.50'));
  const index = indexRegistry(after, diffSnapshots(before, after));
  const all = visibleRows(index, { query: '', collapsed: new Set() });
  assert.equal(all.services, 2);
  assert.deepEqual(
    listOf(all).map((row) => row.kind),
    ['namespace', 'service', 'port', 'endpoint', 'service', 'port', 'endpoint', 'endpoint', 'endpoint', 'removed'],
  );
  assert.equal(listOf(all).filter((row) => row.kind === 'endpoint' && row.added).length, 1);
  const ip = visibleRows(index, { query: '10.244.0.50', collapsed: new Set() });
  assert.deepEqual(
    listOf(ip).map((row) => row.kind),
    ['namespace', 'service', 'port', 'endpoint'],
  );
  const collapsed = visibleRows(index, { query: '', collapsed: new Set(['svc reviews.nino.svc.cluster.local']) });
  assert.equal(collapsed.length, 5);
  assert.equal(
    belongsTo('pilot', {
      hostname: 'istio-pilot.istio-system.svc.cluster.local',
      name: 'istio-pilot',
      namespace: 'istio-system',
      ports: [],
    }),
    true,
  );
  assert.equal(
    belongsTo('sidecars', after.services[0]),
    true,
    "services of other namespaces are the sidecars' workloads",
  );
  assert.equal(visibleRows(index, { query: '', component: 'grafana', collapsed: new Set() }).length, 0);
});

test('typing a query on and back gives the rows a fresh search gives, per component and collapsed groups', () => {
  // A registry with many services: a longer query searches only what the shorter one matched.
  const services = Array.from({ length: 60 }, (_, s) => ({
    'service-key': `svc-${s}.ns-${s % 4}.svc.cluster.local|${s % 2 ? 'grpc' : 'http'}`,
    hosts: [{ ip_address: `10.1.${s}.${(s % 3) + 1}`, port: 9000 + (s % 5) }],
  }));
  const snapshot = parseRegistration(JSON.stringify(services));
  const fresh = (query: string, component?: 'sidecars' | 'grafana', collapsed = new Set<string>()) =>
    listOf(visibleRows(indexRegistry(snapshot), { query, component, collapsed }));
  const index = indexRegistry(snapshot);
  const typed = 'svc-1.ns-1';
  const queries = [
    ...Array.from({ length: typed.length }, (_, k) => typed.slice(0, k + 1)),
    ...Array.from({ length: typed.length }, (_, k) => typed.slice(0, typed.length - k - 1)),
    '10.1.2',
    '9003',
    'grpc',
    '',
  ];
  const collapsed = new Set(['ns ns-2']);
  for (const query of queries) {
    assert.deepEqual(listOf(visibleRows(index, { query, collapsed: new Set() })), fresh(query), `query "${query}"`);
    assert.deepEqual(
      listOf(visibleRows(index, { query, component: 'sidecars', collapsed: new Set() })),
      fresh(query, 'sidecars'),
      `query "${query}", sidecars`,
    );
    assert.deepEqual(
      listOf(visibleRows(index, { query, collapsed })),
      fresh(query, undefined, collapsed),
      `query "${query}", ns-2 collapsed`,
    );
    assert.equal(visibleRows(index, { query, component: 'grafana', collapsed: new Set() }).length, 0);
  }
  assert.equal(visibleRows(index, { query: 'svc-1', collapsed: new Set() }).services, 11, 'svc-1 and svc-10 … svc-19');
});
