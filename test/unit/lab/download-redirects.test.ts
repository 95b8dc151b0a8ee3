// A hostile or broken release server, for real over HTTP(S) on 127.0.0.1: redirects off https or
// to file://, bodies without end or bigger than any release, a checksum of another archive, a
// download whose unpack fails, and partial downloads that can never be resumed.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import type { BuiltArchive, ReleaseMirror } from '../../../scripts/lib/release-archive.mjs';
import {
  buildReleaseArchive,
  gzip,
  rawTar,
  sha256Line,
  startReleaseMirror,
} from '../../../scripts/lib/release-archive.mjs';
import { parsePlatform } from '../../../src/istio/releases/archive-names';
import type { DownloadReleaseOptions } from '../../../src/lab/download/release-download';
import { downloadRelease, useLocalArchive } from '../../../src/lab/download/release-download';
import { MAX_ARCHIVE_BYTES } from '../../../src/lab/download/release-limits';
import { releaseDirectory } from '../../../src/lab/downloaded-release';
import { createCertificates } from '../../../src/sandbox/cluster/certs';
import { refusal, refusedDownload } from './release-refusal';

const linux = parsePlatform('linux-amd64')!;
const MIB = 1024 * 1024;
let work: string;
let mirrorRoot: string;
let mirror: ReleaseMirror;
let built: BuiltArchive;
const certificates = createCertificates();

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-redirects-'));
  mirrorRoot = path.join(work, 'mirror');
  built = await buildReleaseArchive({ root: mirrorRoot, version: '1.2.2' });
  mirror = await startReleaseMirror({ root: mirrorRoot });
});
after(async () => {
  await mirror.close();
  fs.rmSync(work, { recursive: true, force: true });
});

interface Server {
  readonly url: string;
  /** Body bytes the handler managed to hand to the socket. */
  readonly sent: () => number;
  close(): Promise<void>;
}

