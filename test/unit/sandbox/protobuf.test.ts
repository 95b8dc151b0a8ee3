// The protobuf request bodies of the real kubectl 1.32 (test/fixtures/protobuf, captured by
// scripts/protobuf/capture-fixtures.mjs) decode to the JSON kubectl would have sent.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import {
  decodeProtobufObject,
  isProtobufContentType,
  ProtobufDecodeError,
} from '../../../src/sandbox/protobuf/decode-protobuf-object';
import { formatDuration } from '../../../src/sandbox/protobuf/go-json';
import { kubernetesProtos } from '../../../src/sandbox/protobuf/kubernetes-protos';

interface Fixture {
  command: string;
  request: { method: string; path: string; contentType: string; body: string };
  /** `<command> --dry-run=client -o json`: the same object as kubectl prints it. */
  dryRunClientJson?: Record<string, unknown>;
}

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'protobuf');

function fixture(name: string): Fixture {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as Fixture;
}

function decodeFixture(name: string): ReturnType<typeof decodeProtobufObject> {
  const { request } = fixture(name);
  assert.ok(isProtobufContentType(request.contentType), `${name} was sent as ${request.contentType}`);
  return decodeProtobufObject(Buffer.from(request.body, 'base64'));
}

/** A body as client-go writes it: `k8s\0` + runtime.Unknown around the object's message. */
function protobufBody(apiVersion: string, kind: string, typeName: string, object: Record<string, unknown>): Buffer {
  const { root, unknown } = kubernetesProtos();
  const type = root.lookupType(typeName);
  const raw = type.encode(type.fromObject(object)).finish();
  const envelope = unknown.encode(unknown.fromObject({ typeMeta: { apiVersion, kind }, raw })).finish();
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), envelope]);
}

const COMPARED_WITH_DRY_RUN = [
  'namespace',
  'deployment',
  'secret',
  'secret-docker-registry',
  'configmap',
  'service',
  'job',
  'cronjob',
  'role',
  'rolebinding',
  'clusterrole',
  'serviceaccount',
  'poddisruptionbudget',
  'resourcequota',
  'ingress',
];

for (const name of COMPARED_WITH_DRY_RUN) {
  test(`decodes "${fixture(name).command}" to what --dry-run=client -o json prints`, () => {
    const { dryRunClientJson } = fixture(name);
    assert.ok(dryRunClientJson);
    assert.deepEqual(decodeFixture(name), dryRunClientJson);
  });
}

test('decodes the SelfSubjectAccessReview of kubectl auth can-i create deployments -n istio-system', () => {
  assert.deepEqual(decodeFixture('selfsubjectaccessreview'), {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: { creationTimestamp: null },
    spec: { resourceAttributes: { namespace: 'istio-system', verb: 'create', group: 'apps', resource: 'deployments' } },
    // `allowed` has no omitempty; the status struct is written even when empty.
    status: { allowed: false },
  });
});

test('decodes the SelfSubjectReview of kubectl auth whoami', () => {
  assert.deepEqual(decodeFixture('selfsubjectreview'), {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'SelfSubjectReview',
    metadata: { creationTimestamp: null },
    status: { userInfo: {} },
  });
});

test('writes nil pointers, slices and zero times without omitempty as null, as Go does (kubectl create token)', () => {
  assert.deepEqual(decodeFixture('tokenrequest'), {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    metadata: { creationTimestamp: null },
    spec: { audiences: ['istio-ca'], expirationSeconds: 3600, boundObjectRef: null },
    status: { token: '', expirationTimestamp: null },
  });
});

test('decodes the Pod of kubectl debug node with the volume source inlined into the volume', () => {
  const pod = decodeFixture('pod-debug');
  assert.match(pod.metadata.name ?? '', /^node-debugger-n1-/);
  assert.deepEqual(pod, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: pod.metadata.name, creationTimestamp: null },
    spec: {
      volumes: [{ name: 'host-root', hostPath: { path: '/' } }],
      containers: [
        {
          name: 'debugger',
          image: 'busybox',
          resources: {},
          volumeMounts: [{ name: 'host-root', mountPath: '/host' }],
          terminationMessagePolicy: 'File',
        },
      ],
      restartPolicy: 'Never',
      nodeName: 'n1',
      hostNetwork: true,
      hostPID: true,
      hostIPC: true,
      tolerations: [{ operator: 'Exists' }],
    },
    status: {},
  });
});

test('kubectl run sends its Pod as JSON, so it needs no protobuf decoding', () => {
  const { request, dryRunClientJson } = fixture('pod');
  assert.equal(request.contentType, 'application/json');
  assert.deepEqual(JSON.parse(Buffer.from(request.body, 'base64').toString('utf8')), dryRunClientJson);
});

test('keeps Secret and ConfigMap bytes as base64, empty values included', () => {
  assert.deepEqual(decodeFixture('secret').data, { empty: '', password: Buffer.from('s3cr3t').toString('base64') });
  assert.deepEqual(decodeFixture('configmap').binaryData, {
    'blob.bin': Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x6b, 0x38, 0x73, 0x00]).toString('base64'),
  });
});

