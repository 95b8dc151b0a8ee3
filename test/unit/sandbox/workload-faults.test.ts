// The pure parts of workload faults, events and readiness: which pods a fault names, the
// runtime's pull error, the kubelet's back-off, the words each release uses, and what a proxy waits for.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';
import type { EventMessages } from '../../../src/sandbox/controllers/events';
import { eventMessages } from '../../../src/sandbox/controllers/events';
import { failedSchedulingMessage } from '../../../src/sandbox/controllers/node-health';
import { nodeAddressing, nodeObject } from '../../../src/sandbox/controllers/nodes';
import { backOffMs } from '../../../src/sandbox/controllers/container-lifecycle';
import { discoveryDependency, statusWithReadiness } from '../../../src/sandbox/controllers/readiness';
import {
  crashLoopRule,
  imagePullError,
  isNodeNotReady,
  isPodOfWorkload,
} from '../../../src/sandbox/faults/workload-faults';

describe('workload faults', () => {
  test('a workload name matches the pods its controller names, and no longer workload sharing its prefix', () => {
    assert.ok(isPodOfWorkload('istio-galley-5b8d9c6d4f-x7k2p', 'istio-galley'));
    assert.ok(isPodOfWorkload('istio-cleanup-secrets-1.2.2-bcwf6', 'istio-cleanup-secrets-1.2.2'));
    assert.ok(isPodOfWorkload('prometheus-0', 'prometheus'));
    assert.ok(!isPodOfWorkload('istio-pilot-68f587df5d-wzwxn', 'istio'));
    assert.ok(!isPodOfWorkload('istio-galley-5b8d9c6d4f-x7k2p', 'galley'));
  });

  test('a crash-loop rule can be narrowed to a namespace and a container', () => {
    const config = { crashLoop: [{ workload: 'istio-pilot', namespace: 'istio-system', container: 'discovery' }] };
    assert.ok(crashLoopRule(config, 'istio-system', 'istio-pilot-68f587df5d-wzwxn', 'discovery'));
    assert.equal(crashLoopRule(config, 'istio-system', 'istio-pilot-68f587df5d-wzwxn', 'istio-proxy'), undefined);
    assert.equal(crashLoopRule(config, 'default', 'istio-pilot-68f587df5d-wzwxn', 'discovery'), undefined);
  });

  test('an image pattern fails matching images with Docker\'s "manifest not found", or the error given', () => {
    const config = {
      imagePull: [
        { image: 'docker.io/istio/*:1.2.2' },
        { image: 'gcr.io/private/*', error: 'unauthorized: authentication required' },
      ],
    };
    assert.equal(
      imagePullError(config, 'docker.io/istio/mixer:1.2.2'),
      'rpc error: code = Unknown desc = Error response from daemon: manifest for istio/mixer:1.2.2 not found',
    );
    assert.equal(imagePullError(config, 'docker.io/istio/mixer:1.2.3'), undefined);
    assert.equal(imagePullError(config, 'gcr.io/private/app:1'), 'unauthorized: authentication required');
  });

  test('nodes are named one by one or all at once', () => {
    assert.ok(isNodeNotReady({ notReadyNodes: ['a'] }, 'a'));
    assert.ok(!isNodeNotReady({ notReadyNodes: ['a'] }, 'b'));
    assert.ok(isNodeNotReady({ notReadyNodes: ['*'] }, 'b'));
  });

  test('the kubelet backs off 10 s doubling to 5 min in real time, and keeps a short floor at --speed 0', () => {
    assert.deepEqual(
      [0, 1, 2, 5, 9].map((attempt) => backOffMs(attempt, 1)),
      [10_000, 20_000, 40_000, 300_000, 300_000],
    );
    assert.deepEqual(
      [0, 1, 5, 9].map((attempt) => backOffMs(attempt, 0)),
      [100, 200, 3200, 3200],
    );
  });
});

