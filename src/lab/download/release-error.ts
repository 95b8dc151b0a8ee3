// The one error type of getting a release: a code the UI turns into a localised message, the
// facts that message needs, and an English message for logs (what happened, why, what to do).

export type HostileEntryReason =
  | 'path-traversal'
  | 'absolute-path'
  | 'link-escape'
  | 'special-file'
  | 'file-where-directory-expected'
  | 'too-many-entries'
  | 'too-large';

export type ReleaseErrorCode =
  /** No connection to the release server (DNS, refused, reset, timeout): offline or blocked. */
  | 'unreachable'
  /** The connection dropped mid-download; the bytes so far are kept for a resume. */
  | 'interrupted'
  /** The server answered with an HTTP error status, or with a redirect that is not followed (`redirect`). */
  | 'http-status'
  /** The proxy refused to open a tunnel. */
  | 'proxy'
  /** The published `.sha256` is not a SHA-256 line, or is the checksum of another file. */
  | 'checksum-unreadable'
  /** The archive's SHA-256 differs from the published one; the download was deleted. */
  | 'checksum-mismatch'
  /**
   * The archive holds an entry that would write outside the release directory or is not a plain
   * file/dir/link, or the archive is bigger than any release (`too-large`: download or unpacked).
   */
  | 'hostile-archive'
  /** The archive is truncated or damaged. */
  | 'corrupt-archive'
  /** A hand-downloaded file whose name is not an Istio release archive's. */
  | 'not-a-release-archive'
  /** No space left on the disk. */
  | 'disk-full'
  | 'cancelled';

export interface ReleaseErrorDetails {
  readonly url?: string;
  readonly status?: number;
  readonly expected?: string;
  readonly actual?: string;
  readonly entry?: string;
  readonly reason?: HostileEntryReason;
  readonly limit?: number;
  readonly file?: string;
  /** Where a refused redirect pointed. */
  readonly redirect?: string;
  /** The file name a published `.sha256` names, when it is not the archive's. */
  readonly namedFile?: string;
}

export class ReleaseError extends Error {
  constructor(
    readonly code: ReleaseErrorCode,
    message: string,
    readonly details: ReleaseErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ReleaseError';
  }
}

const UNREACHABLE_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Errors of the network layer that mean "cannot reach the server", as opposed to a bad answer. */
export function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && UNREACHABLE_CODES.has(code);
}

export function unreachableError(url: string, cause: unknown): ReleaseError {
  const reason = (cause as { code?: string }).code ?? (cause as Error).message;
  return new ReleaseError(
    'unreachable',
    `Could not reach ${new URL(url).host} (${reason}). If this machine is offline or the site is blocked, ` +
      'set istioLab.releaseBaseUrl to a mirror (https:// or file://), or download the archive by hand and use "Use Local Archive…".',
    { url },
    { cause },
  );
}

export function cancelledError(cause?: unknown): ReleaseError {
  return new ReleaseError('cancelled', 'Cancelled.', {}, { cause });
}

/** Maps file-system failures that have their own message (ENOSPC) and passes the rest through. */
export function fileSystemError(error: unknown, file: string): unknown {
  if ((error as { code?: string }).code === 'ENOSPC') {
    return new ReleaseError(
      'disk-full',
      `No space left on the disk while writing ${file}. Free some space or choose another istioLab.downloadDir.`,
      { file },
      { cause: error },
    );
  }
  return error;
}
