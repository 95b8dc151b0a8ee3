// Downloading a release from a real local HTTP mirror (127.0.0.1) that serves archives built in
// the real layout from the real manifests: download, verify, unpack, reuse, resume, failures.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import type { BuiltArchive, ReleaseMirror } from '../../../scripts/lib/release-archive.mjs';
import {
  buildReleaseArchive,
  fixturesDir,
  gzip,
  rawTar,
  sha256Line,
  startForwardProxy,
  startReleaseMirror,
} from '../../../scripts/lib/release-archive.mjs';
import { parsePlatform } from '../../../src/istio/releases/archive-names';
import type { ReleaseProgress } from '../../../src/lab/download/release-download';
import { downloadRelease, useLocalArchive } from '../../../src/lab/download/release-download';
import { findDownloadedRelease, isVerified, releaseDirectory } from '../../../src/lab/downloaded-release';
import { refusal } from './release-refusal';

const linux = parsePlatform('linux-amd64')!;
let work: string;
let mirrorRoot: string;
let mirror: ReleaseMirror;
const built: Record<string, BuiltArchive> = {};

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-download-'));
  mirrorRoot = path.join(work, 'mirror');
  built['1.2.2'] = await buildReleaseArchive({ root: mirrorRoot, version: '1.2.2' });
  built['1.2.3'] = await buildReleaseArchive({ root: mirrorRoot, version: '1.2.3', sha256: false });
  built['1.26.1'] = await buildReleaseArchive({ root: mirrorRoot, version: '1.26.1' });
  built['1.2.2-win'] = await buildReleaseArchive({ root: mirrorRoot, version: '1.2.2', platform: 'win-amd64' });
  mirror = await startReleaseMirror({ root: mirrorRoot });
});

after(async () => {
  await mirror.close();
  fs.rmSync(work, { recursive: true, force: true });
});

let dirCount = 0;
const freshDir = (): string => fs.mkdtempSync(path.join(work, `downloads-${dirCount++}-`));

/** Everything in a download directory that is neither the release, its record nor the archive. */
function leftovers(downloadDir: string): string[] {
  return fs
    .readdirSync(downloadDir)
    .filter((name) => name.includes('.partial-') || name.endsWith('.part') || name.endsWith('.part.json'));
}

/** The top directory of the real Istio 1.2.2 release, as `ls` listed it there. */
function realTopLevel(): string[] {
  const listing = fs.readFileSync(path.join(fixturesDir, 'release-layout', 'istio-1.2.2-ls.txt'), 'utf8').split('\n');
  const names = listing[listing.indexOf('$ ls') + 1]?.trim().split(/\s+/) ?? [];
  assert.ok(names.length > 1, 'istio-1.2.2-ls.txt holds no `ls` of the release');
  return names.sort();
}

/** Downloads `version` for linux into `downloadDir` from the mirror at `baseUrl` (by default, the shared one). */
const fromMirror = (version: string, downloadDir: string, baseUrl = mirror.url): ReturnType<typeof downloadRelease> =>
  downloadRelease({ version, platform: linux, downloadDir, source: { baseUrl } });

test('downloads, verifies and unpacks Istio 1.2.2 in the layout of the real release', async () => {
  const downloadDir = freshDir();
  const progress: ReleaseProgress[] = [];
  const result = await downloadRelease({
    version: '1.2.2',
    platform: linux,
    downloadDir,
    source: { baseUrl: mirror.url },
    onProgress: (p) => progress.push(p),
  });

  const directory = releaseDirectory(downloadDir, '1.2.2');
  assert.equal(result.reused, false);
  assert.equal(result.release.directory, directory);
  assert.equal(result.release.checksum.state, 'verified');
  assert.equal(result.release.checksum.sha256, built['1.2.2'].sha256);
  assert.equal(result.publishedSha256, built['1.2.2'].sha256);
  assert.equal(result.release.layout, 'legacy');
  assert.deepEqual(fs.readdirSync(directory).sort(), realTopLevel());
  assert.equal(
    fs.readFileSync(path.join(directory, 'install/kubernetes/istio-demo.yaml'), 'utf8'),
    fs.readFileSync(path.join(fixturesDir, 'legacy/istio-1.2.2/istio-demo.yaml'), 'utf8'),
  );
  assert.equal(result.release.demoManifest, path.join(directory, 'install/kubernetes/istio-demo.yaml'));
  assert.ok(fs.statSync(result.release.istioctl).mode & 0o100, 'bin/istioctl lost its exec bit');
  assert.match(
    execFileSync(result.release.istioctl, ['version'], { encoding: 'utf8' }),
    /1\.2\.2.*\(Istio Lab stand-in, not the real istioctl\)/,
  );
  assert.deepEqual(leftovers(downloadDir), []);

  const stages = [...new Set(progress.map((p) => p.stage))];
  assert.deepEqual(stages, ['checksum', 'download', 'verify', 'extract']);
  const last = progress.filter((p) => p.download).at(-1)!.download!;
  assert.equal(last.receivedBytes, fs.statSync(built['1.2.2'].file).size);
  assert.equal(last.totalBytes, last.receivedBytes);
  assert.equal(last.remainingSeconds, 0);

  const found = await findDownloadedRelease(downloadDir, '1.2.2');
  assert.equal(found?.directory, directory);
  assert.equal(isVerified(found), true);
});

