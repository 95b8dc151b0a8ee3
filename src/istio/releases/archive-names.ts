// Which file to download for a release and platform, where it lives, and how its `.sha256`
// sidecar reads — the rules of releases.md §1 (Istio's own download script decides the same way).
import * as semver from 'semver';

export type ReleaseOs = 'linux' | 'osx' | 'win';
export type ReleaseArch = 'amd64' | 'arm64' | 'armv7';

export interface ReleasePlatform {
  readonly os: ReleaseOs;
  readonly arch: ReleaseArch;
}

export type ArchiveKind = 'tar.gz' | 'zip';

export interface ReleaseArchive {
  readonly version: string;
  readonly platform: ReleasePlatform;
  /** `istio-1.2.2-linux.tar.gz`. */
  readonly fileName: string;
  readonly kind: ArchiveKind;
  /** `<base>/<version>/<fileName>`. */
  readonly url: string;
  /** The published checksum sidecar, `<url>.sha256`. */
  readonly sha256Url: string;
  /** The top directory every entry lives in: `istio-1.2.2`. */
  readonly topDirectory: string;
}

/** GitHub's release download base; `istioLab.releaseBaseUrl` replaces exactly this part. */
export const GITHUB_RELEASE_BASE = 'https://github.com/istio/istio/releases/download';

export class UnsupportedPlatformError extends Error {
  readonly code = 'unsupported-platform';
  constructor(
    readonly version: string,
    readonly platform: ReleasePlatform,
  ) {
    super(`Istio ${version} was not published for ${platform.os}-${platform.arch}.`);
  }
}

/** The platform of this machine, mapped as Istio's download script maps `uname`. */
export function currentPlatform(
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
): ReleasePlatform {
  const os: ReleaseOs = platform === 'darwin' ? 'osx' : platform === 'win32' ? 'win' : 'linux';
  const releaseArch: ReleaseArch = arch === 'arm64' ? 'arm64' : arch === 'arm' ? 'armv7' : 'amd64';
  return { os, arch: releaseArch };
}

export function platformLabel(platform: ReleasePlatform): string {
  return `${platform.os}-${platform.arch}`;
}

/** Parses `linux-amd64`, `osx-arm64`, `win-amd64` (and the old arch-less `linux`, `osx`, `win` as amd64). */
export function parsePlatform(text: string): ReleasePlatform | undefined {
  const match = /^(linux|osx|win)(?:-(amd64|arm64|armv7))?$/.exec(text);
  return match ? { os: match[1] as ReleaseOs, arch: (match[2] as ReleaseArch | undefined) ?? 'amd64' } : undefined;
}

const before = (version: string, floor: string): boolean => semver.lt(semver.coerce(version) ?? version, floor);

/** The archive name of a release for a platform; throws UnsupportedPlatformError where none was published. */
export function archiveFileName(version: string, platform: ReleasePlatform): { fileName: string; kind: ArchiveKind } {
  const unsupported = new UnsupportedPlatformError(version, platform);
  switch (platform.os) {
    case 'linux':
      // Before 1.6 Linux had one amd64 archive without an arch suffix.
      if (before(version, '1.6.0')) {
        if (platform.arch !== 'amd64') throw unsupported;
        return { fileName: `istio-${version}-linux.tar.gz`, kind: 'tar.gz' };
      }
      return { fileName: `istio-${version}-linux-${platform.arch}.tar.gz`, kind: 'tar.gz' };
    case 'osx':
      if (platform.arch === 'armv7') throw unsupported;
      // osx-arm64 exists from 1.10; before it Apple silicon runs the amd64 build under Rosetta.
      if (platform.arch === 'arm64' && !before(version, '1.10.0'))
        return { fileName: `istio-${version}-osx-arm64.tar.gz`, kind: 'tar.gz' };
      return { fileName: `istio-${version}-osx.tar.gz`, kind: 'tar.gz' };
    case 'win':
      if (platform.arch !== 'amd64') throw unsupported;
      return { fileName: `istio-${version}-win.zip`, kind: 'zip' };
  }
}

/** Joins a base (`https://…/download`, `file:///mirror`) and a relative path with exactly one slash. */
export function joinUrl(base: string, ...parts: string[]): string {
  return [base.replace(/\/+$/, ''), ...parts.map(encodeURIComponent)].join('/');
}

export function releaseArchive(
  version: string,
  platform: ReleasePlatform,
  baseUrl: string = GITHUB_RELEASE_BASE,
): ReleaseArchive {
  const { fileName, kind } = archiveFileName(version, platform);
  const url = joinUrl(baseUrl || GITHUB_RELEASE_BASE, version, fileName);
  return { version, platform, fileName, kind, url, sha256Url: `${url}.sha256`, topDirectory: `istio-${version}` };
}

/** Version and platform from an archive name someone downloaded by hand (`istio-1.2.2-linux.tar.gz`). */
export function parseArchiveFileName(
  fileName: string,
): { version: string; platform: ReleasePlatform; kind: ArchiveKind } | undefined {
  const match =
    /^istio-(\d+\.\d+\.\d+(?:-[\w.]+)?)-((?:linux|osx|win)(?:-(?:amd64|arm64|armv7))?)\.(tar\.gz|zip)$/.exec(fileName);
  if (!match) return undefined;
  const platform = parsePlatform(match[2]);
  return platform ? { version: match[1], platform, kind: match[3] as ArchiveKind } : undefined;
}

export interface PublishedChecksum {
  readonly sha256: string;
  /** The file name the sidecar names, when it names one. */
  readonly fileName?: string;
}

/**
 * Reads a `.sha256` sidecar: coreutils' `<hex>  <name>` (Istio ≤ 1.2, two spaces, maybe `*name`)
 * or release-builder's `<hex> <name>` (one space), or a bare hash. Undefined when it is none of these.
 */
export function parseSha256File(text: string): PublishedChecksum | undefined {
  const [line] = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (!line) return undefined;
  const [hash, name] = line.trim().split(/\s+/, 2);
  if (!/^[0-9a-fA-F]{64}$/.test(hash)) return undefined;
  return { sha256: hash.toLowerCase(), fileName: name?.replace(/^\*/, '') };
}
