// Judges each archive entry before it is written: nothing may land outside the extraction
// directory, no link may lead out of the release (followed through the links already in the
// archive, as the file system will follow them), nothing is written under a link, no device files
// or FIFOs, and the archive must stay within sane limits. `finish()` checks the links once more
// against the complete tree, because a later link can change where an earlier one leads.
import * as path from 'node:path';
import type { HostileEntryReason } from './release-error';
import { ReleaseError } from './release-error';
import { MAX_UNPACKED_BYTES, megabytes } from './release-limits';

export type EntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'special';

export interface ArchiveEntry {
  /** The name as stored in the archive. */
  readonly name: string;
  readonly type: EntryType;
  /** Target of a symlink (relative to the link's directory) or hardlink (relative to the archive root). */
  readonly linkName?: string;
  /** Uncompressed size in bytes. */
  readonly size: number;
}

export interface EntryLimits {
  /**
   * Entries per archive. Real releases have about 600 (1.2.3: 472 files, 1.26.1: 443 files, plus
   * their directories); 10,000 leaves room for any real one and stops archives that would
   * exhaust inodes or time.
   */
  readonly maxEntries: number;
  /** Uncompressed bytes (declared by the entries, and produced by the decompressor). */
  readonly maxBytes: number;
}

export const DEFAULT_ENTRY_LIMITS: EntryLimits = { maxEntries: 10_000, maxBytes: MAX_UNPACKED_BYTES };

/** Links followed in one resolution before giving up; Linux's own limit is 40 (MAXSYMLINKS). */
const MAX_LINK_HOPS = 40;

// macOS and Windows file systems are case-insensitive by default: `A` and `a/x` are the same
// directory there, so entries are compared case-folded (node-tar's path reservations fold too).
const foldsCase = process.platform === 'darwin' || process.platform === 'win32';
const fold = (relative: string): string => (foldsCase ? relative.normalize('NFC').toLowerCase() : relative);

type Written =
  { readonly kind: 'directory' | 'file' } | { readonly kind: 'link'; readonly name: string; readonly target: string };

export class EntryGuard {
  /** What the extraction has put at each (folded) relative path so far. */
  private readonly written = new Map<string, Written>();
  private entries = 0;
  private bytes = 0;

  constructor(private readonly limits: EntryLimits = DEFAULT_ENTRY_LIMITS) {}

  get entryCount(): number {
    return this.entries;
  }

  get byteCount(): number {
    return this.bytes;
  }

  get maxBytes(): number {
    return this.limits.maxBytes;
  }

  /**
   * Checks an entry and returns its normalised relative path ('' for the root itself);
   * throws a ReleaseError with code 'hostile-archive' when it must not be written.
   */
  check(entry: ArchiveEntry): string {
    const reject = (reason: HostileEntryReason, limit?: number): never => {
      throw hostileEntry(entry.name, reason, limit);
    };
    this.entries++;
    if (this.entries > this.limits.maxEntries) reject('too-many-entries', this.limits.maxEntries);
    this.bytes += entry.size;
    if (this.bytes > this.limits.maxBytes) reject('too-large', this.limits.maxBytes);

    const relative = normaliseEntryName(entry.name, reject);
    if (entry.type === 'special') reject('special-file');
    if (relative === '' && entry.type !== 'directory') reject('file-where-directory-expected');

    // Nothing is ever written under a file or a link: the path to every entry is real directories.
    const parts = relative === '' ? [] : relative.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = this.written.get(fold(parts.slice(0, i).join('/')));
      if (parent && parent.kind !== 'directory') reject('file-where-directory-expected');
    }
    const existing = this.written.get(fold(relative));
    if (existing?.kind === 'directory' && entry.type !== 'directory') reject('file-where-directory-expected');
    if (existing && existing.kind !== 'directory' && entry.type === 'directory')
      reject('file-where-directory-expected');

    if (entry.type === 'symlink') {
      const target = (entry.linkName ?? '').replaceAll('\\', '/');
      if (target === '' || isAbsolute(target)) reject('link-escape');
      if (!this.staysInside(parts, target)) reject('link-escape');
    }
    if (entry.type === 'hardlink') {
      const target = (entry.linkName ?? '').replaceAll('\\', '/');
      if (target === '' || isAbsolute(target)) reject('link-escape');
      const resolved = path.posix.normalize(target);
      if (resolved === '..' || resolved.startsWith('../')) reject('link-escape');
      if (parts.length > 1 && resolved.split('/')[0] !== parts[0]) reject('link-escape');
      // Only to a regular file the archive already wrote (never through or to a link).
      if (this.written.get(fold(resolved))?.kind !== 'file') reject('link-escape');
    }

