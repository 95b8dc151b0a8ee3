// What keeps a large download fast must not cost correctness. The download gathers the socket's
// reads into 1 MB pieces before it hashes, writes and unpacks them: a connection that drops
// between two pieces must still leave every byte it delivered in the .part file (for the resume),
// and the resumed file must verify and unpack. The socket reads ahead 1 MB, not 16 KB.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { BuiltArchive, ReleaseMirror } from '../../../scripts/lib/release-archive.mjs';
import { buildReleaseArchive, startReleaseMirror } from '../../../scripts/lib/release-archive.mjs';
import { parsePlatform } from '../../../src/istio/releases/archive-names';
import { httpGet } from '../../../src/lab/download/http-get';
import { downloadRelease } from '../../../src/lab/download/release-download';
import { ReleaseError } from '../../../src/lab/download/release-error';

const linux = parsePlatform('linux-amd64')!;
let work: string;
let mirror: ReleaseMirror;
let archive: BuiltArchive;

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-download-batching-'));
  // Several pieces' worth of incompressible bytes.
  archive = await buildReleaseArchive({ root: path.join(work, 'mirror'), version: '1.2.2', padBytes: 3 * 1024 * 1024 });
  mirror = await startReleaseMirror({ root: path.join(work, 'mirror') });
});

after(async () => {
  await mirror.close();
  fs.rmSync(work, { recursive: true, force: true });
});

test('a connection dropped in the middle of a piece keeps every byte it delivered, and the resume verifies', async () => {
  const downloadDir = fs.mkdtempSync(path.join(work, 'downloads-'));
  const whole = fs.readFileSync(archive.file);
  // Past a whole piece, on no 64 KB boundary: the bytes of the unfinished second are the ones at risk.
  const cut = 1024 * 1024 + 100_003;
  assert.ok(whole.length > cut + 1024 * 1024);
  mirror.interruptNext(cut);
  const download = (): ReturnType<typeof downloadRelease> =>
    downloadRelease({ version: '1.2.2', platform: linux, downloadDir, source: { baseUrl: mirror.url } });
  const failure = await download().then(
    () => assert.fail('the interrupted download succeeded'),
    (error: unknown) => error,
  );
  assert.ok(failure instanceof ReleaseError);
  assert.equal(failure.code, 'interrupted', failure.message);
  const part = fs.readFileSync(path.join(downloadDir, `${archive.fileName}.part`));
  assert.equal(part.length, cut);
  assert.ok(part.equals(whole.subarray(0, cut)), 'the .part is not the first bytes of the archive');

  const result = await download();
  const lastArchiveRequest = mirror.requests.filter((r) => r.path.endsWith('.tar.gz')).at(-1);
  assert.equal(lastArchiveRequest?.range, `bytes=${cut}-`);
  assert.equal(result.release.checksum.state, 'verified');
  assert.equal(result.release.checksum.sha256, archive.sha256);
  assert.ok(fs.readFileSync(path.join(downloadDir, archive.fileName)).equals(whole));
  const padding = path.join(result.release.directory, 'tools', 'istio-lab-padding.bin');
  assert.equal(fs.statSync(padding).size, 3 * 1024 * 1024);
});

test('the answer is read through a 1 MB socket buffer', async () => {
  const response = await httpGet(`${mirror.url}/1.2.2/${archive.fileName}`);
  try {
    assert.equal(response.body.readableHighWaterMark, 1024 * 1024);
  } finally {
    response.body.destroy();
  }
});
