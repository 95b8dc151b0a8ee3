// The release catalogue: archive names per era and platform, checksum sidecars in both formats,
// and the online release list merged over the built-in one (or the built-in one alone offline).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { archiveFileNameFor, sha256Line, startReleaseMirror } from '../../../scripts/lib/release-archive.mjs';
import {
  GITHUB_RELEASE_BASE,
  UnsupportedPlatformError,
  currentPlatform,
  parseArchiveFileName,
  parsePlatform,
  parseSha256File,
  releaseArchive,
} from '../../../src/istio/releases/archive-names';
import { builtinCatalogue, kubernetesRangeOf } from '../../../src/istio/releases/catalogue';
import { parseGitHubReleases } from '../../../src/istio/releases/release-list';
import { loadReleaseCatalogue } from '../../../src/lab/download/release-catalogue';

const platform = (text: string) => parsePlatform(text)!;

test("names the book's 1.2.2 archive as Istio's download script does, at GitHub's release URL", () => {
  const archive = releaseArchive('1.2.2', platform('linux-amd64'));
  assert.equal(archive.fileName, 'istio-1.2.2-linux.tar.gz');
  // The URL of the real download (fixtures/istio/download/getLatestIstio-1.2.2.txt).
  assert.equal(archive.url, 'https://github.com/istio/istio/releases/download/1.2.2/istio-1.2.2-linux.tar.gz');
  assert.equal(archive.sha256Url, `${archive.url}.sha256`);
  assert.equal(archive.topDirectory, 'istio-1.2.2');
});

test('a mirror replaces only the base of the URL', () => {
  assert.equal(
    releaseArchive('1.2.2', platform('linux'), 'http://127.0.0.1:8080/istio/').url,
    'http://127.0.0.1:8080/istio/1.2.2/istio-1.2.2-linux.tar.gz',
  );
  assert.equal(
    releaseArchive('1.2.2', platform('linux'), 'file:///srv/mirror').url,
    'file:///srv/mirror/1.2.2/istio-1.2.2-linux.tar.gz',
  );
  assert.equal(releaseArchive('1.2.2', platform('linux'), '').url.startsWith(GITHUB_RELEASE_BASE), true);
});

test('picks the archive name of each era and platform', () => {
  const cases: [string, string, string][] = [
    ['1.2.2', 'linux-amd64', 'istio-1.2.2-linux.tar.gz'],
    ['1.5.10', 'linux-amd64', 'istio-1.5.10-linux.tar.gz'],
    ['1.6.0', 'linux-amd64', 'istio-1.6.0-linux-amd64.tar.gz'],
    ['1.26.1', 'linux-arm64', 'istio-1.26.1-linux-arm64.tar.gz'],
    ['1.26.1', 'linux-armv7', 'istio-1.26.1-linux-armv7.tar.gz'],
    ['1.2.2', 'osx-amd64', 'istio-1.2.2-osx.tar.gz'],
    ['1.9.0', 'osx-arm64', 'istio-1.9.0-osx.tar.gz'],
    ['1.10.0', 'osx-arm64', 'istio-1.10.0-osx-arm64.tar.gz'],
    ['1.26.1', 'osx-amd64', 'istio-1.26.1-osx.tar.gz'],
    ['1.2.2', 'win-amd64', 'istio-1.2.2-win.zip'],
    ['1.26.1', 'win-amd64', 'istio-1.26.1-win.zip'],
  ];
  for (const [version, text, expected] of cases) {
    assert.equal(releaseArchive(version, platform(text)).fileName, expected, `${version} ${text}`);
    // The test archive builder agrees (it is written independently, from releases.md).
    assert.equal(archiveFileNameFor(version, text), expected);
  }
  assert.equal(releaseArchive('1.26.1', platform('win-amd64')).kind, 'zip');
});

test('refuses platforms a release was not published for', () => {
  assert.throws(() => releaseArchive('1.2.2', platform('linux-arm64')), UnsupportedPlatformError);
  assert.throws(() => releaseArchive('1.26.1', platform('win-arm64')), UnsupportedPlatformError);
});

test("maps this machine's platform as the download script maps uname", () => {
  assert.deepEqual(currentPlatform('linux', 'x64'), { os: 'linux', arch: 'amd64' });
  assert.deepEqual(currentPlatform('darwin', 'arm64'), { os: 'osx', arch: 'arm64' });
  assert.deepEqual(currentPlatform('win32', 'x64'), { os: 'win', arch: 'amd64' });
  assert.deepEqual(currentPlatform('linux', 'arm'), { os: 'linux', arch: 'armv7' });
});

test('reads .sha256 files of both eras', () => {
  const hash = 'a'.repeat(64);
  // coreutils (Istio ≤ 1.2): two spaces; release-builder: one space.
  assert.deepEqual(parseSha256File(sha256Line(hash, 'istio-1.2.2-linux.tar.gz', '1.2.2')), {
    sha256: hash,
    fileName: 'istio-1.2.2-linux.tar.gz',
  });
  assert.equal(sha256Line(hash, 'x', '1.2.2'), `${hash}  x\n`);
  assert.deepEqual(parseSha256File(sha256Line(hash, 'istio-1.26.1-linux-amd64.tar.gz', '1.26.1')), {
    sha256: hash,
    fileName: 'istio-1.26.1-linux-amd64.tar.gz',
  });
  assert.equal(sha256Line(hash, 'x', '1.26.1'), `${hash} x\n`);
  assert.deepEqual(parseSha256File(`${'B'.repeat(64)} *istio.zip\r\n`), {
    sha256: 'b'.repeat(64),
    fileName: 'istio.zip',
  });
  assert.equal(parseSha256File('<html>Not Found</html>'), undefined);
  assert.equal(parseSha256File(''), undefined);
});

