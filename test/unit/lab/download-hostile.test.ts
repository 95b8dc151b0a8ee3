// Hostile and damaged archives: each is rejected with nothing written outside the target and no
// partial release directory left, whatever the entry that gives it away.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import type { RawEntry } from '../../../scripts/lib/release-archive.mjs';
import { buildReleaseArchive, gzip, rawTar, rawZip } from '../../../scripts/lib/release-archive.mjs';
import { DEFAULT_ENTRY_LIMITS } from '../../../src/lab/download/entry-guard';
import { extractArchive } from '../../../src/lab/download/extract-archive';
import { useLocalArchive } from '../../../src/lab/download/release-download';
import { ReleaseError } from '../../../src/lab/download/release-error';

let work: string;
before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-hostile-'));
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

const top = 'istio-1.2.2';
const dir = (name: string): RawEntry => ({ name, type: 'directory' });
const file = (name: string, data = 'x'): RawEntry => ({ name, data });
/** A symbolic link to `target`: a tar keeps it as the link name, a zip as the entry's data. */
const symlink = (name: string, target: string): RawEntry => ({ name, type: 'symlink', linkName: target, data: target });
const hardlink = (name: string, target: string): RawEntry => ({ name, type: 'hardlink', linkName: target });

/** Every path under `root` (relative), to prove what was and was not written. */
function tree(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).sort();
}

interface Case {
  readonly archive: Buffer;
  readonly kind?: 'tar.gz' | 'zip';
}

/** Extracts into a fresh `<case>/out/istio-1.2.2`; returns the error and what exists around it afterwards. */
async function extractCase(
  name: string,
  { archive, kind = 'tar.gz' }: Case,
): Promise<{ error: ReleaseError; around: string[]; outside: string }> {
  const base = path.join(work, name);
  const outside = path.join(base, 'outside');
  fs.mkdirSync(path.join(base, 'in'), { recursive: true });
  fs.mkdirSync(outside, { recursive: true });
  const archiveFile = path.join(base, 'in', kind === 'zip' ? 'istio-1.2.2-win.zip' : 'istio-1.2.2-linux.tar.gz');
  fs.writeFileSync(archiveFile, archive);
  const target = path.join(base, 'out', 'nested', top);
  try {
    await extractArchive({ archive: archiveFile, kind, target });
  } catch (error) {
    assert.ok(error instanceof ReleaseError, `expected a ReleaseError, got ${String(error)}`);
    return { error, around: tree(path.join(base, 'out')), outside };
  }
  assert.fail(`${name}: the archive was accepted`);
}

async function assertRejected(name: string, archive: Case, code: string, reason?: string): Promise<void> {
  const { error, around, outside } = await extractCase(name, archive);
  assert.equal(error.code, code, error.message);
  if (reason) assert.equal(error.details.reason, reason, error.message);
  assert.deepEqual(around, ['nested'], 'a partial release directory or temporary directory was left');
  assert.deepEqual(tree(outside), [], 'something was written outside the target');
}

/** A .tar.gz of the release's top directory and `entries`. */
const tarOf = (...entries: RawEntry[]): Case => ({ archive: gzip(rawTar([dir(`${top}/`), ...entries])) });
/** A Windows .zip of the release's top directory and `entries`. */
const zipOf = (...entries: RawEntry[]): Case => ({ kind: 'zip', archive: rawZip([dir(`${top}/`), ...entries]) });
/** `assertRejected` for an archive refused as hostile, for `reason`. */
const assertHostile = (name: string, archive: Case, reason: string): Promise<void> =>
  assertRejected(name, archive, 'hostile-archive', reason);

test('rejects a "../" path that climbs out of the target', async () => {
  const archive = tarOf(file(`${top}/bin/istioctl`), file(`${top}/../../../outside/evil.txt`));
  await assertHostile('traversal', archive, 'path-traversal');
});

test('rejects an absolute path', async () => {
  const evil = path.join(work, 'absolute', 'outside', 'evil.txt');
  await assertHostile('absolute', tarOf(file(evil)), 'absolute-path');
  assert.equal(fs.existsSync(evil), false);
});

test('rejects a symlink that points outside the release, before anything is written through it', async () => {
  const outside = path.join(work, 'symlink', 'outside');
  const archive = tarOf(symlink(`${top}/bin`, '../../../outside'), file(`${top}/bin/istioctl`, 'payload'));
  await assertHostile('symlink', archive, 'link-escape');
  assert.equal(fs.existsSync(path.join(outside, 'istioctl')), false);
});