test('writes int-or-string as a number or a string and quantities in their string form', () => {
  const { ports } = decodeFixture('service').spec as { ports: { targetPort: unknown }[] };
  assert.deepEqual(
    ports.map((port) => port.targetPort),
    [8080, 'https'],
  );
  assert.deepEqual((decodeFixture('poddisruptionbudget').spec as { minAvailable: unknown }).minAvailable, '50%');
  assert.deepEqual((decodeFixture('resourcequota').spec as { hard: unknown }).hard, {
    cpu: '1500m',
    memory: '1Gi',
    pods: '10',
  });
});

test('writes Time as RFC 3339 seconds, MicroTime with microseconds, and FieldsV1 as its JSON', () => {
  const body = protobufBody('coordination.k8s.io/v1', 'Lease', 'k8s.io.api.coordination.v1.Lease', {
    metadata: {
      name: 'istiod',
      namespace: 'istio-system',
      generation: 3,
      creationTimestamp: { seconds: 1_700_000_000 },
      // Go's Time drops the nanoseconds of the proto form.
      deletionTimestamp: { seconds: 1_700_000_060, nanos: 999 },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'istiod', uid: 'u-1', controller: true }],
      managedFields: [
        {
          manager: 'pilot-discovery',
          operation: 'Update',
          apiVersion: 'coordination.k8s.io/v1',
          time: { seconds: 1_700_000_000 },
          fieldsType: 'FieldsV1',
          fieldsV1: { Raw: Buffer.from('{"f:spec":{"f:holderIdentity":{}}}') },
        },
      ],
    },
    spec: {
      holderIdentity: 'istiod-7d4b9',
      leaseDurationSeconds: 30,
      acquireTime: { seconds: 1_700_000_000, nanos: 123_456_789 },
      renewTime: { seconds: 1_700_000_030 },
      leaseTransitions: 0,
    },
  });
  assert.deepEqual(decodeProtobufObject(body), {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: 'istiod',
      namespace: 'istio-system',
      generation: 3,
      creationTimestamp: '2023-11-14T22:13:20Z',
      deletionTimestamp: '2023-11-14T22:14:20Z',
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'istiod', uid: 'u-1', controller: true }],
      managedFields: [
        {
          manager: 'pilot-discovery',
          operation: 'Update',
          apiVersion: 'coordination.k8s.io/v1',
          time: '2023-11-14T22:13:20Z',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:spec': { 'f:holderIdentity': {} } },
        },
      ],
    },
    spec: {
      holderIdentity: 'istiod-7d4b9',
      leaseDurationSeconds: 30,
      acquireTime: '2023-11-14T22:13:20.123456Z',
      renewTime: '2023-11-14T22:13:50.000000Z',
      // A pointer to zero is written; omitempty only drops nil.
      leaseTransitions: 0,
    },
  });
});

test('writes a RawExtension as the JSON it carries and int64 fields as numbers', () => {
  const body = protobufBody('apps/v1', 'ControllerRevision', 'k8s.io.api.apps.v1.ControllerRevision', {
    metadata: { name: 'web-5d4f8' },
    data: { raw: Buffer.from('{"spec":{"template":{"$patch":"replace"}}}') },
    revision: 9_007_199_254,
  });
  assert.deepEqual(decodeProtobufObject(body), {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: { name: 'web-5d4f8', creationTimestamp: null },
    data: { spec: { template: { $patch: 'replace' } } },
    revision: 9_007_199_254,
  });
});

test('writes named slices such as ExtraValue as plain arrays', () => {
  const body = protobufBody(
    'authorization.k8s.io/v1',
    'SubjectAccessReview',
    'k8s.io.api.authorization.v1.SubjectAccessReview',
    {
      spec: {
        user: 'alice',
        groups: ['system:authenticated'],
        extra: { scopes: { items: ['read', 'write'] }, none: {} },
        nonResourceAttributes: { path: '/healthz', verb: 'get' },
      },
    },
  );
  assert.deepEqual(decodeProtobufObject(body), {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    metadata: { creationTimestamp: null },
    spec: {
      nonResourceAttributes: { path: '/healthz', verb: 'get' },
      user: 'alice',
      groups: ['system:authenticated'],
      extra: { none: [], scopes: ['read', 'write'] },
    },
    status: { allowed: false },
  });
});

/** A widgets.example.com CRD's spec: one served and stored version, v1, of this schema. */
const widgetSpec = (openAPIV3Schema: Record<string, unknown>) => ({
  group: 'example.com',
  names: { plural: 'widgets', kind: 'Widget' },
  scope: 'Namespaced',
  versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema } }],
});

