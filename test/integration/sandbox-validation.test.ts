// Objects a real 1.13 server refuses in validation get its 422 Invalid from the sandbox too, with
// its words and its Status (reason, details.name/kind/group, one cause per error), and nothing is
// stored: a Deployment whose selector does not match its template, a pod without containers, a
// Service port out of range, a ConfigMap over 1 MiB, annotations over 256 KiB (`kubectl apply` of a
// large ConfigMap), and custom resources against their CRD's openAPIV3Schema. Judged with the real
// kubectl (client-side validation off, so the server is the one that answers) and raw HTTPS.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { statusSender } from './status-request';
import { useKubectlSandbox } from './suite-sandbox';

/** The parts of the refusal's Status body the tests read. */
interface Status {
  kind?: string;
  reason?: string;
  message?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: { reason: string; message: string; field: string }[];
  };
}

const deployment = (name: string, selectorApp: string, templateApp: string) =>
  JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: selectorApp } },
      template: { metadata: { labels: { app: templateApp } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
    },
  });

const WIDGET_CRD = JSON.stringify({
  apiVersion: 'apiextensions.k8s.io/v1beta1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    version: 'v1',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
    validation: {
      openAPIV3Schema: {
        properties: {
          spec: {
            required: ['size'],
            properties: {
              replicas: { type: 'integer', minimum: 1 },
              size: { type: 'string', enum: ['S', 'M'] },
              owner: { type: 'string' },
            },
          },
        },
      },
    },
  },
});

