// Server-side apply: merging, ownership, conflicts, force, removal, and the hand-over from
// client-side apply, on the book's istio-pilot Deployment with the v1.32 schema.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as yaml from 'js-yaml';
import { applyDefaults } from '../../../src/sandbox/apimachinery/defaults';
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';
import { applyPatch, LAST_APPLIED_ANNOTATION } from '../../../src/sandbox/patch/managed-fields';
import { patchObject } from '../../../src/sandbox/patch/patch-request';
import {
  at,
  builtinType,
  istioCrdType,
  istioDemoObject,
  patchRequest,
  pilotScope,
  statusOf,
  updatePilot,
} from './patch-fixtures';
import { entries, PILOT_PROXY_MANIFEST_FIELDS } from './managed-fields-fixtures';

const scope = pilotScope();
const { schemas } = scope;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The manifest as `kubectl apply --server-side -f istio-demo.yaml` sends it, with replicas set. */
function manifest(change?: (m: Json) => void): Json {
  const object = istioDemoObject('Deployment', 'istio-pilot') as Json;
  object.spec.replicas = 1;
  change?.(object);
  return object;
}

/** What the API server stores after a write: defaults applied, uid and resourceVersion set. */
function stored(object: KubeObject): KubeObject {
  const copy = structuredClone(object);
  applyDefaults(copy, 'apps');
  copy.metadata.uid ??= '6f1c0b8e-0000-4000-8000-000000000001';
  copy.metadata.resourceVersion = String(Number(copy.metadata.resourceVersion ?? 1000) + 1);
  return copy;
}

function apply(
  live: KubeObject | undefined,
  applied: Json,
  manager = 'kubectl',
  options: { force?: boolean; now?: Date } = {},
): KubeObject {
  return applyPatch({ ...scope, now: options.now ?? at(10), live, applied, manager, force: options.force ?? false });
}

/** Applies the manifest with `replicas` set as `manager`, which must be refused: the Status. */
const refusedReplicas = (
  live: KubeObject,
  replicas: number,
  manager: string,
  now?: Date,
): ReturnType<typeof statusOf> =>
  statusOf(() =>
    apply(
      live,
      manifest((m) => (m.spec.replicas = replicas)),
      manager,
      { now },
    ),
  );
/** The message of a conflict over .spec.replicas alone, which `owner` holds. */
const replicasConflict = (owner: string): string =>
  `Apply failed with 1 conflict: conflict with "${owner}" using apps/v1: .spec.replicas`;

const fields = (object: KubeObject, manager: string): Json =>
  entries(object).find((e) => e.manager === manager)?.fieldsV1 as Json;
const proxyOf = (object: KubeObject): Json =>
  (object.spec as Json).template.spec.containers.find((c: Json) => c.name === 'istio-proxy');

test('an apply that creates records an Apply entry of exactly the applied fields', () => {
  const created = apply(undefined, manifest());
  assert.equal((created.spec as Json).replicas, 1);
  assert.deepEqual(Object.keys(created).slice(0, 4), ['apiVersion', 'kind', 'metadata', 'spec']);
  const [entry, ...rest] = entries(created);
  assert.deepEqual(rest, []);
  assert.deepEqual(
    { ...entry, fieldsV1: undefined },
    {
      manager: 'kubectl',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      time: '2024-05-01T10:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: undefined,
    },
  );
  const f = entry.fieldsV1 as Json;
  assert.deepEqual(f['f:metadata']['f:labels'], {
    'f:app': {},
    'f:chart': {},
    'f:heritage': {},
    'f:istio': {},
    'f:release': {},
  });
  const proxy = f['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"istio-proxy"}'];
  assert.deepEqual(Object.keys(proxy), PILOT_PROXY_MANIFEST_FIELDS);
  assert.deepEqual(proxy['f:ports']['k:{"containerPort":15011,"protocol":"TCP"}'], { '.': {}, 'f:containerPort': {} });
});

test('defaults the server adds after an apply belong to no one and survive the next apply', () => {
  const live = stored(apply(undefined, manifest()));
  assert.equal(proxyOf(live).terminationMessagePath, '/dev/termination-log');
  const again = apply(
    live,
    manifest((m) => (m.spec.replicas = 2)),
    'kubectl',
    { now: at(11) },
  );
  assert.equal(proxyOf(again).terminationMessagePath, '/dev/termination-log');
  assert.equal((again.spec as Json).replicas, 2);
  assert.equal(entries(again)[0].time, '2024-05-01T11:00:00Z');
});

