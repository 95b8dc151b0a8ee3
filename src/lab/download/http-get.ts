// GET of a release file as a stream: https://, http:// (through VS Code's `http.proxy` when one is
// set: absolute-form requests for http, a CONNECT tunnel for https) and file:// (a mirror on disk).
// Follows safe redirects only (GitHub answers release downloads with a 302 to its object store),
// asks for a byte range when resuming, and turns failures into ReleaseErrors.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';
import * as tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { ReleaseError, cancelledError, isUnreachable, unreachableError } from './release-error';

export interface ProxySettings {
  /** `http://[user:pass@]host:port`; empty = no proxy. */
  readonly url?: string;
  /** VS Code's `http.proxyStrictSSL`: verify the server's certificate (default true). */
  readonly strictSSL?: boolean;
  /** Host names (or `.suffix`) reached directly, as VS Code's `http.noProxy`. */
  readonly noProxy?: readonly string[];
}

export interface GetOptions {
  readonly signal?: AbortSignal;
  readonly proxy?: ProxySettings;
  /** Ask for the bytes from this offset on (`Range: bytes=<n>-`). */
  readonly rangeStart?: number;
  /** Only accept a partial answer when the file is still this version (ETag or Last-Modified). */
  readonly ifRange?: string;
  /** Extra CA certificates (PEM), for mirrors with a private CA. */
  readonly ca?: string;
  /** Gives up when no bytes arrive for this long (default 30 s). */
  readonly idleTimeoutMs?: number;
}

export interface GetResponse {
  readonly body: Readable;
  /** True when the body starts at `rangeStart` (206); false when it is the whole file. */
  readonly partial: boolean;
  /** Length of the whole file, when the server says. */
  readonly totalBytes?: number;
  /** ETag, else Last-Modified: what to send as If-Range when resuming. */
  readonly validator?: string;
  /** The URL that answered, after redirects. */
  readonly url: string;
}

const MAX_REDIRECTS = 5;
/**
 * The socket keeps reading up to 1 MB ahead while the body's reader hashes and writes what it has,
 * instead of stopping at 16 KB (the default) and starting again for most reads. The agent passes it
 * on to the socket (and the response takes the socket's); @types/node does not list it for requests.
 */
const socketBuffer: { readonly highWaterMark: number } = { highWaterMark: 1024 * 1024 };

export async function httpGet(url: string, options: GetOptions = {}): Promise<GetResponse> {
  if (options.signal?.aborted) throw cancelledError(options.signal.reason);
  const first = new URL(url);
  let current = url;
  for (let redirects = 0; ; redirects++) {
    const parsed = new URL(current);
    if (parsed.protocol === 'file:') return fileGet(parsed, options);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new ReleaseError('unreachable', `Unsupported URL scheme in ${current}: use https://, http:// or file://.`, {
        url: current,
      });
    }
    const response = await request(parsed, options);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      if (redirects === MAX_REDIRECTS)
        throw new ReleaseError('http-status', `Too many redirects from ${url}.`, { url, status });
      const next = safeRedirect(first, parsed, response.headers.location);
      if (typeof next !== 'string')
        throw new ReleaseError('http-status', refusedRedirectMessage(first, parsed, next.location), {
          url: current,
          status,
          redirect: next.location,
        });
      current = next;
      continue;
    }
    if (status !== 200 && status !== 206) {
      response.resume();
      throw new ReleaseError(
        'http-status',
        `GET ${current} answered HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}.`,
        {
          url: current,
          status,
        },
      );
    }
    const partial = status === 206 && options.rangeStart !== undefined;
    const length = Number(response.headers['content-length']);
    const rangeTotal = /\/(\d+)$/.exec(response.headers['content-range'] ?? '')?.[1];
    const totalBytes = partial
      ? rangeTotal
        ? Number(rangeTotal)
        : undefined
      : Number.isFinite(length)
        ? length
        : undefined;
    const validator = response.headers.etag ?? response.headers['last-modified'];
    return { body: response, partial, totalBytes, validator, url: current };
  }
}

/**
 * Where a redirect may go: from https:// to https:// (GitHub's object store), or anywhere on the
 * configured address's own scheme, host and port (a mirror on http://127.0.0.1 that moves a file).
 * Never from https:// down to http://, never to file:// or another scheme: a mirror must not turn
 * a download into a read of a local file (file:///dev/zero) or an unauthenticated fetch.
 */
function safeRedirect(first: URL, current: URL, location: string): string | { location: string } {
  let next: URL;
  try {
    next = new URL(location, current);
  } catch {
    return { location };
  }
  const allowed =
    (current.protocol === 'https:' && next.protocol === 'https:') ||
    (next.protocol !== 'file:' && next.origin === first.origin);
  return allowed ? next.toString() : { location: next.toString() };
}

function refusedRedirectMessage(first: URL, current: URL, location: string): string {
  return (
    `${current.toString()} redirects to ${location}, which is not followed: only redirects from https:// to https://, or within ${first.origin}, are. ` +
    'Nothing was downloaded. If the mirror is yours, set istioLab.releaseBaseUrl to the address that serves the files.'
  );
}

