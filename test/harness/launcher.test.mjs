// The extension-test harness must be able to fail: a run with a deliberately failing test,
// through the same runTests + browser VS Code launcher as the real suite, exits non-zero.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { TestRunFailedError } from '@vscode/test-electron';
import { runExtensionTests } from '../../scripts/lib/vscode-tests.mjs';

test('a run with a deliberately failing extension test exits non-zero and reports the failure', async () => {
  await assert.rejects(runExtensionTests({ suite: 'failing' }), (error) => {
    assert.ok(error instanceof TestRunFailedError, `expected TestRunFailedError, got ${error}`);
    assert.equal(error.code, 1);
    assert.equal(error.result?.failed, 1, 'the failing test was not reported by the extension host');
    assert.equal(error.result?.passed, 0);
    assert.match(error.result.tests[0].error, /this failure is deliberate/);
    return true;
  });
});
