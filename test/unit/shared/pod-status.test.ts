// kubectl's READY / STATUS / RESTARTS (src/shared/pod-status.ts) on a table of pods in the states
// printPod tells apart, as plain JSON (the sandbox's shape) and as client-node's V1Pod (Dates).
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import type { PodStatusInput } from '../../../src/shared/pod-status';
import { podStatusColumns } from '../../../src/shared/pod-status';

const running = { running: { startedAt: '2026-01-01T00:00:00Z' } };
const ready = (name: string, restartCount = 0) => ({ name, ready: true, started: true, restartCount, state: running });

interface Case {
  readonly name: string;
  readonly pod: PodStatusInput;
  /** READY STATUS RESTARTS, as `kubectl get pods` prints them (without the "(ago)"). */
  readonly expected: string;
}

const cases: readonly Case[] = [
  {
    name: 'a pod no kubelet has seen is Pending',
    pod: { spec: { containers: [{}] } },
    expected: '0/1 Pending 0',
  },
  {
    name: 'a running pod with two ready containers is Running',
    pod: {
      spec: { containers: [{}, {}] },
      status: { phase: 'Running', containerStatuses: [ready('app'), ready('istio-proxy')] },
    },
    expected: '2/2 Running 0',
  },
  {
    name: 'a pod waiting on its first of one init containers is Init:0/1',
    pod: {
      spec: { initContainers: [{ name: 'istio-init' }], containers: [{}] },
      status: {
        phase: 'Pending',
        initContainerStatuses: [{ name: 'istio-init', state: { waiting: { reason: 'PodInitializing' } } }],
      },
    },
    expected: '0/1 Init:0/1 0',
  },
  {
    name: 'an init container in a crash loop is Init:CrashLoopBackOff, its restarts counted',
    pod: {
      spec: { initContainers: [{ name: 'istio-init' }], containers: [{}] },
      status: {
        phase: 'Pending',
        initContainerStatuses: [
          { name: 'istio-init', restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } } },
        ],
      },
    },
    expected: '0/1 Init:CrashLoopBackOff 4',
  },
  {
    name: 'an init container that failed without a reason is Init:ExitCode:N',
    pod: {
      spec: { initContainers: [{ name: 'istio-init' }], containers: [{}] },
      status: {
        phase: 'Pending',
        initContainerStatuses: [{ name: 'istio-init', state: { terminated: { exitCode: 2 } } }],
      },
    },
    expected: '0/1 Init:ExitCode:2 0',
  },
  {
    name: 'a container in a crash loop is CrashLoopBackOff',
    pod: {
      spec: { containers: [{}, {}] },
      status: {
        phase: 'Running',
        containerStatuses: [
          { name: 'discovery', restartCount: 7, state: { waiting: { reason: 'CrashLoopBackOff' } } },
          ready('istio-proxy'),
        ],
      },
    },
    expected: '1/2 CrashLoopBackOff 7',
  },
  {
    name: 'a container killed by a signal without a reason is Signal:N',
    pod: {
      spec: { containers: [{}] },
      status: {
        phase: 'Running',
        containerStatuses: [{ name: 'app', state: { terminated: { signal: 9, exitCode: 137 } } }],
      },
    },
    expected: '0/1 Signal:9 0',
  },
  {
    name: 'a job pod that finished is Completed',
    pod: {
      spec: { containers: [{}] },
      status: {
        phase: 'Succeeded',
        containerStatuses: [{ name: 'job', state: { terminated: { reason: 'Completed', exitCode: 0 } } }],
      },
    },
    expected: '0/1 Completed 0',
  },
  {
    name: 'Completed while another container still runs is Running again when the pod is Ready',
    pod: {
      spec: { containers: [{}, {}] },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [
          { name: 'done', state: { terminated: { reason: 'Completed', exitCode: 0 } } },
          ready('app'),
        ],
      },
    },
    expected: '1/2 Running 0',
  },
  {
    name: '… and NotReady when it is not',
    pod: {
      spec: { containers: [{}, {}] },
      status: {
        phase: 'Running',
        containerStatuses: [
          { name: 'done', state: { terminated: { reason: 'Completed', exitCode: 0 } } },
          ready('app'),
        ],
      },
    },
    expected: '1/2 NotReady 0',
  },
  {
    name: 'a native sidecar (restartable init container) counts in READY and its restarts count',
    pod: {
      spec: { initContainers: [{ name: 'istio-proxy', restartPolicy: 'Always' }], containers: [{}] },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Initialized', status: 'True' }],
        initContainerStatuses: [ready('istio-proxy', 2)],
        containerStatuses: [ready('app', 1)],
      },
    },
    expected: '2/2 Running 3',
  },
  {
    name: 'a pod held by a scheduling gate is SchedulingGated',
    pod: {
      spec: { containers: [{}] },
      status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] },
    },
    expected: '0/1 SchedulingGated 0',
  },
  {
    name: 'a pod being deleted is Terminating',
    pod: {
      metadata: { deletionTimestamp: '2026-01-01T00:00:00Z' },
      spec: { containers: [{}] },
      status: { phase: 'Running', containerStatuses: [ready('app')] },
    },
    expected: '1/1 Terminating 0',
  },
  {
    name: 'a finished pod being deleted keeps its status',
    pod: {
      metadata: { deletionTimestamp: '2026-01-01T00:00:00Z' },
      spec: { containers: [{}] },
      status: {
        phase: 'Succeeded',
        containerStatuses: [{ name: 'job', state: { terminated: { reason: 'Completed' } } }],
      },
    },
    expected: '0/1 Completed 0',
  },
  {
    name: 'a pod being deleted on a lost node is Unknown',
    pod: {
      metadata: { deletionTimestamp: '2026-01-01T00:00:00Z' },
      spec: { containers: [{}] },
      status: { phase: 'Running', reason: 'NodeLost', containerStatuses: [ready('app')] },
    },
    expected: '1/1 Unknown 0',
  },
  {
    name: 'an evicted pod shows the status reason',
    pod: { spec: { containers: [{}] }, status: { phase: 'Failed', reason: 'Evicted' } },
    expected: '0/1 Evicted 0',
  },
];

