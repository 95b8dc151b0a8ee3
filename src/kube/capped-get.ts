// One GET with a caller's AbortSignal, a timeout and a cap on the body's size, answering with any
// HTTP status: to the API server with the kubeconfig's credentials (client-node's
// applyToHTTPSOptions: CA, client certificates, tokens, exec plugins), or to a local port a
// port-forward opened. For bodies that may be large or slow, such as Pilot's registry.
import * as http from 'node:http';
import * as https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeStatus } from './kube-errors';
import { KubeError, toKubeError } from './kube-errors';

export interface HttpAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export interface GetLimits {
  readonly signal?: AbortSignal;
  readonly timeoutMs: number;
  readonly maxBytes: number;
}

/** The GET was cancelled, took longer than its timeout, or its body passed the cap. */
export class CappedGetError extends Error {
  override readonly name = 'CappedGetError';

  constructor(
    readonly code: 'cancelled' | 'timeout' | 'too-large',
    readonly limits: Pick<GetLimits, 'timeoutMs' | 'maxBytes'>,
    /** The path asked for (no host, no query). */
    readonly path: string,
  ) {
    super(`${code}: GET ${path}`);
  }
}

/** One GET, with the caller's signal, a timeout and a size cap; resolves with any HTTP status. */
export function cappedGet(url: URL, requestOptions: https.RequestOptions, limits: GetLimits): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    if (limits.signal?.aborted) return reject(new CappedGetError('cancelled', limits, url.pathname));
    const transport = url.protocol === 'https:' ? https : http;
    let settled = false;
    const finish = (error: Error | undefined, answer?: HttpAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      limits.signal?.removeEventListener('abort', onAbort);
      if (error) {
        request.destroy();
        reject(error);
      } else resolve(answer!);
    };
    const onAbort = (): void => finish(new CappedGetError('cancelled', limits, url.pathname));
    const timer = setTimeout(() => finish(new CappedGetError('timeout', limits, url.pathname)), limits.timeoutMs);
    limits.signal?.addEventListener('abort', onAbort, { once: true });
    const request = transport.request(url, { ...requestOptions, method: 'GET' }, (response) => {
      const declared = Number(response.headers['content-length']);
      if (declared > limits.maxBytes) return finish(new CappedGetError('too-large', limits, url.pathname));
      const chunks: Buffer[] = [];
      let bytes = 0;
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > limits.maxBytes) finish(new CappedGetError('too-large', limits, url.pathname));
        else chunks.push(chunk);
      });
      response.on('end', () =>
        finish(undefined, {
          status: response.statusCode ?? 0,
          contentType: String(response.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      response.on('error', (error) => finish(error));
    });
    request.on('error', (error) => finish(error));
    request.end();
  });
}

/** A capped GET to the API server as the kubeconfig's user; a failure to connect is a KubeError, a CappedGetError passes. */
export async function apiServerGet(kubeConfig: KubeConfig, path: string, limits: GetLimits): Promise<HttpAnswer> {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new KubeError('invalid-kubeconfig', { details: { cause: 'no current cluster' } });
  const url = new URL(cluster.server.replace(/\/+$/, '') + path);
  const options: https.RequestOptions = { headers: { accept: 'application/json, */*' } };
  await kubeConfig.applyToHTTPSOptions(options);
  try {
    return await cappedGet(url, options, limits);
  } catch (error) {
    if (error instanceof CappedGetError) throw error;
    throw toKubeError(error, { server: cluster.server });
  }
}

/** The API server's own error answer (a `Status` object), when the answer is one. */
export function statusOf(answer: HttpAnswer): KubeStatus | undefined {
  if (!answer.contentType.includes('json')) return undefined;
  try {
    const value = JSON.parse(answer.body) as KubeStatus;
    return value && value.kind === 'Status' ? value : undefined;
  } catch {
    return undefined;
  }
}
