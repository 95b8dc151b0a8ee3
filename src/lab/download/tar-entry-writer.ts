// Writes the entries of a tar, as node-tar's Parser reads them, into the extraction's own fresh
// temporary directory, once EntryGuard has judged each. It stands in for node-tar's Unpack, which
// makes the parent of every entry by walking the path from the root (mkdir, then lstat, for each
// directory) and writes one entry at a time: for a release of ~600 entries that chain of
// thread-pool round trips was most of the unpack on a loaded machine. Here the guard already knows
// the tree (every parent is a directory this extraction made; nothing is written under a link), so
// each directory is made once and remembered, files and links are created exclusively (O_EXCL and
// O_NOFOLLOW: never through a link, never onto something else; an earlier entry of the same name
// is unlinked first) and small files are written a few at a time while the parser reads on.
import type { FileHandle } from 'node:fs/promises';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ReadEntry } from 'tar';
import type { EntryType } from './entry-guard';
import { hostileEntry } from './entry-guard';

/** A new file only: fails on anything already there, a link included (O_EXCL does not follow; O_NOFOLLOW says so twice). */
export const CREATE_NEW =
  fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0);

/** A file up to this size is read whole and written while the parser goes on; a larger one is streamed to disk. */
const SMALL_FILE_BYTES = 1024 * 1024;
/** Entries being written at once, and the bytes of small files held in memory for them. */
const MAX_IN_FLIGHT = 16;
const MAX_HELD_BYTES = 16 * 1024 * 1024;
/** The write buffer of a streamed file: fs.WriteStream writes what gathers in it with one writev. */
const STREAM_BUFFER_BYTES = 4 * 1024 * 1024;

interface Judged {
  readonly entry: ReadEntry;
  /** Relative to the root, as EntryGuard returned it ('' for the root itself). */
  readonly relative: string;
  readonly type: EntryType;
}

// Two names of one file on a file system that folds case must still be written in archive order.
const key = (relative: string): string => relative.toLowerCase();
const isSmallFile = (entry: ReadEntry, type: EntryType): boolean =>
  type === 'file' && (entry.size ?? 0) <= SMALL_FILE_BYTES;
const heldBytes = ({ entry, type }: Judged): number => (isSmallFile(entry, type) ? (entry.size ?? 0) : 0);

export class TarEntryWriter {
  /** Directories made (or being made), by relative path; the root is there already. */
  private readonly directories = new Map<string, Promise<void>>([['', Promise.resolve()]]);
  /** The last write of each path, which the next entry of that path (or a hardlink to it) waits for. */
  private readonly lastWrite = new Map<string, Promise<void>>();
  private readonly waiting: Judged[] = [];
  private readonly running = new Set<Promise<void>>();
  private held = 0;
  private failure: unknown;

  /** `fail` is told the first write that fails; what is still queued is then drained unwritten. */
  constructor(
    private readonly root: string,
    private readonly fail: (error: unknown) => void,
  ) {}

  /**
   * Takes the next entry of the archive, judged. Written in archive order where order matters
   * (a path and its parents, a hardlink and its target); until there is room, the entry is not
   * read, and that holds the parser back.
   */
  add(entry: ReadEntry, relative: string, type: EntryType): void {
    this.waiting.push({ entry, relative, type });
    this.next();
  }

