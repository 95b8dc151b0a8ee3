// Field paths and FieldsV1: the wire form of managedFields and the path strings of conflicts.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FieldPath } from '../../../src/sandbox/patch/field-set';
import { FieldSet, fieldElement, FieldsV1Error, keyElement, pathString } from '../../../src/sandbox/patch/field-set';

const f = fieldElement;
const containers: FieldPath = [f('spec'), f('template'), f('spec'), f('containers')];
const proxy = keyElement([['name', 'istio-proxy']]);

test('writes a path that is both owned and a parent with a "." entry, in SMD key order', () => {
  const set = FieldSet.of(
    [f('metadata'), f('labels'), f('app')],
    [f('metadata'), f('labels')],
    [...containers, proxy],
    [...containers, proxy, f('image')],
    [f('spec'), f('replicas')],
  );
  assert.deepEqual(set.toFieldsV1(), {
    'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
    'f:spec': {
      'f:replicas': {},
      'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"istio-proxy"}': { '.': {}, 'f:image': {} } } } },
    },
  });
  assert.deepEqual(Object.keys(set.toFieldsV1()['f:spec'] as object), ['f:replicas', 'f:template']);
});

test('reads FieldsV1 back to the same set, including k:, v: and i: elements', () => {
  const fields = {
    'f:metadata': { 'f:finalizers': { '.': {}, 'v:"kubernetes"': {} } },
    'f:spec': {
      'f:ports': { '.': {}, 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {}, 'f:targetPort': {} } },
      'f:args': { 'i:0': {} },
    },
  };
  const set = FieldSet.fromFieldsV1(fields);
  assert.deepEqual(set.toFieldsV1(), fields);
  assert.ok(
    set.has([
      f('spec'),
      f('ports'),
      keyElement([
        ['protocol', 'TCP'],
        ['port', 80],
      ]),
      f('targetPort'),
    ]),
  );
  assert.ok(set.has([f('metadata'), f('finalizers'), { kind: 'value', value: 'kubernetes' }]));
});

test('sorts the fields of a key and writes them as Go does, escaping HTML characters', () => {
  const set = FieldSet.of(
    [
      f('spec'),
      f('ports'),
      keyElement([
        ['protocol', 'TCP'],
        ['containerPort', 15011],
      ]),
    ],
    [f('data'), f('a&b')],
  );
  assert.deepEqual(Object.keys((set.toFieldsV1()['f:spec'] as Record<string, object>)['f:ports']), [
    'k:{"containerPort":15011,"protocol":"TCP"}',
  ]);
  const odd = FieldSet.of([f('metadata'), f('annotations'), keyElement([['name', '<x>']])]);
  assert.deepEqual(Object.keys((odd.toFieldsV1()['f:metadata'] as Record<string, object>)['f:annotations']), [
    'k:{"name":"\\u003cx\\u003e"}',
  ]);
});

test('prints paths the way conflict messages name them', () => {
  assert.equal(
    pathString([...containers, proxy, f('image')]),
    '.spec.template.spec.containers[name="istio-proxy"].image',
  );
  assert.equal(
    pathString([
      f('spec'),
      f('ports'),
      keyElement([
        ['protocol', 'TCP'],
        ['port', 80],
      ]),
    ]),
    '.spec.ports[port=80,protocol="TCP"]',
  );
  assert.equal(
    pathString([f('metadata'), f('finalizers'), { kind: 'value', value: 'a' }]),
    '.metadata.finalizers[="a"]',
  );
  assert.equal(pathString([f('spec'), f('args'), { kind: 'index', index: 2 }]), '.spec.args[2]');
});

test('difference keeps what lies under a removed member; recursive difference removes it', () => {
  const owned = FieldSet.of([f('status')], [f('status'), f('replicas')], [f('spec'), f('replicas')]);
  const reset = FieldSet.of([f('status')]);
  assert.deepEqual(owned.difference(reset).paths().map(pathString), ['.spec.replicas', '.status.replicas']);
  assert.deepEqual(owned.recursiveDifference(reset).paths().map(pathString), ['.spec.replicas']);
});

test('iterates members before children, each in order, as SMD lists conflicts', () => {
  const set = FieldSet.of(
    [f('spec'), f('template'), f('spec')],
    [f('spec'), f('replicas')],
    [f('metadata'), f('labels'), f('app')],
  );
  assert.deepEqual(set.paths().map(pathString), ['.metadata.labels.app', '.spec.replicas', '.spec.template.spec']);
});

test('rejects FieldsV1 that SMD cannot read and skips unknown element kinds', () => {
  assert.throws(() => FieldSet.fromFieldsV1({ fx: {} }), FieldsV1Error);
  assert.throws(() => FieldSet.fromFieldsV1({ 'k:[1]': {} }), FieldsV1Error);
  assert.deepEqual(FieldSet.fromFieldsV1({ 'x:whatever': {}, 'f:a': {} }).paths().map(pathString), ['.a']);
});