test('rejects a symlink with an absolute target', async () => {
  await assertHostile('symlink-absolute', tarOf(symlink(`${top}/etc`, '/etc')), 'link-escape');
});

test('rejects a symlink that leaves the release directory for a sibling', async () => {
  const archive = tarOf(dir('other/'), file('other/secret'), symlink(`${top}/secret`, '../other/secret'));
  await assertHostile('symlink-sibling', archive, 'link-escape');
});

test('rejects a hardlink to a file outside the archive', async () => {
  await assertHostile('hardlink', tarOf(hardlink(`${top}/passwd`, '../../etc/passwd')), 'link-escape');
  await assertHostile('hardlink-absolute', tarOf(hardlink(`${top}/passwd`, '/etc/passwd')), 'link-escape');
});

test('rejects a file where the archive needs a directory', async () => {
  const archive = tarOf(file(`${top}/bin`), file(`${top}/bin/istioctl`));
  await assertHostile('file-for-dir', archive, 'file-where-directory-expected');
});

test('rejects device files and FIFOs', async () => {
  await assertHostile('chardev', tarOf({ name: `${top}/null`, type: 'chardev' }), 'special-file');
  await assertHostile('fifo', tarOf({ name: `${top}/pipe`, type: 'fifo' }), 'special-file');
});

test(`rejects an archive of 100,000 entries (the cap is ${DEFAULT_ENTRY_LIMITS.maxEntries})`, async () => {
  const entries: RawEntry[] = [dir(`${top}/`)];
  for (let i = 0; i < 100_000; i++) entries.push({ name: `${top}/f/${i}` });
  await assertHostile('many', { archive: gzip(rawTar(entries)) }, 'too-many-entries');
});

test('rejects a truncated gzip', async () => {
  const base = path.join(work, 'truncated-source');
  const built = await buildReleaseArchive({ root: base, version: '1.2.2' });
  const whole = fs.readFileSync(built.file);
  await assertRejected('truncated', { archive: whole.subarray(0, Math.floor(whole.length * 0.6)) }, 'corrupt-archive');
});

test('rejects zip entries that climb out, are absolute, or link outside', async () => {
  await assertHostile('zip-traversal', zipOf(file(`${top}/../../outside/evil.txt`)), 'path-traversal');
  await assertHostile('zip-absolute', zipOf(file('/tmp/evil.txt')), 'absolute-path');
  const linkOut = zipOf(symlink(`${top}/bin`, '../../outside'), file(`${top}/bin/istioctl`));
  await assertHostile('zip-symlink', linkOut, 'link-escape');
  await assertHostile('zip-fifo', zipOf({ name: `${top}/pipe`, type: 'fifo' }), 'special-file');
});

test('rejects a truncated zip', async () => {
  const zip = zipOf(file(`${top}/bin/istioctl.exe`, 'x'.repeat(5000)));
  await assertRejected('zip-truncated', { ...zip, archive: zip.archive.subarray(0, 3000) }, 'corrupt-archive');
});

test('keeps a symlink that stays inside the release', async () => {
  const base = path.join(work, 'inner-link');
  fs.mkdirSync(base, { recursive: true });
  const archive = path.join(base, 'a.tar.gz');
  fs.writeFileSync(
    archive,
    tarOf(file(`${top}/samples/a.yaml`, 'a'), symlink(`${top}/samples/b.yaml`, 'a.yaml')).archive,
  );
  const target = path.join(base, top);
  await extractArchive({ archive, kind: 'tar.gz', target });
  assert.equal(fs.readlinkSync(path.join(target, 'samples/b.yaml')), 'a.yaml');
  assert.equal(fs.readFileSync(path.join(target, 'samples/b.yaml'), 'utf8'), 'a');
});

test('a hostile archive used as a local archive leaves the download folder as it was', async () => {
  const base = path.join(work, 'local');
  fs.mkdirSync(base, { recursive: true });
  const archive = path.join(base, 'istio-1.2.2-linux.tar.gz');
  fs.writeFileSync(archive, tarOf(file(`${top}/../evil`)).archive);
  const downloadDir = path.join(base, 'downloads');
  await assert.rejects(
    useLocalArchive({ file: archive, downloadDir }),
    (error: ReleaseError) => error.code === 'hostile-archive',
  );
  assert.deepEqual(tree(downloadDir), []);
  assert.equal(fs.existsSync(path.join(base, 'evil')), false);
});

