// The ported validation of a 1.13 server, as pure functions: which built-in objects it refuses and
// in which words, the go-openapi messages of a custom resource against its schema, and the Status
// that errors.NewInvalid makes of them.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { objectValidation } from '../../../src/sandbox/admission/object-validation';
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';
import { resourceTypeFromCrd } from '../../../src/sandbox/apimachinery/resource-registry';
import { BUILTIN_RESOURCE_TYPES } from '../../../src/sandbox/apimachinery/resource-types';
import { StatusError } from '../../../src/sandbox/apimachinery/status-error';
import { ObjectStore } from '../../../src/sandbox/storage/object-store';
import { validateBuiltin } from '../../../src/sandbox/validation/builtin-validation';
import { errorText, goSyntax, invalidObject } from '../../../src/sandbox/validation/field-error';
import { schemaErrors, validateCustomResource } from '../../../src/sandbox/validation/schema-validation';
import type { SchemaNode } from '../../../src/sandbox/openapi';

const template = (
  labels: Record<string, string> | undefined,
  containers: unknown[] = [{ name: 'web', image: 'nginx' }],
) => ({
  metadata: labels ? { labels } : {},
  spec: { containers, restartPolicy: 'Always' },
});
const deployment = (spec: Record<string, unknown>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec,
});
const texts = (group: string, kind: string, object: Record<string, unknown>): string[] =>
  validateBuiltin(group, kind, object).map(errorText);

