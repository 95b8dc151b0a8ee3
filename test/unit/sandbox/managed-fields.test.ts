// managedFields on writes that are not apply: creates, updates and patches record `Update` entries.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyDefaults } from '../../../src/sandbox/apimachinery/defaults';
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';
import type { ManagedFieldsEntry } from '../../../src/sandbox/patch/managed-fields';
import {
  managerFromUserAgent,
  managerOrUserAgent,
  updateManagedFields,
} from '../../../src/sandbox/patch/managed-fields';
import { at, istioDemoObject, pilotScope, updatePilot } from './patch-fixtures';
import { entries, PILOT_PROXY_MANIFEST_FIELDS } from './managed-fields-fixtures';

const scope = pilotScope();

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function pilotAsCreated(manager = 'kubectl-create'): KubeObject {
  const manifest = istioDemoObject('Deployment', 'istio-pilot');
  applyDefaults(manifest, 'apps');
  const created = updateManagedFields({ ...scope, now: at(10), previous: undefined, next: manifest, manager });
  created.metadata.uid = '6f1c0b8e-0000-4000-8000-000000000001';
  created.metadata.resourceVersion = '1042';
  return created;
}

const entry = (object: KubeObject, manager: string): ManagedFieldsEntry | undefined =>
  entries(object).find((e) => e.manager === manager);
const fields = (object: KubeObject, manager: string): Json => entry(object, manager)?.fieldsV1 as Json;

function edit(object: KubeObject, change: (copy: Json) => void): KubeObject {
  const copy = structuredClone(object) as Json;
  change(copy);
  return copy as KubeObject;
}

test('a create records every field its manager set, defaults included, as one Update entry', () => {
  const created = pilotAsCreated();
  assert.equal(entries(created).length, 1);
  const { fieldsV1, ...meta } = entries(created)[0];
  assert.deepEqual(meta, {
    manager: 'kubectl-create',
    operation: 'Update',
    apiVersion: 'apps/v1',
    time: '2024-05-01T10:00:00Z',
    fieldsType: 'FieldsV1',
  });
  const f = fieldsV1 as Json;
  assert.deepEqual(f['f:metadata'], {
    'f:annotations': { '.': {}, 'f:checksum/config-volume': {} },
    'f:labels': { '.': {}, 'f:app': {}, 'f:chart': {}, 'f:heritage': {}, 'f:istio': {}, 'f:release': {} },
  });
  assert.deepEqual(Object.keys(f), ['f:metadata', 'f:spec']);
  assert.deepEqual(f['f:spec']['f:selector'], {}, 'LabelSelector is an atomic map');
  const proxy = f['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"istio-proxy"}'];
  assert.deepEqual(
    Object.keys(proxy),
    [...PILOT_PROXY_MANIFEST_FIELDS, 'f:terminationMessagePath', 'f:terminationMessagePolicy'].sort(),
    "the manifest's fields and the two the server defaults",
  );
  assert.deepEqual(Object.keys(proxy['f:ports']), [
    '.',
    'k:{"containerPort":15003,"protocol":"TCP"}',
    'k:{"containerPort":15005,"protocol":"TCP"}',
    'k:{"containerPort":15007,"protocol":"TCP"}',
    'k:{"containerPort":15011,"protocol":"TCP"}',
  ]);
  assert.deepEqual(proxy['f:env']['k:{"name":"INSTANCE_IP"}'], {
    '.': {},
    'f:name': {},
    'f:valueFrom': { '.': {}, 'f:fieldRef': {} },
  });
  assert.deepEqual(proxy['f:volumeMounts']['k:{"mountPath":"/etc/certs"}'], {
    '.': {},
    'f:mountPath': {},
    'f:name': {},
    'f:readOnly': {},
  });
  assert.deepEqual(f['f:spec']['f:template']['f:spec']['f:volumes']['k:{"name":"istio-certs"}'], {
    '.': {},
    'f:name': {},
    'f:secret': { '.': {}, 'f:optional': {}, 'f:secretName': {} },
  });
});

test('an update by another manager takes only what it changed; the first keeps the rest and its time', () => {
  const created = pilotAsCreated();
  const next = edit(created, (o) => {
    o.spec.template.spec.containers[1].image = 'docker.io/istio/proxyv2:1.2.3';
    o.metadata.labels.version = '1.2.3';
  });
  const updated = updateManagedFields({ ...scope, now: at(11), previous: created, next, manager: 'kubectl-edit' });
  assert.deepEqual(
    entries(updated).map((e) => [e.manager, e.time]),
    [
      ['kubectl-create', '2024-05-01T10:00:00Z'],
      ['kubectl-edit', '2024-05-01T11:00:00Z'],
    ],
  );
  assert.deepEqual(fields(updated, 'kubectl-edit'), {
    'f:metadata': { 'f:labels': { 'f:version': {} } },
    'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"istio-proxy"}': { 'f:image': {} } } } } },
  });
  const proxy = fields(updated, 'kubectl-create')['f:spec']['f:template']['f:spec']['f:containers'][
    'k:{"name":"istio-proxy"}'
  ];
  assert.equal('f:image' in proxy, false);
  assert.ok('f:imagePullPolicy' in proxy);
});

test('the same manager updating again keeps what it had and gains what it changed', () => {
  const created = pilotAsCreated();
  const first = updatePilot(
    11,
    created,
    edit(created, (o) => (o.spec.replicas = 2)),
    'kubectl-edit',
  );
  const second = updatePilot(
    12,
    first,
    edit(first, (o) => (o.spec.paused = true)),
    'kubectl-edit',
  );
  assert.deepEqual(fields(second, 'kubectl-edit'), { 'f:spec': { 'f:paused': {}, 'f:replicas': {} } });
  assert.equal(entry(second, 'kubectl-edit')?.time, '2024-05-01T12:00:00Z');
});

