// JSON patch, merge patch, and which patch types an endpoint accepts, with the real server's errors.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';
import { patchObject, patchTypeOf, validatePatchOptions } from '../../../src/sandbox/patch/patch-request';
import { istioCrdType, istioDemoObject, kubernetesSchemas, patchPilot, patchRequest, statusOf } from './patch-fixtures';

const schemas = kubernetesSchemas();
const destinationRules = istioCrdType('destinationrules.networking.istio.io');

function pilot(): KubeObject {
  const object = istioDemoObject('Deployment', 'istio-pilot');
  object.metadata.resourceVersion = '1042';
  return object;
}

const patch = (contentType: string, body: unknown, current: KubeObject = pilot()): KubeObject =>
  patchPilot(current, contentType, body);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const containers = (object: KubeObject): Json[] => (object.spec as Json).template.spec.containers;

test('a JSON patch replaces the istio-proxy image by index and leaves the input untouched', () => {
  const current = pilot();
  const patched = patch(
    'application/json-patch+json',
    [
      { op: 'test', path: '/spec/template/spec/containers/1/name', value: 'istio-proxy' },
      { op: 'replace', path: '/spec/template/spec/containers/1/image', value: 'docker.io/istio/proxyv2:1.2.3' },
      { op: 'add', path: '/metadata/labels/version', value: '1.2.3' },
    ],
    current,
  );
  assert.equal(containers(patched)[1].image, 'docker.io/istio/proxyv2:1.2.3');
  assert.equal(patched.metadata.labels?.version, '1.2.3');
  assert.equal(containers(current)[1].image, 'docker.io/istio/proxyv2:1.2.2');
});

test('a JSON patch whose test fails is the generic 422 the server sends, hiding the cause', () => {
  const status = statusOf(() =>
    patch('application/json-patch+json', [{ op: 'test', path: '/metadata/resourceVersion', value: '1' }]),
  );
  assert.deepEqual(status, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'the server rejected our request due to an error in our request',
    reason: 'Invalid',
    details: {},
    code: 422,
  });
});

test('a JSON patch on a path that does not exist is the same 422', () => {
  for (const op of [
    { op: 'replace', path: '/spec/paused', value: true },
    { op: 'remove', path: '/metadata/labels/nope' },
    { op: 'add', path: '/spec/nothing/here', value: 1 },
    { op: 'frobnicate', path: '/spec' },
  ]) {
    const status = statusOf(() => patch('application/json-patch+json', [op]));
    assert.equal(status.code, 422, JSON.stringify(op));
    assert.equal(status.reason, 'Invalid');
  }
});

test('a JSON patch body that is not a list of operations is a 400 in encoding/json words', () => {
  assert.deepEqual(
    [
      statusOf(() => patch('application/json-patch+json', '{"op":"add"}')),
      statusOf(() => patch('application/json-patch+json', '[1]')),
      statusOf(() => patch('application/json-patch+json', 'x')),
    ].map((s) => [s.code, s.reason, s.message]),
    [
      [400, 'BadRequest', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch'],
      [400, 'BadRequest', 'json: cannot unmarshal number into Go value of type jsonpatch.Operation'],
      [400, 'BadRequest', "invalid character 'x' looking for beginning of value"],
    ],
  );
});

test('a JSON patch of more than 10000 operations is refused as too large', () => {
  const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/kind', value: 'Deployment' }));
  const status = statusOf(() => patch('application/json-patch+json', ops));
  assert.equal(status.code, 413);
  assert.equal(
    status.message,
    'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001',
  );
});

test("kubectl's managedFields migration patch (test resourceVersion, replace managedFields) applies", () => {
  const current = pilot();
  current.metadata.managedFields = [
    {
      manager: 'kubectl-client-side-apply',
      operation: 'Update',
      apiVersion: 'apps/v1',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
    },
  ];
  const migrated = [
    {
      manager: 'kubectl',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
    },
  ];
  const patched = patch(
    'application/json-patch+json',
    [
      { op: 'test', path: '/metadata/resourceVersion', value: '1042' },
      { op: 'replace', path: '/metadata/managedFields', value: migrated },
    ],
    current,
  );
  assert.deepEqual(patched.metadata.managedFields, migrated);
});

test('a merge patch merges maps, deletes with null and replaces lists whole', () => {
  const patched = patch('application/merge-patch+json', {
    metadata: { labels: { heritage: null, version: '1.2.2' } },
    spec: { replicas: 2, template: { spec: { volumes: [{ name: 'config-volume', configMap: { name: 'istio' } }] } } },
  });
  assert.deepEqual(patched.metadata.labels, {
    app: 'pilot',
    chart: 'pilot',
    release: 'istio',
    istio: 'pilot',
    version: '1.2.2',
  });
  assert.equal((patched.spec as Json).replicas, 2);
  assert.deepEqual((patched.spec as Json).template.spec.volumes, [
    { name: 'config-volume', configMap: { name: 'istio' } },
  ]);
  assert.equal(containers(patched).length, 2);
});

test('a merge patch that is not JSON, or is null, is "Invalid JSON Patch"', () => {
  for (const body of ['{', 'null']) {
    const status = statusOf(() => patch('application/merge-patch+json', body));
    assert.deepEqual([status.code, status.reason, status.message], [400, 'BadRequest', 'Invalid JSON Patch']);
  }
});

test('a merge patch that turns the object into a list cannot be decoded: 422', () => {
  const status = statusOf(() => patch('application/merge-patch+json', '[1]'));
  assert.equal(status.code, 422);
  assert.match(String(status.message), /is invalid: patch: Invalid value: "\[1\]": json: cannot unmarshal array/);
});

test('a custom resource refuses strategic merge patch with 415, listing what it accepts', () => {
  const rule = istioDemoObject('DestinationRule', 'istio-policy');
  const status = statusOf(() =>
    patchObject({
      contentType: 'application/strategic-merge-patch+json',
      body: '{"spec":{"host":"x"}}',
      current: rule,
      request: patchRequest(destinationRules, 'v1alpha3', 'istio-system', 'istio-policy'),
      force: false,
      now: new Date(),
      schemas,
    }),
  );
  assert.deepEqual(status, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message:
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    reason: 'UnsupportedMediaType',
    code: 415,
  });
});

test('a built-in kind lists all four patch types in its 415, and a charset parameter is ignored', () => {
  const status = statusOf(() => patchTypeOf('application/json', false));
  assert.equal(
    status.message,
    'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
  );
  assert.equal(patchTypeOf('application/merge-patch+json; charset=utf-8', true), 'application/merge-patch+json');
});

test('an apply without fieldManager, or a non-apply patch with force, fails PatchOptions validation', () => {
  const noManager = statusOf(() =>
    validatePatchOptions('application/apply-patch+yaml', new URLSearchParams('force=true')),
  );
  assert.equal(noManager.code, 422);
  assert.equal(
    noManager.message,
    'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
  );
  assert.deepEqual(noManager.details, {
    group: 'meta.k8s.io',
    kind: 'PatchOptions',
    causes: [
      { reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' },
    ],
  });
  const forced = statusOf(() =>
    validatePatchOptions('application/merge-patch+json', new URLSearchParams('force=false')),
  );
  assert.equal(
    forced.message,
    'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
  );
  assert.doesNotThrow(() =>
    validatePatchOptions('application/apply-patch+yaml', new URLSearchParams('fieldManager=kubectl&force=true')),
  );
});