/** An HTTP(S) server on 127.0.0.1 whose handler may count what it sends through `send`. */
async function serve(
  handler: (req: http.IncomingMessage, res: http.ServerResponse, send: (chunk: Buffer) => boolean) => void,
  secure = false,
): Promise<Server> {
  let sent = 0;
  const send =
    (res: http.ServerResponse) =>
    (chunk: Buffer): boolean => {
      sent += chunk.length;
      return res.write(chunk);
    };
  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => handler(req, res, send(res));
  const server = secure
    ? https.createServer({ cert: certificates.serverCert, key: certificates.serverKey }, listener)
    : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${secure ? 'https' : 'http'}://127.0.0.1:${port}`,
    sent: () => sent,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Writes until the client goes away: a body without end. */
function endless(res: http.ServerResponse, send: (chunk: Buffer) => boolean, first: Buffer = Buffer.alloc(0)): void {
  const block = Buffer.alloc(256 * 1024, 'garbage ');
  res.writeHead(200, { 'content-type': 'application/octet-stream', etag: '"endless"' });
  send(first);
  const pump = (): void => {
    while (!res.destroyed && send(block));
    if (!res.destroyed) res.once('drain', pump);
  };
  res.on('close', () => res.off('drain', pump));
  pump();
}

const notFound = (res: http.ServerResponse): void => {
  res.writeHead(404).end();
};

let dirCount = 0;
const freshDir = (): string => fs.mkdtempSync(path.join(work, `downloads-${dirCount++}-`));
const everything = (dir: string): string[] => fs.readdirSync(dir);

/**
 * Downloads from `server`, whose archive has no end, and closes it: the download must be refused as
 * hostile for `reason` after far less than 64 MiB, keeping nothing (no .part, no state beside it,
 * no partial release directory).
 */
async function assertCutShort(
  server: Server,
  reason: string,
  options?: Partial<DownloadReleaseOptions>,
): Promise<void> {
  try {
    const downloadDir = freshDir();
    const error = await refusedDownload(server.url, downloadDir, options);
    assert.equal(error.code, 'hostile-archive', error.message);
    assert.equal(error.details.reason, reason);
    assert.deepEqual(everything(downloadDir), [], 'a .part, its state or a partial directory was kept');
    assert.ok(server.sent() < 64 * MIB, `the server sent ${server.sent()} bytes`);
  } finally {
    await server.close();
  }
}

test('does not follow a redirect to file://: a mirror cannot install a local file as verified', async () => {
  // What the server points at: a complete release and its checksum, lying on this machine.
  const local = pathToFileURL(path.join(mirrorRoot, '1.2.2')).toString();
  const server = await serve((req, res) =>
    res.writeHead(302, { location: `${local}/${path.posix.basename(req.url ?? '')}` }).end(),
  );
  try {
    const downloadDir = freshDir();
    const error = await refusedDownload(server.url, downloadDir);
    assert.equal(error.code, 'http-status', error.message);
    assert.equal(error.details.status, 302);
    assert.match(error.details.redirect ?? '', /^file:/);
    assert.match(error.message, /not followed/);
    assert.deepEqual(everything(downloadDir), []);
  } finally {
    await server.close();
  }
});

test('does not follow a redirect from https:// down to http://', async () => {
  const server = await serve((req, res) => res.writeHead(302, { location: `${mirror.url}${req.url}` }).end(), true);
  try {
    const downloadDir = freshDir();
    const error = await refusedDownload(server.url, downloadDir, {
      source: { baseUrl: server.url, ca: certificates.caCert },
    });
    assert.equal(error.code, 'http-status', error.message);
    assert.equal(error.details.redirect, `${mirror.url}/1.2.2/istio-1.2.2-linux.tar.gz.sha256`);
    assert.deepEqual(everything(downloadDir), []);
  } finally {
    await server.close();
  }
});

test('follows https:// to https:// (as GitHub does to its object store), and redirects within one origin', async () => {
  // GitHub answers with a 302 to its object store, which here moves the file once more on its own origin.
  const objects = await serve((req, res) => {
    if (req.url?.startsWith('/moved/')) {
      const file = path.join(mirrorRoot, req.url.slice('/moved/'.length));
      res.writeHead(200, { 'content-length': fs.statSync(file).size, etag: '"1"' });
      fs.createReadStream(file).pipe(res);
    } else res.writeHead(301, { location: `/moved${req.url}` }).end();
  }, true);
  const github = await serve((req, res) => res.writeHead(302, { location: `${objects.url}${req.url}` }).end(), true);
  try {
    const result = await downloadRelease({
      version: '1.2.2',
      platform: linux,
      downloadDir: freshDir(),
      source: { baseUrl: github.url, ca: certificates.caCert },
    });
    assert.equal(result.release.checksum.state, 'verified');
    assert.equal(result.release.checksum.sha256, built.sha256);
  } finally {
    await Promise.all([objects.close(), github.close()]);
  }
});

test(`refuses a body the server says is larger than ${MAX_ARCHIVE_BYTES / MIB} MiB before reading it`, async () => {
  const server = await serve((req, res) => {
    if (req.url?.endsWith('.sha256')) return notFound(res);
    res.writeHead(200, { 'content-length': MAX_ARCHIVE_BYTES + 1, etag: '"big"' });
    res.write(Buffer.alloc(1024));
  });
  try {
    const downloadDir = freshDir();
    const error = await refusedDownload(server.url, downloadDir);
    assert.equal(error.code, 'hostile-archive', error.message);
    assert.equal(error.details.reason, 'too-large');
    assert.equal(error.details.limit, MAX_ARCHIVE_BYTES);
    assert.match(error.message, /larger than 200 MB/);
    assert.deepEqual(everything(downloadDir), []);
  } finally {
    await server.close();
  }
});

test(
  'stops a body without end at the cap and deletes it (a zip, downloaded before it is unpacked)',
  { timeout: 60_000 },
  async () => {
    const server = await serve((req, res, send) => (req.url?.endsWith('.sha256') ? notFound(res) : endless(res, send)));
    await assertCutShort(server, 'too-large', { platform: parsePlatform('win-amd64')!, maxArchiveBytes: 4 * MIB });
  },
);

test(
  'stops the download as soon as the unpack refuses the archive, and keeps nothing for a resume',
  { timeout: 60_000 },
  async () => {
    const entries = [
      { name: 'istio-1.2.2/', type: 'directory' as const },
      { name: 'istio-1.2.2/bin', type: 'symlink' as const, linkName: '/usr/bin' },
      { name: 'istio-1.2.2/pad', data: 'x'.repeat(4 * MIB) },
    ];
    const hostile = gzip(rawTar(entries));
    // The hostile entry comes first; garbage follows for ever (the issue saw 8.5 GB of .part).
    const server = await serve((req, res, send) =>
      req.url?.endsWith('.sha256') ? notFound(res) : endless(res, send, hostile.subarray(0, hostile.length - 64)),
    );
    await assertCutShort(server, 'link-escape');
  },
);

test('refuses a .sha256 that is the checksum of another archive (osx for linux)', async () => {
  const root = path.join(work, 'wrong-name');
  const archive = await buildReleaseArchive({ root, version: '1.2.2' });
  // The right hash, under another archive's name: it verifies nothing about this one.
  fs.writeFileSync(archive.sha256File, sha256Line(archive.sha256, 'istio-1.0.0-osx.tar.gz', '1.2.2'));
  const wrong = await startReleaseMirror({ root });
  try {
    const downloadDir = freshDir();
    const error = await refusedDownload(wrong.url, downloadDir);
    assert.equal(error.code, 'checksum-unreadable', error.message);
    assert.equal(error.details.namedFile, 'istio-1.0.0-osx.tar.gz');
    assert.match(error.message, /not of istio-1\.2\.2-linux\.tar\.gz/);
    assert.deepEqual(everything(downloadDir), []);
    assert.equal(
      wrong.requests.some((r) => r.path.endsWith('.tar.gz')),
      false,
      'the archive was downloaded',
    );

    const local = await refusal(useLocalArchive({ file: archive.file, downloadDir }));
    assert.equal(local.code, 'checksum-unreadable');
    assert.deepEqual(everything(downloadDir), []);
  } finally {
    await wrong.close();
  }
});

test('a .sha256 that answers 404 leaves the release recorded as not verified', async () => {
  const server = await serve((req, res) => {
    if (req.url?.endsWith('.sha256')) return notFound(res);
    res.writeHead(200, { 'content-length': fs.statSync(built.file).size });
    fs.createReadStream(built.file).pipe(res);
  });
  try {
    const result = await downloadRelease({
      version: '1.2.2',
      platform: linux,
      downloadDir: freshDir(),
      source: { baseUrl: server.url },
    });
    assert.equal(result.release.checksum.state, 'not-published');
    assert.equal(result.publishedSha256, undefined);
  } finally {
    await server.close();
  }
});

test('deletes a .part that cannot be resumed: the server named no version of the file', async () => {
  const size = fs.statSync(built.file).size;
  const server = await serve((req, res) => {
    if (req.url?.endsWith('.sha256')) return notFound(res);
    // No ETag, no Last-Modified: If-Range cannot be asked, so a resume could splice two files.
    res.writeHead(200, { 'content-length': size });
    res.write(fs.readFileSync(built.file).subarray(0, size >> 1), () => res.destroy());
  });
  try {
    const downloadDir = freshDir();
    const error = await refusedDownload(server.url, downloadDir);
    assert.equal(error.code, 'interrupted', error.message);
    assert.deepEqual(everything(downloadDir), []);
    assert.equal(fs.existsSync(releaseDirectory(downloadDir, '1.2.2')), false);
  } finally {
    await server.close();
  }
});

test(
  'a file:// mirror that leads to a device (/dev/zero) is refused, not read for ever',
  { skip: process.platform === 'win32' },
  async () => {
    const root = path.join(work, 'device-mirror');
    fs.mkdirSync(path.join(root, '1.2.2'), { recursive: true });
    fs.symlinkSync('/dev/zero', path.join(root, '1.2.2', 'istio-1.2.2-linux.tar.gz'));
    const downloadDir = freshDir();
    const error = await refusedDownload(pathToFileURL(root).toString(), downloadDir);
    assert.equal(error.code, 'http-status', error.message);
    assert.match(error.message, /not a regular file/);
    assert.deepEqual(everything(downloadDir), []);
  },
);

test('a hostile local archive with a matching .sha256 is refused for its entry, not reported as a checksum mismatch', async () => {
  // With a matching .sha256 beside it, a hostile local archive is still refused for its entry.
  const dir = path.join(work, 'local-hostile');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'istio-1.2.2-linux.tar.gz');
  const archive = gzip(
    rawTar([
      { name: 'istio-1.2.2/', type: 'directory' },
      { name: 'istio-1.2.2/evil', type: 'symlink', linkName: '../../../../etc/passwd' },
      { name: 'istio-1.2.2/pad', data: 'x'.repeat(4 * MIB) },
    ]),
  );
  fs.writeFileSync(file, archive);
  fs.writeFileSync(
    `${file}.sha256`,
    sha256Line(createHash('sha256').update(archive).digest('hex'), 'istio-1.2.2-linux.tar.gz', '1.2.2'),
  );
  const error = await refusal(useLocalArchive({ file, downloadDir: freshDir() }));
  assert.equal(error.code, 'hostile-archive', error.message);
  assert.equal(error.details.reason, 'link-escape');
});
