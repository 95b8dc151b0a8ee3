// Request bodies a real kube-apiserver cannot decode get its 400 BadRequest and its words, from the
// sandbox too, and nothing is stored: malformed JSON, JSON nested 100,000 deep, and values of the
// wrong type for the kind's Go struct (`labels: "x"`, `name: 123`, a numeric `nodeName`). Judged
// with the real kubectl (client-side validation off, so the server is the one that answers) and raw HTTPS.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { statusSender } from './status-request';
import { useKubectlSandbox } from './suite-sandbox';

/** The parts of the refusal's Status body the tests read. */
interface Status {
  reason?: string;
  message?: string;
}

const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const configMap = (name: string, extra = ''): string =>
  `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${name}"${extra}}}`;

describe('bodies the API server cannot decode', () => {
  const cluster = useKubectlSandbox();
  const send = statusSender<Status>(cluster);

  const configMaps = '/api/v1/namespaces/default/configmaps';
  const isStored = (name: string): boolean => cluster.sandbox.store.get('/configmaps', 'default', name) !== undefined;

  test('kubectl create --raw hears the real 400 for values of the wrong type, and nothing is created', async () => {
    // (kubectl's own decoder refuses these for built-in kinds before sending, with the same Go words:
    // --raw sends the body as it is, so the server is the one that answers.)
    const cases: [string, string, string][] = [
      [
        configMaps,
        '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"labels-string","labels":"x"}}',
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal string into Go struct field ObjectMeta.metadata.labels of type map[string]string',
      ],
      [
        '/api/v1/namespaces/default/pods',
        '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"numeric-node"},"spec":{"nodeName":5,"containers":[{"name":"c","image":"busybox"}]}}',
        'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field PodSpec.spec.nodeName of type string',
      ],
      [
        '/apis/apps/v1/namespaces/default/deployments',
        '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"env-number"},"spec":{"selector":{"matchLabels":{"app":"a"}},"template":{"metadata":{"labels":{"app":"a"}},"spec":{"containers":[{"name":"c","image":"busybox","env":[{"name":"PORT","value":8080}]}]}}}}',
        'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string',
      ],
      [
        '/apis/apps/v1/namespaces/default/deployments',
        '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"replicas-string"},"spec":{"replicas":"2","selector":{"matchLabels":{"app":"a"}},"template":{"metadata":{"labels":{"app":"a"}},"spec":{"containers":[{"name":"c","image":"busybox"}]}}}}',
        'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
      ],
    ];
    for (const [path, body, message] of cases) {
      const result = await cluster.kubectl(['create', '--raw', path, '-f', '-'], { stdin: body });
      assert.equal(result.code, 1, body);
      assert.equal(result.stderr, `Error from server (BadRequest): ${message}\n`);
    }
    const listed = await cluster.kubectl(['get', 'configmaps,pods,deployments', '-n', 'default', '-o', 'name']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(listed.stdout, '', 'none of them was stored');
  });

  test('raw creates with a numeric name, a string for an object, a number too large, malformed or deep JSON get 400 and are not stored', async () => {
    const cases: [string, string][] = [
      [
        '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":123}}',
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string',
      ],
      [
        configMap('meta-string').replace('{"name":"meta-string"}', '"x"'),
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal string into Go struct field ConfigMap.metadata of type v1.ObjectMeta',
      ],
      [
        configMap('data-number').replace('}}', '},"data":{"a":1}}'),
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string',
      ],
      [
        configMap('immutable-string').replace('}}', '},"immutable":"yes"}'),
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal string into Go struct field ConfigMap.immutable of type bool',
      ],
      [
        configMap('generation-fraction', ',"generation":1.5'),
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number 1.5 into Go struct field ObjectMeta.metadata.generation of type int64',
      ],
      [
        '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"truncated"',
        'the object provided is unrecognized (must be of type ConfigMap): couldn\'t get version/kind; json parse error: unexpected end of JSON input ({"apiVersion":"v1","kind":"Con ...)',
      ],
      [
        configMap('deep').replace('}}', `},"data":{"a":${nested(100_000)}}}`),
        'the object provided is unrecognized (must be of type ConfigMap): couldn\'t get version/kind; json parse error: invalid character \'[\' exceeded max depth ({"apiVersion":"v1","kind":"Con ...)',
      ],
      [
        configMap('deep-unknown').replace('}}', `},"x":${nested(5_000)}}`),
        'the object provided is unrecognized (must be of type ConfigMap): couldn\'t get version/kind; json parse error: invalid character \'[\' exceeded max depth ({"apiVersion":"v1","kind":"Con ...)',
      ],
      [
        '',
        "the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: unexpected end of JSON input (<empty>)",
      ],
      [
        '{"apiVersion":1,"kind":"ConfigMap","metadata":{"name":"api-number"}}',
        'the object provided is unrecognized (must be of type ConfigMap): couldn\'t get version/kind; json parse error: json: cannot unmarshal number into Go struct field .apiVersion of type string ({"apiVersion":1,"kind":"Config ...)',
      ],
    ];
    for (const [body, message] of cases) {
      const answer = await send('POST', configMaps, body);
      assert.deepEqual(
        [answer.code, answer.status.reason, answer.status.message],
        [400, 'BadRequest', message],
        body.slice(0, 80),
      );
    }
    for (const name of [
      'meta-string',
      'data-number',
      'immutable-string',
      'generation-fraction',
      'truncated',
      'deep',
      'deep-unknown',
      'api-number',
    ])
      assert.equal(isStored(name), false, name);
    assert.equal(cluster.sandbox.store.list('/configmaps', 'default').length, 0);
  });

  test('an update or patch that cannot be decoded leaves the object as it was', async () => {
    const created = await send('POST', configMaps, configMap('kept', ',"labels":{"app":"a"}'));
    assert.equal(created.code, 201);
    const before = JSON.stringify(cluster.sandbox.store.get('/configmaps', 'default', 'kept'));
    const put = await send('PUT', `${configMaps}/kept`, configMap('kept', ',"labels":"x"'));
    assert.deepEqual(
      [put.code, put.status.message],
      [
        400,
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal string into Go struct field ObjectMeta.metadata.labels of type map[string]string',
      ],
    );
    const patches: [string, string, string][] = [
      ['application/merge-patch+json', '', "error decoding patch: invalid character '[' exceeded max depth"],
      ['application/merge-patch+json', '?fieldValidation=Ignore', 'Invalid JSON Patch'],
      ['application/strategic-merge-patch+json', '', "invalid character '[' exceeded max depth"],
    ];
    for (const [contentType, query, message] of patches) {
      const answer = await send(
        'PATCH',
        `${configMaps}/kept${query}`,
        `{"metadata":{"annotations":{"a":${nested(100_000)}}}}`,
        contentType,
      );
      assert.deepEqual(
        [answer.code, answer.status.reason, answer.status.message],
        [400, 'BadRequest', message],
        contentType,
      );
    }
    const jsonPatch = await send(
      'PATCH',
      `${configMaps}/kept`,
      `[{"op":"add","path":"/data","value":${nested(100_000)}}]`,
      'application/json-patch+json',
    );
    assert.deepEqual(
      [jsonPatch.code, jsonPatch.status.message],
      [400, "error decoding patch: invalid character '[' exceeded max depth"],
    );
    assert.equal(JSON.stringify(cluster.sandbox.store.get('/configmaps', 'default', 'kept')), before);
  });
});
