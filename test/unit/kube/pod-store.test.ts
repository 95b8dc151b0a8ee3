// The store's retry timing: capped exponential backoff with jitter (the store itself runs against
// the sandbox in test/integration/pod-store.test.ts).
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backoffDelay } from '../../../src/kube/pod-store';

describe('backoffDelay', () => {
  test('doubles from the first delay and stops at the cap', () => {
    const top = () => 1;
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7].map((attempt) => backoffDelay(attempt, 500, 30_000, top)),
      [500, 1000, 2000, 4000, 8000, 16000, 30000],
    );
    assert.equal(backoffDelay(40, 500, 30_000, top), 30_000);
  });

  test('jitter keeps each delay between half and all of it', () => {
    assert.equal(
      backoffDelay(3, 500, 30_000, () => 0),
      1000,
    );
    assert.equal(
      backoffDelay(3, 500, 30_000, () => 0.5),
      1500,
    );
  });
});
