// The pure parts of ControllerRevisions: the patch a revision holds and the hash in its name, as
// kubernetes v1.13 pkg/controller/history and statefulset/stateful_set_utils.go make them.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';
import {
  newControllerRevision,
  revisionHash,
  templatePatch,
} from '../../../src/sandbox/controllers/controller-revisions';
import { sortedJson } from '../../../src/sandbox/controllers/naming';

const set: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web', namespace: 'lab', uid: 'u-1', annotations: { 'kubernetes.io/change-cause': 'first' } },
  spec: {
    replicas: 3,
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.14' }] } },
  },
};

describe('controller revisions', () => {
  test('the data is the template under spec, marked $patch: replace, with keys sorted as Go marshals a map', () => {
    const patch = templatePatch(set);
    assert.equal(
      sortedJson(patch),
      '{"spec":{"template":{"$patch":"replace","metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"image":"nginx:1.14","name":"nginx"}]}}}}',
    );
    assert.equal(
      set.spec && (set.spec as { template: Record<string, unknown> }).template.$patch,
      undefined,
      'the owner is not changed',
    );
  });

  test('the hash is 8 to 10 safe characters, changes with the template and with the collision count', () => {
    const hash = revisionHash(templatePatch(set));
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]{8,10}$/);
    assert.equal(revisionHash(templatePatch(structuredClone(set))), hash);
    assert.notEqual(revisionHash(templatePatch(set), 1), hash);
    const changed = structuredClone(set);
    (changed.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0].image =
      'nginx:1.15';
    assert.notEqual(revisionHash(templatePatch(changed)), hash);
  });

  test('a revision carries the template labels, the owner annotations and a controller reference', () => {
    const revision = newControllerRevision(set, 'web-abc', templatePatch(set), 4, {
      'controller.kubernetes.io/hash': 'abc',
    });
    assert.deepEqual(revision.metadata.labels, { app: 'web', 'controller.kubernetes.io/hash': 'abc' });
    assert.equal(revision.metadata.annotations?.['kubernetes.io/change-cause'], 'first');
    assert.equal(revision.metadata.ownerReferences?.[0].uid, 'u-1');
    assert.equal(revision.revision, 4);
  });
});
