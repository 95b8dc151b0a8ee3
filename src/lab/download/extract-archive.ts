// Unpacks a release archive in one streaming pass — zlib + node-tar's parser + TarEntryWriter for
// .tar.gz, yauzl for .zip — into a temporary directory next to the target, every entry judged by
// EntryGuard first. Only a complete, clean extraction is renamed into place; on any failure the
// temporary directory is removed, so there is never a partial release directory. Reading stops at
// the tar's end marker, and the decompressed bytes are capped. Files are created exclusively and
// never through a link.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import type { ReadEntry } from 'tar';
import { Parser } from 'tar';
import * as yauzl from 'yauzl';
import type { ArchiveKind } from '../../istio/releases/archive-names';
import type { EntryLimits, EntryType } from './entry-guard';
import { DEFAULT_ENTRY_LIMITS, EntryGuard, hostileEntry } from './entry-guard';
import { ReleaseError, cancelledError, fileSystemError } from './release-error';
import { partialPrefix, removeStalePartials } from './stale-partials';
import { CREATE_NEW, TarEntryWriter } from './tar-entry-writer';

export interface ExtractOptions {
  /** The archive file (for .zip, which needs random access; and for messages). */
  readonly archive: string;
  /**
   * The bytes of a .tar.gz as they arrive, instead of reading `archive`: unpacking runs while
   * the archive downloads, and `beforeCommit` decides whether the result may be kept. Bytes after
   * the tar's end marker are drained unread, so the producer can finish (and hash) the file.
   */
  readonly source?: Readable;
  /** Runs after a clean extraction, before the rename into place; a rejection discards everything. */
  readonly beforeCommit?: () => Promise<void>;
  readonly kind: ArchiveKind;
  /** The release directory to create (`…/istio-1.2.2`); replaced if it exists. */
  readonly target: string;
  readonly signal?: AbortSignal;
  readonly limits?: EntryLimits;
}

export interface ExtractResult {
  readonly directory: string;
  readonly entries: number;
  /** Bytes the entries declare. */
  readonly bytes: number;
  /** Bytes of tar the decompressor produced (.tar.gz only): the end marker stops it. */
  readonly decompressedBytes?: number;
}

export async function extractArchive(options: ExtractOptions): Promise<ExtractResult> {
  const { archive, kind, target, signal } = options;
  if (signal?.aborted) throw cancelledError(signal.reason);
  const parent = path.dirname(target);
  await fs.promises.mkdir(parent, { recursive: true });
  await removeStalePartials(parent);
  const temp = await fs.promises.mkdtemp(partialPrefix(target));
  const guard = new EntryGuard(options.limits ?? DEFAULT_ENTRY_LIMITS);
  try {
    let decompressedBytes: number | undefined;
    if (kind === 'zip') await extractZip(archive, temp, guard, signal);
    else decompressedBytes = await extractTar(archive, options.source, temp, guard, signal);
    guard.finish();
    await options.beforeCommit?.();
    const root = await releaseRoot(temp);
    await keepIstioctlExecutable(root);
    await fs.promises.rm(target, { recursive: true, force: true });
    await fs.promises.rename(root, target);
    return { directory: target, entries: guard.entryCount, bytes: guard.byteCount, decompressedBytes };
  } catch (error) {
    throw fileSystemError(error, target);
  } finally {
    await fs.promises.rm(temp, { recursive: true, force: true, maxRetries: 3 });
  }
}
/** The release directory inside the extraction: the archive's single top directory (`istio-1.2.2/`), else all of it. */
async function releaseRoot(temp: string): Promise<string> {
  const entries = await fs.promises.readdir(temp, { withFileTypes: true });
  if (entries.length === 1 && entries[0].isDirectory()) return path.join(temp, entries[0].name);
  // A hand-made archive without a top directory: move its content into one, so `temp` can go.
  const root = path.join(temp, '.release');
  await fs.promises.mkdir(root);
  for (const entry of entries) await fs.promises.rename(path.join(temp, entry.name), path.join(root, entry.name));
  return root;
}

/** Zips made on Windows carry no Unix mode; istioctl must run whatever the archive said. */
async function keepIstioctlExecutable(root: string): Promise<void> {
  for (const name of ['istioctl', 'istioctl.exe']) {
    const file = path.join(root, 'bin', name);
    const stat = await fs.promises.lstat(file).catch(() => undefined);
    if (stat?.isFile()) await fs.promises.chmod(file, stat.mode | 0o755);
  }
}

