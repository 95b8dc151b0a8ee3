// Getting a release onto disk, the safe version of the book's `curl -L … | tar xz`: reuse an
// intact copy, else download the archive (resumable, size-capped), check it against the published
// SHA-256 (whose file name must be the archive's), unpack it safely and record what was done. Also
// the same for an archive downloaded by hand.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Writable } from 'node:stream';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReleasePlatform } from '../../istio/releases/archive-names';
import {
  currentPlatform,
  parseArchiveFileName,
  parseSha256File,
  releaseArchive,
} from '../../istio/releases/archive-names';
import type { DownloadedRelease } from '../downloaded-release';
import {
  describeReleaseDirectory,
  findDownloadedRelease,
  releaseDirectory,
  writeReleaseRecord,
} from '../downloaded-release';
import type { EntryLimits } from './entry-guard';
import type { DownloadProgress } from './download-file';
import { discardPart, downloadFile } from './download-file';
import type { ExtractOptions } from './extract-archive';
import { extractArchive } from './extract-archive';
import type { ProxySettings } from './http-get';
import { httpGet } from './http-get';
import { hostileEntry } from './entry-guard';
import { ReleaseError, cancelledError } from './release-error';
import { MAX_ARCHIVE_BYTES, megabytes } from './release-limits';

export type ReleaseStage = 'checksum' | 'download' | 'verify' | 'extract';

export interface ReleaseProgress {
  readonly stage: ReleaseStage;
  /** During 'download'. */
  readonly download?: DownloadProgress;
}

export interface ReleaseSource {
  /** Replaces `https://github.com/istio/istio/releases/download` (istioLab.releaseBaseUrl); empty = GitHub. */
  readonly baseUrl?: string;
  readonly proxy?: ProxySettings;
  readonly ca?: string;
}

export interface ObtainedRelease {
  readonly release: DownloadedRelease;
  /** An intact copy was already there; nothing was downloaded. */
  readonly reused: boolean;
  /** The published SHA-256 it was checked against, when one was published. */
  readonly publishedSha256?: string;
}

interface CommonOptions {
  readonly downloadDir: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ReleaseProgress) => void;
  readonly limits?: EntryLimits;
  /** Bytes an archive may have (default MAX_ARCHIVE_BYTES). */
  readonly maxArchiveBytes?: number;
}

export interface DownloadReleaseOptions extends CommonOptions {
  readonly version: string;
  readonly platform?: ReleasePlatform;
  readonly source?: ReleaseSource;
}

export async function downloadRelease(options: DownloadReleaseOptions): Promise<ObtainedRelease> {
  const { version, downloadDir, signal, onProgress, source = {} } = options;
  const platform = options.platform ?? currentPlatform();
  const archive = releaseArchive(version, platform, source.baseUrl);
  const existing = await findDownloadedRelease(downloadDir, version);
  if (existing && existing.archiveFileName === archive.fileName) return { release: existing, reused: true };

  onProgress?.({ stage: 'checksum' });
  const published = await fetchPublishedSha256(archive.sha256Url, source, signal, archive.fileName);
  const file = path.join(downloadDir, archive.fileName);
  await fs.promises.mkdir(downloadDir, { recursive: true });

  const common = {
    ...options,
    version,
    platform,
    archiveFile: file,
    kind: archive.kind,
    source: archive.url,
    published,
  };

  // A complete archive from an earlier run is unpacked again when it still matches the published hash.
  const cached =
    published &&
    (await fs.promises.access(file).then(
      () => true,
      () => false,
    ))
      ? await hashFile(file, signal)
      : undefined;
  if (cached !== undefined && cached === published) {
    onProgress?.({ stage: 'extract' });
    return { release: await unpack({ ...common, sha256: cached }), reused: false, publishedSha256: published };
  }

  const download = (consumer?: Writable, downloadSignal = signal): Promise<string> => {
    onProgress?.({ stage: 'download' });
    return downloadFile({
      url: archive.url,
      file,
      signal: downloadSignal,
      maxBytes: options.maxArchiveBytes ?? MAX_ARCHIVE_BYTES,
      proxy: source.proxy,
      ca: source.ca,
      consumer,
      onProgress: (progress) => onProgress?.({ stage: 'download', download: progress }),
    }).then((result) => result.sha256);
  };
  try {
    const release =
      archive.kind === 'tar.gz'
        ? await unpackWhileProduced(common, download, archive.url)
        : await unpack({ ...common, sha256: verifiedOrThrow(await download(), published, archive.url, onProgress) });
    return { release, reused: false, publishedSha256: published };
  } catch (error) {
    // An archive that failed its checksum or would not unpack must not be reused by the next run,
    // nor resumed: its .part goes too.
    if (
      error instanceof ReleaseError &&
      ['checksum-mismatch', 'hostile-archive', 'corrupt-archive'].includes(error.code)
    ) {
      await fs.promises.rm(file, { force: true });
      await discardPart(file);
    }
    throw error;
  }
}