test('uses the Go json names where they differ from the proto names (x-kubernetes-*, $ref, webhooks)', () => {
  const crd = protobufBody(
    'apiextensions.k8s.io/v1',
    'CustomResourceDefinition',
    'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
    {
      metadata: { name: 'widgets.example.com' },
      spec: widgetSpec({
        type: 'object',
        xKubernetesPreserveUnknownFields: true,
        properties: {
          size: { type: 'integer', default: { raw: Buffer.from('3') } },
          tags: { type: 'array', items: { schema: { type: 'string' } } },
          labels: { type: 'object', additionalProperties: { allows: true } },
          ref: { ref: '#/definitions/ref' },
        },
      }),
    },
  );
  assert.deepEqual(decodeProtobufObject(crd), {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com', creationTimestamp: null },
    spec: widgetSpec({
      type: 'object',
      properties: {
        labels: { type: 'object', additionalProperties: true },
        ref: { $ref: '#/definitions/ref' },
        size: { type: 'integer', default: 3 },
        tags: { type: 'array', items: { type: 'string' } },
      },
      'x-kubernetes-preserve-unknown-fields': true,
    }),
    status: { conditions: null, acceptedNames: { plural: '', kind: '' }, storedVersions: null },
  });

  const webhooks = protobufBody(
    'admissionregistration.k8s.io/v1',
    'ValidatingWebhookConfiguration',
    'k8s.io.api.admissionregistration.v1.ValidatingWebhookConfiguration',
    {
      metadata: { name: 'istio-validator' },
      Webhooks: [{ name: 'validation.istio.io', admissionReviewVersions: ['v1'] }],
    },
  );
  assert.deepEqual(decodeProtobufObject(webhooks), {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: 'istio-validator', creationTimestamp: null },
    webhooks: [{ name: 'validation.istio.io', clientConfig: {}, sideEffects: null, admissionReviewVersions: ['v1'] }],
  });
});

test('decodes DeleteOptions in any group-version, without metadata', () => {
  const body = protobufBody('apps/v1', 'DeleteOptions', 'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions', {
    gracePeriodSeconds: 0,
    propagationPolicy: 'Foreground',
    dryRun: ['All'],
  });
  assert.deepEqual(decodeProtobufObject(body), {
    apiVersion: 'apps/v1',
    kind: 'DeleteOptions',
    gracePeriodSeconds: 0,
    propagationPolicy: 'Foreground',
    dryRun: ['All'],
  });
});

test('formats durations as Go does', () => {
  assert.deepEqual(
    [
      0n,
      1n,
      1_500n,
      2_000_000n,
      1_500_000_000n,
      90_000_000_000n,
      3_600_000_000_000n,
      3_723_004_000_000n,
      -5_000_000_000n,
    ].map(formatDuration),
    ['0s', '1ns', '1.5µs', '2ms', '1.5s', '1m30s', '1h0m0s', '1h2m3.004s', '-5s'],
  );
});

/** Decoding `body` is refused with a ProtobufDecodeError of that code (and reason), its message matching. */
function assertRefused(body: Buffer, expected: { code: number; reason?: string }, message: RegExp): void {
  assert.throws(
    () => decodeProtobufObject(body),
    (error: unknown) => {
      assert.ok(error instanceof ProtobufDecodeError);
      assert.equal(error.code, expected.code);
      if (expected.reason !== undefined) assert.equal(error.reason, expected.reason);
      assert.match(error.message, message);
      return true;
    },
  );
}

test('rejects a body without the k8s protobuf prefix', () => {
  assertRefused(Buffer.from('{"kind":"Namespace"}'), { code: 400 }, /not Kubernetes protobuf/);
});

test('rejects a kind its group-version does not register, naming both', () => {
  const body = protobufBody('apps/v1', 'Widget', 'k8s.io.api.core.v1.Namespace', { metadata: { name: 'x' } });
  assertRefused(body, { code: 400, reason: 'BadRequest' }, /no kind "Widget" is registered for version "apps\/v1"/);
});

test('answers a custom resource in protobuf with 415, as custom resources are JSON only', () => {
  const body = protobufBody('networking.istio.io/v1', 'VirtualService', 'k8s.io.api.core.v1.Namespace', {
    metadata: { name: 'x' },
  });
  assertRefused(body, { code: 415, reason: 'UnsupportedMediaType' }, /networking\.istio\.io\/v1/);
});

test('rejects a truncated body with a decoding error', () => {
  const body = decodeFixtureBody('deployment');
  assert.throws(
    () => decodeProtobufObject(body.subarray(0, body.length - 20)),
    (error: unknown) => error instanceof ProtobufDecodeError && error.code === 400,
  );
});

test('recognises the protobuf content type with or without parameters', () => {
  assert.equal(isProtobufContentType('application/vnd.kubernetes.protobuf'), true);
  assert.equal(isProtobufContentType('application/vnd.kubernetes.protobuf; charset=utf-8'), true);
  assert.equal(isProtobufContentType('application/json'), false);
  assert.equal(isProtobufContentType(undefined), false);
});

function decodeFixtureBody(name: string): Buffer {
  return Buffer.from(fixture(name).request.body, 'base64');
}