describe('event messages by release', () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'lab', uid: 'u-1' },
  } as KubeObject;

  test('a 1.13 kubelet writes the old words, a 1.32 kubelet the new ones', () => {
    const old = eventMessages('v1.13.7');
    const current = eventMessages('v1.32.0');
    /** One message in 1.13's words, then in 1.32's. */
    const inBoth = (say: (messages: EventMessages) => string): string[] => [say(old), say(current)];
    assert.deepEqual(
      inBoth((m) => m.pulling('nginx')),
      ['pulling image "nginx"', 'Pulling image "nginx"'],
    );
    assert.deepEqual(
      inBoth((m) => m.created('web')),
      ['Created container', 'Created container web'],
    );
    assert.deepEqual(
      inBoth((m) => m.killing('web')),
      ['Killing container with id docker://web:Need to kill Pod', 'Stopping container web'],
    );
    assert.deepEqual(
      inBoth((m) => m.scaledUp('web-abc', 2, 0)),
      ['Scaled up replica set web-abc to 2', 'Scaled up replica set web-abc to 2 from 0'],
    );
    assert.equal(current.pulled('nginx', 1.5), 'Successfully pulled image "nginx" in 1.5s (1.5s including waiting)');
    assert.equal(current.backOffRestart(pod, 'web'), 'Back-off restarting failed container web in pod web-1_lab(u-1)');
    assert.equal(old.fillsReporting, false);
  });

  test("FailedScheduling says why no node fits, in the scheduler's words of the release", () => {
    const ready = nodeObject(nodeAddressing('a', 0), 0, 'v1.13.7', '2019-06-19T00:00:00Z');
    const status = ready.status as { conditions: { type: string; status: string }[] };
    const down: KubeObject = {
      ...ready,
      status: {
        ...status,
        conditions: status.conditions.map((entry) =>
          entry.type === 'Ready' ? { ...entry, status: 'Unknown' } : entry,
        ),
      },
    };
    assert.equal(
      failedSchedulingMessage([down, down, down], 'v1.13.7'),
      '0/3 nodes are available: 3 node(s) were not ready.',
    );
    assert.equal(
      failedSchedulingMessage([down, down, down], 'v1.30.0'),
      "0/3 nodes are available: 3 node(s) had taint {node.kubernetes.io/unreachable: }, that the pod didn't tolerate. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    );
  });
});

describe('readiness that waits on another component', () => {
  test('an Istio proxy with a /healthz/ready probe waits for the discovery service it names', () => {
    const gateway = {
      name: 'istio-proxy',
      args: ['proxy', 'router', '--discoveryAddress', 'istio-pilot:15010'],
      readinessProbe: { httpGet: { path: '/healthz/ready', port: 15020 } },
    };
    assert.deepEqual(discoveryDependency(gateway, 'istio-system'), { namespace: 'istio-system', name: 'istio-pilot' });
    assert.deepEqual(
      discoveryDependency({ ...gateway, args: ['--discoveryAddress=istio-pilot.control:15011'] }, 'istio-system'),
      { namespace: 'control', name: 'istio-pilot' },
    );
    assert.equal(discoveryDependency({ ...gateway, readinessProbe: undefined }, 'istio-system'), undefined);
  });

  test('only a change of readiness is a new status', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'gw', namespace: 'istio-system' },
      status: {
        conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: 't0' }],
        containerStatuses: [{ name: 'istio-proxy', ready: true }],
      },
    } as KubeObject;
    assert.equal(statusWithReadiness(pod, [], 't1'), undefined);
    const waiting = statusWithReadiness(pod, ['istio-proxy'], 't1')!;
    assert.deepEqual(waiting.conditions, [
      {
        type: 'Ready',
        status: 'False',
        lastProbeTime: null,
        lastTransitionTime: 't1',
        reason: 'ContainersNotReady',
        message: 'containers with unready status: [istio-proxy]',
      },
    ]);
    assert.deepEqual(waiting.containerStatuses, [{ name: 'istio-proxy', ready: false }]);
  });
});
