// An assert.throws validator for the sandbox's StatusError: the code, the reason when one is
// expected, and the message whole, each checked with a message of its own when it differs.
import * as assert from 'node:assert/strict';
import { StatusError } from '../../../src/sandbox/apimachinery/status-error';

export function statusError(code: number, message: string, reason?: string): (error: unknown) => true {
  return (error) => {
    assert.ok(error instanceof StatusError, `a StatusError, not ${String(error)}`);
    assert.equal(error.code, code);
    if (reason !== undefined) assert.equal(error.reason, reason);
    assert.equal(error.message, message);
    return true;
  };
}
