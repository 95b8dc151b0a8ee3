// The Install confirmation's loop, driven with the answers a learner gives: a preview comes back to
// the question with what it found, instead of ending the command.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InstallAnswer } from '../../../src/ui/install-confirmation';
import { confirmInstall } from '../../../src/ui/install-confirmation';

/** A learner who answers `answers` in turn; records what each question showed of the last preview. */
function learner(answers: InstallAnswer[]) {
  const shown: (string | undefined)[] = [];
  const ask = async (lastPreview: string | undefined): Promise<InstallAnswer> => {
    shown.push(lastPreview);
    if (!answers.length) throw new Error('asked more often than the learner answered');
    return answers.shift();
  };
  return { ask, shown };
}

test('Preview, then Install: the question comes back after the preview, with what it found', async () => {
  const { ask, shown } = learner(['preview', 'install']);
  let previews = 0;
  const confirmed = await confirmInstall(
    ask,
    async () => `Preview ${++previews}: 53 would be created, 100 not checkable`,
  );
  assert.equal(confirmed, true);
  assert.equal(previews, 1);
  assert.deepEqual(shown, [undefined, 'Preview 1: 53 would be created, 100 not checkable']);
});

test('Preview, then Cancel: nothing is installed', async () => {
  const { ask } = learner(['preview', undefined]);
  assert.equal(await confirmInstall(ask, async () => 'found'), false);
});

test('Install at once runs no preview; Cancel at once neither', async () => {
  let previews = 0;
  const preview = async () => `Preview ${++previews}`;
  assert.equal(await confirmInstall(learner(['install']).ask, preview), true);
  assert.equal(await confirmInstall(learner([undefined]).ask, preview), false);
  assert.equal(previews, 0);
});

test('two previews in a row: the second question shows the latest', async () => {
  const { ask, shown } = learner(['preview', 'preview', 'install']);
  let previews = 0;
  assert.equal(await confirmInstall(ask, async () => `Preview ${++previews}`), true);
  assert.deepEqual(shown, [undefined, 'Preview 1', 'Preview 2']);
});

test('a preview that fails ends the command with its error, not with an install', async () => {
  const { ask } = learner(['preview', 'install']);
  await assert.rejects(
    confirmInstall(ask, async () => {
      throw new Error('connection refused');
    }),
    /connection refused/,
  );
});
