// Client-node's KubernetesObjectApi, used for what it does well (discovery: kind → resource,
// cached per group-version and refetched on a miss, so a CRD's kind is found once it is served)
// but sending objects verbatim: its own create() runs them through the generated models, which
// drop every field they do not know, where kubectl sends the file as written.
import * as https from 'node:https';
import type { KubeConfig, KubernetesObject, V1APIResource } from '@kubernetes/client-node';
import { kubernetesClient } from '../connection';

export interface ResourceMapping {
  /** The plural the API serves it under (`deployments`). */
  readonly resource: string;
  readonly namespaced: boolean;
}

export interface ObjectClient {
  /** Discovery's answer for a kind in a group-version; undefined when the server does not serve it. */
  mapping(apiVersion: string, kind: string): Promise<ResourceMapping | undefined>;
  create(
    body: Readonly<Record<string, unknown>>,
    options: { dryRun: boolean; signal?: AbortSignal },
  ): Promise<KubernetesObject>;
  read(
    header: { apiVersion: string; kind: string; name: string; namespace?: string },
    signal?: AbortSignal,
  ): Promise<KubernetesObject>;
  remove(
    header: { apiVersion: string; kind: string; name: string; namespace?: string },
    signal?: AbortSignal,
  ): Promise<void>;
  readonly defaultNamespace: string;
  /** Closes the connections it keeps open. */
  dispose(): void;
}

interface VerbatimObjectApi {
  init(kc: KubeConfig): void;
  namespaceDefault(): string;
  mapKind(apiVersion: string, kind: string): Promise<V1APIResource | undefined>;
  send(
    method: 'GET' | 'POST' | 'DELETE',
    spec: KubernetesObject,
    action: 'create' | 'read' | 'delete',
    options: { body?: unknown; query?: Record<string, string>; signal?: AbortSignal },
  ): Promise<KubernetesObject>;
}

let verbatimClass: Promise<new (configuration: never) => VerbatimObjectApi> | undefined;

function verbatimObjectApi(): Promise<new (configuration: never) => VerbatimObjectApi> {
  verbatimClass ??= kubernetesClient().then((k8s) => {
    class Verbatim extends k8s.KubernetesObjectApi implements VerbatimObjectApi {
      init(kc: KubeConfig): void {
        this.setDefaultNamespace(kc);
      }

      namespaceDefault(): string {
        return this.defaultNamespace;
      }

      mapKind(apiVersion: string, kind: string): Promise<V1APIResource | undefined> {
        return this.resource(apiVersion, kind);
      }

      async send(
        method: 'GET' | 'POST' | 'DELETE',
        spec: KubernetesObject,
        action: 'create' | 'read' | 'delete',
        options: { body?: unknown; query?: Record<string, string>; signal?: AbortSignal },
      ): Promise<KubernetesObject> {
        const path = await this.specUriPath(spec, action);
        const request = this.configuration.baseServer.makeRequestContext(path, k8s.HttpMethod[method]);
        request.setHeaderParam('Accept', 'application/json');
        for (const [key, value] of Object.entries(options.query ?? {})) request.setQueryParam(key, value);
        if (options.body !== undefined) {
          request.setHeaderParam('Content-Type', 'application/json');
          request.setBody(JSON.stringify(options.body));
        }
        if (options.signal) request.setSignal(options.signal);
        return this.requestPromise(request, method === 'DELETE' ? 'V1Status' : undefined);
      }
    }
    return Verbatim as unknown as new (configuration: never) => VerbatimObjectApi;
  });
  return verbatimClass;
}

type Header = { apiVersion: string; kind: string; name: string; namespace?: string };
const specOf = (header: Header): KubernetesObject => ({
  apiVersion: header.apiVersion,
  kind: header.kind,
  metadata: { name: header.name, ...(header.namespace ? { namespace: header.namespace } : {}) },
});

/**
 * One keep-alive agent for all requests of an install. Client-node makes a new agent, so a new
 * TLS handshake, for every request (~30 ms of CPU each on the sandbox; 150 of them dominate an
 * install); the credentials still come from the kubeconfig per request. Clusters reached
 * through a proxy keep client-node's own agents.
 */
async function keepAliveAgent(kubeConfig: KubeConfig): Promise<https.Agent | undefined> {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster || cluster.proxyUrl || !cluster.server.startsWith('https:')) return undefined;
  const options: https.RequestOptions = {};
  await kubeConfig.applyToHTTPSOptions(options);
  return new https.Agent({
    keepAlive: true,
    // As many connections as the engine has requests in flight; more would each pay a handshake.
    maxSockets: 8,
    ca: options.ca,
    cert: options.cert,
    key: options.key,
    pfx: options.pfx,
    passphrase: options.passphrase,
    ...(options.rejectUnauthorized !== undefined ? { rejectUnauthorized: options.rejectUnauthorized } : {}),
    ...(cluster.tlsServerName ? { servername: cluster.tlsServerName } : {}),
  });
}

export async function createObjectClient(kubeConfig: KubeConfig): Promise<ObjectClient> {
  const k8s = await kubernetesClient();
  const Api = await verbatimObjectApi();
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('The kubeconfig has no current cluster.');
  const agent = await keepAliveAgent(kubeConfig);
  const configuration = k8s.createConfiguration({
    baseServer: new k8s.ServerConfiguration(cluster.server, {}),
    authMethods: { default: kubeConfig },
    promiseMiddleware: agent
      ? [{ pre: async (context) => (context.setAgent(agent), context), post: async (response) => response }]
      : [],
  });
  const api = new Api(configuration as never);
  api.init(kubeConfig);
  return {
    defaultNamespace: api.namespaceDefault(),
    dispose: () => agent?.destroy(),
    async mapping(apiVersion, kind) {
      let found: V1APIResource | undefined;
      try {
        found = await api.mapKind(apiVersion, kind);
      } catch (error) {
        // A group-version the server does not serve at all is a 404 on its discovery document.
        if ((error as { code?: number }).code === 404) return undefined;
        throw error;
      }
      return found ? { resource: found.name, namespaced: found.namespaced } : undefined;
    },
    create(body, options) {
      const spec = structuredClone(body) as KubernetesObject;
      const query: Record<string, string> = { fieldManager: 'istio-lab' };
      if (options.dryRun) query.dryRun = 'All';
      return api.send('POST', spec, 'create', { body: spec, query, signal: options.signal });
    },
    read(header, signal) {
      return api.send('GET', specOf(header), 'read', { signal });
    },
    async remove(header, signal) {
      // kubectl delete's default: the object goes now, its dependents in the background.
      const body = { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' };
      await api.send('DELETE', specOf(header), 'delete', { body, signal });
    },
  };
}
