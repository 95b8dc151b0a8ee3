// Strategic merge patch on the book's istio-pilot Deployment, driven by the v1.32 OpenAPI schema.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';
import { istioDemoObject, patchPilot, statusOf } from './patch-fixtures';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function pilot(): KubeObject {
  const object = istioDemoObject('Deployment', 'istio-pilot');
  object.metadata.finalizers = ['example.com/a', 'example.com/b'];
  return object;
}

const smp = (body: unknown, current: KubeObject = pilot()): KubeObject =>
  patchPilot(current, 'application/strategic-merge-patch+json', body);

const podSpec = (object: KubeObject): Json => (object.spec as Json).template.spec;
const container = (object: KubeObject, name: string): Json =>
  podSpec(object).containers.find((c: Json) => c.name === name);

test('merges containers by name: patching istio-proxy leaves discovery and the order alone', () => {
  const patched = smp({
    spec: { template: { spec: { containers: [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.2.3' }] } } },
  });
  assert.deepEqual(
    podSpec(patched).containers.map((c: Json) => [c.name, c.image]),
    [
      ['discovery', 'docker.io/istio/pilot:1.2.2'],
      ['istio-proxy', 'docker.io/istio/proxyv2:1.2.3'],
    ],
  );
  assert.equal(container(patched, 'istio-proxy').args.length, 9);
});

test('merges env by name and ports by containerPort; a new item lands before unmatched server items, as upstream orders it', () => {
  const patched = smp({
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: 'discovery',
              env: [
                { name: 'PILOT_PUSH_THROTTLE', value: '50' },
                { name: 'PILOT_ENABLE_PROTOCOL_SNIFFING', value: 'true' },
              ],
              ports: [{ containerPort: 15014 }],
            },
          ],
        },
      },
    },
  });
  const discovery = container(patched, 'discovery');
  assert.deepEqual(
    discovery.env.map((e: Json) => e.name),
    [
      'POD_NAME',
      'POD_NAMESPACE',
      'GODEBUG',
      'PILOT_PUSH_THROTTLE',
      'PILOT_ENABLE_PROTOCOL_SNIFFING',
      'PILOT_TRACE_SAMPLING',
      'PILOT_DISABLE_XDS_MARSHALING_TO_ANY',
    ],
  );
  assert.equal(discovery.env.find((e: Json) => e.name === 'PILOT_PUSH_THROTTLE').value, '50');
  assert.deepEqual(discovery.ports, [{ containerPort: 15014 }, { containerPort: 8080 }, { containerPort: 15010 }]);
});

test('replaces lists without a merge strategy, such as args, whole', () => {
  const patched = smp({
    spec: {
      template: {
        spec: { containers: [{ name: 'discovery', args: ['discovery', '--log_output_level=default:debug'] }] },
      },
    },
  });
  assert.deepEqual(container(patched, 'discovery').args, ['discovery', '--log_output_level=default:debug']);
});

test('$patch: delete removes a container by its merge key', () => {
  const patched = smp({ spec: { template: { spec: { containers: [{ name: 'istio-proxy', $patch: 'delete' }] } } } });
  assert.deepEqual(
    podSpec(patched).containers.map((c: Json) => c.name),
    ['discovery'],
  );
});

test('$patch: replace in a list replaces the whole list with the other items', () => {
  const patched = smp({
    spec: { template: { spec: { volumes: [{ $patch: 'replace' }, { name: 'istio-certs', emptyDir: {} }] } } },
  });
  assert.deepEqual(podSpec(patched).volumes, [{ name: 'istio-certs', emptyDir: {} }]);
});

test('$patch: replace in a map replaces the map; $patch: delete empties it', () => {
  const replaced = smp({ spec: { template: { metadata: { labels: { $patch: 'replace', app: 'pilot' } } } } });
  assert.deepEqual((replaced.spec as Json).template.metadata.labels, { app: 'pilot' });
  const deleted = smp({ spec: { template: { spec: { affinity: { $patch: 'delete' } } } } });
  assert.deepEqual(podSpec(deleted).affinity, {});
});

test('a null deletes the field', () => {
  const patched = smp({
    metadata: { annotations: { 'checksum/config-volume': null } },
    spec: { template: { spec: { affinity: null } } },
  });
  assert.deepEqual(patched.metadata.annotations, {});
  assert.equal('affinity' in podSpec(patched), false);
});

test('finalizers, a list of scalars with merge strategy, merge as a set; $deleteFromPrimitiveList removes', () => {
  const merged = smp({ metadata: { finalizers: ['example.com/b', 'example.com/c'] } });
  assert.deepEqual(merged.metadata.finalizers, ['example.com/a', 'example.com/b', 'example.com/c']);
  const pruned = smp({ metadata: { '$deleteFromPrimitiveList/finalizers': ['example.com/a'] } });
  assert.deepEqual(pruned.metadata.finalizers, ['example.com/b']);
});

