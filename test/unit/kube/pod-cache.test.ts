// The store's diff: watch events and relists change only what changed, so the tree neither
// flickers on a relist nor redraws for updates it does not show.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { PodCache } from '../../../src/kube/pod-cache';
import type { PodObject, PodSummary } from '../../../src/kube/pod-summary';
import { summarizePod } from '../../../src/kube/pod-summary';

const sandboxPods = (
  JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'sandbox-istio-1.2.2-pods.json'), 'utf8')) as {
    items: PodObject[];
  }
).items;
const summaries = (): PodSummary[] => sandboxPods.map((pod) => summarizePod(pod));
const names = (pods: readonly PodSummary[]): string[] =>
  pods.map((pod) => pod.name.replace(/-[a-z0-9]+-[a-z0-9]+$/, '')).sort();

function unready(pod: PodSummary, resourceVersion: string): PodSummary {
  return {
    ...pod,
    resourceVersion,
    readyContainers: 0,
    status: 'Running',
    containers: pod.containers.map((container) => ({ ...container, ready: false })),
  };
}

describe('PodCache', () => {
  test('adds, updates and removes pods from watch events', () => {
    const cache = new PodCache();
    const [pilot] = summaries();
    assert.deepEqual(cache.apply('ADDED', pilot.uid, pilot), { added: [pilot], updated: [], removed: [] });
    const changed = unready(pilot, '9001');
    assert.deepEqual(cache.apply('MODIFIED', pilot.uid, changed), { added: [], updated: [changed], removed: [] });
    assert.deepEqual(cache.apply('DELETED', pilot.uid, changed), { added: [], updated: [], removed: [changed] });
    assert.equal(cache.size, 0);
  });

  test('an update that changes nothing shown is no change, but keeps the newer resourceVersion', () => {
    const cache = new PodCache();
    const [pod] = summaries();
    cache.apply('ADDED', pod.uid, pod);
    assert.equal(cache.apply('MODIFIED', pod.uid, { ...pod, resourceVersion: '424242' }), undefined);
    assert.equal(cache.get(pod.uid)?.resourceVersion, '424242');
  });

  test('a pod leaving the scope is removed; a delete of an unknown pod changes nothing', () => {
    const cache = new PodCache();
    const [pod] = summaries();
    cache.apply('ADDED', pod.uid, pod);
    assert.deepEqual(cache.apply('MODIFIED', pod.uid, undefined), { added: [], updated: [], removed: [pod] });
    assert.equal(cache.apply('DELETED', 'no-such-uid', undefined), undefined);
  });

  test('relists after 410 without dropping pods: an identical list is no change at all', () => {
    const cache = new PodCache();
    const first = cache.replace(summaries());
    assert.equal(first?.added.length, 15);
    assert.equal(cache.replace(summaries()), undefined);
    assert.equal(cache.size, 15);
  });

  test('a relist reports, in one change, only the pods added, changed and gone meanwhile', () => {
    const cache = new PodCache();
    const pods = summaries();
    cache.replace(pods);
    const [gone, changed, ...rest] = pods;
    const added: PodSummary = {
      ...gone,
      uid: 'new-uid',
      name: 'istio-pilot-8586999589-new00',
      resourceVersion: '5000',
    };
    const after = [unready(changed, '5001'), ...rest, added];
    const change = cache.replace(after);
    assert.deepEqual(names(change!.added), names([added]));
    assert.deepEqual(
      change!.updated.map((pod) => pod.uid),
      [changed.uid],
    );
    assert.deepEqual(
      change!.removed.map((pod) => pod.uid),
      [gone.uid],
    );
    assert.equal(cache.size, 15);
    assert.equal(cache.get(changed.uid)?.readyContainers, 0);
  });
});
