// The install timeline (src/lab/install-timeline.ts): each pod's milestones recorded once, the
// rows the report shows, when the control plane counts as ready, and when there is nothing to time.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  InstallTimeline,
  controlPlaneReady,
  hasTimings,
  podMilestones,
  podRows,
} from '../../../src/lab/install-timeline';

const pending = { metadata: { name: 'istio-pilot-1' }, status: { phase: 'Pending' } };
const creating = {
  metadata: { name: 'istio-pilot-1' },
  spec: { nodeName: 'node-a' },
  status: {
    phase: 'Pending',
    conditions: [{ type: 'PodScheduled', status: 'True' }],
    containerStatuses: [{ state: { waiting: { reason: 'ContainerCreating' } } }],
  },
};
const ready = {
  metadata: { name: 'istio-pilot-1' },
  spec: { nodeName: 'node-a' },
  status: {
    phase: 'Running',
    conditions: [
      { type: 'PodScheduled', status: 'True' },
      { type: 'Ready', status: 'True' },
    ],
    containerStatuses: [{ state: { running: {} } }],
  },
};
const job = {
  metadata: { name: 'istio-cleanup-secrets-1.2.2-abcde' },
  spec: { nodeName: 'node-b' },
  status: { phase: 'Succeeded', containerStatuses: [{ state: { terminated: { reason: 'Completed' } } }] },
};

test('a pod passes created, scheduled, creating, started and ready, each recorded once when first seen', () => {
  assert.deepEqual(
    podMilestones(ready).map((m) => m.kind),
    ['pod-created', 'pod-scheduled', 'containers-creating', 'containers-started', 'pod-ready'],
  );
  const timeline = new InstallTimeline('1.2.2', 'sandbox', 1000);
  timeline.objectCreated('deployment.apps/istio-pilot', 1100);
  assert.equal(timeline.podObserved(pending, 1200), 1);
  assert.equal(timeline.podObserved(creating, 1500), 2);
  assert.equal(timeline.podObserved(creating, 1600), 0);
  assert.equal(timeline.podObserved(ready, 3000), 2);
  timeline.podObserved(job, 4000);
  timeline.finish(4100);
  assert.deepEqual(podRows(timeline.data()), [
    { pod: 'istio-pilot-1', node: 'node-a', scheduled: 0.5, started: 2, ready: 2 },
    { pod: 'istio-cleanup-secrets-1.2.2-abcde', node: 'node-b', scheduled: 3, started: 3, completed: 3 },
  ]);
});

test("the control plane is ready when every pod is Ready or Completed and the manifest's pods all exist", () => {
  assert.equal(controlPlaneReady([ready, job], { deployments: 1, jobs: 1 }), true);
  assert.equal(controlPlaneReady([ready, job], { deployments: 2, jobs: 1 }), false);
  assert.equal(controlPlaneReady([creating, job]), false);
  assert.equal(controlPlaneReady([]), false);
});

test('an install that created nothing has nothing to time, instead of every pod at 0.1 s', () => {
  const startedAt = Date.UTC(2026, 11, 5, 21, 0, 0);
  const again = {
    version: '1.2.2',
    context: 'istio-lab-sandbox',
    startedAt,
    events: [
      { at: startedAt + 100, kind: 'pod-ready' as const, subject: 'istio-pilot-5f8b4c9d7-abcde' },
      { at: startedAt + 100, kind: 'pod-ready' as const, subject: 'istio-citadel-7d8f9b6c5-fghij' },
    ],
  };
  assert.equal(hasTimings(again), false);
  assert.equal(
    hasTimings({
      ...again,
      events: [
        { at: startedAt + 50, kind: 'object-created' as const, subject: 'Namespace/istio-system' },
        ...again.events,
      ],
    }),
    true,
  );
});