test('reuses a verified copy instead of downloading it again', async () => {
  const downloadDir = freshDir();
  await fromMirror('1.2.2', downloadDir);
  const requests = mirror.requests.length;
  const again = await fromMirror('1.2.2', downloadDir);
  assert.equal(again.reused, true);
  assert.equal(mirror.requests.length, requests, 'the mirror was asked again');
});

test('re-extracts from the kept archive without downloading when only the release folder is gone', async () => {
  const downloadDir = freshDir();
  await fromMirror('1.2.2', downloadDir);
  fs.rmSync(releaseDirectory(downloadDir, '1.2.2'), { recursive: true });
  const before = mirror.requests.length;
  const again = await fromMirror('1.2.2', downloadDir);
  assert.equal(again.reused, false);
  assert.deepEqual(
    mirror.requests.slice(before).map((r) => r.path),
    ['/1.2.2/istio-1.2.2-linux.tar.gz.sha256'],
  );
  assert.ok(fs.existsSync(again.release.istioctl));
});

test('resumes an interrupted download with a Range request and still verifies the whole file', async () => {
  const downloadDir = freshDir();
  const size = fs.statSync(built['1.26.1'].file).size;
  const cut = Math.floor(size / 2);
  mirror.interruptNext(cut);
  const first = await refusal(fromMirror('1.26.1', downloadDir));
  assert.equal(first.code, 'interrupted', first.message);
  const part = path.join(downloadDir, 'istio-1.26.1-linux-amd64.tar.gz.part');
  assert.ok(fs.statSync(part).size > 0, 'the bytes received so far were not kept');
  assert.equal(fs.existsSync(releaseDirectory(downloadDir, '1.26.1')), false);

  const kept = fs.statSync(part).size;
  const result = await fromMirror('1.26.1', downloadDir);
  const resumed = mirror.requests.filter((r) => r.path.endsWith('.tar.gz')).at(-1)!;
  assert.equal(resumed.range, `bytes=${kept}-`);
  assert.equal(resumed.status, 206);
  assert.equal(result.release.checksum.state, 'verified');
  assert.equal(result.release.layout, 'modern');
  assert.deepEqual(leftovers(downloadDir), []);
});

test('deletes the download and unpacks nothing when the SHA-256 does not match', async () => {
  const root = path.join(work, 'tampered');
  const archive = await buildReleaseArchive({ root, version: '1.2.2' });
  fs.writeFileSync(archive.sha256File, `${'0'.repeat(64)}  ${archive.fileName}\n`);
  const tampered = await startReleaseMirror({ root });
  try {
    const downloadDir = freshDir();
    const error = await refusal(fromMirror('1.2.2', downloadDir, tampered.url));
    assert.equal(error.code, 'checksum-mismatch');
    assert.equal(error.details.expected, '0'.repeat(64));
    assert.equal(error.details.actual, archive.sha256);
    assert.deepEqual(fs.readdirSync(downloadDir), [], 'something was left behind');
  } finally {
    await tampered.close();
  }
});

test('rejects a hostile archive while it downloads, deleting it and leaving no release directory', async () => {
  const root = path.join(work, 'hostile-mirror');
  fs.mkdirSync(path.join(root, '1.2.2'), { recursive: true });
  const archive = gzip(
    rawTar([
      { name: 'istio-1.2.2/', type: 'directory' },
      { name: 'istio-1.2.2/bin', type: 'symlink', linkName: '/usr/bin' },
      { name: 'istio-1.2.2/bin/istioctl', data: 'payload' },
    ]),
  );
  fs.writeFileSync(path.join(root, '1.2.2', 'istio-1.2.2-linux.tar.gz'), archive);
  // Published with a matching checksum: the archive is hostile, not damaged in transit.
  const sha256 = createHash('sha256').update(archive).digest('hex');
  fs.writeFileSync(
    path.join(root, '1.2.2', 'istio-1.2.2-linux.tar.gz.sha256'),
    sha256Line(sha256, 'istio-1.2.2-linux.tar.gz', '1.2.2'),
  );
  const hostile = await startReleaseMirror({ root });
  try {
    const downloadDir = freshDir();
    const error = await refusal(fromMirror('1.2.2', downloadDir, hostile.url));
    assert.equal(error.code, 'hostile-archive');
    assert.equal(error.details.reason, 'link-escape');
    assert.deepEqual(fs.readdirSync(downloadDir), []);
  } finally {
    await hostile.close();
  }
});

test('says when a release publishes no checksum, and returns the computed hash', async () => {
  const downloadDir = freshDir();
  const result = await fromMirror('1.2.3', downloadDir);
  assert.equal(result.release.checksum.state, 'not-published');
  assert.equal(result.release.checksum.sha256, built['1.2.3'].sha256);
  assert.equal(result.publishedSha256, undefined);
  assert.equal(isVerified(result.release), false);
});

