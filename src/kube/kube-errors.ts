// The errors people hit talking to a cluster, as one typed error: a code the UI turns into a
// localised message with the fix, the Kubernetes Status reason when the server answered, and the
// structured details (verb, resource, namespace, server, plugin…) a message needs. The English
// `message` is a fallback for logs and tests; src/ui words the real thing.

export type KubeErrorCode =
  /** No KUBECONFIG, no ~/.kube/config, not in a cluster. */
  | 'no-kubeconfig'
  /** A kubeconfig file that does not parse, or names a cluster/user it does not define. */
  | 'invalid-kubeconfig'
  /** `istioLab.context` (or current-context) names a context the kubeconfig does not have. */
  | 'unknown-context'
  /** The server's host name does not resolve. */
  | 'host-not-found'
  /** Connection refused, reset or unroutable: the server is down or not reachable from here. */
  | 'unreachable'
  | 'timeout'
  /** The server's certificate is not trusted, expired, or names another host. */
  | 'tls'
  /** 401: the credentials were rejected (an expired token, a revoked certificate). */
  | 'unauthorized'
  /** The kubeconfig's `exec` credential plugin is not installed (gke-gcloud-auth-plugin, aws…). */
  | 'exec-plugin-missing'
  /** The `exec` plugin ran and failed (not logged in, bad output). */
  | 'exec-plugin-failed'
  /** 403: RBAC denies the request. */
  | 'forbidden'
  | 'not-found'
  /** 410: the resourceVersion is too old; a watch relists. */
  | 'gone'
  /** 5xx, 429 and other answers a retry may fix. */
  | 'server-error'
  /** A watch the server had answered (200) ended mid-stream, without a Status: the store watches again. */
  | 'watch-dropped'
  | 'unknown';

export interface KubeErrorDetails {
  /** The request: verb (`list`, `watch`, `get`…), resource (`pods`), namespace (absent = cluster-wide). */
  readonly verb?: string;
  readonly resource?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly context?: string;
  readonly server?: string;
  /** Kubeconfig files looked at (no-kubeconfig, invalid-kubeconfig). */
  readonly kubeconfigFiles?: readonly string[];
  /** The contexts the kubeconfig has (unknown-context). */
  readonly availableContexts?: readonly string[];
  /** The exec plugin's command and its own install hint (exec-plugin-*). */
  readonly command?: string;
  readonly installHint?: string;
  /** The low-level cause: a Node error code (ECONNREFUSED, CERT_HAS_EXPIRED) or the server's Status message. */
  readonly cause?: string;
}

export interface KubeErrorInit {
  readonly statusCode?: number;
  /** The Kubernetes Status reason (Forbidden, Unauthorized, NotFound, Expired, Gone…). */
  readonly reason?: string;
  readonly details?: KubeErrorDetails;
  readonly cause?: unknown;
}

export class KubeError extends Error {
  override readonly name = 'KubeError';
  readonly statusCode?: number;
  readonly reason?: string;
  readonly details: KubeErrorDetails;

  constructor(
    readonly code: KubeErrorCode,
    init: KubeErrorInit = {},
  ) {
    super(englishMessage(code, init), { cause: init.cause });
    this.statusCode = init.statusCode;
    this.reason = init.reason;
    this.details = init.details ?? {};
  }

  /** Causes that retrying alone will not fix (the user has to act); the store shows them as failed. */
  get isPersistent(): boolean {
    return PERSISTENT.has(this.code);
  }

  /** The kubectl command that shows the same thing, to try in a terminal (403: `kubectl auth can-i`). */
  get kubectlHint(): string | undefined {
    const { verb, resource, namespace, context } = this.details;
    switch (this.code) {
      case 'forbidden':
        if (!verb || !resource) return undefined;
        return `kubectl auth can-i ${verb} ${resource} ${namespace ? `-n ${namespace}` : '--all-namespaces'}${context ? ` --context ${context}` : ''}`;
      case 'unknown-context':
        return 'kubectl config get-contexts';
      case 'no-kubeconfig':
        return 'kubectl config view';
      case 'unauthorized':
      case 'exec-plugin-failed':
      case 'unreachable':
      case 'host-not-found':
      case 'timeout':
      case 'tls':
        return `kubectl cluster-info${context ? ` --context ${context}` : ''}`;
      default:
        return undefined;
    }
  }
}

const PERSISTENT = new Set<KubeErrorCode>([
  'no-kubeconfig',
  'invalid-kubeconfig',
  'unknown-context',
  'host-not-found',
  'tls',
  'unauthorized',
  'exec-plugin-missing',
  'exec-plugin-failed',
  'forbidden',
]);

