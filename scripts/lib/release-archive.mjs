// Test support: Istio release archives in the real layout, and a local mirror that serves them.
//
// buildReleaseArchive() writes `istio-<v>-<platform>.tar.gz` (or `-win.zip`) plus its `.sha256`
// under `<root>/<version>/`, the URL layout of GitHub's release downloads, so a mirror URL can
// replace `https://github.com/istio/istio/releases/download` and nothing else. File names come
// from the real listings in test/fixtures/istio/release-layout/ (1.2.3 for legacy releases,
// 1.26.1 for modern ones); the manifests (and a legacy release's Bookinfo samples) are the real
// ones from test/fixtures/istio/; every other file is a one-line placeholder that says so. `bin/istioctl` is a stand-in node script
// (it says so): `version`, `verify-install`, and for modern releases `install` /
// `manifest apply` apply the bundled real rendered demo manifest with `kubectl apply`.
//
// startReleaseMirror() serves such a directory on 127.0.0.1 with Range/If-Range, optional
// throttling, injected failures and a GitHub-shaped release list; startForwardProxy() is a
// minimal HTTP proxy (absolute-form GET and CONNECT) for proxy tests.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import * as tar from 'tar';

const here = path.dirname(fileURLToPath(import.meta.url));
export const fixturesDir = path.resolve(here, '..', '..', 'test', 'fixtures', 'istio');

// ---------------------------------------------------------------------------------------------
// Names

const compare = (a, b) => {
  const pa = a.split(/[.-]/).map(Number);
  const pb = b.split(/[.-]/).map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] || 0) !== (pb[i] || 0)) return (pa[i] || 0) - (pb[i] || 0);
  return 0;
};
const before = (version, floor) => compare(version, floor) < 0;

/** The archive name Istio publishes for a version and platform (`linux-amd64`, `osx-arm64`, `win-amd64`). */
export function archiveFileNameFor(version, platform = 'linux-amd64') {
  const [os_, arch = 'amd64'] = platform.split('-');
  if (os_ === 'win') return `istio-${version}-win.zip`;
  if (os_ === 'osx')
    return arch === 'arm64' && !before(version, '1.10.0')
      ? `istio-${version}-osx-arm64.tar.gz`
      : `istio-${version}-osx.tar.gz`;
  return before(version, '1.6.0') ? `istio-${version}-linux.tar.gz` : `istio-${version}-linux-${arch}.tar.gz`;
}

/** Releases up to 1.4 ship `install/kubernetes/istio-demo.yaml`; later ones `manifests/` and istioctl install. */
export const isLegacyRelease = (version) => before(version, '1.5.0');

// ---------------------------------------------------------------------------------------------
// Release content

function listedFiles(listing) {
  return fs
    .readFileSync(path.join(fixturesDir, 'release-layout', listing), 'utf8')
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.split('\t')[1]);
}

const placeholder = (version, file) =>
  `Placeholder for ${file} of Istio ${version}, written by Istio Lab's test archive builder; not the real file.\n`;

function pickFixture(kind, version, file) {
  const exact = path.join(fixturesDir, kind, `istio-${version}`, file);
  if (fs.existsSync(exact)) return exact;
  return path.join(fixturesDir, kind, kind === 'legacy' ? 'istio-1.2.2' : 'istio-1.26.1', file);
}

/** Where the stand-in finds the rendered demo manifest of a modern release (relative to the release root). */
export const STAND_IN_DEMO = 'manifests/istio-lab-stand-in/demo-rendered.yaml';

