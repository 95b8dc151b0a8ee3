import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ContainerSummary } from '../../../src/kube/pod-summary';
import {
  diagnosePod,
  insufficientResources,
  podHealth,
  problemCommands,
  READINESS_GRACE_MS,
} from '../../../src/istio/pod-diagnosis';
import { podSummary } from './pod-fixtures';

const NOW = Date.parse('2019-07-10T12:00:00Z');
const running = (name: string, ready = true): ContainerSummary => ({
  name,
  image: `docker.io/istio/${name}:1.2.2`,
  ready,
  restartCount: 0,
  state: 'running',
});
/** A container not started (`reason` says why), image docker.io/istio/<name>:1.2.2 unless `fields` say otherwise. */
const waiting = (name: string, reason: string, fields: Partial<ContainerSummary> = {}): ContainerSummary => ({
  ...running(name, false),
  state: 'waiting',
  reason,
  ...fields,
});

describe('why a pod is in trouble', () => {
  test('FailedScheduling names the resources the nodes lack (the usual cause of Istio timing out on small clusters)', () => {
    const pod = podSummary({
      name: 'istio-pilot-68f587df5d-wzwxn',
      phase: 'Pending',
      status: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: '0/3 nodes are available: 3 Insufficient cpu, 1 Insufficient memory.',
        },
      ],
    });
    const problems = diagnosePod(pod, NOW);
    assert.deepEqual(problems, [
      {
        code: 'unschedulable',
        insufficient: ['cpu', 'memory'],
        message: '0/3 nodes are available: 3 Insufficient cpu, 1 Insufficient memory.',
      },
    ]);
    assert.equal(podHealth(pod, problems), 'failing');
    assert.deepEqual(problemCommands(pod, problems[0]), [
      'kubectl describe pod -n istio-system istio-pilot-68f587df5d-wzwxn',
      'kubectl describe nodes',
    ]);
  });

  test('a FailedScheduling event tells it when the condition does not', () => {
    const pod = podSummary({ name: 'prometheus-5679cb4dcd-nm4bv', phase: 'Pending', status: 'Pending' });
    const problems = diagnosePod(pod, NOW, [
      { type: 'Warning', reason: 'FailedScheduling', message: '0/1 nodes are available: 1 Insufficient memory.' },
    ]);
    assert.deepEqual(
      problems.map((problem) => problem.code === 'unschedulable' && problem.insufficient),
      [['memory']],
    );
  });

  test('ImagePullBackOff names the container and image', () => {
    const container = waiting('discovery', 'ImagePullBackOff', {
      image: 'docker.io/istio/pilot:1.2.2x',
      message: 'Back-off pulling image',
    });
    const problems = diagnosePod(
      podSummary({
        name: 'istio-pilot-1',
        nodeName: 'node-1',
        phase: 'Pending',
        status: 'ImagePullBackOff',
        containers: [container],
      }),
      NOW,
    );
    assert.deepEqual(problems, [
      {
        code: 'imagePull',
        container: 'discovery',
        image: 'docker.io/istio/pilot:1.2.2x',
        reason: 'ImagePullBackOff',
        message: 'Back-off pulling image',
      },
    ]);
  });

  test('CrashLoopBackOff (the SDS telemetry capture) points at the previous logs of the crashing container', () => {
    const mixer = waiting('mixer', 'CrashLoopBackOff', { restartCount: 15, lastTerminationReason: 'Error' });
    const pod = podSummary({
      name: 'istio-telemetry-6654d887bc-2mt9r',
      nodeName: 'node-1',
      status: 'CrashLoopBackOff',
      restarts: 15,
      containers: [mixer, running('istio-proxy')],
    });
    const problems = diagnosePod(pod, NOW);
    assert.deepEqual(problems, [{ code: 'crashLoop', container: 'mixer', restarts: 15, lastReason: 'Error' }]);
    assert.deepEqual(problemCommands(pod, problems[0]), [
      'kubectl logs -n istio-system istio-telemetry-6654d887bc-2mt9r -c mixer --previous',
    ]);
  });

  test('readiness failing counts only after a grace period, or at once when a probe event says so', () => {
    const pod = podSummary({
      name: 'istio-galley-1',
      nodeName: 'node-1',
      containers: [running('galley', false)],
      createdAt: NOW - 30_000,
    });
    assert.deepEqual(diagnosePod(pod, NOW), []);
    assert.equal(podHealth(pod, []), 'progressing');
    assert.deepEqual(diagnosePod({ ...pod, createdAt: NOW - READINESS_GRACE_MS - 1 }, NOW), [
      { code: 'notReady', containers: ['galley'] },
    ]);
    const probe = {
      type: 'Warning',
      reason: 'Unhealthy',
      message: 'Readiness probe failed: Get http://10.0.0.5:15014/ready: connection refused',
    };
    assert.deepEqual(diagnosePod(pod, NOW, [probe]), [
      { code: 'notReady', containers: ['galley'], message: probe.message },
    ]);
  });

  test('a sidecar that is not ready is waiting for its configuration from the control plane', () => {
    const pod = podSummary({
      name: 'productpage-v1-1',
      namespace: 'default',
      nodeName: 'node-1',
      containers: [running('productpage'), running('istio-proxy', false)],
      createdAt: NOW - READINESS_GRACE_MS * 2,
    });
    assert.deepEqual(diagnosePod(pod, NOW), [{ code: 'proxyNotReady' }]);
  });

  test('a pod that asked for injection and has no sidecar was created while the injector was not answering', () => {
    const pod = podSummary({
      name: 'ratings-v1-1',
      namespace: 'default',
      nodeName: 'node-1',
      annotations: { 'sidecar.istio.io/inject': 'true' },
      containers: [running('ratings')],
    });
    assert.deepEqual(diagnosePod(pod, NOW), [{ code: 'sidecarNotInjected' }]);
    assert.equal(podHealth(pod, diagnosePod(pod, NOW)), 'ready', 'it runs; it is only outside the mesh');
  });

  test('healthy, completed and terminating pods have no problems', () => {
    assert.deepEqual(diagnosePod(podSummary({ name: 'ok', nodeName: 'n', containers: [running('a')] }), NOW), []);
    const job = podSummary({ name: 'job', nodeName: 'n', phase: 'Succeeded', status: 'Completed' });
    assert.equal(podHealth(job, diagnosePod(job, NOW)), 'completed');
    assert.equal(podHealth({ ...job, deleting: true }, []), 'terminating');
  });

  test('reads every Insufficient resource of a scheduler message once', () => {
    assert.deepEqual(
      insufficientResources(
        '0/3 nodes are available: 3 Insufficient cpu, 3 Insufficient cpu, 2 Insufficient nvidia.com/gpu.',
      ),
      ['cpu', 'nvidia.com/gpu'],
    );
  });
});
