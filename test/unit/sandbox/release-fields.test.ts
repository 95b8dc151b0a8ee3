// Which later fields a claimed release drops: server-side apply and podIPs/started from 1.16 on.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';
import { releaseFields, withoutLaterFields } from '../../../src/sandbox/apimachinery/release-fields';

const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', managedFields: [{ manager: 'kubectl', operation: 'Update' }] },
  status: {
    podIP: '10.0.0.10',
    podIPs: [{ ip: '10.0.0.10' }],
    containerStatuses: [{ name: 'web', ready: true, started: true }],
    initContainerStatuses: [{ name: 'init', ready: true }],
  },
};

test('1.15 and older (or claims older than 1.13) lack them; 1.16, later and an unreadable version have them', () => {
  for (const version of ['v1.10.0', 'v1.13.7-gke.8', 'v1.15.12'])
    assert.deepEqual(releaseFields(version), { serverSideApply: false, podIpsAndStarted: false }, version);
  for (const version of ['v1.16.0', 'v1.18.0', 'v1.32.0', 'latest'])
    assert.deepEqual(releaseFields(version), { serverSideApply: true, podIpsAndStarted: true }, version);
});

test('on 1.13 a pod loses managedFields, podIPs and started, and keeps the rest; the input is not changed', () => {
  const before = structuredClone(pod);
  const stored = withoutLaterFields(pod, '', 'Pod', releaseFields('v1.13.7-gke.8'));
  assert.deepEqual(stored, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web' },
    status: {
      podIP: '10.0.0.10',
      containerStatuses: [{ name: 'web', ready: true }],
      initContainerStatuses: [{ name: 'init', ready: true }],
    },
  });
  assert.deepEqual(pod, before);
});

test('on 1.32 nothing is dropped, and a custom kind named Pod keeps its status', () => {
  assert.deepEqual(withoutLaterFields(pod, '', 'Pod', releaseFields('v1.32.0')), pod);
  const custom = withoutLaterFields(pod, 'example.com', 'Pod', releaseFields('v1.13.7-gke.8'));
  assert.deepEqual(custom.status, pod.status);
  assert.equal(custom.metadata.managedFields, undefined);
});
