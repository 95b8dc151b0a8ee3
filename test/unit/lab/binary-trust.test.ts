// When a downloaded istioctl may run (or go on PATH) without asking: only a verified archive's.
// An unverified one (no published checksum, an unknown record state, an istioctl with no record)
// needs the learner's confirmation, which holds for that archive's SHA-256 alone.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { binaryTrust, mayRunWithoutAsking, withConfirmed } from '../../../src/lab/binary-trust';
import type { ChecksumState, DownloadedRelease } from '../../../src/lab/downloaded-release';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);

const release = (state: string, sha256 = SHA_A): DownloadedRelease => ({
  version: '1.26.1',
  directory: '/r/istio-1.26.1',
  binDirectory: '/r/istio-1.26.1/bin',
  istioctl: '/r/istio-1.26.1/bin/istioctl',
  layout: 'modern',
  platform: { os: 'linux', arch: 'amd64' },
  archiveFileName: 'istio-1.26.1-linux-amd64.tar.gz',
  source: 'https://mirror.example/istio-1.26.1-linux-amd64.tar.gz',
  checksum: { state: state as ChecksumState, sha256 },
  extractedAt: '2026-12-05T00:00:00Z',
});

describe('binary trust', () => {
  test("a verified archive's istioctl runs without asking", () => {
    const trust = binaryTrust(release('verified'), []);
    assert.deepEqual(trust, { kind: 'verified' });
    assert.equal(mayRunWithoutAsking(trust), true);
  });

  test('an archive with no published checksum asks, naming not-published', () => {
    const trust = binaryTrust(release('not-published'), []);
    assert.deepEqual(trust, { kind: 'unverified', reason: 'not-published' });
    assert.equal(mayRunWithoutAsking(trust), false);
  });

  test('a record with any other checksum state asks (a hand-edited or newer record is not trusted)', () => {
    for (const state of ['mismatch', '', 'VERIFIED', 'verified ']) {
      const trust = binaryTrust(release(state), []);
      assert.deepEqual(trust, { kind: 'unverified', reason: 'not-verified' }, state);
      assert.equal(mayRunWithoutAsking(trust), false, state);
    }
  });

  test('an istioctl with no download record asks, naming no-record, and a confirmation cannot be kept for it', () => {
    assert.deepEqual(binaryTrust(undefined, [SHA_A]), { kind: 'unverified', reason: 'no-record' });
    assert.deepEqual(withConfirmed([SHA_B], undefined), [SHA_B]);
  });

  test("a confirmation holds for that archive's SHA-256 only: another download of the same version asks again", () => {
    const confirmed = withConfirmed([], release('not-published', SHA_A));
    assert.deepEqual(confirmed, [SHA_A]);
    const trust = binaryTrust(release('not-published', SHA_A), confirmed);
    assert.deepEqual(trust, { kind: 'confirmed', reason: 'not-published' });
    assert.equal(mayRunWithoutAsking(trust), true);
    assert.deepEqual(binaryTrust(release('not-published', SHA_B), confirmed), {
      kind: 'unverified',
      reason: 'not-published',
    });
  });

  test('confirming twice, or confirming a verified archive, records nothing new', () => {
    assert.deepEqual(withConfirmed([SHA_A], release('not-published', SHA_A)), [SHA_A]);
    assert.deepEqual(withConfirmed([], release('verified', SHA_A)), []);
    assert.deepEqual(withConfirmed([], release('not-published', '')), []);
  });

  test('an empty SHA-256 never matches a confirmation', () => {
    assert.deepEqual(binaryTrust(release('not-published', ''), ['']), { kind: 'unverified', reason: 'not-published' });
  });
});