function englishMessage(code: KubeErrorCode, { statusCode, details = {} }: KubeErrorInit): string {
  const where = details.namespace
    ? ` in the namespace "${details.namespace}"`
    : details.resource
      ? ' in all namespaces'
      : '';
  const server = details.server ? ` ${details.server}` : '';
  switch (code) {
    case 'no-kubeconfig':
      return 'No kubeconfig found: KUBECONFIG is not set, ~/.kube/config does not exist and this is not a pod in a cluster. Create a cluster (or start the sandbox) or set istioLab.kubeconfig.';
    case 'invalid-kubeconfig':
      return `The kubeconfig cannot be used: ${details.cause ?? 'it does not parse'}.`;
    case 'unknown-context':
      return `The kubeconfig has no context "${details.context ?? ''}"${details.availableContexts?.length ? ` (it has: ${details.availableContexts.join(', ')})` : ''}. Pick another context.`;
    case 'host-not-found':
      return `The cluster's server${server} does not resolve (${details.cause ?? 'ENOTFOUND'}): the cluster may be deleted or the name mistyped.`;
    case 'unreachable':
      return `Cannot connect to the cluster's server${server} (${details.cause ?? 'connection refused'}): is the cluster running and reachable from here?`;
    case 'timeout':
      return `The cluster's server${server} did not answer in time.`;
    case 'tls':
      return `The TLS connection to${server || ' the server'} failed (${details.cause ?? 'certificate not trusted'}): the kubeconfig's certificate authority does not match the server.`;
    case 'unauthorized':
      return 'The cluster rejected the credentials (401 Unauthorized): the token or certificate has expired or been revoked. Log in again and refresh the kubeconfig.';
    case 'exec-plugin-missing':
      return `The kubeconfig runs "${details.command ?? ''}" to get credentials, and it is not installed.${details.installHint ? ` ${details.installHint}` : ''}`;
    case 'exec-plugin-failed':
      return `The credential plugin "${details.command ?? ''}" failed: ${details.cause ?? 'no credentials'}.`;
    case 'forbidden':
      return `Forbidden: you cannot ${details.verb ?? 'access'} ${details.resource ?? 'this resource'}${where} (RBAC).`;
    case 'not-found':
      return `Not found: ${details.resource ?? 'resource'}${details.name ? ` "${details.name}"` : ''}${where}.`;
    case 'gone':
      return 'The watch fell too far behind (410 Gone); the list is fetched again.';
    case 'server-error':
      return `The server answered ${statusCode ?? 'an error'}${details.cause ? `: ${details.cause}` : ''}.`;
    case 'watch-dropped':
      return `The server answered the watch of ${details.resource ?? 'resources'}${where}, then the stream ended mid-way (${details.cause ?? 'connection closed'}); it is watched again.`;
    default:
      return details.cause ?? 'Unknown error talking to the cluster.';
  }
}

/** The request an error happened in, so the error can name it. */
export type KubeRequestInfo = Pick<KubeErrorDetails, 'verb' | 'resource' | 'namespace' | 'name' | 'context' | 'server'>;

/** The Kubernetes `Status` an API server answers errors with (only the fields used). */
export interface KubeStatus {
  readonly kind?: string;
  readonly code?: number;
  readonly reason?: string;
  readonly message?: string;
}

const STATUS_CODES: Readonly<Record<number, KubeErrorCode>> = {
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  410: 'gone',
};
/** The Status reason the API server gives each code, for answers that came without a Status body (a watch's non-200). */
const STATUS_REASONS: Readonly<Record<number, string>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  410: 'Expired',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** An error answer of the API server (HTTP status + its Status body, when it sent one). */
export function kubeErrorFromStatus(
  statusCode: number,
  status: KubeStatus | undefined,
  request: KubeRequestInfo = {},
): KubeError {
  const code = STATUS_CODES[statusCode] ?? (statusCode === 504 ? 'timeout' : 'server-error');
  return new KubeError(code, {
    statusCode,
    reason: status?.reason || STATUS_REASONS[statusCode],
    details: { ...request, cause: status?.message },
  });
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
  'EADDRNOTAVAIL',
  'ERR_STREAM_PREMATURE_CLOSE',
]);
const TIMEOUTS = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);
const TLS =
  /^(CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_|ERR_SSL_|HOSTNAME_MISMATCH|EPROTO)/;

interface ErrorLike {
  code?: unknown;
  errno?: unknown;
  syscall?: unknown;
  path?: unknown;
  statusCode?: unknown;
  type?: unknown;
  message?: unknown;
  cause?: unknown;
}

/** The Node error code of an error or of the error it wraps (node-fetch and fetch wrap them). */
function nodeCode(error: ErrorLike): string | undefined {
  for (
    let current: ErrorLike | undefined = error, depth = 0;
    current && depth < 4;
    current = current.cause as ErrorLike | undefined, depth++
  ) {
    if (typeof current.code === 'string') return current.code;
    if (typeof current.errno === 'string') return current.errno;
  }
  return undefined;
}

/**
 * Any error from talking to a cluster as a KubeError: Node socket/TLS errors, the client's
 * `statusCode` errors, a failed exec credential plugin. A KubeError passes through unchanged.
 */
export function toKubeError(error: unknown, request: KubeRequestInfo = {}): KubeError {
  if (error instanceof KubeError) return error;
  const like: ErrorLike =
    typeof error === 'object' && error !== null ? (error as ErrorLike) : { message: String(error) };
  const message = typeof like.message === 'string' ? like.message : String(error);
  if (typeof like.statusCode === 'number') return kubeErrorFromStatus(like.statusCode, { message }, request);
  const code = nodeCode(like);
  // `spawn gke-gcloud-auth-plugin ENOENT`: the exec credential plugin is not on PATH.
  if (code === 'ENOENT' && typeof like.syscall === 'string' && like.syscall.startsWith('spawn')) {
    const command = typeof like.path === 'string' ? like.path : like.syscall.slice('spawn '.length);
    return new KubeError('exec-plugin-missing', { details: { ...request, command, cause: code }, cause: error });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new KubeError('host-not-found', { details: { ...request, cause: code }, cause: error });
  if (code && UNREACHABLE.has(code))
    return new KubeError('unreachable', { details: { ...request, cause: code }, cause: error });
  if (
    (code && TIMEOUTS.has(code)) ||
    like.type === 'request-timeout' ||
    (error instanceof Error && error.name === 'TimeoutError')
  ) {
    return new KubeError('timeout', { details: { ...request, cause: code ?? message }, cause: error });
  }
  if (code && TLS.test(code)) return new KubeError('tls', { details: { ...request, cause: code }, cause: error });
  if (/socket hang up|premature close/i.test(message))
    return new KubeError('unreachable', { details: { ...request, cause: message }, cause: error });
  return new KubeError('unknown', { details: { ...request, cause: message }, cause: error });
}
