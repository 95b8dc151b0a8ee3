// Types of release-archive.mjs for the TypeScript tests and benches that use it.
export declare const fixturesDir: string;
export declare const STAND_IN_DEMO: string;
export declare function archiveFileNameFor(version: string, platform?: string): string;
export declare function isLegacyRelease(version: string): boolean;
export declare function standInIstioctl(version: string): string;
export declare function sha256Line(sha256: string, fileName: string, version: string): string;

export interface BuiltArchive {
  readonly file: string;
  readonly fileName: string;
  readonly sha256File: string;
  readonly sha256: string;
  readonly topDirectory: string;
}
export declare function buildReleaseArchive(options: {
  root: string;
  version?: string;
  platform?: string;
  padBytes?: number;
  sha256?: boolean;
}): Promise<BuiltArchive>;

export type RawEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'chardev' | 'blockdev' | 'fifo';
export interface RawEntry {
  readonly name: string;
  readonly type?: RawEntryType;
  readonly data?: string | Buffer;
  readonly linkName?: string;
  readonly mode?: number;
}
export declare function rawTar(entries: readonly RawEntry[]): Buffer;
export declare function rawZip(entries: readonly RawEntry[]): Buffer;
export declare function gzip(buffer: Buffer): Buffer;

export interface MirrorRequest {
  readonly method: string;
  readonly path: string;
  readonly range?: string;
  readonly ifRange?: string;
  readonly status?: number;
}
export interface ReleaseMirror {
  readonly url: string;
  readonly requests: MirrorRequest[];
  interruptNext(bytes: number): void;
  failNext(status: number, times?: number): void;
  close(): Promise<void>;
}
export declare function startReleaseMirror(options: {
  root: string;
  throttleBytesPerSecond?: number;
  releases?: readonly { tag_name: string; published_at?: string; prerelease?: boolean; draft?: boolean }[];
}): Promise<ReleaseMirror>;

export interface ForwardProxy {
  readonly url: string;
  readonly requests: { method: string; url: string }[];
  close(): Promise<void>;
}
export declare function startForwardProxy(): Promise<ForwardProxy>;
