// One GET against the cluster's API, authenticated as the kubeconfig says (client-node's
// applyToHTTPSOptions: CA, client certificates, tokens, exec plugins, proxy-url,
// insecure-skip-tls-verify), its JSON parsed here, and any failure a KubeError naming the request.
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { ClusterConnection } from './connection';
import type { KubeRequestInfo, KubeStatus } from './kube-errors';
import { kubeErrorFromStatus, toKubeError } from './kube-errors';

export interface ApiGet extends KubeRequestInfo {
  /** Path and query below the server URL, e.g. `/api/v1/pods?limit=500`. */
  readonly path: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * client-node makes a new Agent per request, so every request pays a TLS handshake (a paged list
 * of 10k pods makes 20). Requests with the same TLS identity share one keep-alive agent instead,
 * as Go's transport does for kubectl. Proxy agents (proxy-url) are left as they are.
 */
const keepAliveAgents = new Map<string, https.Agent>();
const MAX_AGENTS = 16;

function keepAliveAgent(agent: http.Agent | undefined): http.Agent | undefined {
  if (!agent || agent.constructor !== https.Agent) return agent;
  const options = (agent as https.Agent & { options: https.AgentOptions }).options;
  const identity = createHash('sha256');
  for (const part of [
    options.ca,
    options.cert,
    options.key,
    options.pfx,
    options.servername,
    String(options.rejectUnauthorized),
  ]) {
    identity.update(Buffer.isBuffer(part) ? part : String(part ?? '')).update('\0');
  }
  const key = identity.digest('hex');
  let shared = keepAliveAgents.get(key);
  if (!shared) {
    if (keepAliveAgents.size >= MAX_AGENTS) {
      const [oldest, agentToClose] = keepAliveAgents.entries().next().value as [string, https.Agent];
      keepAliveAgents.delete(oldest);
      agentToClose.destroy();
    }
    shared = new https.Agent({ ...options, keepAlive: true, maxFreeSockets: 4, timeout: 60_000 });
    keepAliveAgents.set(key, shared);
  }
  agent.destroy();
  return shared;
}

/** GETs JSON; rejects with a KubeError (or the signal's reason when aborted). */
export async function getJson<T>(
  connection: ClusterConnection,
  request: ApiGet,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<T> {
  const info: KubeRequestInfo = {
    verb: request.verb,
    resource: request.resource,
    namespace: request.namespace,
    name: request.name,
    context: connection.contextName,
    server: connection.server,
  };
  const { signal } = options;
  signal?.throwIfAborted();
  const opts: https.RequestOptions = {};
  try {
    await connection.kubeConfig.applyToHTTPSOptions(opts);
  } catch (error) {
    throw toKubeError(error, info);
  }
  const url = new URL(connection.server + request.path);
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise<T>((resolve, reject) => {
    const agent = keepAliveAgent(opts.agent as http.Agent | undefined);
    const req = transport.request(
      url,
      { ...opts, agent, method: 'GET', headers: { ...opts.headers, Accept: 'application/json' }, signal },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => reject(signal?.aborted ? signal.reason : toKubeError(error, info)));
        response.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const status = response.statusCode ?? 0;
          let parsed: unknown;
          try {
            parsed = JSON.parse(body);
          } catch {
            parsed = undefined;
          }
          if (status >= 200 && status < 300 && parsed !== undefined) resolve(parsed as T);
          else
            reject(
              kubeErrorFromStatus(
                status,
                isStatus(parsed) ? parsed : { message: body.slice(0, 200) || response.statusMessage },
                info,
              ),
            );
        });
      },
    );
    req.setTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, () =>
      req.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })),
    );
    req.on('error', (error) => reject(signal?.aborted ? signal.reason : toKubeError(error, info)));
    req.end();
  });
}

const isStatus = (value: unknown): value is KubeStatus =>
  typeof value === 'object' && value !== null && (value as KubeStatus).kind === 'Status';

/** Whether a namespace exists (istio-system before Istio is installed does not); other failures throw. */
export async function namespaceExists(
  connection: ClusterConnection,
  name: string,
  signal?: AbortSignal,
): Promise<boolean> {
  try {
    await getJson(
      connection,
      { path: `/api/v1/namespaces/${encodeURIComponent(name)}`, verb: 'get', resource: 'namespaces', name },
      { signal },
    );
    return true;
  } catch (error) {
    if (toKubeError(error).code === 'not-found') return false;
    throw error;
  }
}