test('reports HTTP errors with their status', async () => {
  const downloadDir = freshDir();
  const missing = await refusal(fromMirror('1.2.9', downloadDir));
  assert.equal(missing.code, 'http-status');
  assert.equal(missing.details.status, 404);
  assert.match(missing.message, /HTTP 404/);

  mirror.failNext(500);
  const broken = await refusal(fromMirror('1.2.2', downloadDir));
  assert.equal(broken.code, 'http-status');
  assert.equal(broken.details.status, 500);
  assert.match(broken.message, /HTTP 500/);
  assert.equal(fs.existsSync(releaseDirectory(downloadDir, '1.2.2')), false);
});

test('offline, names istioLab.releaseBaseUrl and Use Local Archive… as the ways out', async () => {
  // A port that was just free: nothing listens there.
  const port = await new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
  const error = await refusal(fromMirror('1.2.2', freshDir(), `http://127.0.0.1:${port}`));
  assert.equal(error.code, 'unreachable');
  assert.match(error.message, /istioLab\.releaseBaseUrl/);
  assert.match(error.message, /Use Local Archive…/);
});

test('downloads through an HTTP proxy when VS Code has one set', async () => {
  const proxy = await startForwardProxy();
  try {
    const downloadDir = freshDir();
    const result = await downloadRelease({
      version: '1.2.2',
      platform: linux,
      downloadDir,
      source: { baseUrl: mirror.url, proxy: { url: proxy.url } },
    });
    assert.equal(result.release.checksum.state, 'verified');
    assert.deepEqual(
      proxy.requests.map((r) => r.url),
      [`${mirror.url}/1.2.2/istio-1.2.2-linux.tar.gz.sha256`, `${mirror.url}/1.2.2/istio-1.2.2-linux.tar.gz`],
    );
  } finally {
    await proxy.close();
  }
});

test('leaves hosts listed in http.noProxy out of the proxy', async () => {
  const proxy = await startForwardProxy();
  try {
    await downloadRelease({
      version: '1.2.2',
      platform: linux,
      downloadDir: freshDir(),
      source: { baseUrl: mirror.url, proxy: { url: proxy.url, noProxy: ['127.0.0.1'] } },
    });
    assert.deepEqual(proxy.requests, []);
  } finally {
    await proxy.close();
  }
});

test('downloads from a file:// mirror', async () => {
  const result = await fromMirror('1.2.2', freshDir(), pathToFileURL(mirrorRoot).toString());
  assert.equal(result.release.checksum.state, 'verified');
  assert.ok(fs.existsSync(result.release.demoManifest!));
});

test('unpacks the Windows zip and keeps istioctl.exe executable', async () => {
  const result = await downloadRelease({
    version: '1.2.2',
    platform: parsePlatform('win-amd64')!,
    downloadDir: freshDir(),
    source: { baseUrl: mirror.url },
  });
  assert.equal(result.release.checksum.state, 'verified');
  assert.equal(path.basename(result.release.istioctl), 'istioctl.exe');
  assert.ok(fs.statSync(result.release.istioctl).mode & 0o100);
  assert.ok(fs.existsSync(path.join(result.release.directory, 'install/kubernetes/istio-demo.yaml')));
});

test('cancelling keeps the bytes so far for a later resume and leaves no release directory', async () => {
  const slowRoot = path.join(work, 'slow');
  await buildReleaseArchive({ root: slowRoot, version: '1.2.2', padBytes: 4 * 1024 * 1024 });
  const slow = await startReleaseMirror({ root: slowRoot, throttleBytesPerSecond: 1024 * 1024 });
  try {
    const downloadDir = freshDir();
    const controller = new AbortController();
    const error = await refusal(
      downloadRelease({
        version: '1.2.2',
        platform: linux,
        downloadDir,
        source: { baseUrl: slow.url },
        signal: controller.signal,
        onProgress: (p) => {
          if ((p.download?.receivedBytes ?? 0) > 0) controller.abort();
        },
      }),
    );
    assert.equal(error.code, 'cancelled');
    assert.equal(fs.existsSync(releaseDirectory(downloadDir, '1.2.2')), false);
    assert.ok(fs.existsSync(path.join(downloadDir, 'istio-1.2.2-linux.tar.gz.part')));
  } finally {
    await slow.close();
  }
});

test('uses an archive downloaded by hand, checking the .sha256 beside it', async () => {
  const result = await useLocalArchive({ file: built['1.2.2'].file, downloadDir: freshDir() });
  assert.equal(result.release.version, '1.2.2');
  assert.equal(result.release.checksum.state, 'verified');
  assert.equal(result.release.source, built['1.2.2'].file);

  const renamed = path.join(work, 'my-download.tar.gz');
  fs.copyFileSync(built['1.2.2'].file, renamed);
  const error = await refusal(useLocalArchive({ file: renamed, downloadDir: freshDir() }));
  assert.equal(error.code, 'not-a-release-archive');
});
