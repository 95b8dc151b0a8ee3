// The .tar.gz unpack (node-tar's parser + TarEntryWriter) judged by GNU tar: the same archive
// unpacked by both gives the same tree — contents, modes, links, hardlinks and times — for many
// small files written side by side, one large file streamed, long names, a name that appears
// twice and a file that replaces a link. A write the file system refuses stops the unpack with
// nothing left behind.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { Pax } from 'tar';
import { gzip, rawTar } from '../../../scripts/lib/release-archive.mjs';
import { extractArchive } from '../../../src/lab/download/extract-archive';
import { refusal } from './release-refusal';

const top = 'istio-1.2.2';
let work: string;
before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-tar-writer-'));
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

/** What tar(1) and we must agree on, for every path under `root`; hardlinks name the first path of their inode. */
function snapshot(root: string): Record<string, string> {
  const byInode = new Map<number, string>();
  const result: Record<string, string> = {};
  for (const relative of fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).sort()) {
    const file = path.join(root, relative);
    const stat = fs.lstatSync(file);
    const mode = (stat.mode & 0o777).toString(8);
    if (stat.isSymbolicLink()) result[relative] = `link → ${fs.readlinkSync(file)}`;
    else if (stat.isDirectory()) result[relative] = `dir ${mode}`;
    else {
      const sha256 = createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 16);
      const first = byInode.get(stat.ino) ?? relative;
      byInode.set(stat.ino, first);
      result[relative] = `file ${mode} ${sha256} mtime ${Math.floor(stat.mtimeMs / 1000)} inode of ${first}`;
    }
  }
  return result;
}

/** Unpacks `archive` with extractArchive and with `tar xzf`; returns both trees. */
async function unpackBoth(
  name: string,
  archive: string,
): Promise<{ ours: Record<string, string>; tar: Record<string, string> }> {
  const ours = path.join(work, name, 'ours', top);
  const byTar = path.join(work, name, 'tar');
  fs.mkdirSync(byTar, { recursive: true });
  execFileSync('tar', ['xzf', archive, '-C', byTar]);
  await extractArchive({ archive, kind: 'tar.gz', target: ours });
  return { ours: snapshot(ours), tar: snapshot(path.join(byTar, top)) };
}

test('unpacks what GNU tar unpacks: 400 small files, a 3 MiB one, long names, links and hardlinks', async () => {
  const source = path.join(work, 'source');
  const release = path.join(source, top);
  const modes = [0o644, 0o755, 0o600, 0o444];
  const when = new Date('2019-06-18T10:00:00Z');
  for (let i = 0; i < 400; i++) {
    const directory = path.join(release, `d${i % 7}`, `e${i % 5}`, ...(i % 3 === 0 ? ['f'] : []));
    fs.mkdirSync(directory, { recursive: true });
    const file = path.join(directory, `file-${i}.yaml`);
    fs.writeFileSync(file, Buffer.alloc((i * 97) % 3000, `line ${i}\n`));
    fs.chmodSync(file, modes[i % modes.length]);
    fs.utimesSync(file, when, new Date(when.getTime() + i * 1000));
  }
  fs.writeFileSync(path.join(release, 'empty'), '');
  fs.mkdirSync(path.join(release, 'empty-dir'));
  fs.mkdirSync(path.join(release, 'private'), { mode: 0o750 });
  fs.writeFileSync(path.join(release, 'large.bin'), randomBytes(3 * 1024 * 1024));
  const long = path.join(release, 'samples', 'a'.repeat(60), 'b'.repeat(60), `${'c'.repeat(60)}.yaml`);
  fs.mkdirSync(path.dirname(long), { recursive: true });
  fs.writeFileSync(long, 'a path longer than a ustar header holds\n');
  fs.symlinkSync('../d1/e1/file-1.yaml', path.join(release, 'empty-dir', 'link'));
  fs.linkSync(path.join(release, 'd0', 'e0', 'f', 'file-0.yaml'), path.join(release, 'hardlink.yaml'));
  const archive = path.join(work, 'release.tar.gz');
  execFileSync('tar', ['czf', archive, '-C', source, top]);

  const { ours, tar } = await unpackBoth('release', archive);
  assert.ok(Object.keys(tar).length > 450, `the archive holds ${Object.keys(tar).length} paths`);
  assert.deepEqual(ours, tar);
});

test('a name that appears twice is the later entry; hardlinks made before and after keep their own', async () => {
  const archive = path.join(work, 'twice.tar.gz');
  fs.writeFileSync(
    archive,
    gzip(
      rawTar([
        { name: `${top}/`, type: 'directory' },
        { name: `${top}/a`, data: 'first' },
        { name: `${top}/before`, type: 'hardlink', linkName: `${top}/a` },
        { name: `${top}/a`, data: 'second' },
        { name: `${top}/after`, type: 'hardlink', linkName: `${top}/a` },
        { name: `${top}/link`, type: 'symlink', linkName: 'a' },
        { name: `${top}/link`, data: 'a file where the link was' },
      ]),
    ),
  );
  const { ours, tar } = await unpackBoth('twice', archive);
  assert.deepEqual(ours, tar);
  const written = path.join(work, 'twice', 'ours', top);
  assert.equal(fs.readFileSync(path.join(written, 'before'), 'utf8'), 'first');
  assert.equal(fs.readFileSync(path.join(written, 'after'), 'utf8'), 'second');
  assert.equal(fs.lstatSync(path.join(written, 'link')).isFile(), true);
});

test('a file the file system refuses stops the unpack, and nothing is left behind', async () => {
  const out = path.join(work, 'refused');
  const archive = path.join(work, 'refused.tar.gz');
  // A name of 300 bytes (pax header): valid tar, but more than a file name may have (ENAMETOOLONG).
  const tooLong = new Pax({ path: `${top}/${'n'.repeat(300)}` }).encode();
  const before = [...Array(50).keys()].map((i) => ({ name: `${top}/before-${i}`, data: `${i}` }));
  const later = [...Array(200).keys()].map((i) => ({ name: `${top}/later-${i}`, data: `${i}` }));
  fs.writeFileSync(
    archive,
    gzip(
      Buffer.concat([
        rawTar(before).subarray(0, -1024),
        tooLong,
        rawTar([{ name: `${top}/long`, data: 'x' }, ...later]),
      ]),
    ),
  );
  const error = await refusal(extractArchive({ archive, kind: 'tar.gz', target: path.join(out, top) }), 'the archive');
  assert.equal(error.code, 'corrupt-archive', error.message);
  assert.match(error.message, /ENAMETOOLONG/);
  assert.deepEqual(fs.readdirSync(out), [], 'a partial release or temporary directory was left');
});