test('a field the applier stops applying is removed, unless another manager owns it', () => {
  const live = stored(
    apply(
      undefined,
      manifest((m) => (m.metadata.labels.tier = 'control-plane')),
    ),
  );
  const pruned = apply(live, manifest(), 'kubectl', { now: at(11) });
  assert.equal(pruned.metadata.labels?.tier, undefined);

  const labelled = stored(
    updatePilot(
      11,
      live,
      { ...live, metadata: { ...live.metadata, labels: { ...live.metadata.labels, owner: 'sre' } } },
      'kubectl-label',
    ),
  );
  const both = stored(
    apply(
      labelled,
      manifest((m) => (m.metadata.labels.owner = 'sre')),
      'kubectl',
      { now: at(12) },
    ),
  );
  const kept = apply(both, manifest(), 'kubectl', { now: at(13) });
  assert.equal(kept.metadata.labels?.owner, 'sre', 'kubectl-label still owns it');
  assert.ok('f:owner' in fields(kept, 'kubectl-label')['f:metadata']['f:labels']);
  assert.equal('f:owner' in fields(kept, 'kubectl')['f:metadata']['f:labels'], false);
});

test('removing a container from the configuration removes it from the object', () => {
  const live = stored(apply(undefined, manifest()));
  const withoutProxy = apply(
    live,
    manifest((m) => m.spec.template.spec.containers.splice(1, 1)),
    'kubectl',
    { now: at(11) },
  );
  assert.deepEqual(
    (withoutProxy.spec as Json).template.spec.containers.map((c: Json) => c.name),
    ['discovery'],
  );
  assert.equal(
    'k:{"name":"istio-proxy"}' in fields(withoutProxy, 'kubectl')['f:spec']['f:template']['f:spec']['f:containers'],
    false,
  );
});

test('changing a field another manager owns is a 409 naming it; force takes ownership', () => {
  const live = stored(apply(undefined, manifest()));
  const scaled = stored(
    updatePilot(11, live, { ...live, spec: { ...(live.spec as Json), replicas: 5 } }, 'kubectl-scale'),
  );
  const status = refusedReplicas(scaled, 3, 'kubectl', at(12));
  assert.deepEqual(status, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: replicasConflict('kubectl-scale'),
    reason: 'Conflict',
    details: {
      causes: [
        {
          reason: 'FieldManagerConflict',
          message: 'conflict with "kubectl-scale" using apps/v1',
          field: '.spec.replicas',
        },
      ],
    },
    code: 409,
  });
  const forced = apply(
    scaled,
    manifest((m) => (m.spec.replicas = 3)),
    'kubectl',
    { force: true, now: at(12) },
  );
  assert.equal((forced.spec as Json).replicas, 3);
  assert.deepEqual(
    entries(forced).map((e) => e.manager),
    ['kubectl'],
    'kubectl-scale owned only replicas, so its entry goes',
  );
});

test('conflicts with several managers are grouped by manager, each path on its own line', () => {
  const live = stored(apply(undefined, manifest(), 'installer'));
  const scaled = stored(
    updatePilot(11, live, { ...live, spec: { ...(live.spec as Json), replicas: 4 } }, 'kubectl-edit'),
  );
  const retagged = structuredClone(scaled) as Json;
  retagged.spec.template.spec.containers[1].image = 'docker.io/istio/proxyv2:1.2.3';
  retagged.metadata.labels.release = 'istio-1.2.3';
  const edited = stored(updatePilot(12, scaled, retagged as KubeObject, 'kubectl-set-image'));
  const status = statusOf(() =>
    apply(
      edited,
      manifest((m) => (m.spec.template.spec.containers[0].image = 'docker.io/istio/pilot:1.2.3')),
      'installer',
      { now: at(13) },
    ),
  );
  assert.equal(
    status.message,
    [
      'Apply failed with 3 conflicts: conflicts with "kubectl-edit" using apps/v1:',
      '- .spec.replicas',
      'conflicts with "kubectl-set-image" using apps/v1:',
      '- .metadata.labels.release',
      '- .spec.template.spec.containers[name="istio-proxy"].image',
    ].join('\n'),
  );
  assert.deepEqual(
    status.details.causes.map((c: Json) => [c.message, c.field]),
    [
      ['conflict with "kubectl-edit" using apps/v1', '.spec.replicas'],
      ['conflict with "kubectl-set-image" using apps/v1', '.metadata.labels.release'],
      ['conflict with "kubectl-set-image" using apps/v1', '.spec.template.spec.containers[name="istio-proxy"].image'],
    ],
  );
});

