// Where a downloaded release lives and what is known about it: `<downloadDir>/istio-<version>/`
// is the unpacked release (exactly as the archive had it), and `<downloadDir>/.istio-lab/istio-<version>.json`
// records how it got there (archive, SHA-256, whether that matched a published checksum). Other
// lab steps ask here whether a release is present and where its files are.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ReleasePlatform } from '../istio/releases/archive-names';

export type ChecksumState =
  /** The archive's SHA-256 matched the published `.sha256`. */
  | 'verified'
  /** No `.sha256` was published (or none lay beside a local archive): only the computed hash is known. */
  | 'not-published';

export interface DownloadedRelease {
  readonly version: string;
  /** `<downloadDir>/istio-<version>`. */
  readonly directory: string;
  /** `<directory>/bin`: what goes on PATH. */
  readonly binDirectory: string;
  /** `<directory>/bin/istioctl` (`istioctl.exe` from a Windows archive). */
  readonly istioctl: string;
  /** `legacy` releases (≤ 1.4 era) carry `install/kubernetes/istio-demo.yaml`; `modern` ones `manifests/`. */
  readonly layout: 'legacy' | 'modern';
  /** `install/kubernetes/istio-demo.yaml`, when the release has one. */
  readonly demoManifest?: string;
  readonly platform: ReleasePlatform;
  /** File name of the archive it came from. */
  readonly archiveFileName: string;
  /** The URL or local file the archive came from. */
  readonly source: string;
  readonly checksum: { readonly state: ChecksumState; readonly sha256: string };
  /** ISO time of the extraction. */
  readonly extractedAt: string;
}

export function releaseDirectory(downloadDir: string, version: string): string {
  return path.join(downloadDir, `istio-${version}`);
}

function recordFile(downloadDir: string, version: string): string {
  return path.join(downloadDir, '.istio-lab', `istio-${version}.json`);
}

export function isVerified(release: DownloadedRelease | undefined): boolean {
  return release?.checksum.state === 'verified';
}

export async function writeReleaseRecord(downloadDir: string, release: DownloadedRelease): Promise<void> {
  const file = recordFile(downloadDir, release.version);
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  await fs.promises.writeFile(`${file}.tmp`, `${JSON.stringify(release, null, 2)}\n`);
  await fs.promises.rename(`${file}.tmp`, file);
}

/**
 * The release of `version` in `downloadDir` when it is there and intact (its record, its
 * directory and its istioctl exist); undefined otherwise.
 */
export async function findDownloadedRelease(
  downloadDir: string,
  version: string,
): Promise<DownloadedRelease | undefined> {
  let release: DownloadedRelease;
  try {
    release = JSON.parse(await fs.promises.readFile(recordFile(downloadDir, version), 'utf8')) as DownloadedRelease;
  } catch {
    return undefined;
  }
  // The record travels with the folder: paths are recomputed in case the folder moved.
  const directory = releaseDirectory(downloadDir, version);
  const istioctl = path.join(directory, 'bin', path.basename(release.istioctl));
  const present = await fs.promises.stat(istioctl).then(
    (stat) => stat.isFile(),
    () => false,
  );
  if (!present || release.version !== version) return undefined;
  const demoManifest = release.demoManifest
    ? path.join(directory, 'install', 'kubernetes', 'istio-demo.yaml')
    : undefined;
  return { ...release, directory, binDirectory: path.join(directory, 'bin'), istioctl, demoManifest };
}

/** Describes an unpacked release directory: its istioctl, layout and demo manifest. */
export async function describeReleaseDirectory(
  directory: string,
): Promise<Pick<DownloadedRelease, 'binDirectory' | 'istioctl' | 'layout' | 'demoManifest'>> {
  const exists = (file: string): Promise<boolean> =>
    fs.promises.access(file).then(
      () => true,
      () => false,
    );
  const binDirectory = path.join(directory, 'bin');
  const istioctl = (await exists(path.join(binDirectory, 'istioctl.exe')))
    ? path.join(binDirectory, 'istioctl.exe')
    : path.join(binDirectory, 'istioctl');
  const demo = path.join(directory, 'install', 'kubernetes', 'istio-demo.yaml');
  const hasDemo = await exists(demo);
  return {
    binDirectory,
    istioctl,
    layout: hasDemo || (await exists(path.join(directory, 'install'))) ? 'legacy' : 'modern',
    demoManifest: hasDemo ? demo : undefined,
  };
}