describe('built-in kinds', () => {
  test('a Deployment whose selector does not match its template labels is refused in the words of 1.13', () => {
    assert.deepEqual(
      texts(
        'apps',
        'Deployment',
        deployment({
          replicas: 1,
          selector: { matchLabels: { app: 'web' } },
          template: template({ app: 'api', tier: 'b' }),
        }),
      ),
      [
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"api", "tier":"b"}: `selector` does not match template `labels`',
      ],
    );
  });

  test('matchExpressions count, and a matching selector passes', () => {
    const selector = { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] };
    assert.deepEqual(
      texts('apps', 'Deployment', deployment({ replicas: 1, selector, template: template({ app: 'api' }) })),
      [],
    );
    assert.equal(
      texts('apps', 'Deployment', deployment({ replicas: 1, selector, template: template({ app: 'db' }) })).length,
      1,
    );
  });

  test('a missing selector matches nothing (labels.Nothing), so both errors come, as on a real server', () => {
    assert.deepEqual(texts('apps', 'Deployment', deployment({ replicas: 1, template: template(undefined) })), [
      'spec.selector: Required value',
      'spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`',
    ]);
  });

  test('negative replicas, a template without containers, an unnamed container, a restartPolicy other than Always', () => {
    assert.deepEqual(
      texts(
        'apps',
        'ReplicaSet',
        deployment({ replicas: -1, selector: { matchLabels: { app: 'a' } }, template: template({ app: 'a' }, []) }),
      ),
      [
        'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
        'spec.template.spec.containers: Required value',
      ],
    );
    const unnamed = template({ app: 'a' }, [{ image: 'nginx' }]);
    unnamed.spec.restartPolicy = 'OnFailure';
    assert.deepEqual(
      texts('apps', 'DaemonSet', deployment({ selector: { matchLabels: { app: 'a' } }, template: unnamed })),
      [
        'spec.template.spec.containers[0].name: Required value',
        'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
      ],
    );
  });

  test("a StatefulSet's pod spec is not checked at 1.13, its selector is", () => {
    assert.deepEqual(
      texts(
        'apps',
        'StatefulSet',
        deployment({ replicas: 1, selector: { matchLabels: { app: 'a' } }, template: template({ app: 'a' }, []) }),
      ),
      [],
    );
    assert.equal(
      texts(
        'apps',
        'StatefulSet',
        deployment({ replicas: 1, selector: { matchLabels: { app: 'a' } }, template: template({ app: 'b' }) }),
      ).length,
      1,
    );
  });

  test('a pod needs containers', () => {
    assert.deepEqual(texts('', 'Pod', { metadata: { name: 'p' }, spec: { containers: [] } }), [
      'spec.containers: Required value',
    ]);
    assert.deepEqual(texts('', 'Pod', { metadata: { name: 'p' }, spec: {} }), ['spec.containers: Required value']);
  });

  test('Service ports: 1–65535 for port and a numeric targetPort, names when there are several, ports unless headless', () => {
    assert.deepEqual(texts('', 'Service', { spec: { ports: [{ port: 70000, targetPort: 70000, protocol: 'TCP' }] } }), [
      'spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    ]);
    assert.deepEqual(
      texts('', 'Service', {
        spec: {
          ports: [
            { port: 80, targetPort: 'http' },
            { name: 'b', port: 0 },
          ],
        },
      }),
      [
        'spec.ports[0].name: Required value',
        'spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      ],
    );
    assert.deepEqual(texts('', 'Service', { spec: { type: 'ClusterIP' } }), ['spec.ports: Required value']);
    assert.deepEqual(texts('', 'Service', { spec: { clusterIP: 'None' } }), []);
  });

  test('a ConfigMap over 1 MiB in all is too long; 1 MiB exactly is not', () => {
    const half = 'x'.repeat(512 * 1024);
    assert.deepEqual(texts('', 'ConfigMap', { data: { a: half, b: half } }), []);
    assert.deepEqual(texts('', 'ConfigMap', { data: { a: half, b: `${half}x` } }), [
      '[]: Too long: must have at most 1048576 characters',
    ]);
    assert.deepEqual(
      texts('', 'ConfigMap', { data: { a: half }, binaryData: { b: Buffer.alloc(512 * 1024 + 1).toString('base64') } }),
      ['[]: Too long: must have at most 1048576 characters'],
    );
  });

  test('annotations over 256 KiB in all are too long, on any kind', () => {
    const annotations = { 'kubectl.kubernetes.io/last-applied-configuration': 'x'.repeat(256 * 1024) };
    assert.deepEqual(texts('', 'Secret', { metadata: { name: 's', annotations } }), [
      'metadata.annotations: Too long: must have at most 262144 characters',
    ]);
  });
});

describe('custom resources against their schema', () => {
  const schema: SchemaNode = {
    properties: {
      spec: {
        type: 'object',
        required: ['size'],
        properties: {
          replicas: { type: 'integer', minimum: 1, maximum: 5 },
          size: { type: 'string', enum: ['S', 'M'] },
          name: { type: 'string', maxLength: 3, pattern: '^[a-z]+$' },
          ports: {
            type: 'array',
            maxItems: 2,
            items: { type: 'object', properties: { port: { type: 'integer', exclusiveMinimum: true, minimum: 0 } } },
          },
          ratio: { type: 'number', multipleOf: 0.5 },
        },
      },
    },
  };

  test('minimum, maximum, enum, type, required, lengths, patterns, items: go-openapi messages in validator order', () => {
    assert.deepEqual(schemaErrors({ spec: { replicas: 0, size: 'XL' } }, schema), [
      'spec.replicas in body should be greater than or equal to 1',
      'spec.size in body should be one of [S M]',
    ]);
    assert.deepEqual(schemaErrors({ spec: { replicas: 'two', name: 'ABCD', size: 'S' } }, schema), [
      'spec.replicas in body must be of type integer: "string"',
      'spec.name in body should be at most 3 chars long',
      "spec.name in body should match '^[a-z]+$'",
    ]);
    assert.deepEqual(schemaErrors({ spec: { replicas: 9, ratio: 0.3 } }, schema), [
      'spec.replicas in body should be less than or equal to 5',
      'spec.ratio in body should be a multiple of 0.5',
      'spec.size in body is required',
    ]);
    assert.deepEqual(schemaErrors({ spec: { size: 'M', ports: [{ port: 0 }, { port: 1.5 }, { port: 2 }] } }, schema), [
      'spec.ports.0.port in body should be greater than 0',
      'spec.ports.1.port in body must be of type integer: "number"',
      'spec.ports in body should have at most 2 items',
    ]);
  });

  test('a required property at the root is named with a leading dot, as go-openapi names it', () => {
    assert.deepEqual(schemaErrors({ apiVersion: 'v1' }, { required: ['spec'] }), ['.spec in body is required']);
  });

  test('null fails a typed property unless nullable; zero values and int-or-string are left alone', () => {
    assert.deepEqual(
      schemaErrors(
        { a: null, b: null },
        { properties: { a: { type: 'string' }, b: { type: 'string', nullable: true } } },
      ),
      ['a in body must be of type string: "null"'],
    );
    assert.deepEqual(
      schemaErrors(
        { a: 0, b: '', c: false, d: 'x' },
        {
          properties: {
            a: { type: 'string' },
            b: { type: 'integer' },
            c: { type: 'object' },
            d: { 'x-kubernetes-int-or-string': true, type: 'integer' },
          },
        },
      ),
      [],
    );
  });

  test('one Invalid at [] with the whole object as Go prints it and the failure list as detail', () => {
    const object = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', generation: 1 },
      spec: { replicas: 0, size: 'S', tags: ['a'] },
    };
    const [error] = validateCustomResource(object, schema);
    assert.equal(
      errorText(error),
      '[]: Invalid value: map[string]interface {}{"apiVersion":"example.com/v1", "kind":"Widget", "metadata":map[string]interface {}{"generation":1, "name":"w"}, "spec":map[string]interface {}{"replicas":0, "size":"S", "tags":[]interface {}{"a"}}}: validation failure list:\nspec.replicas in body should be greater than or equal to 1',
    );
    assert.deepEqual(validateCustomResource(object, undefined), []);
  });
});