test('kubectl apply --server-side after kubectl create succeeds when it changes nothing the creator set', () => {
  const created = stored(updatePilot(10, undefined, stored(manifest() as KubeObject), 'kubectl-create'));
  const applied = apply(created, manifest(), 'kubectl', { now: at(11) });
  assert.deepEqual(
    entries(applied).map((e) => [e.manager, e.operation, e.time]),
    [
      ['kubectl', 'Apply', undefined],
      ['kubectl-create', 'Update', '2024-05-01T10:00:00Z'],
    ],
  );
  const status = refusedReplicas(created, 2, 'kubectl', at(11));
  assert.equal(status.message, replicasConflict('kubectl-create'));
});

test('after client-side apply, kubectl may take over the fields its last-applied annotation vouches for', () => {
  const csa = manifest();
  csa.metadata.annotations[LAST_APPLIED_ANNOTATION] = `${JSON.stringify(manifest())}\n`;
  const live = stored(updatePilot(10, undefined, stored(csa as KubeObject), 'kubectl-client-side-apply'));
  const changed = manifest((m) => (m.spec.replicas = 3));

  const other = refusedReplicas(live, 3, 'helm', at(11));
  assert.equal(other.message, replicasConflict('kubectl-client-side-apply'));

  const ssa = apply(live, changed, 'kubectl', { now: at(11) });
  assert.equal((ssa.spec as Json).replicas, 3);
  assert.ok('f:replicas' in fields(ssa, 'kubectl')['f:spec']);
  assert.equal('f:replicas' in fields(ssa, 'kubectl-client-side-apply')['f:spec'], false);
  const annotation = ssa.metadata.annotations?.[LAST_APPLIED_ANNOTATION] ?? '';
  assert.ok(annotation.endsWith('}\n'));
  assert.deepEqual(JSON.parse(annotation), JSON.parse(JSON.stringify(changed)));
  assert.ok(
    annotation.startsWith(
      '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{"checksum/config-volume"',
    ),
    'keys sorted as Go writes them',
  );
});

test('a value the live object no longer has from last-applied still conflicts for kubectl', () => {
  const csa = manifest();
  csa.metadata.annotations[LAST_APPLIED_ANNOTATION] = `${JSON.stringify(manifest())}\n`;
  const live = stored(updatePilot(10, undefined, stored(csa as KubeObject), 'kubectl-client-side-apply'));
  const drifted = stored(
    updatePilot(11, live, { ...live, spec: { ...(live.spec as Json), replicas: 7 } }, 'kubectl-client-side-apply'),
  );
  const status = refusedReplicas(drifted, 3, 'kubectl', at(12));
  assert.equal(status.message, replicasConflict('kubectl-client-side-apply'));
});

test('the first apply to an untracked object credits what was there to before-first-apply', () => {
  const untracked = stored(manifest() as KubeObject);
  const applied = apply(untracked, manifest(), 'argocd-controller', { now: at(11) });
  assert.deepEqual(
    entries(applied).map((e) => [e.manager, e.operation]),
    [
      ['argocd-controller', 'Apply'],
      ['before-first-apply', 'Update'],
    ],
  );
  assert.ok(
    'f:terminationMessagePath' in
      fields(applied, 'before-first-apply')['f:spec']['f:template']['f:spec']['f:containers'][
        'k:{"name":"istio-proxy"}'
      ],
  );
  const status = refusedReplicas(untracked, 2, 'argocd-controller');
  assert.equal(status.message, replicasConflict('before-first-apply'));
});

test('an apply that changes nothing keeps the object and the time', () => {
  const live = stored(apply(undefined, manifest()));
  const again = apply(live, manifest(), 'kubectl', { now: at(15) });
  assert.deepEqual(again, live);
});

test('status in an applied configuration is not owned on the main resource', () => {
  const created = apply(
    undefined,
    manifest((m) => (m.status = { replicas: 9 })),
  );
  assert.equal('f:status' in (entries(created)[0].fieldsV1 as Json), false);
});

