// The pod stages the kubelet interprets: which stage a pod goes to next, after how long at a
// given --speed, and the status each stage writes, walked from a new pod to its last stage.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';
import { podStatus } from '../../../src/sandbox/controllers/kubelet';
import type { PodStage } from '../../../src/sandbox/controllers/pod-stages';
import { podObject } from './test-objects';
import {
  BASE_PULL_DELAY_MS,
  POD_STAGES,
  nextStage,
  stageDelayMs,
  stageMatches,
} from '../../../src/sandbox/controllers/pod-stages';

const NODE = { internalIp: '10.128.0.2' };
const TIME = '2019-07-01T00:00:00Z';

function pod(restartPolicy: string, extra: { stdin?: boolean; ownerKind?: string } = {}): KubeObject {
  const owners = extra.ownerKind
    ? [{ apiVersion: 'batch/v1', kind: extra.ownerKind, name: 'owner', uid: 'uid-0', controller: true }]
    : undefined;
  return podObject(
    { name: 'p', uid: 'uid-1', ...(owners ? { ownerReferences: owners } : {}) },
    {
      restartPolicy,
      nodeName: 'node-1',
      containers: [
        {
          name: 'main',
          image: 'docker.io/istio/pilot:1.2.2',
          command: ['pilot-discovery', 'discovery'],
          ...(extra.stdin ? { stdin: true, stdinOnce: true } : {}),
        },
      ],
    },
  );
}

/** Walks a pod through the stages as the kubelet does, each stage's status on the last one's. */
function walk(start: KubeObject, speed: number): { name: string; delayMs: number; pod: KubeObject }[] {
  const steps = [];
  let current = start;
  for (let stage = nextStage(current); stage; stage = nextStage(current)) {
    const ip = stage.status.phase === 'Pending' ? undefined : '10.0.1.5';
    current = { ...current, status: podStatus(current, NODE, ip, stage.status, TIME) };
    steps.push({ name: stage.name, delayMs: stageDelayMs(stage, speed), pod: current });
    assert.ok(steps.length <= POD_STAGES.length, 'the stages end');
  }
  return steps;
}

const containerState = (object: KubeObject) =>
  (
    object.status as {
      containerStatuses: { state: Record<string, { reason?: string; exitCode?: number }>; ready: boolean }[];
    }
  ).containerStatuses[0];

describe('pod stages', () => {
  test('a restarting pod is created, then runs ready after the pull delay at speed 1, and stays', () => {
    const steps = walk(pod('Always'), 1);
    assert.deepEqual(
      steps.map((step) => [step.name, step.delayMs]),
      [
        ['pod-create', 0],
        ['pod-ready', BASE_PULL_DELAY_MS],
      ],
    );
    assert.equal((steps[0].pod.status as { phase: string }).phase, 'Pending');
    assert.deepEqual(containerState(steps[0].pod).state, { waiting: { reason: 'ContainerCreating' } });
    assert.equal((steps[1].pod.status as { phase: string }).phase, 'Running');
    assert.ok(containerState(steps[1].pod).state.running);
    assert.equal(containerState(steps[1].pod).ready, true);
  });

  test('a non-restarting pod is created and runs, every stage at once at speed 0; its exit is no stage', () => {
    const steps = walk(pod('Never', { ownerKind: 'Job' }), 0);
    assert.deepEqual(
      steps.map((step) => [step.name, step.delayMs]),
      [
        ['pod-create', 0],
        ['pod-ready', 0],
      ],
    );
    assert.equal((steps[1].pod.status as { phase: string }).phase, 'Running');
  });

  test('a pod waiting for kubectl attach is not completed by a stage', () => {
    const steps = walk(pod('Never', { stdin: true }), 1);
    assert.deepEqual(
      steps.map((step) => step.name),
      ['pod-create', 'pod-ready'],
    );
  });

  test('a row for an image, a command or an owner kind comes before the general rows', () => {
    const running = walk(pod('OnFailure', { ownerKind: 'Job' }), 1)[1].pod;
    const exits: PodStage = {
      name: 'pilot-exits',
      selector: { from: 'running', image: 'docker.io/istio/pilot:*', command: 'pilot-discovery *', ownerKind: 'Job' },
      delayMs: 100,
      status: { phase: 'Failed', container: 'terminated', reason: 'Error', ready: false, exitCode: 2 },
      events: [],
    };
    assert.equal(nextStage(running, [exits, ...POD_STAGES])?.name, 'pilot-exits');
    assert.equal(
      nextStage({ ...running, metadata: { ...running.metadata, ownerReferences: [] } }, [exits, ...POD_STAGES]),
      undefined,
    );
    assert.ok(!stageMatches({ ...exits.selector, image: 'docker.io/istio/proxyv2:*' }, running));
    assert.ok(!stageMatches({ ...exits.selector, command: 'envoy*' }, running));
    const failed = podStatus(running, NODE, '10.0.1.5', exits.status, TIME) as {
      phase: string;
      containerStatuses: { state: { terminated: { exitCode: number; reason: string } } }[];
    };
    assert.equal(failed.phase, 'Failed');
    assert.deepEqual(
      [failed.containerStatuses[0].state.terminated.exitCode, failed.containerStatuses[0].state.terminated.reason],
      [2, 'Error'],
    );
  });
});
