// Streams one URL to a file while hashing it (SHA-256) and reporting progress. Bytes go to
// `<file>.part`; an interrupted download is resumed with a Range request when the server still
// has the same file (If-Range), and only a complete download is renamed to `<file>`. A body larger
// than `maxBytes` is stopped and deleted, and so is a `.part` that could not be resumed anyway.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { GetOptions } from './http-get';
import { httpGet } from './http-get';
import { hostileEntry } from './entry-guard';
import { ReleaseError, cancelledError, fileSystemError, isUnreachable } from './release-error';
import { megabytes } from './release-limits';

export interface DownloadProgress {
  readonly receivedBytes: number;
  /** Size of the whole file, when the server says. */
  readonly totalBytes?: number;
  /** Recent transfer rate. */
  readonly bytesPerSecond: number;
  /** Estimated time left, when the size is known and bytes are flowing. */
  readonly remainingSeconds?: number;
  /** Bytes that were already there from an interrupted download. */
  readonly resumedFromBytes: number;
}

export interface DownloadOptions extends Omit<GetOptions, 'rangeStart' | 'ifRange'> {
  readonly url: string;
  readonly file: string;
  readonly onProgress?: (progress: DownloadProgress) => void;
  /** Least time between two progress reports (default 100 ms); the last report is always sent. */
  readonly progressIntervalMs?: number;
  /**
   * Also receives every byte of the file from its first (a resumed download's earlier bytes
   * too), as they arrive: how the archive is unpacked while it downloads. Ended when the
   * download is complete, destroyed with the error when it fails.
   */
  readonly consumer?: Writable;
  /** Refuse a file larger than this (before reading when the server says its size). */
  readonly maxBytes?: number;
}

export interface DownloadResult {
  readonly file: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly resumedFromBytes: number;
}

interface PartState {
  readonly url: string;
  readonly validator?: string;
}

const partFile = (file: string): string => `${file}.part`;
const stateFile = (file: string): string => `${file}.part.json`;

async function readPartState(file: string, url: string): Promise<{ bytes: number; validator: string } | undefined> {
  try {
    const state = JSON.parse(await fs.promises.readFile(stateFile(file), 'utf8')) as PartState;
    const { size } = await fs.promises.stat(partFile(file));
    return state.url === url && state.validator && size > 0 ? { bytes: size, validator: state.validator } : undefined;
  } catch {
    return undefined;
  }
}

export async function downloadFile(options: DownloadOptions): Promise<DownloadResult> {
  const { url, file, signal, onProgress } = options;
  const part = partFile(file);
  const resume = await readPartState(file, url);
  // The hash covers the whole file: on a resume it starts from the bytes already on disk. This
  // happens before the request, so the answer is consumed as soon as it arrives (a connection
  // that closes early must not drop bytes that were already received).
  const resumedHash = createHash('sha256');
  if (resume) {
    for await (const chunk of fs.createReadStream(part, { end: resume.bytes - 1, signal }))
      resumedHash.update(chunk as Buffer);
  }
  const response = await httpGet(url, { ...options, rangeStart: resume?.bytes, ifRange: resume?.validator }).catch(
    async (error: unknown) => {
      // A refused answer (404, a redirect to file://) is no reason to keep bytes for a resume.
      if (error instanceof ReleaseError && error.code === 'http-status') await discardPart(file);
      throw error;
    },
  );
  const maxBytes = options.maxBytes ?? Infinity;
  if (response.totalBytes !== undefined && response.totalBytes > maxBytes) {
    response.body.destroy();
    await discardPart(file);
    throw tooLarge(file, url, maxBytes);
  }
  const resumedFromBytes = response.partial && resume ? resume.bytes : 0;
  const hash = resumedFromBytes > 0 ? resumedHash : createHash('sha256');
  const stateWritten = fs.promises.writeFile(
    stateFile(file),
    JSON.stringify({ url, validator: response.validator } satisfies PartState),
  );

  const totalBytes = response.totalBytes;
  const interval = options.progressIntervalMs ?? 100;
  const started = performance.now();
  let received = resumedFromBytes;
  let lastReport = 0;
  const report = (final: boolean): void => {
    if (!onProgress) return;
    const now = performance.now();
    if (!final && now - lastReport < interval) return;
    lastReport = now;
    const seconds = (now - started) / 1000;
    const bytesPerSecond = seconds > 0 ? (received - resumedFromBytes) / seconds : 0;
    const remainingSeconds =
      totalBytes !== undefined && bytesPerSecond > 0
        ? Math.max(0, (totalBytes - received) / bytesPerSecond)
        : undefined;
    onProgress({ receivedBytes: received, totalBytes, bytesPerSecond, remainingSeconds, resumedFromBytes });
  };

  // A connection that drops ends the stream normally here, so that every byte received is
  // flushed to the .part file before the error is reported.
  let dropped: unknown;
  const consumer = options.consumer;
  try {
    await pipeline(
      // The body is read here, not handed to pipeline, so that its error does not destroy the file stream.
      async function* () {
        if (consumer && resumedFromBytes > 0) {
          for await (const chunk of fs.createReadStream(part, { end: resumedFromBytes - 1, signal }))
            await feed(consumer, chunk as Buffer);
        }
        // The socket's 64 KB reads are gathered into pieces of BATCH_BYTES: each piece is one write
        // to the .part file and one inflate job for the consumer, instead of sixteen of each.
        const batch = new ChunkBatch(BATCH_BYTES);
        const pass = async (piece: Buffer): Promise<Buffer> => {
          hash.update(piece);
          if (consumer) await feed(consumer, piece);
          return piece;
        };
        try {
          for await (const chunk of response.body as AsyncIterable<Buffer>) {
            if (received + chunk.length > maxBytes) {
              response.body.destroy();
              throw tooLarge(file, url, maxBytes);
            }
            received += chunk.length;
            report(false);
            const piece = batch.add(chunk);
            if (piece) yield await pass(piece);
          }
        } catch (error) {
          if (signal?.aborted || isTooLarge(error)) throw error;
          dropped = error;
        }
        const rest = batch.take();
        if (rest) yield await pass(rest);
      },
      fs.createWriteStream(part, { flags: resumedFromBytes > 0 ? 'a' : 'w', highWaterMark: 1024 * 1024 }),
      { signal },
    );
    await stateWritten;
  } catch (error) {
    await stateWritten.catch(() => undefined);
    const failure = signal?.aborted
      ? cancelledError(signal.reason)
      : isTooLarge(error)
        ? error
        : interrupted(url, received, totalBytes, fileSystemError(error, part));
    // A cancelled or interrupted download keeps its .part for a resume, if the server named the
    // file's version (ETag or Last-Modified): without that, If-Range cannot be asked and the bytes are useless.
    if (!resumable(failure, response.validator)) await discardPart(file);
    consumer?.destroy(failure as Error);
    throw failure;
  }
  if (dropped !== undefined || (totalBytes !== undefined && received !== totalBytes)) {
    const failure = interrupted(url, received, totalBytes, dropped);
    if (!resumable(failure, response.validator)) await discardPart(file);
    consumer?.destroy(failure as Error);
    throw failure;
  }
  consumer?.end();
  report(true);
  await fs.promises.rename(part, file);
  await fs.promises.rm(stateFile(file), { force: true });
  return { file, sha256: hash.digest('hex'), bytes: received, resumedFromBytes };
}