test('$setElementOrder orders merged items, server-only items keeping their place', () => {
  const patched = smp({
    spec: {
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'istio-proxy' }, { name: 'discovery' }],
          containers: [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.2.3' }],
        },
      },
    },
  });
  assert.deepEqual(
    podSpec(patched).containers.map((c: Json) => c.name),
    ['istio-proxy', 'discovery'],
  );
  const withEnv = smp({
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: 'discovery',
              '$setElementOrder/env': [
                { name: 'GODEBUG' },
                { name: 'POD_NAME' },
                { name: 'POD_NAMESPACE' },
                { name: 'PILOT_PUSH_THROTTLE' },
                { name: 'PILOT_TRACE_SAMPLING' },
              ],
              env: [
                { name: 'GODEBUG', value: 'gctrace=2' },
                { name: 'PILOT_DISABLE_XDS_MARSHALING_TO_ANY', $patch: 'delete' },
              ],
            },
          ],
        },
      },
    },
  });
  assert.deepEqual(
    container(withEnv, 'discovery').env.map((e: Json) => e.name),
    ['GODEBUG', 'POD_NAME', 'POD_NAMESPACE', 'PILOT_PUSH_THROTTLE', 'PILOT_TRACE_SAMPLING'],
  );
});

test('$retainKeys on the retainKeys strategy field clears what it does not list (RollingUpdate → Recreate)', () => {
  const patched = smp({ spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } });
  assert.deepEqual((patched.spec as Json).strategy, { type: 'Recreate' });
});

test('$retainKeys inside a merged volume switches its source (merge,retainKeys)', () => {
  const patched = smp({
    spec: {
      template: { spec: { volumes: [{ name: 'istio-certs', $retainKeys: ['emptyDir', 'name'], emptyDir: {} }] } },
    },
  });
  assert.deepEqual(podSpec(patched).volumes, [
    { name: 'config-volume', configMap: { name: 'istio' } },
    { name: 'istio-certs', emptyDir: {} },
  ]);
});

test('the client-side kubectl apply patch (last-applied, $setElementOrder) applies as on a real server', () => {
  const patched = smp({
    metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"apps/v1"}\n' } },
    spec: {
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'discovery' }, { name: 'istio-proxy' }],
          containers: [
            {
              name: 'istio-proxy',
              '$setElementOrder/ports': [{ containerPort: 15011 }],
              ports: [
                { containerPort: 15003, $patch: 'delete' },
                { containerPort: 15005, $patch: 'delete' },
                { containerPort: 15007, $patch: 'delete' },
              ],
            },
          ],
        },
      },
    },
  });
  assert.deepEqual(container(patched, 'istio-proxy').ports, [{ containerPort: 15011 }]);
  assert.equal(
    patched.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'],
    '{"apiVersion":"apps/v1"}\n',
  );
});

test('a patch field outside $retainKeys is a 400', () => {
  const status = statusOf(() =>
    smp({ spec: { strategy: { $retainKeys: ['type'], type: 'RollingUpdate', rollingUpdate: { maxSurge: 2 } } } }),
  );
  assert.deepEqual(
    [status.code, status.reason, status.message],
    [400, 'BadRequest', 'invalid patch format of retainKeys'],
  );
});

test('a malformed $setElementOrder or $deleteFromPrimitiveList key is a 400', () => {
  const order = statusOf(() => smp({ spec: { template: { spec: { '$setElementOrder/containers': 'discovery' } } } }));
  assert.deepEqual([order.code, order.message], [500, 'expected a []interface {}, but received a string']);
  const del = statusOf(() => smp({ metadata: { $deleteFromPrimitiveListfinalizers: ['x'] } }));
  assert.deepEqual([del.code, del.reason, del.message], [400, 'BadRequest', 'invalid patch format of primitive list']);
});

test('$patch: merge inside a list, or an unknown $patch, is a plain server error', () => {
  const merge = statusOf(() =>
    smp({ spec: { template: { spec: { containers: [{ name: 'discovery', $patch: 'merge' }] } } } }),
  );
  assert.deepEqual([merge.code, merge.message], [500, 'merging lists cannot yet be specified in the patch']);
  const unknown = statusOf(() => smp({ spec: { strategy: { $patch: 'frob' } } }));
  assert.deepEqual([unknown.code, unknown.message], [500, 'unknown patch type: frob in map: map[$patch:frob]']);
});

test("lists of lists are refused with the server's 422; mixed element types are a plain error", () => {
  const empty = pilot();
  empty.metadata.finalizers = [];
  const status = statusOf(() => smp({ metadata: { finalizers: [['a']] } }, empty));
  assert.deepEqual(
    [status.code, status.reason, status.message],
    [422, 'Invalid', 'the server rejected our request due to an error in our request'],
  );
  const mixed = statusOf(() => smp({ metadata: { finalizers: [['a']] } }));
  assert.deepEqual(
    [mixed.code, mixed.message],
    [500, 'list element types are not identical: [[example.com/a example.com/b] [[a]]]'],
  );
});

test('a body that is not a JSON object is a 400; null changes nothing', () => {
  const status = statusOf(() => smp([1]));
  assert.deepEqual(
    [status.code, status.message],
    [400, 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
  );
  assert.deepEqual(smp(null), pilot());
});
