// Runs only in the harness self-test (ISTIO_LAB_TESTS=failing): a run with this failing
// test must exit non-zero, or the harness could report green for broken code.
import * as assert from 'node:assert/strict';

describe('the harness self-test', () => {
  it('fails on purpose', () => {
    assert.equal(1 + 1, 3, 'this failure is deliberate');
  });
});