/** Deletes the bytes of an interrupted download and what was recorded to resume it. */
export async function discardPart(file: string): Promise<void> {
  await fs.promises.rm(partFile(file), { force: true });
  await fs.promises.rm(stateFile(file), { force: true });
}

function resumable(failure: unknown, validator: string | undefined): boolean {
  return (
    validator !== undefined &&
    failure instanceof ReleaseError &&
    (failure.code === 'cancelled' || failure.code === 'interrupted')
  );
}

function tooLarge(file: string, url: string, maxBytes: number): ReleaseError {
  const error = hostileEntry(path.basename(file), 'too-large', maxBytes);
  return new ReleaseError(
    error.code,
    `${url} is larger than ${megabytes(maxBytes)}, far more than any Istio release archive: the download was stopped and deleted, and nothing was unpacked. ` +
      'Check istioLab.releaseBaseUrl: the server may be sending something else.',
    { ...error.details, url },
  );
}

const isTooLarge = (error: unknown): boolean => error instanceof ReleaseError && error.details.reason === 'too-large';

/** Bytes gathered before they are hashed, written and passed on. */
const BATCH_BYTES = 1024 * 1024;

/** Gathers small chunks into one buffer of at least `size` bytes. */
class ChunkBatch {
  private chunks: Buffer[] = [];
  private bytes = 0;

  constructor(private readonly size: number) {}

  /** The gathered bytes once there are `size` of them. */
  add(chunk: Buffer): Buffer | undefined {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    return this.bytes >= this.size ? this.take() : undefined;
  }

  /** Whatever is gathered (undefined when nothing is). */
  take(): Buffer | undefined {
    if (this.bytes === 0) return undefined;
    const piece = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.bytes);
    this.chunks = [];
    this.bytes = 0;
    return piece;
  }
}

/** Writes to a consumer with backpressure; a consumer that has stopped (failed) is skipped. */
async function feed(consumer: Writable, chunk: Buffer): Promise<void> {
  if (consumer.destroyed || consumer.writableEnded) return;
  if (consumer.write(chunk)) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      consumer.off('drain', done);
      consumer.off('close', done);
      resolve();
    };
    consumer.on('drain', done);
    consumer.on('close', done);
  });
}

function interrupted(url: string, received: number, total: number | undefined, cause?: unknown): unknown {
  if (cause instanceof ReleaseError) return cause;
  if (
    cause !== undefined &&
    !isUnreachable(cause) &&
    (cause as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE'
  )
    return cause;
  return new ReleaseError(
    'interrupted',
    `The download of ${url} stopped after ${received}${total ? ` of ${total}` : ''} bytes. Run the download again: it resumes where it stopped.`,
    { url },
    { cause },
  );
}
