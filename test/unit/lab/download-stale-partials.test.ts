// Temporary unpack directories left by a killed extension host are removed at the next unpack;
// those of running unpacks are not. The kill is real: a child process unpacking from a stream
// that never ends gets SIGKILL.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import type { BuiltArchive } from '../../../scripts/lib/release-archive.mjs';
import { buildReleaseArchive } from '../../../scripts/lib/release-archive.mjs';
import { useLocalArchive } from '../../../src/lab/download/release-download';
import { removeStalePartials } from '../../../src/lab/download/stale-partials';

let work: string;
let built: BuiltArchive;
before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-stale-'));
  built = await buildReleaseArchive({ root: path.join(work, 'mirror'), version: '1.2.2' });
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

const partials = (dir: string): string[] =>
  fs
    .readdirSync(dir)
    .filter((name) => name.includes('.partial-'))
    .sort();

test('a partial directory left by a killed unpack is removed by the next one', { timeout: 60_000 }, async () => {
  const downloadDir = path.join(work, 'killed');
  fs.mkdirSync(downloadDir);
  const watcher = fs.watch(downloadDir);
  const extractor = pathToFileURL(path.resolve('src/lab/download/extract-archive.ts')).toString();
  const script = `const loaded = await import(${JSON.stringify(extractor)});
const { extractArchive } = loaded.extractArchive ? loaded : loaded.default;
await extractArchive({ archive: 'istio-1.2.2-linux.tar.gz', kind: 'tar.gz', target: ${JSON.stringify(path.join(downloadDir, 'istio-1.2.2'))}, source: process.stdin });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  const exited = once(child, 'exit');
  let name: string;
  try {
    const appeared = new Promise<string>((resolve) => {
      watcher.on('change', (_event, file) => {
        if (typeof file === 'string' && file.includes('.partial-')) resolve(file);
      });
    });
    // Half the archive, and the stream stays open: the unpack is under way when it is killed.
    const bytes = fs.readFileSync(built.file);
    child.stdin!.write(bytes.subarray(0, bytes.length >> 1));
    const first = await Promise.race([appeared, exited.then(() => undefined)]);
    assert.ok(first, 'the unpacking process ended before it made its directory');
    name = first;
  } finally {
    watcher.close();
  }
  assert.match(name, new RegExp(`^\\.istio-1\\.2\\.2\\.partial-${child.pid}-`));
  child.kill('SIGKILL');
  await exited;
  assert.deepEqual(partials(downloadDir), [name], 'the killed unpack did not leave its directory');

  await useLocalArchive({ file: built.file, downloadDir });
  assert.deepEqual(partials(downloadDir), []);
  assert.ok(fs.existsSync(path.join(downloadDir, 'istio-1.2.2', 'bin', 'istioctl')));
});

test('keeps the partial directories of running unpacks and anything not clearly its own', async () => {
  const downloadDir = path.join(work, 'kept');
  fs.mkdirSync(downloadDir);
  const make = (name: string, ageMs = 0): void => {
    fs.mkdirSync(path.join(downloadDir, name, 'istio-1.2.2'), { recursive: true });
    const when = new Date(Date.now() - ageMs);
    fs.utimesSync(path.join(downloadDir, name), when, when);
  };
  const hour = 60 * 60 * 1000;
  make(`.istio-1.2.2.partial-${process.pid}-aaaaaa`); // this process is running: in use
  make(`.istio-1.2.2.partial-${process.pid}-bbbbbb`, 25 * hour); // a day old: no unpack lasts that long
  make('.istio-1.2.2.partial-cccccc', 10 * 60 * 1000); // an earlier version's name, ten minutes old
  make('.istio-1.2.2.partial-dddddd', 2 * hour); // the same, two hours old
  make('.istio-1.2.2.partial-not-ours', 48 * hour); // not our name
  fs.writeFileSync(path.join(downloadDir, '.istio-1.2.2.partial-eeeeee'), 'a file, not our directory');
  const when = new Date(Date.now() - 48 * hour);
  fs.utimesSync(path.join(downloadDir, '.istio-1.2.2.partial-eeeeee'), when, when);

  const removed = await removeStalePartials(downloadDir);
  assert.deepEqual(removed.sort(), [`.istio-1.2.2.partial-${process.pid}-bbbbbb`, '.istio-1.2.2.partial-dddddd']);
  assert.deepEqual(partials(downloadDir), [
    `.istio-1.2.2.partial-${process.pid}-aaaaaa`,
    '.istio-1.2.2.partial-cccccc',
    '.istio-1.2.2.partial-eeeeee',
    '.istio-1.2.2.partial-not-ours',
  ]);
});
