// Archives built to exhaust the extension host: data after the tar's end marker, and gzip bombs
// (about 1 MB that inflates to 1 GB). Each is generated here from concatenated gzip members, which
// gunzip reads as one stream; the outcome is asserted (unpacked or refused, bytes read bounded).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import * as zlib from 'node:zlib';
import { Header } from 'tar';
import type { RawEntry } from '../../../scripts/lib/release-archive.mjs';
import { rawTar } from '../../../scripts/lib/release-archive.mjs';
import { extractArchive } from '../../../src/lab/download/extract-archive';
import { MAX_UNPACKED_BYTES } from '../../../src/lab/download/release-limits';
import { refusal } from './release-refusal';

let work: string;
before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-limits-'));
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

const MIB = 1024 * 1024;
const top = 'istio-1.2.2';
const release: RawEntry[] = [
  { name: `${top}/`, type: 'directory' },
  { name: `${top}/bin/istioctl`, data: '#!/bin/sh\n' },
  { name: `${top}/README.md`, data: 'readme' },
];

/** `times` gzip members of the same block: ~1 KB each for 1 MiB of zeros, so 1 GiB is ~1 MB. */
function members(block: Buffer, times: number): Buffer[] {
  const member = zlib.gzipSync(block, { level: 9 });
  return Array.from({ length: times }, () => member);
}

/** A source that counts what the extraction actually pulled from it. */
function counted(chunks: Buffer[]): { source: Readable; read: () => number; total: number } {
  let read = 0;
  const source = Readable.from(
    (function* () {
      for (const chunk of chunks) {
        read += chunk.length;
        yield chunk;
      }
    })(),
    { objectMode: false, highWaterMark: 64 * 1024 },
  );
  return { source, read: () => read, total: chunks.reduce((sum, chunk) => sum + chunk.length, 0) };
}

const leftovers = (out: string): string[] => fs.readdirSync(out).filter((name) => name.includes('.partial-'));

for (const [what, block] of [
  ['zeros', Buffer.alloc(MIB)],
  ['garbage', Buffer.alloc(MIB, 'not a tar header ')],
] as const) {
  test(
    `stops at the end marker: 1 GB of ${what} after it is not decompressed, and the release is unpacked`,
    { timeout: 120_000 },
    async () => {
      const out = path.join(work, `trailing-${what}`);
      const archive = path.join(out, 'istio-1.2.2-linux.tar.gz');
      fs.mkdirSync(out, { recursive: true });
      fs.writeFileSync(archive, Buffer.concat([zlib.gzipSync(rawTar(release)), ...members(block, 1024)]));
      assert.ok(fs.statSync(archive).size < 4 * MIB, 'the test archive is meant to be small');
      const result = await extractArchive({ archive, kind: 'tar.gz', target: path.join(out, top) });
      assert.equal(fs.readFileSync(path.join(out, top, 'README.md'), 'utf8'), 'readme');
      assert.ok(
        result.decompressedBytes !== undefined && result.decompressedBytes < 16 * MIB,
        `decompressed ${result.decompressedBytes} bytes`,
      );
      assert.deepEqual(leftovers(out), []);
    },
  );
}

test('refuses an entry that declares 1 GB before writing any of it', { timeout: 120_000 }, async () => {
  const out = path.join(work, 'declared');
  fs.mkdirSync(out, { recursive: true });
  const header = Buffer.alloc(512);
  new Header({ path: `${top}/bin/istioctl`, type: 'File', size: 1024 * MIB, mode: 0o755, mtime: new Date(0) }).encode(
    header,
  );
  const { source, read, total } = counted([zlib.gzipSync(header), ...members(Buffer.alloc(MIB), 1024)]);
  const error = await refusal(
    extractArchive({ archive: 'istio-1.2.2-linux.tar.gz', kind: 'tar.gz', target: path.join(out, top), source }),
    'the archive',
  );
  assert.equal(error.code, 'hostile-archive', error.message);
  assert.equal(error.details.reason, 'too-large');
  assert.equal(error.details.limit, MAX_UNPACKED_BYTES);
  assert.match(error.message, /unpacks to more than 512 MB/);
  assert.ok(read() < total, 'the whole bomb was read');
  assert.deepEqual(fs.readdirSync(out), []);
});

test(
  'refuses a gzip bomb of 1 GB that declares no entry at all (pax headers), once it inflates past the cap',
  { timeout: 120_000 },
  async () => {
    const out = path.join(work, 'pax-bomb');
    fs.mkdirSync(out, { recursive: true });
    // A global pax header with a 512 KiB comment: node-tar parses it and writes nothing, so only the
    // count of decompressed bytes can stop it.
    const body = 512 * 1024;
    const record = (() => {
      const text = (length: number): string =>
        `${length} comment=${'x'.repeat(length - `${length} comment=`.length - 1)}\n`;
      return text(body);
    })();
    const header = Buffer.alloc(512);
    new Header({ path: 'pax_global_header', type: 'GlobalExtendedHeader', size: body, mtime: new Date(0) }).encode(
      header,
    );
    const block = Buffer.concat([header, Buffer.from(record)]);
    const { source, read, total } = counted(members(block, 2048));
    assert.ok(total < 4 * MIB && block.length * 2048 > 1000 * MIB, 'about 1 MB that inflates to 1 GB');
    // A cap of 32 MiB instead of 512 keeps the test short; the count is the same code either way.
    const limits = { maxEntries: 10_000, maxBytes: 32 * MIB };
    const error = await refusal(
      extractArchive({
        archive: 'istio-1.2.2-linux.tar.gz',
        kind: 'tar.gz',
        target: path.join(out, top),
        source,
        limits,
      }),
      'the archive',
    );
    assert.equal(error.code, 'hostile-archive', error.message);
    assert.equal(error.details.reason, 'too-large');
    assert.equal(error.details.entry, 'istio-1.2.2-linux.tar.gz');
    assert.match(error.message, /unpacks to more than 32 MB/);
    assert.ok(read() < total, 'the whole bomb was read');
    assert.deepEqual(fs.readdirSync(out), []);
  },
);