test('a byte stream that failed or closed before the unpacking listened ends it, leaving nothing behind', async () => {
  // A download that fails while the temporary directory is being made: its stream is gone first.
  const failed = new PassThrough();
  failed.on('error', () => undefined);
  failed.destroy(new Error('the request failed'));
  const out = path.join(work, 'early-close', 'out');
  const target = path.join(out, top);
  await assert.rejects(
    extractArchive({ archive: 'istio-1.2.2-linux.tar.gz', kind: 'tar.gz', target, source: failed }),
    /the request failed/,
  );
  const closed = new PassThrough();
  closed.destroy();
  await assert.rejects(
    extractArchive({ archive: 'istio-1.2.2-linux.tar.gz', kind: 'tar.gz', target, source: closed }),
    /ended before it was complete/,
  );
  // Closed half way through, without an error.
  const halfway = new PassThrough();
  const extraction = extractArchive({ archive: 'istio-1.2.2-linux.tar.gz', kind: 'tar.gz', target, source: halfway });
  const { archive } = tarOf(file(`${top}/bin/istioctl`, 'x'.repeat(100_000)));
  halfway.write(archive.subarray(0, archive.length >> 1));
  setTimeout(() => halfway.destroy(), 50);
  await assert.rejects(extraction, /ended before it was complete/);
  assert.deepEqual(tree(out), [], 'a partial release directory or temporary directory was left');
});

// Links that stay inside "on paper": `..` after a link climbs from where the link leads. In every
// case below, `outside/` sits four levels above the release's top directory inside the extraction
// (`<case>/out/nested/.istio-1.2.2.partial-…/istio-1.2.2/`), and `d1/d2/d3/a → ../../..` leads to
// that top directory, so `d1/d2/d3/a/../../../..` is `<case>/` on disk but `istio-1.2.2/` lexically.
const toRoot = symlink(`${top}/d1/d2/d3/a`, '../../..');
const throughRoot = 'd1/d2/d3/a/../../../../outside/evil';

for (const kind of ['zip', 'tar.gz'] as const) {
  const pack = kind === 'zip' ? zipOf : tarOf;

  test(`${kind}: refuses a link that leads outside through an earlier link, and writes nothing through it`, async () => {
    // The attack of issue 13: A → release root; B inside on paper, out through A; then a file named B.
    const archive = pack(toRoot, symlink(`${top}/b`, throughRoot), file(`${top}/b`, 'written through the link'));
    const { error, outside } = await extractCase(`through-${kind}`, archive);
    assert.equal(error.code, 'hostile-archive', error.message);
    assert.equal(error.details.reason, 'link-escape');
    assert.equal(error.details.entry, `${top}/b`);
    assert.match(error.message, /links in the archive/);
    assert.deepEqual(tree(outside), [], 'the file was written through the link');
  });

  test(`${kind}: refuses a link that leads outside only once a later link exists`, async () => {
    // Checked alone, `b` passes: `d1/d2/d3/a` is not a link yet when `b` arrives.
    await assertHostile(`later-${kind}`, pack(symlink(`${top}/b`, throughRoot), toRoot), 'link-escape');
  });

  test(`${kind}: refuses a manifest that is a link to a file outside the release`, async () => {
    // Install would read and apply whatever `istio-demo.yaml` leads to.
    const manifest = symlink(
      `${top}/install/kubernetes/istio-demo.yaml`,
      `../../${throughRoot.replace('evil', 'cluster-admin.yaml')}`,
    );
    await assertHostile(`manifest-${kind}`, pack(toRoot, manifest), 'link-escape');
  });

  test(`${kind}: a file that replaces a link is written as a new file, not through the link`, async () => {
    const base = path.join(work, `replace-${kind}`);
    fs.mkdirSync(base, { recursive: true });
    const archive = path.join(base, kind === 'zip' ? 'istio-1.2.2-win.zip' : 'istio-1.2.2-linux.tar.gz');
    const entries = [
      file(`${top}/kept.yaml`, 'kept'),
      symlink(`${top}/x.yaml`, 'kept.yaml'),
      file(`${top}/x.yaml`, 'replaced'),
    ];
    fs.writeFileSync(archive, pack(...entries).archive);
    const target = path.join(base, top);
    await extractArchive({ archive, kind, target });
    assert.equal(fs.lstatSync(path.join(target, 'x.yaml')).isFile(), true, 'x.yaml is still a link');
    assert.equal(fs.readFileSync(path.join(target, 'x.yaml'), 'utf8'), 'replaced');
    assert.equal(fs.readFileSync(path.join(target, 'kept.yaml'), 'utf8'), 'kept');
  });
}
