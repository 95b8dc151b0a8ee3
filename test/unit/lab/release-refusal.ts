// The ReleaseError a refused download or archive fails with; fails the test when it was accepted.
import * as assert from 'node:assert/strict';
import { parsePlatform } from '../../../src/istio/releases/archive-names';
import type { DownloadReleaseOptions } from '../../../src/lab/download/release-download';
import { downloadRelease } from '../../../src/lab/download/release-download';
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

/** The refusal of a download of 1.2.2 for linux from `baseUrl` into `downloadDir`; `options` may change any of that. */
export function refusedDownload(
  baseUrl: string,
  downloadDir: string,
  options: Partial<DownloadReleaseOptions> = {},
): Promise<ReleaseError> {
  const platform = parsePlatform('linux-amd64')!;
  return refusal(downloadRelease({ version: '1.2.2', platform, downloadDir, source: { baseUrl }, ...options }));
}