test('reads version and platform from the name of a hand-downloaded archive', () => {
  assert.deepEqual(parseArchiveFileName('istio-1.2.2-linux.tar.gz'), {
    version: '1.2.2',
    platform: { os: 'linux', arch: 'amd64' },
    kind: 'tar.gz',
  });
  assert.deepEqual(parseArchiveFileName('istio-1.26.1-osx-arm64.tar.gz'), {
    version: '1.26.1',
    platform: { os: 'osx', arch: 'arm64' },
    kind: 'tar.gz',
  });
  assert.deepEqual(parseArchiveFileName('istio-1.27.0-beta.1-win.zip')?.version, '1.27.0-beta.1');
  assert.equal(parseArchiveFileName('istioctl-1.26.1-linux-amd64.tar.gz'), undefined);
  assert.equal(parseArchiveFileName('istio.tar.gz'), undefined);
});

test('the built-in catalogue covers every minor line from 1.0 to 1.30, with dates and Kubernetes ranges', () => {
  const releases = builtinCatalogue();
  const versions = releases.map((r) => r.version);
  for (let minor = 0; minor <= 30; minor++) assert.ok(versions.includes(`1.${minor}.0`), `1.${minor}.0 missing`);
  assert.ok(versions.includes('1.2.2'), "the book's release is missing");
  assert.equal(versions[0], '1.30.0', 'not newest first');
  assert.ok(releases.filter((r) => r.version.endsWith('.0')).every((r) => /^\d{4}-\d{2}-\d{2}$/.test(r.date ?? '')));
  assert.deepEqual(kubernetesRangeOf('1.26.1'), { min: '1.29', max: '1.33', source: 'support-table' });
  assert.deepEqual(kubernetesRangeOf('1.2.2'), { min: '1.12', max: '1.14', source: 'unverified' });
  assert.equal(kubernetesRangeOf('2.0.0'), undefined);
});

test("the built-in catalogue offers minor lines and the lab's own release, not the test fixtures' versions", () => {
  const patches = builtinCatalogue().filter((release) => !release.version.endsWith('.0'));
  // 1.2.3 and 1.26.1 are real releases, but they are here only because the tests hold their files.
  assert.deepEqual(
    patches.map((release) => release.version),
    ['1.2.2'],
  );
});

test('reads the GitHub release list, skipping drafts and tags that are not versions', () => {
  const releases = parseGitHubReleases([
    { tag_name: '1.26.2', published_at: '2025-06-20T10:00:00Z', prerelease: false },
    { tag_name: '1.27.0-beta.0', published_at: '2025-07-01T10:00:00Z', prerelease: true },
    { tag_name: 'v1.0', published_at: '2018-07-31T10:00:00Z' },
    { tag_name: '1.28.0', draft: true },
    null,
  ]);
  assert.deepEqual(releases, [
    {
      version: '1.26.2',
      date: '2025-06-20',
      kubernetes: { min: '1.29', max: '1.33', source: 'support-table' },
      prerelease: undefined,
    },
    {
      version: '1.27.0-beta.0',
      date: '2025-07-01',
      kubernetes: { min: '1.29', max: '1.33', source: 'support-table' },
      prerelease: true,
    },
  ]);
  assert.throws(() => parseGitHubReleases({ message: 'API rate limit exceeded' }));
});

test('refreshes the catalogue from the release list when it answers, keeping the built-in lines', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-list-'));
  const mirror = await startReleaseMirror({
    root,
    releases: [
      { tag_name: '1.31.0', published_at: '2026-08-20T00:00:00Z' },
      { tag_name: '1.2.2', published_at: '2019-07-01T00:00:00Z' },
    ],
  });
  try {
    const catalogue = await loadReleaseCatalogue({ url: `${mirror.url}/repos/istio/istio/releases` });
    assert.equal(catalogue.source, 'online');
    assert.equal(catalogue.releases[0].version, '1.31.0');
    assert.equal(catalogue.releases.find((r) => r.version === '1.2.2')?.date, '2019-07-01');
    assert.ok(catalogue.releases.some((r) => r.version === '1.0.0'));
  } finally {
    await mirror.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('falls back to the built-in catalogue offline, and when the list does not answer in time', async () => {
  const silent = net.createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const { port } = silent.address() as net.AddressInfo;
  try {
    const slow = await loadReleaseCatalogue({ url: `http://127.0.0.1:${port}/releases`, timeoutMs: 200 });
    assert.equal(slow.source, 'builtin');
    assert.match(slow.offlineReason ?? '', /no answer within 200 ms/);
    assert.deepEqual(slow.releases, builtinCatalogue());
  } finally {
    silent.close();
  }
  const offline = await loadReleaseCatalogue({ url: `http://127.0.0.1:${port}/releases` });
  assert.equal(offline.source, 'builtin');
  assert.match(offline.offlineReason ?? '', /Could not reach/);
});