export interface LocalArchiveOptions extends CommonOptions {
  /** An `istio-<version>-<platform>.tar.gz` / `.zip` someone downloaded; a `<file>.sha256` beside it is checked. */
  readonly file: string;
}

export async function useLocalArchive(options: LocalArchiveOptions): Promise<ObtainedRelease> {
  const { file, signal, onProgress } = options;
  const parsed = parseArchiveFileName(path.basename(file));
  if (!parsed) {
    throw new ReleaseError(
      'not-a-release-archive',
      `${path.basename(file)} is not named like an Istio release archive (istio-<version>-<platform>.tar.gz or .zip). Keep the name it was downloaded with.`,
      { file },
    );
  }
  await assertPlainFileWithin(file, options.maxArchiveBytes ?? MAX_ARCHIVE_BYTES);
  onProgress?.({ stage: 'checksum' });
  const sidecar = await fs.promises.readFile(`${file}.sha256`, 'utf8').catch(() => undefined);
  const published = sidecar === undefined ? undefined : parsePublished(sidecar, `${file}.sha256`, path.basename(file));
  const common = {
    ...options,
    version: parsed.version,
    platform: parsed.platform,
    archiveFile: file,
    kind: parsed.kind,
    source: file,
    published,
  };
  const release =
    parsed.kind === 'tar.gz'
      ? await unpackWhileProduced(common, (consumer, readSignal) => readHashing(file, consumer, readSignal), file)
      : await unpack({ ...common, sha256: verifiedOrThrow(await hashFile(file, signal), published, file, onProgress) });
  return { release, reused: false, publishedSha256: published };
}

interface UnpackOptions extends CommonOptions {
  readonly version: string;
  readonly platform: ReleasePlatform;
  readonly archiveFile: string;
  readonly kind: 'tar.gz' | 'zip';
  readonly source: string;
  /** The published SHA-256, when there is one. */
  readonly published?: string;
}

function verifiedOrThrow(
  sha256: string,
  published: string | undefined,
  where: string,
  onProgress: CommonOptions['onProgress'],
): string {
  onProgress?.({ stage: 'verify' });
  if (published && sha256 !== published) throw checksumMismatch(where, published, sha256);
  onProgress?.({ stage: 'extract' });
  return sha256;
}

/**
 * Unpacks a .tar.gz in the same streaming pass that produces its bytes (the download, or the
 * read of a local file), which returns their SHA-256. The unpacked tree stays in a temporary
 * directory until that hash matches the published one; on a mismatch or any failure it is
 * removed, so nothing unverified is ever put in place. When the unpack fails first (a hostile
 * entry, a gzip bomb), the producer is stopped through its signal: no more bytes are fetched.
 */
async function unpackWhileProduced(
  options: UnpackOptions,
  produce: (consumer: Writable, signal: AbortSignal) => Promise<string>,
  where: string,
): Promise<DownloadedRelease> {
  // Room for a few of the download's 1 MB pieces, so that receiving goes on while one is inflated.
  const bytes = new PassThrough({ highWaterMark: 4 * 1024 * 1024 });
  let verdict!: { accept: () => void; refuse: (error: unknown) => void };
  const verified = new Promise<void>((accept, refuse) => (verdict = { accept, refuse }));
  verified.catch(() => undefined);
  const extraction = extractArchive({ ...extractOptions(options), source: bytes, beforeCommit: () => verified });
  const unpackFailed = new AbortController();
  let produced = false;
  // It may fail while the producer still runs (a hostile entry, a failed request); it is awaited
  // below either way, so an early failure must not count as unhandled meanwhile. Failing first,
  // it stops the producer; failing after it (because the producer failed), it is not the cause.
  extraction.catch((error: unknown) => {
    if (!produced) unpackFailed.abort(error);
  });
  const signal = options.signal ? AbortSignal.any([options.signal, unpackFailed.signal]) : unpackFailed.signal;
  let sha256: string;
  try {
    const hash = await produce(bytes, signal).finally(() => (produced = true));
    sha256 = verifiedOrThrow(hash, options.published, where, options.onProgress);
  } catch (error) {
    verdict.refuse(error);
    // A producer that failed before writing anything has not ended the stream: stop the extraction.
    // The extraction may not be listening to the stream yet: its error is reported by `throw` below.
    bytes.on('error', () => undefined);
    bytes.destroy(error as Error);
    const unpackError = await extraction.then(
      () => undefined,
      (failure: unknown) => failure,
    );
    // A refused or damaged archive is the cause: the producer only stopped (or hashed a part of the
    // file, so that it mismatched) because the unpack stopped reading.
    const refused =
      unpackError instanceof ReleaseError &&
      (unpackError.code === 'hostile-archive' || unpackError.code === 'corrupt-archive');
    if (!options.signal?.aborted && (refused || unpackFailed.signal.aborted)) throw unpackError;
    throw error;
  }
  verdict.accept();
  await extraction;
  return recordRelease(options, sha256);
}

