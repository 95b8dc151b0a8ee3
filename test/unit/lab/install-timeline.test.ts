import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  InstallTimeline,
  controlPlaneReady,
  hasTimings,
  podMilestones,
  podRows,
} from '../../../src/lab/install-timeline';
import type { ProgressStore } from '../../../src/lab/lab-progress';
import { LabProgress } from '../../../src/lab/lab-progress';

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

test('lab progress is kept in the workspace store and tells its listeners', async () => {
  const saved = new Map<string, unknown>();
  const store: ProgressStore = {
    get: <T>(key: string) => saved.get(key) as T,
    update: async (key, value) => void saved.set(key, value),
  };
  const progress = new LabProgress(store);
  let changes = 0;
  progress.onDidChange(() => changes++);
  assert.equal(progress.state('registry').status, 'todo');
  await progress.mark('registry', 'done', { detail: '1.2.2', at: 5 });
  await progress.mark('registry', 'done', { detail: '1.2.2', at: 6 });
  assert.equal(changes, 1);
  assert.deepEqual(new LabProgress(store).state('registry'), { status: 'done', detail: '1.2.2', at: 5 });
});

test('a re-check that began before a step was marked leaves that newer mark alone', async () => {
  const saved = new Map<string, unknown>();
  const store: ProgressStore = {
    get: <T>(key: string) => saved.get(key) as T,
    update: async (key, value) => void saved.set(key, value),
  };
  const progress = new LabProgress(store);
  await progress.mark('download', 'done', { detail: '1.2.2', at: 1000, checkedSince: 900 });
  assert.equal(progress.state('download').status, 'done', 'nothing was marked since the check began');
  // The start-up re-check looked at the disk at 1500, before the download finished at 1600.
  await progress.mark('download', 'done', { detail: '1.2.2', at: 1600 });
  await progress.mark('download', 'todo', { at: 1700, checkedSince: 1500 });
  assert.deepEqual(progress.state('download'), { status: 'done', detail: '1.2.2', at: 1600 });
  // A re-check that began after it applies.
  await progress.mark('download', 'todo', { at: 2100, checkedSince: 2000 });
  assert.equal(progress.state('download').status, 'todo');
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
