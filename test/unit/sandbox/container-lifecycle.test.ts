// The kubelet's arithmetic for containers that exit: the pod phase (getPhase), the back-off
// (10 s doubling to 5 min, scaled by --speed with a floor) and its CrashLoopBackOff message.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';
import {
  backOffMs,
  backOffText,
  crashLoopMessage,
  podPhase,
} from '../../../src/sandbox/controllers/container-lifecycle';

const running = { state: { running: { startedAt: 't' } } };
const exited = (exitCode: number) => ({ state: { terminated: { exitCode } } });
const backingOff = { state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1 } } };

describe('container lifecycle', () => {
  test('the phase follows getPhase: Never and OnFailure end, Always keeps Running, a running sidecar keeps the pod Running', () => {
    assert.equal(podPhase('Never', [exited(1)]), 'Failed');
    assert.equal(podPhase('Never', [exited(0)]), 'Succeeded');
    assert.equal(podPhase('OnFailure', [exited(0)]), 'Succeeded');
    assert.equal(podPhase('OnFailure', [exited(1)]), 'Running');
    assert.equal(podPhase('Always', [exited(0)]), 'Running');
    assert.equal(podPhase('Always', [backingOff]), 'Running');
    assert.equal(podPhase('Never', [exited(0), running]), 'Running');
    assert.equal(podPhase('Never', [exited(0), exited(2)]), 'Failed');
    assert.equal(podPhase('Always', [{ state: { waiting: { reason: 'ContainerCreating' } } }, running]), 'Pending');
  });

  test('the back-off doubles from 10 s to 5 min, scaled by --speed, never below 0.1 s doubling', () => {
    assert.deepEqual(
      [0, 1, 2, 5, 9].map((attempt) => backOffMs(attempt, 1)),
      [10_000, 20_000, 40_000, 300_000, 300_000],
    );
    assert.deepEqual(
      [0, 1, 2].map((attempt) => backOffMs(attempt, 0.5)),
      [5_000, 10_000, 20_000],
    );
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map(backOffText), ['10s', '20s', '40s', '1m20s', '2m40s', '5m0s', '5m0s']);
  });

  test("the CrashLoopBackOff message is the kubelet's, capitalised on 1.13 as it was then", () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-1', namespace: 'lab', uid: 'u-1' },
    };
    assert.equal(
      crashLoopMessage(pod, 'busybox', 1, 'v1.13.7-gke.8'),
      'Back-off 10s restarting failed container=busybox pod=web-1_lab(u-1)',
    );
    assert.equal(
      crashLoopMessage(pod, 'busybox', 3, 'v1.32.0'),
      'back-off 40s restarting failed container=busybox pod=web-1_lab(u-1)',
    );
  });
});
