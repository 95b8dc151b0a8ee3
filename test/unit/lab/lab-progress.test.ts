// The lab's progress as the features share it (src/lab/lab-progress.ts): typed change events with
// the step, its new state and the one before, unsubscribing, and a save that fails still told to
// the listeners (the view stays true to what the window knows) before the failure is thrown; the
// state kept in the workspace store, and a re-check that must not undo a newer mark.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LabProgressChange, ProgressStore } from '../../../src/lab/lab-progress';
import { LabProgress } from '../../../src/lab/lab-progress';

const memoryStore = (): ProgressStore => {
  const saved = new Map<string, unknown>();
  return { get: <T>(key: string) => saved.get(key) as T, update: async (key, value) => void saved.set(key, value) };
};

test('a change names its step, its state and the state before; a disposed listener hears nothing more', async () => {
  const progress = new LabProgress(memoryStore());
  const heard: LabProgressChange[] = [];
  const subscription = progress.onDidChange((change) => heard.push(change));
  await progress.mark('install', 'failed', { detail: '1.2.2', at: 10, hint: { code: 'install-failed' } });
  await progress.mark('install', 'done', { detail: '1.2.2', at: 20 });
  subscription.dispose();
  await progress.mark('install', 'todo', { at: 30 });
  assert.deepEqual(heard, [
    {
      step: 'install',
      state: { status: 'failed', detail: '1.2.2', hint: { code: 'install-failed' }, at: 10 },
      previous: { status: 'todo' },
    },
    {
      step: 'install',
      state: { status: 'done', detail: '1.2.2', at: 20 },
      previous: { status: 'failed', detail: '1.2.2', hint: { code: 'install-failed' }, at: 10 },
    },
  ]);
  assert.equal(progress.state('install').status, 'todo');
});

test('a save that fails is thrown to the caller, after the listeners heard of the change', async () => {
  const store: ProgressStore = {
    get: () => undefined,
    update: () => Promise.reject(new Error('storage is read-only')),
  };
  const progress = new LabProgress(store);
  const heard: string[] = [];
  progress.onDidChange((change) => heard.push(`${change.step}=${change.state.status}`));
  await assert.rejects(progress.mark('registry', 'done', { at: 1 }), /storage is read-only/);
  assert.deepEqual(heard, ['registry=done']);
  assert.equal(progress.state('registry').status, 'done');
});

test('lab progress is kept in the workspace store and tells its listeners', async () => {
  const store = memoryStore();
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
  const progress = new LabProgress(memoryStore());
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