describe('the Status of an invalid object', () => {
  test('one error alone, several in brackets with repeats once; one cause per error with reason and field', () => {
    const one = invalidObject('', 'Pod', 'p', [{ type: 'FieldValueRequired', field: 'spec.containers', detail: '' }]);
    assert.equal(one.message, 'Pod "p" is invalid: spec.containers: Required value');
    assert.deepEqual(one.toStatus().details, {
      name: 'p',
      group: undefined,
      kind: 'Pod',
      causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' }],
    });
    const port = {
      type: 'FieldValueInvalid' as const,
      field: 'spec.ports[0].port',
      value: 70000,
      detail: 'must be between 1 and 65535, inclusive',
    };
    const several = invalidObject('apps', 'Deployment', 'd', [
      port,
      port,
      { type: 'FieldValueRequired', field: 'spec.selector', detail: '' },
    ]);
    assert.equal(several.code, 422);
    assert.equal(several.reason, 'Invalid');
    assert.equal(
      several.message,
      'Deployment.apps "d" is invalid: [spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive, spec.selector: Required value]',
    );
    assert.equal(several.details?.causes?.length, 3);
  });

  test("Go's %#v of decoded JSON", () => {
    assert.equal(
      goSyntax({ b: [1, 'x', null, true], a: {} }),
      'map[string]interface {}{"a":map[string]interface {}{}, "b":[]interface {}{1, "x", interface {}(nil), true}}',
    );
  });
});

describe('the ObjectValidation admission plugin', () => {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1beta1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      version: 'v1',
      scope: 'Namespaced',
      names: { plural: 'widgets', kind: 'Widget' },
      validation: { openAPIV3Schema: { properties: { spec: { properties: { replicas: { minimum: 1 } } } } } },
    },
  } as KubeObject;
  const store = new ObjectStore();
  store.put('apiextensions.k8s.io/customresourcedefinitions', crd);
  const plugin = objectValidation(store);
  const deployments = BUILTIN_RESOURCE_TYPES.find((type) => type.resource === 'deployments')!;
  const widgets = resourceTypeFromCrd(crd)!;
  const broken = (): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      selector: { matchLabels: { app: 'a' } },
      template: { metadata: { labels: { app: 'b' } }, spec: { containers: [] } },
    },
  });

  test("refuses a built-in object with the kind's group and name, but not a status update, which validates status only", () => {
    assert.throws(
      () =>
        plugin.admit({
          operation: 'UPDATE',
          req: { group: 'apps', version: 'v1', type: deployments },
          object: broken(),
        }),
      (error: unknown) =>
        error instanceof StatusError &&
        error.code === 422 &&
        error.message.startsWith('Deployment.apps "web" is invalid: [spec.template.metadata.labels: '),
    );
    plugin.admit({
      operation: 'UPDATE',
      req: { group: 'apps', version: 'v1', type: deployments, subresource: 'status' },
      object: broken(),
    });
  });

  test("finds a custom resource's schema in its stored CRD, for the version of the request", () => {
    const widget = (replicas: number): KubeObject => ({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      spec: { replicas },
    });
    plugin.admit({
      operation: 'CREATE',
      req: { group: 'example.com', version: 'v1', type: widgets },
      object: widget(1),
    });
    assert.throws(
      () =>
        plugin.admit({
          operation: 'CREATE',
          req: { group: 'example.com', version: 'v1', type: widgets, subresource: 'status' },
          object: widget(0),
        }),
      (error: unknown) =>
        error instanceof StatusError &&
        error.message.endsWith('validation failure list:\nspec.replicas in body should be greater than or equal to 1'),
    );
  });
});