test("an unknown field fails as the server's typed conversion does", () => {
  const status = statusOf(() =>
    apply(
      undefined,
      manifest((m) => (m.spec.replica = 2)),
    ),
  );
  assert.deepEqual(
    [status.code, status.reason, status.message],
    [
      500,
      '',
      'failed to create typed patch object (istio-system/istio-pilot; apps/v1, Kind=Deployment): .spec.replica: field not declared in schema',
    ],
  );
  const duplicate = statusOf(() =>
    apply(
      undefined,
      manifest((m) => m.spec.template.spec.containers.push({ name: 'discovery', image: 'x' })),
    ),
  );
  assert.equal(
    duplicate.message,
    'failed to create typed patch object (istio-system/istio-pilot; apps/v1, Kind=Deployment): .spec.template.spec.containers: duplicate entries for key [name="discovery"]',
  );
  const wrongType = statusOf(() =>
    apply(
      undefined,
      manifest((m) => (m.spec.replicas = 'two')),
    ),
  );
  assert.match(wrongType.message, /\.spec\.replicas: expected numeric \(int or float\), got string$/);
});

test("an applied object must match the endpoint's kind and carry no managedFields", () => {
  const wrongKind = statusOf(() =>
    apply(
      undefined,
      manifest((m) => (m.kind = 'StatefulSet')),
    ),
  );
  assert.deepEqual([wrongKind.code, wrongKind.message], [400, 'invalid object type: apps/v1, Kind=StatefulSet']);
  const wrongVersion = statusOf(() =>
    apply(
      undefined,
      manifest((m) => (m.apiVersion = 'extensions/v1beta1')),
    ),
  );
  assert.deepEqual(
    [wrongVersion.code, wrongVersion.message],
    [400, 'invalid object type: extensions/v1beta1, Kind=Deployment'],
  );
  const managed = statusOf(() =>
    apply(
      undefined,
      manifest((m) => (m.metadata.managedFields = [])),
    ),
  );
  assert.deepEqual([managed.code, managed.message], [400, 'metadata.managedFields must be nil']);
});

test('patchObject applies a YAML body for the fieldManager with force', () => {
  const deployments = builtinType('apps', 'Deployment');
  const live = stored(apply(undefined, manifest(), 'kubectl-create'));
  const result = patchObject({
    contentType: 'application/apply-patch+yaml',
    body: yaml.dump(manifest((m) => (m.spec.replicas = 2))),
    current: live,
    request: patchRequest(deployments, 'v1', 'istio-system', 'istio-pilot'),
    fieldManager: 'kubectl',
    force: true,
    now: at(12),
    schemas,
  });
  assert.equal((result.spec as Json).replicas, 2);
  const bad = statusOf(() =>
    patchObject({
      contentType: 'application/apply-patch+yaml',
      body: '- a\n- b\n',
      current: live,
      request: patchRequest(deployments, 'v1', 'istio-system', 'istio-pilot'),
      fieldManager: 'kubectl',
      force: false,
      now: at(12),
      schemas,
    }),
  );
  assert.equal(bad.code, 400);
  assert.match(bad.message, /^error decoding YAML: /);
});

test('a custom resource without a schema is applied with deduced types: maps granular, lists atomic, keys owned themselves', () => {
  const rules = istioCrdType('destinationrules.networking.istio.io');
  const rule = istioDemoObject('DestinationRule', 'istio-policy') as Json;
  rule.spec.subsets = [{ name: 'v1', labels: { version: 'v1' } }];
  const created = patchObject({
    contentType: 'application/apply-patch+yaml',
    body: JSON.stringify(rule),
    current: undefined,
    request: patchRequest(rules, 'v1alpha3', 'istio-system', 'istio-policy'),
    fieldManager: 'kubectl',
    force: false,
    now: at(10),
    schemas,
  });
  assert.deepEqual(entries(created)[0].fieldsV1, {
    'f:metadata': { 'f:labels': { 'f:app': {}, 'f:chart': {}, 'f:heritage': {}, 'f:release': {} } },
    'f:spec': {
      '.': {},
      'f:host': {},
      'f:subsets': {},
      'f:trafficPolicy': {
        '.': {},
        'f:connectionPool': {
          '.': {},
          'f:http': { '.': {}, 'f:http2MaxRequests': {}, 'f:maxRequestsPerConnection': {} },
        },
      },
    },
  });
});
