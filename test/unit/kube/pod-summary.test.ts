// The pod projection: kubectl's READY / STATUS / RESTARTS on the book's pods and on the ways pods
// fail, and the fields the tree reads.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PodObject } from '../../../src/kube/pod-summary';
import { isSamePodSummary, summarizePod } from '../../../src/kube/pod-summary';
import { podsFromCapture, readyAndStatusByOwner } from '../istio/pod-fixtures';
import { allSandboxPods, sandboxPod, withNativeSidecar } from './sandbox-pods';

const pod = sandboxPod;

/** A pod changed the way a kubelet would report it. */
function withStatus(
  base: PodObject,
  status: Partial<NonNullable<PodObject['status']>>,
  metadata: Partial<NonNullable<PodObject['metadata']>> = {},
): PodObject {
  return { ...base, metadata: { ...base.metadata, ...metadata }, status: { ...base.status, ...status } };
}

describe('summarizePod', () => {
  test("gives the book's 15 istio-system pods the READY and STATUS of the book's kubectl get po", () => {
    assert.deepEqual(
      readyAndStatusByOwner(allSandboxPods().map((pod) => summarizePod(pod))),
      readyAndStatusByOwner(podsFromCapture('book-1.2.2.txt')),
    );
  });

  test('keeps what the tree shows: owner, node, IP, containers with images, conditions and the annotations asked for', () => {
    assert.deepEqual(summarizePod(pod('istio-pilot')).annotations, {}, 'no annotations unless asked for');
    const summary = summarizePod(pod('istio-pilot'), (key) => key.startsWith('sidecar.istio.io/'));
    assert.equal(summary.namespace, 'istio-system');
    assert.equal(summary.ownerKind, 'ReplicaSet');
    assert.match(summary.ownerName!, /^istio-pilot-/);
    assert.equal(summary.labels.istio, 'pilot');
    assert.deepEqual(Object.keys(summary.annotations), ['sidecar.istio.io/inject']);
    assert.deepEqual(
      summary.containers.map((container) => [container.name, container.image, container.state, container.ready]),
      [
        ['discovery', 'docker.io/istio/pilot:1.2.2', 'running', true],
        ['istio-proxy', 'docker.io/istio/proxyv2:1.2.2', 'running', true],
      ],
    );
    assert.ok(summary.nodeName?.startsWith('gke-istio-lab-default-pool-'));
    assert.match(summary.podIP!, /^10\./);
    assert.ok(summary.createdAt > 0);
    assert.ok(summary.conditions.some((condition) => condition.type === 'Ready' && condition.status === 'True'));
    assert.equal(summary.deleting, false);
  });

  test('a crash-looping mixer reads 1/2 CrashLoopBackOff with its restarts, as in the SDS capture', () => {
    const base = pod('istio-telemetry');
    const [mixer, proxy] = base.status!.containerStatuses!;
    const crashing = withStatus(base, {
      containerStatuses: [
        {
          ...mixer,
          ready: false,
          restartCount: 15,
          state: {
            waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=mixer' },
          },
          lastState: { terminated: { reason: 'Error', exitCode: 255 } },
        },
        proxy,
      ],
    });
    const summary = summarizePod(crashing);
    assert.equal(
      `${summary.readyContainers}/${summary.totalContainers} ${summary.status} ${summary.restarts}`,
      '1/2 CrashLoopBackOff 15',
    );
    assert.equal(summary.containers[0].reason, 'CrashLoopBackOff');
    assert.equal(summary.containers[0].lastTerminationReason, 'Error');
  });

  test('a pod not yet scheduled is Pending; one pulling images reads ContainerCreating, then ImagePullBackOff', () => {
    const base = pod('istio-galley');
    assert.equal(
      summarizePod(
        withStatus(base, {
          phase: 'Pending',
          containerStatuses: undefined,
          conditions: [
            {
              type: 'PodScheduled',
              status: 'False',
              reason: 'Unschedulable',
              message: '0/3 nodes are available: 3 Insufficient cpu.',
            },
          ],
        }),
      ).status,
      'Pending',
    );
    const [galley] = base.status!.containerStatuses!;
    const waiting = (reason: string) =>
      withStatus(base, {
        phase: 'Pending',
        containerStatuses: [{ ...galley, ready: false, state: { waiting: { reason } } }],
      });
    assert.equal(summarizePod(waiting('ContainerCreating')).status, 'ContainerCreating');
    assert.equal(summarizePod(waiting('ImagePullBackOff')).status, 'ImagePullBackOff');
    assert.equal(summarizePod(waiting('ImagePullBackOff')).readyContainers, 0);
  });

  test('init containers read Init:N/M while they run and Init:<reason> when one fails', () => {
    const base = pod('istio-galley');
    const initSpec = {
      ...base,
      spec: {
        ...base.spec,
        initContainers: [
          { name: 'istio-init', image: 'docker.io/istio/proxy_init:1.2.2' },
          { name: 'second', image: 'busybox' },
        ],
      },
      status: {
        ...base.status,
        conditions: [{ type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized' }],
      },
    };
    const running = withStatus(initSpec, {
      phase: 'Pending',
      initContainerStatuses: [
        { name: 'istio-init', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        { name: 'second', state: { running: {} } },
      ],
    });
    assert.equal(summarizePod(running).status, 'Init:1/2');
    const failing = withStatus(initSpec, {
      phase: 'Pending',
      initContainerStatuses: [
        { name: 'istio-init', restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } },
      ],
    });
    assert.equal(summarizePod(failing).status, 'Init:CrashLoopBackOff');
    assert.equal(summarizePod(failing).restarts, 3);
    const exited = withStatus(initSpec, {
      phase: 'Pending',
      initContainerStatuses: [{ name: 'istio-init', state: { terminated: { exitCode: 2 } } }],
    });
    assert.equal(summarizePod(exited).status, 'Init:ExitCode:2');
  });

  test('a native sidecar (restartable init istio-proxy) counts in READY, as Istio 1.27+ injects it', () => {
    const native = withStatus(withNativeSidecar(pod('istio-galley')), {
      initContainerStatuses: [{ name: 'istio-proxy', ready: true, started: true, state: { running: {} } }],
    });
    const summary = summarizePod(native);
    assert.equal(`${summary.readyContainers}/${summary.totalContainers} ${summary.status}`, '2/2 Running');
  });

  test('a deleted pod reads Terminating until it is gone; a finished job pod stays Completed', () => {
    const deleting = summarizePod(withStatus(pod('istio-pilot'), {}, { deletionTimestamp: '2026-01-01T00:00:00Z' }));
    assert.equal(deleting.status, 'Terminating');
    assert.equal(deleting.deleting, true);
    assert.equal(
      summarizePod(withStatus(pod('istio-cleanup-secrets'), {}, { deletionTimestamp: '2026-01-01T00:00:00Z' })).status,
      'Completed',
    );
  });

  test('an update that changes nothing shown is the same summary; a readiness change is not', () => {
    const base = pod('istio-pilot');
    const bumped = { ...base, metadata: { ...base.metadata, resourceVersion: '999999' } };
    assert.equal(isSamePodSummary(summarizePod(base), summarizePod(bumped)), true);
    const [discovery, proxy] = base.status!.containerStatuses!;
    const unready = withStatus(base, { containerStatuses: [{ ...discovery, ready: false }, proxy] });
    assert.equal(isSamePodSummary(summarizePod(base), summarizePod(unready)), false);
  });
});