/** The files of a release: Map of relative path → { content?: Buffer|string, source?: path, mode? }. */
function releaseFiles(version, platform) {
  const files = new Map();
  const windows = platform.startsWith('win');
  const add = (file, entry) => files.set(file, entry);
  if (isLegacyRelease(version)) {
    for (const file of listedFiles('istio-1.2.3-files.txt')) add(file, { content: placeholder(version, file) });
    add('install/kubernetes/istio-demo.yaml', { source: pickFixture('legacy', version, 'istio-demo.yaml') });
    for (const crd of fs.readdirSync(path.join(fixturesDir, 'legacy', 'istio-1.2.2', 'crds'))) {
      add(`install/kubernetes/helm/istio-init/files/${crd}`, {
        source: path.join(fixturesDir, 'legacy', 'istio-1.2.2', 'crds', crd),
      });
    }
    // The lab's sample app (step 6), real: samples/bookinfo/platform/kube/bookinfo.yaml and its gateway.
    const samples = path.join(fixturesDir, 'legacy', 'istio-1.2.2', 'samples');
    for (const file of fs.readdirSync(samples, { recursive: true })) {
      if (fs.statSync(path.join(samples, file)).isFile())
        add(`samples/${file.split(path.sep).join('/')}`, { source: path.join(samples, file) });
    }
    const versionFile = fs.readFileSync(path.join(fixturesDir, 'release-layout', 'istio-1.2.3-istio.VERSION'), 'utf8');
    add('istio.VERSION', { content: versionFile.replaceAll('1.2.3', version) });
  } else {
    for (const file of listedFiles('istio-1.26.1-files.txt')) add(file, { content: placeholder(version, file) });
    const manifest = fs.readFileSync(path.join(fixturesDir, 'release-layout', 'istio-1.26.1-manifest.yaml'), 'utf8');
    add('manifest.yaml', { content: manifest.replace(/^version: .*$/m, `version: ${version}`) });
    add(STAND_IN_DEMO, { source: pickFixture('modern', version, 'demo.yaml') });
  }
  files.delete('bin/istioctl');
  if (windows) add('bin/istioctl.exe', { content: placeholder(version, 'bin/istioctl.exe'), mode: 0o755 });
  else add('bin/istioctl', { content: standInIstioctl(version), mode: 0o755 });
  return files;
}

/** The stand-in istioctl: a node script that behaves like the release's istioctl for the lab's commands. */
export function standInIstioctl(version) {
  const legacy = isLegacyRelease(version);
  return `#!/usr/bin/env node
// Istio Lab stand-in for istioctl ${version}: NOT the real istioctl. Written by Istio Lab's test
// archive builder (scripts/lib/release-archive.mjs) so tests can run the lab's commands offline.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const VERSION = ${JSON.stringify(version)};
const LEGACY = ${legacy};
const HAS_INSTALL = ${!before(version, '1.6.0')};
const HAS_MANIFEST_APPLY = ${!before(version, '1.4.0') && before(version, '1.7.0')};
const HAS_VERIFY_INSTALL = ${before(version, '1.24.0')};
const NOTE = '(Istio Lab stand-in, not the real istioctl)';
const DEMO = path.join(__dirname, '..', ${JSON.stringify(STAND_IN_DEMO)});
const args = process.argv.slice(2);
const flags = [];
for (const name of ['--kubeconfig', '--context']) {
  const i = args.indexOf(name);
  if (i >= 0) flags.push(name, args[i + 1]);
  const joined = args.find((a) => a.startsWith(name + '='));
  if (joined) flags.push(joined);
}
const words = args.filter((a, i) => !a.startsWith('-') && !['--kubeconfig', '--context', '--set', '-f', '--filename'].includes(args[i - 1]));

function kubectl(rest, quiet) {
  const run = spawnSync('kubectl', [...flags, ...rest], { encoding: 'utf8' });
  if (run.error) { console.error('Error: could not run kubectl: ' + run.error.message + ' ' + NOTE); process.exit(1); }
  if (!quiet) { process.stdout.write(run.stdout); process.stderr.write(run.stderr); }
  return run;
}

function applyDemo() {
  if (!args.some((a) => a === 'profile=demo' || a === '--set=profile=demo')) {
    console.error('Error: this stand-in only installs the demo profile (--set profile=demo) ' + NOTE);
    process.exit(1);
  }
  console.log('This will install the Istio ' + VERSION + ' profile "demo" into the cluster. ' + NOTE);
  kubectl(['create', 'namespace', 'istio-system'], true);
  let run = kubectl(['apply', '-f', DEMO], false);
  if (run.status !== 0 && /no matches for kind/.test(run.stderr)) {
    // Like the real istioctl, wait for the CRDs before the resources of their kinds.
    kubectl(['wait', '--for', 'condition=established', 'crd', '--all', '--timeout=60s'], true);
    run = kubectl(['apply', '-f', DEMO], false);
  }
  if (run.status !== 0) { console.error('Error: failed to apply the demo manifest ' + NOTE); process.exit(run.status || 1); }
  console.log('\\u2714 Installation complete ' + NOTE);
}

const [command, sub] = words;
if (command === 'version') {
  console.log((LEGACY ? 'version.BuildInfo{Version:"' + VERSION + '"} ' : 'client version: ' + VERSION + ' ') + NOTE);
} else if (command === 'verify-install' && HAS_VERIFY_INSTALL) {
  console.log('Checking the cluster to make sure it is ready for Istio installation... ' + NOTE);
  console.log('');
  console.log('Install Pre-Check passed! (stand-in result: nothing was checked) ' + NOTE);
} else if (command === 'x' && sub === 'precheck' && !LEGACY) {
  console.log('\\u2714 No issues found when checking the cluster. (stand-in result: nothing was checked) ' + NOTE);
} else if (command === 'install' && HAS_INSTALL) {
  applyDemo();
} else if (command === 'manifest' && sub === 'apply' && HAS_MANIFEST_APPLY) {
  applyDemo();
} else if (command === 'manifest' && sub === 'generate' && !LEGACY) {
  process.stdout.write(require('node:fs').readFileSync(DEMO, 'utf8'));
} else if (command === 'uninstall' && HAS_INSTALL) {
  kubectl(['delete', '-f', DEMO, '--ignore-not-found'], false);
  kubectl(['delete', 'namespace', 'istio-system', '--ignore-not-found'], false);
  console.log('\\u2714 Uninstall complete ' + NOTE);
} else {
  console.error('Error: unknown command "' + (words.join(' ') || '') + '" for "istioctl" ' + NOTE);
  process.exit(1);
}
`;
}

