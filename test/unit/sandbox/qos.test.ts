// A pod's QoS class by v1.13's rules (pkg/apis/core/helper/qos/qos.go), and the quantities they sum.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';
import { podQosClass, quantityMillis } from '../../../src/sandbox/controllers/qos';

type Resources = { requests?: Record<string, string>; limits?: Record<string, string> };

const pod = (containers: Resources[], initContainers: Resources[] = []): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default' },
  spec: {
    initContainers: initContainers.map((resources, i) => ({ name: `init-${i}`, image: 'busybox', resources })),
    containers: containers.map((resources, i) => ({ name: `c-${i}`, image: 'nginx', resources })),
  },
});

describe('podQosClass', () => {
  test('no requests or limits is BestEffort, and so are zero quantities and resources other than cpu and memory', () => {
    assert.equal(podQosClass(pod([{}])), 'BestEffort');
    assert.equal(podQosClass(pod([{ requests: { cpu: '0', memory: '0Mi' } }])), 'BestEffort');
    assert.equal(
      podQosClass(pod([{ requests: { 'ephemeral-storage': '1Gi' }, limits: { 'nvidia.com/gpu': '1' } }])),
      'BestEffort',
    );
  });

  test('a request without an equal limit is Burstable', () => {
    assert.equal(podQosClass(pod([{ requests: { cpu: '100m' } }])), 'Burstable');
    assert.equal(
      podQosClass(pod([{ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '200m', memory: '128Mi' } }])),
      'Burstable',
    );
  });

  test('every container limiting cpu and memory at its requests is Guaranteed, whatever the spelling of equal quantities', () => {
    assert.equal(
      podQosClass(pod([{ requests: { cpu: '500m', memory: '128Mi' }, limits: { cpu: '0.5', memory: '134217728' } }])),
      'Guaranteed',
    );
    assert.equal(
      podQosClass(
        pod([
          { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1000m', memory: '1024Mi' } },
          { requests: { cpu: '1000m', memory: '1G' }, limits: { cpu: '1', memory: '1G' } },
        ]),
      ),
      'Guaranteed',
    );
  });

  test('one container without limits makes the pod Burstable; one limiting only cpu does too', () => {
    assert.equal(
      podQosClass(pod([{ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }, {}])),
      'Burstable',
    );
    assert.equal(podQosClass(pod([{ requests: { cpu: '1' }, limits: { cpu: '1' } }])), 'Burstable');
  });

  test('sums are compared, not containers: requests shifted between containers with equal totals stay Guaranteed', () => {
    // qos.go adds every container's requests and limits per resource, then compares the totals.
    const shifted = pod([
      { requests: { cpu: '300m', memory: '64Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
      { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
    ]);
    assert.equal(podQosClass(shifted), 'Guaranteed');
  });

  test('at v1.13 init containers do not count (kubernetes/kubernetes#75212 came later)', () => {
    const guaranteed = { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } };
    assert.equal(podQosClass(pod([guaranteed], [{ requests: { cpu: '10m' } }])), 'Guaranteed');
    assert.equal(podQosClass(pod([{}], [guaranteed])), 'BestEffort');
  });
});

describe('quantityMillis', () => {
  test('reads decimal, binary and exponent suffixes', () => {
    assert.deepEqual(['100m', '1', '0.5', '1k', '1Ki', '128Mi', '1e3', '1.5Gi'].map(quantityMillis), [
      100,
      1000,
      500,
      1e6,
      1024e3,
      128 * 2 ** 20 * 1000,
      1e6,
      1.5 * 2 ** 30 * 1000,
    ]);
  });

  test('what does not parse is NaN, and counts as no quantity', () => {
    assert.ok(Number.isNaN(quantityMillis('lots')));
    assert.equal(podQosClass(pod([{ requests: { cpu: 'lots' } }])), 'BestEffort');
  });
});
