// The ReleaseError a refused download or archive fails with; fails the test when it was accepted.
import * as assert from 'node:assert/strict';
import { ReleaseError } from '../../../src/lab/download/release-error';

export async function refusal(promise: Promise<unknown>, what = 'the download'): Promise<ReleaseError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ReleaseError, `expected a ReleaseError, got ${String(error)}`);
    return error;
  }
  assert.fail(`${what} was accepted`);
}