    if (relative !== '') {
      const written: Written =
        entry.type === 'directory'
          ? { kind: 'directory' }
          : entry.type === 'symlink'
            ? { kind: 'link', name: entry.name, target: (entry.linkName ?? '').replaceAll('\\', '/') }
            : { kind: 'file' };
      this.written.set(fold(relative), written);
    }
    // Implicit parents (archives may omit directory entries) are directories from now on.
    for (let i = 1; i < parts.length; i++) {
      const parent = fold(parts.slice(0, i).join('/'));
      if (!this.written.has(parent)) this.written.set(parent, { kind: 'directory' });
    }
    return relative;
  }

  /**
   * Checks every link against the complete tree: `b → d/a/../../x` is inside while `d/a` does not
   * exist, and leads out once a later entry makes `d/a` a link to the release root.
   */
  finish(): void {
    for (const [key, written] of this.written) {
      if (written.kind === 'link' && !this.staysInside(key.split('/'), written.target))
        throw hostileEntry(written.name, 'link-escape');
    }
  }

  /**
   * Whether the link at `linkParts` with `target` leads to a place inside the release: its top
   * directory when it sits in one (the release directory is that directory), else the extraction.
   */
  private staysInside(linkParts: readonly string[], target: string): boolean {
    const resolved = this.resolve([...linkParts.slice(0, -1), ...target.split('/')]);
    if (!resolved) return false;
    return linkParts.length <= 1 || (resolved.length > 0 && fold(resolved[0]) === fold(linkParts[0]));
  }

  /**
   * Resolves a relative path the way the file system will, through the links written so far:
   * `..` after a link climbs from where the link leads, not from the link's own directory (so
   * `d/a/..` is not `d` when `d/a` is a link). Undefined when it climbs above the extraction, is
   * absolute, or loops.
   */
  private resolve(parts: readonly string[]): string[] | undefined {
    const pending = [...parts];
    const resolved: string[] = [];
    let hops = 0;
    while (pending.length > 0) {
      const part = pending.shift()!;
      if (part === '' || part === '.') continue;
      if (part === '..') {
        if (resolved.length === 0) return undefined;
        resolved.pop();
        continue;
      }
      resolved.push(part);
      const written = this.written.get(fold(resolved.join('/')));
      if (written?.kind !== 'link') continue;
      if (++hops > MAX_LINK_HOPS || isAbsolute(written.target)) return undefined;
      resolved.pop();
      pending.unshift(...written.target.split('/'));
    }
    return resolved;
  }
}

const isAbsolute = (link: string): boolean => link.startsWith('/') || /^[a-zA-Z]:/.test(link);

function normaliseEntryName(name: string, reject: (reason: HostileEntryReason) => never): string {
  const slashed = name.replaceAll('\\', '/');
  if (slashed.includes('\0')) reject('path-traversal');
  if (isAbsolute(slashed)) reject('absolute-path');
  const parts = slashed.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) reject('path-traversal');
  return parts.join('/');
}

/** The refusal of one entry: the entry's name is data in `details`, quoted in the English message. */
export function hostileEntry(name: string, reason: HostileEntryReason, limit?: number): ReleaseError {
  return new ReleaseError('hostile-archive', hostileMessage(name, reason, limit), { entry: name, reason, limit });
}

function hostileMessage(name: string, reason: HostileEntryReason, limit?: number): string {
  const what: Record<HostileEntryReason, string> = {
    'path-traversal': 'its path climbs out of the target directory with ".."',
    'absolute-path': 'its path is absolute',
    'link-escape': 'it is a link that leads outside the release (directly or through other links in the archive)',
    'special-file': 'it is a device file, FIFO or socket',
    'file-where-directory-expected':
      'it puts a file or link where the archive needs a directory, or would be written through a link',
    'too-many-entries': `the archive has more than ${limit} entries`,
    'too-large': `the archive unpacks to more than ${limit === undefined ? 'the limit' : megabytes(limit)}`,
  };
  return `The archive was refused at ${JSON.stringify(name)}: ${what[reason]}. Nothing was written to the release folder. Download the release again from its official source.`;
}