const columns = (pod: PodStatusInput): string => {
  const { readyContainers, totalContainers, status, restarts } = podStatusColumns(pod);
  return `${readyContainers}/${totalContainers} ${status} ${restarts}`;
};

describe('podStatusColumns', () => {
  for (const { name, pod, expected } of cases) {
    test(name, () => assert.equal(columns(pod), expected));
  }

  test("reads client-node's V1Pod, whose times are Dates, the same as the wire JSON", () => {
    const wire: PodStatusInput = {
      spec: { containers: [{}] },
      status: {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'app',
            restartCount: 3,
            ready: true,
            state: running,
            lastState: { terminated: { exitCode: 1, finishedAt: '2026-01-01T00:05:00Z' } },
          },
        ],
      },
    };
    const typed: V1Pod = {
      metadata: { name: 'app' },
      spec: { containers: [{ name: 'app' }] },
      status: {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'app',
            image: 'app',
            imageID: '',
            restartCount: 3,
            ready: true,
            state: { running: { startedAt: new Date('2026-01-01T00:00:00Z') } },
            lastState: { terminated: { exitCode: 1, finishedAt: new Date('2026-01-01T00:05:00Z') } },
          },
        ],
      },
    };
    assert.deepEqual(podStatusColumns(typed), podStatusColumns(wire));
    assert.equal(podStatusColumns(typed).lastRestartAt, Date.parse('2026-01-01T00:05:00Z'));
  });

  test("the last restart is the latest finish among the counted containers; Go's zero time is none", () => {
    const pod: PodStatusInput = {
      spec: { containers: [{}, {}] },
      status: {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'a',
            restartCount: 1,
            ready: true,
            state: running,
            lastState: { terminated: { finishedAt: '2026-01-01T00:01:00Z' } },
          },
          {
            name: 'b',
            restartCount: 1,
            ready: true,
            state: running,
            lastState: { terminated: { finishedAt: '2026-01-01T00:09:00Z' } },
          },
        ],
      },
    };
    assert.equal(podStatusColumns(pod).lastRestartAt, Date.parse('2026-01-01T00:09:00Z'));
    const zero: PodStatusInput = {
      spec: { containers: [{}] },
      status: {
        containerStatuses: [
          { name: 'a', restartCount: 1, lastState: { terminated: { finishedAt: '0001-01-01T00:00:00Z' } } },
        ],
      },
    };
    assert.equal(podStatusColumns(zero).lastRestartAt, undefined);
  });

  test('fields of the wrong JSON type count as absent instead of corrupting the columns', () => {
    const pod = {
      spec: { containers: [{}] },
      status: { phase: 'Running', containerStatuses: [{ name: 'a', restartCount: '5', ready: true, state: running }] },
    } as unknown as PodStatusInput;
    assert.equal(columns(pod), '1/1 Running 0');
  });
});