  /** Resolves once every entry taken is written or dropped (after a failure). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private next(): void {
    while (this.waiting.length > 0) {
      const judged = this.waiting[0];
      const bytes = heldBytes(judged);
      const room = this.running.size < MAX_IN_FLIGHT && (this.held === 0 || this.held + bytes <= MAX_HELD_BYTES);
      if (this.failure === undefined && !room) return;
      this.waiting.shift();
      this.start(judged, bytes);
    }
  }

  private start(judged: Judged, bytes: number): void {
    if (this.failure !== undefined) {
      judged.entry.resume();
      return;
    }
    const { relative, type, entry } = judged;
    const target = type === 'hardlink' ? linkTarget(entry) : undefined;
    const after = [
      this.lastWrite.get(key(relative)),
      target === undefined ? undefined : this.lastWrite.get(key(target)),
    ];
    this.held += bytes;
    const write: Promise<void> = this.write(judged, target, after)
      .catch((error: unknown) => {
        if (this.failure !== undefined) return;
        this.failure = error;
        this.fail(error);
      })
      .finally(() => {
        this.held -= bytes;
        this.running.delete(write);
        if (this.lastWrite.get(key(relative)) === write) this.lastWrite.delete(key(relative));
        this.next();
      });
    this.running.add(write);
    if (relative !== '' && type !== 'directory') this.lastWrite.set(key(relative), write);
  }

  private async write(
    { entry, relative, type }: Judged,
    target: string | undefined,
    after: readonly (Promise<void> | undefined)[],
  ): Promise<void> {
    // Read at once: the parser goes on to the next entry meanwhile. The content is awaited below,
    // unless a failure comes first; then it is not needed, and its own failure is not reported.
    const content = isSmallFile(entry, type) ? entry.concat() : undefined;
    content?.catch(() => undefined);
    if (type !== 'file') entry.resume();
    if (type === 'directory') return this.directory(relative, entry.mode);
    await Promise.all([this.directory(parentOf(relative)), ...after]);
    if (this.failure !== undefined) {
      entry.resume();
      return;
    }
    const file = path.join(this.root, relative);
    if (type === 'symlink') return replacing(file, () => fs.promises.symlink(entry.linkpath ?? '', file));
    if (type === 'hardlink') return replacing(file, () => fs.promises.link(path.join(this.root, target!), file));
    const handle = await replacing(file, () => fs.promises.open(file, CREATE_NEW, (entry.mode ?? 0o644) & 0o777));
    try {
      if (content) await handle.writeFile(await content);
      else await streamTo(entry, file, handle);
      if (entry.mtime) await handle.utimes(entry.atime ?? entry.mtime, entry.mtime);
    } finally {
      await handle.close();
    }
  }

  /** Makes a directory once, after its parent; `mode` when the archive has an entry for it. */
  private directory(relative: string, mode?: number): Promise<void> {
    let made = this.directories.get(relative);
    if (!made) {
      made = this.directory(parentOf(relative)).then(() => makeDirectory(this.root, relative, mode));
      this.directories.set(relative, made);
    }
    return made;
  }
}

function parentOf(relative: string): string {
  const parent = path.posix.dirname(relative);
  return parent === '.' ? '' : parent;
}

/** A hardlink's target, relative to the root (EntryGuard has checked it is a file the archive wrote). */
function linkTarget(entry: ReadEntry): string {
  return path.posix.normalize((entry.linkpath ?? '').replaceAll('\\', '/'));
}

async function makeDirectory(root: string, relative: string, mode?: number): Promise<void> {
  const directory = path.join(root, relative);
  try {
    await fs.promises.mkdir(directory, ((mode ?? 0o755) & 0o777) | 0o700);
  } catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') throw error;
    // Another name of the same directory on a file system that folds names: fine. Anything else is not.
    const stat = await fs.promises.lstat(directory);
    if (!stat.isDirectory()) throw hostileEntry(relative, 'file-where-directory-expected');
  }
}

/** Creates something new at `file`; what an earlier entry of that name left (a file, a link) is unlinked first, never followed. */
async function replacing<T>(file: string, create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') throw error;
    await fs.promises.unlink(file);
    return create();
  }
}

/** Streams a large entry to its file with backpressure; a failed write drains the entry, so the parser is never left waiting. */
function streamTo(entry: ReadEntry, file: string, handle: FileHandle): Promise<void> {
  // On the descriptor, not handle.createWriteStream(): a stream of the handle keeps it referenced
  // until the stream closes it, and this handle is closed by its owner, after its times are set.
  const out = fs.createWriteStream(file, { fd: handle.fd, autoClose: false, highWaterMark: STREAM_BUFFER_BYTES });
  return new Promise<void>((resolve, reject) => {
    out.once('finish', resolve);
    out.once('error', (error) => {
      entry.unpipe(out);
      entry.resume();
      reject(error);
    });
    entry.pipe(out);
  });
}