function tarEntryType(type: ReadEntry['type']): EntryType {
  switch (type) {
    case 'File':
    case 'OldFile':
    case 'ContiguousFile':
      return 'file';
    case 'Directory':
    case 'GNUDumpDir':
      return 'directory';
    case 'SymbolicLink':
      return 'symlink';
    case 'Link':
      return 'hardlink';
    default:
      return 'special';
  }
}

/** Unpacks a .tar.gz into `dir`; returns the bytes of tar the decompressor produced. */
async function extractTar(
  archive: string,
  given: Readable | undefined,
  dir: string,
  guard: EntryGuard,
  signal: AbortSignal | undefined,
): Promise<number> {
  const source: Readable = given ?? fs.createReadStream(archive, { highWaterMark: 1024 * 1024 });
  // The first reason to stop: a refused entry, too many bytes, a damaged stream, cancellation.
  let failure: unknown;
  let stopped = false;
  let decompressed = 0;
  // A write the file system refuses is reported as node-tar's Unpack reported it (disk full apart).
  const writer = new TarEntryWriter(dir, (error) => stop(corruptArchive(archive, error as Error)));
  // The guard judges each entry in the filter, before any of it is read; the writer then takes it.
  const judged = new WeakMap<ReadEntry, string>();
  const parser = new Parser({
    strict: true,
    filter: (_path, entry) => {
      if (failure) return false;
      const read = entry as ReadEntry;
      try {
        const relative = guard.check({
          name: read.path,
          type: tarEntryType(read.type),
          linkName: read.linkpath,
          size: read.size ?? 0,
        });
        judged.set(read, relative);
        return true;
      } catch (error) {
        stop(error);
        return false;
      }
    },
    onReadEntry: (entry) => writer.add(entry, judged.get(entry)!, tarEntryType(entry.type)),
  });
  // Node's own gunzip runs on the thread pool, beside the download and hashing on this thread
  // (node-tar's built-in one would decompress on this thread, in line). One job per 1 MB piece the
  // download passes on, each inflated into one buffer: few round trips between the threads.
  const gunzip = zlib.createGunzip({ chunkSize: 1024 * 1024 });

  // Stops feeding the parser and ends it. node-tar keeps every byte after the end marker in one
  // buffer it grows by concatenation (quadratic: 128 MB of zeros took 20 s), so nothing more is
  // decompressed once the marker is seen. Ending the parser, rather than dropping it, ends the
  // entry it was in; the writes in flight are awaited after its 'close', and only then is the
  // directory removed.
  // A source someone else feeds is drained instead of destroyed, so that it can finish (and hash)
  // the whole file; a failed extraction stops that producer through its own signal.
  function stop(reason?: unknown): void {
    if (reason !== undefined) failure ??= reason;
    if (stopped) return;
    stopped = true;
    source.unpipe(gunzip);
    gunzip.unpipe(parser);
    gunzip.destroy();
    if (given && failure === undefined) source.resume();
    else source.destroy();
    // Not inside the parser's own write (the filter and 'eof' run there).
    setImmediate(() => parser.end());
  }

  await new Promise<void>((resolve, reject) => {
    const onAbort = (): void => stop(cancelledError(signal?.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
    parser.on('close', () => {
      signal?.removeEventListener('abort', onAbort);
      void writer.settled().then(() => (failure ? reject(failure) : resolve()));
    });
    // Ending the parser in the middle of a refused entry reports it truncated: the refusal says why.
    parser.on('error', (error: Error) => stop(corruptArchive(archive, error)));
    parser.on('eof', () => stop());
    gunzip.on('data', (chunk: Buffer) => {
      decompressed += chunk.length;
      if (decompressed > guard.maxBytes) stop(hostileEntry(path.basename(archive), 'too-large', guard.maxBytes));
    });
    gunzip.on('error', (error) => stop(corruptArchive(archive, error)));
    source.on('error', (error: Error) => stop(error));
    // The source may be gone before this listens (a download that failed while the temporary
    // directory was made): its 'error' has been emitted already and pipe() would wait for ever.
    const closedEarly = (): Error =>
      (source.errored as Error | null) ?? new Error(`${path.basename(archive)} ended before it was complete`);
    // Destroyed without an error (or after one): pipe() does not end gunzip then.
    source.on('close', () => {
      if (!source.readableEnded && !stopped) stop(closedEarly());
    });
    if (source.destroyed) return stop(closedEarly());
    source.pipe(gunzip).pipe(parser);
  });
  return decompressed;
}

function corruptArchive(archive: string, cause: Error): unknown {
  if (cause instanceof ReleaseError || (cause as { code?: string }).code === 'ENOSPC') return cause;
  const reason = cause.message.replace(/^TAR_\w+: /, '');
  return new ReleaseError(
    'corrupt-archive',
    `${path.basename(archive)} is damaged or incomplete (${reason}). Delete it and download it again.`,
    { file: archive },
    { cause },
  );
}
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const MADE_BY_UNIX = 3;

function zipEntryType(entry: yauzl.Entry): { type: EntryType; mode?: number } {
  const unix = entry.versionMadeBy >> 8 === MADE_BY_UNIX;
  const attributes = unix ? entry.externalFileAttributes >>> 16 : 0;
  const format = attributes & S_IFMT;
  const mode = attributes & 0o777 || undefined;
  if (entry.fileName.endsWith('/') || format === S_IFDIR) return { type: 'directory', mode };
  if (format === 0 || format === S_IFREG) return { type: 'file', mode };
  if (format === S_IFLNK) return { type: 'symlink' };
  return { type: 'special' };
}

// yauzl refuses unsafe names itself; its messages map onto our reasons.
function zipNameRejection(error: Error): ReleaseError | undefined {
  const name = error.message.replace(/^[^:]*: /, '');
  const reason = error.message.startsWith('absolute path')
    ? 'absolute-path'
    : error.message.startsWith('invalid relative path') || error.message.startsWith('invalid characters')
      ? 'path-traversal'
      : undefined;
  if (!reason) return undefined;
  try {
    new EntryGuard().check({ name, type: 'file', size: 0 });
  } catch (rejection) {
    return rejection as ReleaseError;
  }
  return undefined;
}

async function extractZip(
  archive: string,
  dir: string,
  guard: EntryGuard,
  signal: AbortSignal | undefined,
): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(archive, { lazyEntries: true, autoClose: true, validateEntrySizes: true });
  } catch (error) {
    throw corruptArchive(archive, error as Error);
  }
  try {
    const realDir = await fs.promises.realpath(dir);
    for await (const entry of zip.eachEntry()) {
      if (signal?.aborted) throw cancelledError(signal.reason);
      const { type, mode } = zipEntryType(entry);
      const linkName = type === 'symlink' ? await readSmallEntry(zip, entry, archive) : undefined;
      const relative = guard.check({ name: entry.fileName, type, linkName, size: entry.uncompressedSize });
      const destination = path.join(dir, relative);
      if (type === 'directory') {
        await fs.promises.mkdir(destination, { recursive: true, ...(mode ? { mode: mode | 0o700 } : {}) });
        continue;
      }
      await fs.promises.mkdir(path.dirname(destination), { recursive: true });
      await assertRealParent(realDir, destination, entry.fileName);
      // Whatever an earlier entry of this name left, a link included, is replaced, never followed.
      await fs.promises.rm(destination, { force: true });
      if (type === 'symlink') {
        await fs.promises.symlink(linkName!, destination);
        continue;
      }
      const file = await fs.promises.open(destination, CREATE_NEW, mode ?? 0o644);
      const stream = await zip.openReadStreamPromise(entry);
      await pipeline(stream, file.createWriteStream(), { signal });
    }
  } catch (error) {
    zip.close();
    if (signal?.aborted) throw cancelledError(signal.reason);
    if (error instanceof ReleaseError) throw error;
    throw zipNameRejection(error as Error) ?? corruptArchive(archive, error as Error);
  }
}

/**
 * The guard keeps links out of every entry's path; this checks the disk agrees (a file system
 * that folds case or Unicode differently could make two names one) before anything is written.
 */
async function assertRealParent(realDir: string, destination: string, name: string): Promise<void> {
  const parent = await fs.promises.realpath(path.dirname(destination));
  if (parent !== realDir && !parent.startsWith(realDir + path.sep))
    throw hostileEntry(name, 'file-where-directory-expected');
}

async function readSmallEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, archive: string): Promise<string> {
  if (entry.uncompressedSize > 4096) throw corruptArchive(archive, new Error(`link ${entry.fileName} is too long`));
  const chunks: Buffer[] = [];
  for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
