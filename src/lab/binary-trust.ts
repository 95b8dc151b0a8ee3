// Whether the lab may run a release's istioctl, or put it on the terminals' PATH, without asking:
// only when the archive's SHA-256 matched the published checksum. Otherwise (no checksum was
// published, the record says something else, or the istioctl was handed over by path with no
// record at all) the learner must confirm first, and a confirmation holds for that archive's
// SHA-256 only: a different download of the same version asks again.
import type { DownloadedRelease } from './downloaded-release';

export type UnverifiedReason =
  /** No `.sha256` was published (or none lay beside a local archive). */
  | 'not-published'
  /** The release's record names a checksum state that is not `verified`. */
  | 'not-verified'
  /** An istioctl given by path, not a release the lab downloaded: nothing is known about it. */
  | 'no-record';

export type BinaryTrust =
  | { readonly kind: 'verified' }
  /** Unverified, and the learner has said to run it anyway. */
  | { readonly kind: 'confirmed'; readonly reason: UnverifiedReason }
  | { readonly kind: 'unverified'; readonly reason: UnverifiedReason };

/** How far a release's istioctl can be trusted, given the archive SHA-256s the learner confirmed. */
export function binaryTrust(release: DownloadedRelease | undefined, confirmedSha256s: readonly string[]): BinaryTrust {
  if (!release) return { kind: 'unverified', reason: 'no-record' };
  const { state, sha256 } = release.checksum;
  if (state === 'verified') return { kind: 'verified' };
  const reason: UnverifiedReason = state === 'not-published' ? 'not-published' : 'not-verified';
  return sha256 && confirmedSha256s.includes(sha256) ? { kind: 'confirmed', reason } : { kind: 'unverified', reason };
}

/** True when the istioctl may run (or go on PATH) now; false = ask the learner first. */
export function mayRunWithoutAsking(trust: BinaryTrust): trust is Exclude<BinaryTrust, { kind: 'unverified' }> {
  return trust.kind !== 'unverified';
}

/** The confirmed SHA-256s after the learner confirms `release` (unchanged when there is nothing to remember). */
export function withConfirmed(confirmedSha256s: readonly string[], release: DownloadedRelease | undefined): string[] {
  const sha256 = release?.checksum.sha256;
  if (!sha256 || release.checksum.state === 'verified' || confirmedSha256s.includes(sha256))
    return [...confirmedSha256s];
  return [...confirmedSha256s, sha256];
}