test('an update that changes nothing adds no entry and moves no time', () => {
  const created = pilotAsCreated();
  const same = updatePilot(11, created, structuredClone(created), 'kubectl-replace');
  assert.deepEqual(same.metadata.managedFields, created.metadata.managedFields);
});

test('a removed field leaves every manager, and a manager left with nothing is dropped', () => {
  const created = pilotAsCreated();
  const labelled = updatePilot(
    11,
    created,
    edit(created, (o) => (o.metadata.labels.tier = 'control')),
    'kubectl-label',
  );
  const removed = updatePilot(
    12,
    labelled,
    edit(labelled, (o) => {
      delete o.metadata.labels.tier;
      delete o.metadata.labels.heritage;
    }),
    'kubectl-edit',
  );
  assert.deepEqual(
    entries(removed).map((e) => e.manager),
    ['kubectl-create'],
  );
  assert.equal('f:heritage' in fields(removed, 'kubectl-create')['f:metadata']['f:labels'], false);
});

test('an object stored without managedFields stays untracked when updated', () => {
  const created = pilotAsCreated();
  delete created.metadata.managedFields;
  const updated = updatePilot(
    11,
    created,
    edit(created, (o) => (o.spec.replicas = 3)),
    'kubectl-edit',
  );
  assert.equal(updated.metadata.managedFields, undefined);
});

test("managedFields the client sends replace the stored ones: kubectl's client-side to server-side migration", () => {
  const created = pilotAsCreated('kubectl-client-side-apply');
  const migrated = entries(created).map((e) => ({ ...e, manager: 'kubectl', operation: 'Apply' }));
  const next = edit(created, (o) => (o.metadata.managedFields = migrated));
  const patched = updateManagedFields({
    ...scope,
    now: at(11),
    previous: created,
    next,
    manager: managerOrUserAgent(null, 'kubectl/v1.32.2 (linux/amd64) kubernetes/67a30c0'),
  });
  assert.deepEqual(patched.metadata.managedFields, migrated);
});

test('an empty managedFields list resets tracking; entries the server cannot read are ignored', () => {
  const created = pilotAsCreated();
  const reset = updatePilot(
    11,
    created,
    edit(created, (o) => (o.metadata.managedFields = [])),
    'kubectl-edit',
  );
  assert.equal(reset.metadata.managedFields, undefined);
  const resetWithEmptyEntry = updatePilot(
    11,
    created,
    edit(created, (o) => (o.metadata.managedFields = [{}])),
    'kubectl-edit',
  );
  assert.equal(resetWithEmptyEntry.metadata.managedFields, undefined);
  const garbage = updateManagedFields({
    ...scope,
    now: at(11),
    previous: created,
    next: edit(
      created,
      (o) =>
        (o.metadata.managedFields = [
          { manager: 'x', operation: 'Frobnicate', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: {} },
        ]),
    ),
    manager: 'kubectl-edit',
  });
  assert.deepEqual(garbage.metadata.managedFields, created.metadata.managedFields);
});

test('a write through /status is recorded with its subresource; the main resource never owns status', () => {
  const created = pilotAsCreated();
  const withStatus = edit(created, (o) => (o.status = { replicas: 1, observedGeneration: 1 }));
  const status = updateManagedFields({
    ...scope,
    subresource: 'status',
    now: at(11),
    previous: created,
    next: withStatus,
    manager: 'kube-controller-manager',
  });
  const controller = entry(status, 'kube-controller-manager');
  assert.deepEqual(controller, {
    manager: 'kube-controller-manager',
    operation: 'Update',
    apiVersion: 'apps/v1',
    time: '2024-05-01T11:00:00Z',
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:status': { 'f:observedGeneration': {}, 'f:replicas': {} } },
    subresource: 'status',
  });
  const main = updatePilot(
    12,
    created,
    edit(withStatus, (o) => (o.spec.replicas = 4)),
    'kubectl-edit',
  );
  assert.deepEqual(fields(main, 'kubectl-edit'), { 'f:spec': { 'f:replicas': {} } });
});

test('more than ten update managers fold the oldest into ancient-changes', () => {
  let object = pilotAsCreated();
  for (let i = 1; i <= 11; i++) {
    object = updateManagedFields({
      ...scope,
      now: at(10 + i),
      previous: object,
      next: edit(object, (o) => (o.metadata.labels[`step-${i}`] = 'x')),
      manager: `controller-${i}`,
    });
  }
  const managers = entries(object).map((e) => e.manager);
  assert.equal(managers.length, 10);
  assert.deepEqual(managers.slice(0, 2), ['ancient-changes', 'controller-3']);
  assert.ok(!managers.includes('kubectl-create') && !managers.includes('controller-1'));
  assert.ok('f:chart' in fields(object, 'ancient-changes')['f:metadata']['f:labels']);
  assert.ok('f:step-1' in fields(object, 'ancient-changes')['f:metadata']['f:labels']);
});

test('a request without fieldManager is recorded under its user agent, or "unknown"', () => {
  assert.equal(managerFromUserAgent('kubectl/v1.32.2 (linux/amd64) kubernetes/67a30c0'), 'kubectl');
  assert.equal(managerFromUserAgent('Go-http-client/1.1'), 'Go-http-client');
  assert.equal(managerFromUserAgent('x'.repeat(200)), 'x'.repeat(128));
  assert.equal(managerOrUserAgent('kubectl-create', 'kubectl/v1.32.2'), 'kubectl-create');
  const manifest = istioDemoObject('Deployment', 'istio-pilot');
  const created = updatePilot(10, undefined, manifest, managerOrUserAgent(undefined, undefined));
  assert.equal(entries(created)[0].manager, 'unknown');
});
