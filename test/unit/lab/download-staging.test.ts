// A .tar.gz is unpacked while it downloads, into a staging folder beside the release folder: only a
// verified archive's tree is moved into place. These check what a failure after the unpack started
// leaves: a checksum that mismatches once everything is unpacked, and a cancel in the middle.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { buildReleaseArchive, startReleaseMirror } from '../../../scripts/lib/release-archive.mjs';
import { releaseDirectory } from '../../../src/lab/downloaded-release';
import { refusedDownload } from './release-refusal';

const MIB = 1024 * 1024;
let work: string;
before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-staging-'));
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

const staging = (downloadDir: string): string[] =>
  fs.readdirSync(downloadDir).filter((name) => name.startsWith('.istio-1.2.2.partial-'));

test('a checksum that mismatches after the whole archive was unpacked leaves the release folder as it was', async () => {
  const root = path.join(work, 'tampered');
  const archive = await buildReleaseArchive({ root, version: '1.2.2', padBytes: 3 * MIB });
  fs.writeFileSync(archive.sha256File, `${'0'.repeat(64)}  ${archive.fileName}\n`);
  const mirror = await startReleaseMirror({ root });
  try {
    const downloadDir = fs.mkdtempSync(path.join(work, 'downloads-'));
    // A release folder from before (no record, so it is not reused): the mismatch must not touch it.
    const earlier = releaseDirectory(downloadDir, '1.2.2');
    fs.mkdirSync(earlier);
    fs.writeFileSync(path.join(earlier, 'kept'), 'from before');
    const stages: string[] = [];
    const error = await refusedDownload(mirror.url, downloadDir, {
      onProgress: (progress) => stages.push(progress.stage),
    });
    assert.equal(error.code, 'checksum-mismatch');
    assert.equal(error.details.actual, archive.sha256);
    assert.ok(stages.includes('verify'), 'the hash was compared once the archive was complete');
    assert.deepEqual(fs.readdirSync(downloadDir), [path.basename(earlier)], 'archive, .part or staging folder left');
    assert.deepEqual(fs.readdirSync(earlier), ['kept']);
  } finally {
    await mirror.close();
  }
});

test('cancelling in the middle of the unpack removes its staging folder', async () => {
  // At 1 MiB/s the cancel comes in the middle of the 4 MiB entry, streamed to disk rather than held.
  const root = path.join(work, 'slow');
  await buildReleaseArchive({ root, version: '1.2.2', padBytes: 4 * MIB });
  const mirror = await startReleaseMirror({ root, throttleBytesPerSecond: MIB });
  try {
    const downloadDir = fs.mkdtempSync(path.join(work, 'downloads-'));
    const controller = new AbortController();
    let seen: string[] = [];
    const error = await refusedDownload(mirror.url, downloadDir, {
      signal: controller.signal,
      onProgress: ({ download }) => {
        // Past the 1 MiB the download may run ahead of the unpack, the unpack has its staging folder.
        if ((download?.receivedBytes ?? 0) < 2 * MIB || controller.signal.aborted) return;
        seen = staging(downloadDir);
        controller.abort();
      },
    });
    assert.equal(error.code, 'cancelled');
    assert.equal(seen.length, 1, 'the unpack had not started when the download was cancelled');
    assert.deepEqual(staging(downloadDir), [], 'the staging folder was left');
    assert.equal(fs.existsSync(releaseDirectory(downloadDir, '1.2.2')), false);
    assert.ok(fs.existsSync(path.join(downloadDir, 'istio-1.2.2-linux.tar.gz.part')), 'the bytes so far were not kept');
  } finally {
    await mirror.close();
  }
});
