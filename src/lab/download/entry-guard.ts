// Judges each archive entry before it is written: nothing may land outside the extraction
// directory, no link may point out of the release, no device files or FIFOs, no entry may sit
// under something that is not a directory, and the archive must stay within sane limits.
import * as path from 'node:path';
import type { HostileEntryReason } from './release-error';
import { ReleaseError } from './release-error';

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
  /** Uncompressed bytes. A real release unpacks to 100–250 MB. */
  readonly maxBytes: number;
}

export const DEFAULT_ENTRY_LIMITS: EntryLimits = { maxEntries: 10_000, maxBytes: 2 * 1024 ** 3 };

type Kind = 'directory' | 'file' | 'link';

export class EntryGuard {
  private readonly kinds = new Map<string, Kind>();
  private entries = 0;
  private bytes = 0;

  constructor(private readonly limits: EntryLimits = DEFAULT_ENTRY_LIMITS) {}

  get entryCount(): number {
    return this.entries;
  }

  get byteCount(): number {
    return this.bytes;
  }

  /**
   * Checks an entry and returns its normalised relative path ('' for the root itself);
   * throws a ReleaseError with code 'hostile-archive' when it must not be written.
   */
  check(entry: ArchiveEntry): string {
    const reject = (reason: HostileEntryReason, limit?: number): never => {
      throw new ReleaseError('hostile-archive', hostileMessage(entry.name, reason, limit), { entry: entry.name, reason, limit });
    };
    this.entries++;
    if (this.entries > this.limits.maxEntries) reject('too-many-entries', this.limits.maxEntries);
    this.bytes += entry.size;
    if (this.bytes > this.limits.maxBytes) reject('too-large', this.limits.maxBytes);

    const relative = normaliseEntryName(entry.name, reject);
    if (entry.type === 'special') reject('special-file');
    if (relative === '' && entry.type !== 'directory') reject('file-where-directory-expected');

    const parts = relative === '' ? [] : relative.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = this.kinds.get(parts.slice(0, i).join('/'));
      if (parent && parent !== 'directory') reject('file-where-directory-expected');
    }
    const existing = this.kinds.get(relative);
    if (existing === 'directory' && entry.type !== 'directory') reject('file-where-directory-expected');
    if (existing && existing !== 'directory' && entry.type === 'directory') reject('file-where-directory-expected');

    if (entry.type === 'symlink' || entry.type === 'hardlink') {
      const link = (entry.linkName ?? '').replaceAll('\\', '/');
      if (link === '' || link.startsWith('/') || /^[a-zA-Z]:/.test(link)) reject('link-escape');
      const resolved = path.posix.normalize(entry.type === 'symlink' ? path.posix.join(path.posix.dirname(relative), link) : link);
      if (resolved === '..' || resolved.startsWith('../')) reject('link-escape');
      // A link must stay inside the release's top directory, which becomes the release directory.
      if (parts.length > 1 && resolved.split('/')[0] !== parts[0]) reject('link-escape');
      if (entry.type === 'hardlink' && this.kinds.get(resolved) !== 'file') reject('link-escape');
    }

    if (relative !== '') this.kinds.set(relative, entry.type === 'directory' ? 'directory' : entry.type === 'file' || entry.type === 'hardlink' ? 'file' : 'link');
    // Implicit parents (archives may omit directory entries) are directories from now on.
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (!this.kinds.has(parent)) this.kinds.set(parent, 'directory');
    }
    return relative;
  }
}

function normaliseEntryName(name: string, reject: (reason: HostileEntryReason) => never): string {
  const slashed = name.replaceAll('\\', '/');
  if (slashed.includes('\0')) reject('path-traversal');
  if (slashed.startsWith('/') || /^[a-zA-Z]:/.test(slashed)) reject('absolute-path');
  const parts = slashed.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) reject('path-traversal');
  return parts.join('/');
}

function hostileMessage(name: string, reason: HostileEntryReason, limit?: number): string {
  const what: Record<HostileEntryReason, string> = {
    'path-traversal': 'its path climbs out of the target directory with ".."',
    'absolute-path': 'its path is absolute',
    'link-escape': 'it is a link that points outside the release',
    'special-file': 'it is a device file, FIFO or socket',
    'file-where-directory-expected': 'it puts a file or link where the archive needs a directory',
    'too-many-entries': `the archive has more than ${limit} entries`,
    'too-large': `the archive unpacks to more than ${limit} bytes`,
  };
  return `The archive was rejected at "${name}": ${what[reason]}. Nothing was installed. Download the release again from its official source.`;
}