/** Unpacks an archive file whose SHA-256 is already known (and checked). */
async function unpack(options: UnpackOptions & { readonly sha256: string }): Promise<DownloadedRelease> {
  await extractArchive(extractOptions(options));
  return recordRelease(options, options.sha256);
}

function extractOptions(options: UnpackOptions): ExtractOptions {
  return {
    archive: options.archiveFile,
    kind: options.kind,
    target: releaseDirectory(options.downloadDir, options.version),
    signal: options.signal,
    limits: options.limits,
  };
}

async function recordRelease(options: UnpackOptions, sha256: string): Promise<DownloadedRelease> {
  const directory = releaseDirectory(options.downloadDir, options.version);
  const release: DownloadedRelease = {
    version: options.version,
    directory,
    ...(await describeReleaseDirectory(directory)),
    platform: options.platform,
    archiveFileName: path.basename(options.archiveFile),
    source: options.source,
    checksum: { state: options.published ? 'verified' : 'not-published', sha256 },
    extractedAt: new Date().toISOString(),
  };
  await writeReleaseRecord(options.downloadDir, release);
  return release;
}

/**
 * The published SHA-256 of `fileName`, or undefined when the release has no `.sha256` (404): the
 * release is then recorded 'not-published', never 'verified'.
 */
export async function fetchPublishedSha256(
  url: string,
  source: ReleaseSource = {},
  signal?: AbortSignal,
  fileName = path.posix.basename(new URL(url).pathname).replace(/\.sha256$/, ''),
): Promise<string | undefined> {
  let text = '';
  try {
    const response = await httpGet(url, { signal, proxy: source.proxy, ca: source.ca });
    for await (const chunk of response.body) {
      text += (chunk as Buffer).toString('utf8');
      if (text.length > 4096) break;
    }
    response.body.destroy();
  } catch (error) {
    if (error instanceof ReleaseError && error.code === 'http-status' && error.details.status === 404) return undefined;
    throw error;
  }
  return parsePublished(text, url, fileName);
}

/** The hash in a `.sha256` file, which must be of `fileName` when it names a file (sha256sum's format does). */
function parsePublished(text: string, where: string, fileName: string): string {
  const parsed = parseSha256File(text);
  if (!parsed)
    throw new ReleaseError(
      'checksum-unreadable',
      `${where} does not hold a SHA-256 checksum line. The mirror may be serving an error page.`,
      { url: where },
    );
  const named = parsed.fileName === undefined ? undefined : path.posix.basename(parsed.fileName.replaceAll('\\', '/'));
  if (named !== undefined && named !== fileName) {
    throw new ReleaseError(
      'checksum-unreadable',
      `${where} is the checksum of ${JSON.stringify(named)}, not of ${fileName}, so it cannot verify it. Nothing was unpacked. The mirror may be serving the wrong file.`,
      { url: where, namedFile: named },
    );
  }
  return parsed.sha256;
}

/** An archive picked by hand must be a plain file (not /dev/zero or a FIFO) of a release's size. */
async function assertPlainFileWithin(file: string, maxBytes: number): Promise<void> {
  const stat = await fs.promises.stat(file);
  if (!stat.isFile())
    throw new ReleaseError(
      'not-a-release-archive',
      `${path.basename(file)} is not a regular file. Pick the downloaded archive itself.`,
      { file },
    );
  if (stat.size > maxBytes) {
    const error = hostileEntry(path.basename(file), 'too-large', maxBytes);
    throw new ReleaseError(
      error.code,
      `${path.basename(file)} is larger than ${megabytes(maxBytes)}, far more than any Istio release archive; it was not unpacked.`,
      { ...error.details, file },
    );
  }
}

function checksumMismatch(where: string, expected: string, actual: string): ReleaseError {
  return new ReleaseError(
    'checksum-mismatch',
    `The SHA-256 of ${path.basename(where)} is ${actual}, but the published checksum is ${expected}. The file was deleted and nothing was unpacked. ` +
      'Download it again; if it keeps failing, the file on the server or mirror was altered.',
    { url: where, expected, actual },
  );
}

/** Reads a file into `consumer` (ending it) and returns the SHA-256 of what was read. */
async function readHashing(file: string, consumer: Writable, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  try {
    await pipeline(
      fs.createReadStream(file, { highWaterMark: 1024 * 1024, signal }),
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          hash.update(chunk);
          yield chunk;
        }
      },
      consumer,
    );
  } catch (error) {
    if (signal?.aborted) throw cancelledError(signal.reason);
    // The consumer stops early when the archive is rejected; that error is the extraction's to report.
    if (consumer.destroyed) return hash.digest('hex');
    throw error;
  }
  return hash.digest('hex');
}

export async function hashFile(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024, signal }))
      hash.update(chunk as Buffer);
  } catch (error) {
    if (signal?.aborted) throw cancelledError(signal.reason);
    throw error;
  }
  return hash.digest('hex');
}