async function fileGet(url: URL, options: GetOptions): Promise<GetResponse> {
  const file = fileURLToPath(url);
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
  } catch (error) {
    const code = (error as { code?: string }).code;
    // A missing file on a file:// mirror is that mirror's 404.
    if (code === 'ENOENT')
      throw new ReleaseError(
        'http-status',
        `${file} does not exist.`,
        { url: url.toString(), status: 404 },
        { cause: error },
      );
    throw unreachableError(url.toString(), error);
  }
  // A device or FIFO (file:///dev/zero) would stream for ever: a mirror on disk holds plain files.
  if (!stat.isFile())
    throw new ReleaseError('http-status', `${file} is not a regular file.`, { url: url.toString(), status: 404 });
  const start = options.rangeStart && options.rangeStart <= stat.size ? options.rangeStart : 0;
  const body = fs.createReadStream(file, { start, signal: options.signal });
  return {
    body,
    partial: start > 0,
    totalBytes: stat.size,
    validator: `${stat.size}-${stat.mtimeMs}`,
    url: url.toString(),
  };
}

function bypassesProxy(host: string, noProxy: readonly string[] = []): boolean {
  return noProxy.some((entry) => {
    const pattern = entry.trim().toLowerCase();
    if (!pattern) return false;
    if (pattern === '*') return true;
    return pattern.startsWith('.')
      ? host.endsWith(pattern) || host === pattern.slice(1)
      : host === pattern || host.endsWith(`.${pattern}`);
  });
}

function proxyFor(url: URL, proxy: ProxySettings | undefined): URL | undefined {
  if (!proxy?.url || bypassesProxy(url.hostname.toLowerCase(), proxy.noProxy)) return undefined;
  return new URL(proxy.url.includes('://') ? proxy.url : `http://${proxy.url}`);
}

function proxyAuthorization(proxy: URL): Record<string, string> {
  if (!proxy.username) return {};
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { 'proxy-authorization': `Basic ${Buffer.from(credentials).toString('base64')}` };
}

function request(url: URL, options: GetOptions): Promise<http.IncomingMessage> {
  const headers: Record<string, string> = { 'user-agent': 'istio-lab', accept: '*/*' };
  if (options.rangeStart) {
    headers.range = `bytes=${options.rangeStart}-`;
    if (options.ifRange) headers['if-range'] = options.ifRange;
  }
  const proxy = proxyFor(url, options.proxy);
  const rejectUnauthorized = options.proxy?.strictSSL !== false;
  const tlsOptions = { rejectUnauthorized, ...(options.ca ? { ca: [...tls.rootCertificates, options.ca] } : {}) };
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;

  return new Promise<http.IncomingMessage>((resolve, reject) => {
    const fail = (error: unknown): void => {
      if (options.signal?.aborted) reject(cancelledError(options.signal.reason));
      else if (error instanceof ReleaseError) reject(error);
      else if (isUnreachable(error)) reject(unreachableError(url.toString(), error));
      else reject(error);
    };
    const send = (
      module: typeof http | typeof https,
      requestOptions: https.RequestOptions,
      target: string | URL,
    ): void => {
      const req = module.request(
        target,
        {
          ...requestOptions,
          ...socketBuffer,
          headers: { ...headers, ...requestOptions.headers },
          signal: options.signal,
        },
        (response) => {
          response.setTimeout(idleTimeoutMs, () =>
            response.destroy(Object.assign(new Error('no data'), { code: 'ETIMEDOUT' })),
          );
          resolve(response);
        },
      );
      req.setTimeout(idleTimeoutMs, () => req.destroy(Object.assign(new Error('no answer'), { code: 'ETIMEDOUT' })));
      req.on('error', fail);
      req.end();
    };

    if (!proxy) {
      send(url.protocol === 'https:' ? https : http, url.protocol === 'https:' ? tlsOptions : {}, url);
      return;
    }
    const proxyModule = proxy.protocol === 'https:' ? https : http;
    if (url.protocol === 'http:') {
      // Plain HTTP through a proxy: the request line carries the absolute URL.
      send(
        proxyModule,
        {
          host: proxy.hostname,
          port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
          path: url.toString(),
          headers: { host: url.host, ...proxyAuthorization(proxy) },
        },
        proxy,
      );
      return;
    }
    const port = url.port || '443';
    const connect = proxyModule.request({
      host: proxy.hostname,
      port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
      method: 'CONNECT',
      path: `${url.hostname}:${port}`,
      headers: { host: `${url.hostname}:${port}`, ...proxyAuthorization(proxy) },
      signal: options.signal,
    });
    connect.setTimeout(idleTimeoutMs, () =>
      connect.destroy(Object.assign(new Error('no answer from the proxy'), { code: 'ETIMEDOUT' })),
    );
    connect.on('error', fail);
    connect.on('connect', (answer, socket) => {
      if (answer.statusCode !== 200) {
        socket.destroy();
        reject(
          new ReleaseError(
            'proxy',
            `The proxy ${proxy.host} refused a tunnel to ${url.host} (HTTP ${answer.statusCode}). Check VS Code's http.proxy setting.`,
            { url: url.toString(), status: answer.statusCode },
          ),
        );
        return;
      }
      const secure = tls.connect({ socket, servername: url.hostname, ...tlsOptions });
      send(https, { createConnection: () => secure }, url);
    });
    connect.end();
  });
}