// ---------------------------------------------------------------------------------------------
// Archive writers

const sha256Of = (file) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/**
 * The `.sha256` sidecar in the format of the release's era: coreutils' two spaces up to 1.2
 * (sha256sum), release-builder's one space after.
 */
export function sha256Line(sha256, fileName, version) {
  return before(version, '1.3.0') ? `${sha256}  ${fileName}\n` : `${sha256} ${fileName}\n`;
}

function writeIncompressible(file, bytes) {
  const fd = fs.openSync(file, 'w');
  const block = 1024 * 1024;
  for (let written = 0; written < bytes; written += block)
    fs.writeSync(fd, randomBytes(Math.min(block, bytes - written)));
  fs.closeSync(fd);
}

/**
 * Builds a release archive under `<root>/<version>/` and its `.sha256` (unless `sha256: false`).
 * Options: version (default 1.2.2), platform (`linux-amd64`), padBytes (incompressible filler in
 * `tools/istio-lab-padding.bin`, for benchmarks). Returns { file, fileName, sha256File, sha256, topDirectory, url(base) }.
 */
export async function buildReleaseArchive({
  root,
  version = '1.2.2',
  platform = 'linux-amd64',
  padBytes = 0,
  sha256 = true,
} = {}) {
  const fileName = archiveFileNameFor(version, platform);
  const dir = path.join(root, version);
  fs.mkdirSync(dir, { recursive: true });
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-stage-'));
  const top = `istio-${version}`;
  try {
    for (const [file, entry] of releaseFiles(version, platform)) {
      const target = path.join(stage, top, file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      if (entry.source) fs.copyFileSync(entry.source, target);
      else fs.writeFileSync(target, entry.content);
      fs.chmodSync(target, entry.mode ?? 0o644);
    }
    if (padBytes > 0) writeIncompressible(path.join(stage, top, 'tools', 'istio-lab-padding.bin'), padBytes);
    const file = path.join(dir, fileName);
    if (fileName.endsWith('.zip')) fs.writeFileSync(file, zipFromDirectory(stage, top));
    else await tar.c({ gzip: true, file, cwd: stage, portable: true }, [top]);
    const hash = sha256Of(file);
    const sha256File = `${file}.sha256`;
    if (sha256) fs.writeFileSync(sha256File, sha256Line(hash, fileName, version));
    else fs.rmSync(sha256File, { force: true });
    return { file, fileName, sha256File, sha256: hash, topDirectory: top };
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

function walk(dir, base = '') {
  return fs.readdirSync(path.join(dir, base), { withFileTypes: true }).flatMap((entry) => {
    const relative = base ? `${base}/${entry.name}` : entry.name;
    return entry.isDirectory()
      ? [{ name: `${relative}/`, type: 'directory' }, ...walk(dir, relative)]
      : [
          {
            name: relative,
            type: 'file',
            data: fs.readFileSync(path.join(dir, relative)),
            mode: fs.statSync(path.join(dir, relative)).mode & 0o777,
          },
        ];
  });
}

function zipFromDirectory(stage, top) {
  return rawZip([{ name: `${top}/`, type: 'directory' }, ...walk(stage, top)]);
}

const TAR_TYPES = {
  file: 'File',
  directory: 'Directory',
  symlink: 'SymbolicLink',
  hardlink: 'Link',
  chardev: 'CharacterDevice',
  blockdev: 'BlockDevice',
  fifo: 'FIFO',
};

/**
 * A tar stream from raw entries, exactly as given (no sanitising): [{ name, type = 'file',
 * data, linkName, mode }] with type one of file, directory, symlink, hardlink, chardev,
 * blockdev, fifo. For hostile-archive tests.
 */
export function rawTar(entries) {
  const blocks = [];
  for (const entry of entries) {
    const data = entry.data === undefined ? Buffer.alloc(0) : Buffer.from(entry.data);
    const type = TAR_TYPES[entry.type ?? 'file'];
    const header = new tar.Header({
      path: entry.name,
      type,
      mode: entry.mode ?? (type === 'Directory' ? 0o755 : 0o644),
      size: type === 'File' ? data.length : 0,
      linkpath: entry.linkName,
      mtime: new Date(0),
      uid: 0,
      gid: 0,
    });
    const block = Buffer.alloc(512);
    header.encode(block);
    blocks.push(block);
    if (type === 'File' && data.length > 0) {
      blocks.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

export const gzip = (buffer) => zlib.gzipSync(buffer);

// 1980-01-01 00:00, the earliest DOS date (time 0 in the low half).
const DOS_DATE_1980 = (0 << 9) | (1 << 5) | 1;
const S_IF = { file: 0o100000, directory: 0o040000, symlink: 0o120000, chardev: 0o020000, fifo: 0o010000 };

/** A zip (stored entries, Unix attributes) from raw entries [{ name, type = 'file', data, mode }]; names are not sanitised. */
export function rawZip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    const name = Buffer.from(entry.name, 'utf8');
    const data = entry.data === undefined ? Buffer.alloc(0) : Buffer.from(entry.data);
    const crc = zlib.crc32(data);
    const attributes = ((S_IF[type] | (entry.mode ?? (type === 'directory' ? 0o755 : 0o644))) << 16) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt32LE(DOS_DATE_1980 << 16, 10);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt32LE(DOS_DATE_1980 << 16, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(attributes, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const centralSize = centrals.reduce((sum, b) => sum + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

// ---------------------------------------------------------------------------------------------
// Mirror

/**
 * Serves `root` on 127.0.0.1: GET/HEAD `/<version>/<file>` with Accept-Ranges, Range, If-Range and
 * ETag; `/repos/istio/istio/releases` answers `releases` (GitHub API shape). Options:
 * throttleBytesPerSecond. Returns { url, requests, interruptNext(bytes), failNext(status, times), close() }.
 */
export async function startReleaseMirror({ root, throttleBytesPerSecond = 0, releases = [] } = {}) {
  const requests = [];
  let interruptAfter;
  const failures = [];
  const sockets = new Set();
  // A request the handler cannot serve is answered (or its connection closed), never left to kill
  // the process as an unhandled rejection.
  const server = http.createServer((req, res) => {
    serve(req, res).catch(() => {
      if (res.headersSent) res.destroy();
      else res.writeHead(500, { 'content-type': 'text/plain' }).end('mirror: internal error\n');
    });
  });
  async function serve(req, res) {
    const record = { method: req.method, path: req.url, range: req.headers.range, ifRange: req.headers['if-range'] };
    requests.push(record);
    const answer = (status, body = '', headers = {}) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body), ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    let url;
    let relative;
    try {
      url = new URL(req.url, 'http://mirror');
      relative = decodeURIComponent(url.pathname).replace(/^\/+/, '');
    } catch {
      // `GET /%E0%A4%A`: a malformed percent-encoding is the client's error.
      return answer(400, 'Bad Request: the path is not a valid URL path\n');
    }
    record.path = url.pathname;
    if (failures.length) {
      const status = failures.shift();
      return answer(status, `mirror: injected HTTP ${status}\n`);
    }
    if (url.pathname === '/repos/istio/istio/releases') {
      return answer(200, JSON.stringify(releases), { 'content-type': 'application/json' });
    }
    const file = path.resolve(root, relative);
    if (!file.startsWith(path.resolve(root) + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      return answer(404, 'Not Found\n');
    }
    const stat = fs.statSync(file);
    const etag = `"${stat.size}-${Math.round(stat.mtimeMs)}"`;
    let start = 0;
    let end = stat.size - 1;
    let status = 200;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const ifRange = req.headers['if-range'];
    if (range && (!ifRange || ifRange === etag)) {
      start = Number(range[1]);
      if (range[2]) end = Math.min(end, Number(range[2]));
      if (start > end) return answer(416, 'Range Not Satisfiable\n', { 'content-range': `bytes */${stat.size}` });
      status = 206;
    }
    record.status = status;
    res.writeHead(status, {
      'content-type': 'application/octet-stream',
      'content-length': end - start + 1,
      'accept-ranges': 'bytes',
      etag,
      'last-modified': stat.mtime.toUTCString(),
      ...(status === 206 ? { 'content-range': `bytes ${start}-${end}/${stat.size}` } : {}),
    });
    if (req.method === 'HEAD') return res.end();
    // The cut applies to the next answer long enough to be cut (not to a small .sha256).
    const cut = interruptAfter !== undefined && end - start + 1 > interruptAfter ? interruptAfter : undefined;
    if (cut !== undefined) interruptAfter = undefined;
    let sent = 0;
    const started = Date.now();
    const stream = fs.createReadStream(file, { start, end, highWaterMark: 64 * 1024 });
    for await (const chunk of stream) {
      if (cut !== undefined && sent + chunk.length >= cut) {
        res.write(chunk.subarray(0, Math.max(0, cut - sent)));
        // Let the bytes leave, then close the connection mid-body (FIN after the data, not a reset).
        await new Promise((resolve) => res.write('', resolve));
        stream.destroy();
        req.socket.end();
        return;
      }
      if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
      sent += chunk.length;
      if (throttleBytesPerSecond > 0) {
        const due = started + (sent / throttleBytesPerSecond) * 1000;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      if (res.destroyed) return stream.destroy();
    }
    res.end();
  }
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** The next file answer longer than `bytes` stops after `bytes` bytes of body and drops the connection. */
    interruptNext(bytes) {
      interruptAfter = bytes;
    },
    /** The next `times` requests answer `status`. */
    failNext(status, times = 1) {
      for (let i = 0; i < times; i++) failures.push(status);
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A minimal forward proxy on 127.0.0.1: absolute-form GET and CONNECT tunnels; records what it was asked. */
export async function startForwardProxy() {
  const requests = [];
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method, url: req.url });
    const target = new URL(req.url);
    const upstream = http.request(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req, client, head) => {
    requests.push({ method: 'CONNECT', url: req.url });
    const [host, port] = req.url.split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