describe('objects a 1.13 server refuses in validation', () => {
  const cluster = useKubectlSandbox();
  const send = statusSender<Status>(cluster);

  const stored = (key: string, name: string) => cluster.sandbox.store.get(key, 'default', name);

  test('kubectl create of a Deployment whose selector misses its template labels hears the 422, and nothing is created', async () => {
    const result = await cluster.kubectl(['create', '--validate=false', '-f', '-'], {
      stdin: deployment('mismatch', 'web', 'api'),
    });
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      'The Deployment "mismatch" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"api"}: `selector` does not match template `labels`\n',
    );
    assert.equal(stored('apps/deployments', 'mismatch'), undefined);
  });

  test('the raw answer is a Status with reason Invalid, the kind, group and name, and a cause per error', async () => {
    const answer = await send(
      'POST',
      '/apis/apps/v1/namespaces/default/deployments',
      deployment('raw-mismatch', 'web', 'api'),
    );
    assert.equal(answer.code, 422);
    assert.deepEqual(answer.status, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'Deployment.apps "raw-mismatch" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"api"}: `selector` does not match template `labels`',
      reason: 'Invalid',
      details: {
        name: 'raw-mismatch',
        group: 'apps',
        kind: 'Deployment',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message: 'Invalid value: map[string]string{"app":"api"}: `selector` does not match template `labels`',
            field: 'spec.template.metadata.labels',
          },
        ],
      },
      code: 422,
    });
  });

  test('a pod without containers and a Service port of 70000 are refused by kubectl create, with every cause', async () => {
    const pod = await cluster.kubectl(['create', '--validate=false', '-f', '-'], {
      stdin: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'empty' }, spec: { containers: [] } }),
    });
    assert.equal(pod.code, 1);
    assert.equal(pod.stderr, 'The Pod "empty" is invalid: spec.containers: Required value\n');
    const service = await cluster.kubectl(['create', '--validate=false', '-f', '-'], {
      stdin: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'far' },
        spec: { ports: [{ port: 70000 }] },
      }),
    });
    assert.equal(service.code, 1);
    assert.equal(
      service.stderr,
      'The Service "far" is invalid: \n* spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive\n* spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive\n',
    );
    const answer = await send(
      'POST',
      '/api/v1/namespaces/default/services',
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'far' },
        spec: { ports: [{ port: 70000, targetPort: 8080 }] },
      }),
    );
    assert.deepEqual(
      [answer.code, answer.status.message, answer.status.details?.group],
      [
        422,
        'Service "far" is invalid: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
        undefined,
      ],
    );
    assert.equal(stored('/pods', 'empty'), undefined);
    assert.equal(stored('/services', 'far'), undefined);
  });

  test('a ConfigMap over 1 MiB is too long for create; one over 256 KiB is too long for kubectl apply, whose annotation copies it', async () => {
    const big = JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'big' },
      data: { a: 'x'.repeat(1024 * 1024), b: 'y' },
    });
    const create = await cluster.kubectl(['create', '-f', '-'], { stdin: big });
    assert.equal(create.code, 1);
    assert.equal(create.stderr, 'The ConfigMap "big" is invalid: []: Too long: must have at most 1048576 characters\n');
    const medium = JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'medium' },
      data: { a: 'x'.repeat(300 * 1024) },
    });
    const apply = await cluster.kubectl(['apply', '-f', '-'], { stdin: medium });
    assert.equal(apply.code, 1);
    assert.equal(
      apply.stderr,
      'The ConfigMap "medium" is invalid: metadata.annotations: Too long: must have at most 262144 characters\n',
    );
    assert.equal(stored('/configmaps', 'big'), undefined);
    assert.equal(stored('/configmaps', 'medium'), undefined);
    const created = await cluster.kubectl(['create', '-f', '-'], { stdin: medium });
    assert.equal(created.code, 0, created.stderr);
  });

  test('an update or a patch that breaks a Deployment is refused and leaves it as it was', async () => {
    const created = await cluster.kubectl(['create', '-f', '-'], { stdin: deployment('kept', 'web', 'web') });
    assert.equal(created.code, 0, created.stderr);
    const before = JSON.stringify(stored('apps/deployments', 'kept'));
    const patched = await cluster.kubectl([
      'patch',
      'deployment',
      'kept',
      '--type=merge',
      '-p',
      '{"spec":{"template":{"metadata":{"labels":{"app":"other"}}}}}',
    ]);
    assert.equal(patched.code, 1);
    assert.equal(
      patched.stderr,
      'The Deployment "kept" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`\n',
    );
    const replaced = await cluster.kubectl(['replace', '--validate=false', '-f', '-'], {
      stdin: deployment('kept', 'web', 'api'),
    });
    assert.equal(replaced.code, 1);
    assert.match(
      replaced.stderr,
      /^The Deployment "kept" is invalid: spec.template.metadata.labels: Invalid value: map\[string\]string\{"app":"api"\}/,
    );
    const emptied = await send(
      'PATCH',
      '/apis/apps/v1/namespaces/default/deployments/kept',
      '[{"op":"replace","path":"/spec/template/spec/containers","value":[]}]',
      'application/json-patch+json',
    );
    assert.deepEqual(
      [emptied.code, emptied.status.message],
      [422, 'Deployment.apps "kept" is invalid: spec.template.spec.containers: Required value'],
    );
    assert.equal(JSON.stringify(stored('apps/deployments', 'kept')), before);
  });

  test("custom resources are held to their CRD's openAPIV3Schema, in 1.13's one Invalid at []", async () => {
    const crd = await cluster.kubectl(['create', '-f', '-'], { stdin: WIDGET_CRD });
    assert.equal(crd.code, 0, crd.stderr);
    const widgets = '/apis/example.com/v1/namespaces/default/widgets';
    const widget = (name: string, spec: Record<string, unknown>) =>
      JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name }, spec });
    const answer = await send('POST', widgets, widget('bad', { replicas: 0, size: 'XL' }));
    assert.equal(answer.code, 422);
    assert.equal(answer.status.reason, 'Invalid');
    assert.deepEqual(
      [answer.status.details?.name, answer.status.details?.group, answer.status.details?.kind],
      ['bad', 'example.com', 'Widget'],
    );
    const [cause] = answer.status.details?.causes ?? [];
    assert.equal(cause.reason, 'FieldValueInvalid');
    assert.equal(cause.field, '[]');
    assert.match(
      cause.message,
      /^Invalid value: map\[string\]interface \{\}\{"apiVersion":"example.com\/v1", "kind":"Widget", "metadata":map\[string\]interface \{\}\{.*"name":"bad".*\}, "spec":map\[string\]interface \{\}\{"replicas":0, "size":"XL"\}\}: validation failure list:\n/,
    );
    assert.ok(
      cause.message.endsWith(
        ': validation failure list:\nspec.replicas in body should be greater than or equal to 1\nspec.size in body should be one of [S M]',
      ),
      cause.message,
    );
    assert.equal(answer.status.message, `Widget.example.com "bad" is invalid: []: ${cause.message}`);

    const kubectl = await cluster.kubectl(['create', '--validate=false', '-f', '-'], {
      stdin: widget('typed', { owner: 7 }),
    });
    assert.equal(kubectl.code, 1);
    assert.match(
      kubectl.stderr,
      /^The Widget "typed" is invalid: \[\]: Invalid value: map\[string\]interface \{\}\{.*\}: validation failure list:\nspec.owner in body must be of type string: "integer"\nspec.size in body is required\n$/s,
    );
    assert.equal(cluster.sandbox.store.list('example.com/widgets', 'default').length, 0);

    const good = await cluster.kubectl(['apply', '-f', '-'], { stdin: widget('good', { replicas: 2, size: 'M' }) });
    assert.equal(good.code, 0, good.stderr);
    const broken = await cluster.kubectl(['patch', 'widget', 'good', '--type=merge', '-p', '{"spec":{"replicas":0}}']);
    assert.equal(broken.code, 1);
    assert.match(
      broken.stderr,
      /validation failure list:\nspec.replicas in body should be greater than or equal to 1\n$/,
    );
  });
});
