// The HTTP face of the sandbox, shaped like k8s.io/apiserver's handler chain: health checks,
// injected latency, authentication, the non-resource endpoints (version, OpenAPI, discovery),
// then a resource request authorized, checked against injected faults and dispatched to its verb's
// handler (../handlers), its subresource (../subresources) or a pod stream (../streams). Errors
// become Kubernetes Status responses. Storage is ../storage, admission ../admission, what follows
// a write or a delete ../lifecycle.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { KubeObject } from '../apimachinery/kube-object';
import type { ResourceRequest } from '../apimachinery/request-info';
import { parseApiPath } from '../apimachinery/request-info';
import type { ResourceRegistry } from '../apimachinery/resource-registry';
import type { ResourceType } from '../apimachinery/resource-types';
import { SelectorError } from '../apimachinery/selectors';
import { releaseFields } from '../apimachinery/release-fields';
import { badRequest, methodNotAllowed, StatusError } from '../apimachinery/status-error';
import { admissionChain } from '../admission/plugins';
import type { Faults } from '../faults/faults';
import { create } from '../handlers/create';
import { deleteCollection, deleteResource } from '../handlers/delete';
import { getObject, listObjects } from '../handlers/get';
import { patch } from '../handlers/patch';
import { parseObject, readBody } from '../handlers/request-body';
import { decodeBody, decodePatchBody } from '../handlers/decode-body';
import { negotiateOutput, requestBodyAsJson } from '../handlers/negotiation';
import { respondObject, writeJson } from '../handlers/response-writers';
import type { ActiveWatch, HandlerScope } from '../handlers/scope';
import { existing } from '../handlers/scope';
import { update } from '../handlers/update';
import { watch } from '../handlers/watch';
import { ObjectLifecycle } from '../lifecycle/object-lifecycle';
import type { SchemaSource } from '../openapi';
import { OpenApiService, writeWarnings } from '../openapi';
import type { DeleteOptions, DeleteResult, ObjectStorage, RestStorage } from '../storage/storage';
import type { StreamSubresource } from '../streams/pod-streams';
import { PodStreams, rejectUpgrade, STREAM_SUBRESOURCES } from '../streams/pod-streams';
import { evictPod } from '../subresources/eviction';
import { servePodLog } from '../subresources/log';
import { containerOutput, containerShell } from '../controllers/container-exit';
import { waitsForAttach } from '../streams/exec-attach';
import { proxyNode, proxyPod, proxyService } from '../subresources/proxy';
import { review } from './access-review';
import { authenticate } from './authentication';
import { Authorization } from './authorization';
import { versionInfo } from './version-info';
import {
  aggregatedContentType,
  aggregatedDiscovery,
  aggregatedDiscoveryVersion,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
} from './discovery';

export interface ApiServerOptions {
  readonly kubeVersion: string;
  readonly token: string;
  readonly store: ObjectStorage;
  readonly registry: ResourceRegistry;
  readonly faults: Faults;
  readonly serverAddress: () => string;
  /** How often watches that asked for bookmarks get one. */
  readonly bookmarkIntervalMs?: number;
  /** How long a deleted namespace stays Terminating before its contents go (default 3 s, about what a
   *  real namespace controller takes, so `kubectl delete -f` of a whole install finds every object). */
  readonly namespaceFinalizeDelayMs?: number;
  /** How long a deleted CRD keeps serving its custom resources before they are cleaned up. */
  readonly crdCleanupDelayMs?: number;
  readonly now?: () => Date;
}

type PatchArguments = Parameters<typeof patch> extends [HandlerScope, ...infer Rest] ? Rest : never;

const notFoundResource = (): StatusError =>
  new StatusError(404, 'NotFound', 'the server could not find the requested resource');

/** The verbs each subresource answers; any other is 405, as go-restful answers a method it has no route for. */
const SUBRESOURCE_VERBS: Record<string, readonly string[]> = {
  status: ['get', 'update', 'patch'],
  scale: ['get', 'update', 'patch'],
  finalize: ['update'],
  log: ['get'],
  binding: ['create'],
  eviction: ['create'],
  exec: ['get', 'create'],
  attach: ['get', 'create'],
  portforward: ['get', 'create'],
};

export class ApiServer implements RestStorage {
  private readonly watches = new Set<ActiveWatch>();
  private closed = false;
  private readonly scope: HandlerScope;
  private readonly lifecycle: ObjectLifecycle;
  private readonly authorization: Authorization;
  /** /openapi/v3, the schemas the patch engines read, and server-side field validation. */
  readonly openApi: OpenApiService;
  /** pods/portforward, exec and attach, and the cluster network simulated containers are reached through. */
  readonly streams: PodStreams;

  constructor(private readonly options: ApiServerOptions) {
    const now = options.now ?? (() => new Date());
    const { store, registry } = options;
    this.openApi = new OpenApiService(
      registry,
      () => store.list('apiextensions.k8s.io/customresourcedefinitions'),
      now,
    );
    this.lifecycle = new ObjectLifecycle({
      store,
      registry,
      now,
      namespaceFinalizeDelayMs: options.namespaceFinalizeDelayMs,
      crdCleanupDelayMs: options.crdCleanupDelayMs,
    });
    this.scope = {
      store,
      registry,
      faults: options.faults,
      openApi: this.openApi,
      patchSchemas: this.patchSchemas,
      release: releaseFields(options.kubeVersion),
      admission: admissionChain(store, options.kubeVersion, now),
      lifecycle: this.lifecycle,
      now,
      watches: this.watches,
      isClosed: () => this.closed,
      bookmarkIntervalMs: options.bookmarkIntervalMs ?? 5000,
    };
    this.streams = new PodStreams({ api: this, store, registry, faults: options.faults, now });
    this.authorization = new Authorization(store, options.faults);
  }

  close(): void {
    this.closed = true;
    this.lifecycle.close();
    for (const watch of this.watches) watch.close();
    this.streams.close();
  }

  /**
   * Schemas for the patch engines and field management. A custom resource published without a
   * schema (Istio 1.x's CRDs) has its field types deduced from the object, as apiextensions does.
   */
  private readonly patchSchemas: SchemaSource = {
    schemaFor: (group, version, kind) => {
      const schema = this.openApi.schemaSource.schemaFor(group, version, kind);
      return schema && !schema.properties && !schema.$ref && !schema.allOf ? undefined : schema;
    },
    resolve: (node) => this.openApi.schemaSource.resolve(node),
  };

  // ── the write path, for controllers, streams and the cluster's seed (RestStorage) ──────

  /** Creates an object: the path every write of a new object takes, controllers included. */
  create(req: ResourceRequest, body: string | KubeObject, query?: URLSearchParams): KubeObject {
    return create(this.scope, req, body, query);
  }

  update(req: ResourceRequest, body: string | KubeObject, query?: URLSearchParams): [number, KubeObject] {
    return update(this.scope, req, body, query);
  }

  /** A patch as ../handlers/patch takes it after the scope: request, body, content type, query, warnings. */
  patch(...args: PatchArguments): [number, KubeObject] {
    return patch(this.scope, ...args);
  }

  /** Deletes as the API server and garbage collector do: finalizers, namespaces, propagation to dependents. */
  deleteObject(type: ResourceType, current: KubeObject, options?: DeleteOptions): DeleteResult {
    return this.lifecycle.deleteObject(type, current, options);
  }

  /** After a restart from saved state: finish the namespace and CRD deletions that were under way. */
  resumeDeletions(): void {
    this.lifecycle.resumeDeletions();
  }

  // ── HTTP ───────────────────────────────────────────────────────────────────────────────

  /** HTTP upgrades (WebSocket, SPDY/3.1): the streaming subresources of pods. */
  readonly handleUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    try {
      const url = new URL(request.url ?? '/', 'https://sandbox');
      authenticate(request, this.options.token, this.options.faults);
      const parsed = parseApiPath(this.options.registry, request.method ?? 'GET', url.pathname, url.searchParams);
      const req = parsed?.kind === 'root' ? undefined : parsed?.request;
      if (!req || req.type.resource !== 'pods' || !req.name || !STREAM_SUBRESOURCES.includes(req.subresource ?? ''))
        throw notFoundResource();
      // RBAC authorizes the streaming subresources as `create` (kubectl port-forward, exec, attach).
      this.authorization.authorizeResource(request, 'create', req);
      this.streams.upgrade(
        req.subresource as StreamSubresource,
        existing(this.scope, req),
        request,
        socket,
        head,
        url.searchParams,
      );
    } catch (error) {
      rejectUpgrade(socket, error);
    }
  };

  readonly handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    try {
      const url = new URL(request.url ?? '/', 'https://sandbox');
      if (this.options.faults.latencyMs > 0)
        await new Promise((resolve) => setTimeout(resolve, this.options.faults.latencyMs));
      if (url.pathname === '/healthz' || url.pathname === '/livez' || url.pathname === '/readyz') {
        response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        return;
      }
      authenticate(request, this.options.token, this.options.faults);
      await this.route(request, response, url);
    } catch (error) {
      this.fail(response, error);
    }
  };

  /** Any error as a Kubernetes Status (responsewriters.ErrorNegotiated); a stream already under way is cut. */
  private fail(response: ServerResponse, error: unknown): void {
    const status =
      error instanceof StatusError
        ? error
        : error instanceof SelectorError
          ? badRequest(error.message)
          : new StatusError(
              500,
              'InternalError',
              `Internal error occurred: ${error instanceof Error ? error.message : String(error)}`,
            );
    if (response.headersSent) {
      response.destroy();
      return;
    }
    writeJson(response, status.code, status.toStatus());
  }

  /** The non-resource endpoints (version, OpenAPI, discovery), then the resource handlers. */
  private async route(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const method = request.method ?? 'GET';
    const accept = request.headers.accept;
    const { registry } = this.options;
    this.authorization.authorizeNonResource(request, url.pathname);
    if (url.pathname === '/version' || url.pathname === '/version/') {
      writeJson(response, 200, versionInfo(this.options.kubeVersion));
      return;
    }
    if (url.pathname.startsWith('/openapi/')) {
      if (!this.openApi.serve(url, accept, response, request.headers['if-none-match'])) throw notFoundResource();
      return;
    }
    if (url.pathname === '/api' || url.pathname === '/apis') {
      const aggregated = aggregatedDiscoveryVersion(accept);
      const core = url.pathname === '/api';
      if (aggregated) {
        writeJson(response, 200, aggregatedDiscovery(registry, aggregated, core), aggregatedContentType(aggregated));
      } else {
        writeJson(response, 200, core ? apiVersions(this.options.serverAddress()) : apiGroupList(registry));
      }
      return;
    }
    const parsed = parseApiPath(registry, method, url.pathname, url.searchParams);
    if (!parsed) throw notFoundResource();
    if (parsed.kind === 'root') {
      if (parsed.group && !parsed.version) {
        const group = registry.groups().find((g) => g.name === parsed.group);
        if (!group) throw notFoundResource();
        writeJson(response, 200, apiGroup(group.name, group.versions));
        return;
      }
      const group = parsed.group ?? '';
      const version = parsed.version ?? 'v1';
      if (registry.inGroupVersion(group, version).length === 0) throw notFoundResource();
      writeJson(response, 200, apiResourceList(registry, group, version));
      return;
    }
    await this.serveResource(
      { ...parsed.request, userAgent: request.headers['user-agent'] },
      request,
      response,
      url.searchParams,
    );
  }

  /** A create or update body: read, YAML made JSON, decoded, its fields checked; the check's warnings go on the response. */
  private async admittedBody(
    request: IncomingMessage,
    response: ServerResponse,
    req: ResourceRequest,
    query: URLSearchParams,
    verb: 'create' | 'update',
  ): Promise<string> {
    const json = requestBodyAsJson(await readBody(request), request.headers['content-type']);
    const { body, warnings } = this.openApi.admitWrite(
      req,
      decodeBody(this.openApi.schemaSource, req, json),
      query,
      verb,
    );
    writeWarnings(response, warnings);
    return body;
  }

  /** A resource request: authorization, injected errors, then the subresource or the verb's handler. */
  private async serveResource(
    req: ResourceRequest,
    request: IncomingMessage,
    response: ServerResponse,
    query: URLSearchParams,
  ): Promise<void> {
    const { faults } = this.options;
    const scope = this.scope;
    this.authorization.authorizeResource(request, req.verb, req);
    const injected = faults.errorFor(req.verb, req.type.resource);
    if (injected !== undefined) {
      throw new StatusError(
        injected,
        injected === 429 ? 'TooManyRequests' : 'InternalError',
        `injected fault: ${req.verb} ${req.type.resource} answered ${injected}`,
      );
    }
    if (!req.type.verbs.includes(req.verb) && !req.subresource) {
      throw methodNotAllowed(`the server does not allow this method on the requested resource`);
    }
    if (req.subresource && req.subresource !== 'proxy' && !SUBRESOURCE_VERBS[req.subresource]?.includes(req.verb)) {
      throw methodNotAllowed(`the server does not allow this method on the requested resource`);
    }
    if (req.subresource === 'proxy' && req.name) {
      const cluster = this.streams.network.objects;
      const call = { req, request, response, query };
      if (req.type.resource === 'services') return proxyService(cluster, faults, call);
      if (req.type.resource === 'pods') return proxyPod(cluster, faults, call);
      if (req.type.resource === 'nodes')
        return proxyNode((name) => scope.store.get('/nodes', undefined, name), cluster.list('pods'), call);
    }
    if (req.subresource === 'exec' || req.subresource === 'attach' || req.subresource === 'portforward') {
      // Without an upgrade the proxy refuses, after the pod is found (UpgradeAwareHandler.UpgradeRequired).
      existing(scope, req);
      throw badRequest('Upgrade request required');
    }
    if (req.subresource === 'log' && req.type.resource === 'pods' && req.verb === 'get') {
      const sources = {
        store: scope.store,
        faults,
        now: scope.now,
        existing: (r: ResourceRequest) => existing(scope, r),
        printedBy: (pod: KubeObject, container: string) => this.streams.printedBy(pod, container),
        // A container started for `kubectl attach` printed what printedBy holds.
        runOutput: (pod: KubeObject, container: string) =>
          waitsForAttach(pod) ? [] : containerOutput(pod, container, containerShell(this.streams.network, scope.now)),
        follow: (active: ActiveWatch) => {
          this.watches.add(active);
          return () => this.watches.delete(active);
        },
      };
      servePodLog(sources, req, request, response, query);
      return;
    }
    if (req.subresource === 'eviction' && req.type.resource === 'pods') {
      const pod = existing(scope, req);
      const body = parseObject(requestBodyAsJson(await readBody(request), request.headers['content-type']));
      const deletePod = (options: Record<string, unknown>) =>
        deleteResource(scope, req, JSON.stringify(options), query);
      const [code, status] = evictPod(
        {
          store: scope.store,
          registry: scope.registry,
          api: this,
          now: scope.now,
          userAgent: req.userAgent,
          deletePod,
        },
        pod,
        body,
        query,
      );
      return writeJson(response, code, status);
    }
    if (req.type.isReview) {
      const body = await readBody(request);
      writeJson(response, 201, review(this.authorization, request, req, body));
      return;
    }
    negotiateOutput(request, response, query, {
      isWatch: req.verb === 'watch',
      isCustomResource: req.type.crd !== undefined,
    });
    switch (req.verb) {
      case 'get':
        return respondObject(scope, response, request, 200, getObject(scope, req));
      case 'list':
        return listObjects(scope, response, request, req, query);
      case 'watch':
        return watch(scope, response, request, req, query);
      case 'create': {
        const body = await this.admittedBody(request, response, req, query, 'create');
        return respondObject(scope, response, request, 201, create(scope, req, body, query));
      }
      case 'update': {
        const body = await this.admittedBody(request, response, req, query, 'update');
        const [code, updated] = update(scope, req, body, query);
        return respondObject(scope, response, request, code, updated);
      }
      case 'patch': {
        const body = decodePatchBody(await readBody(request), request.headers['content-type'] ?? '', query);
        const warnings: string[] = [];
        const [code, patched] = patch(scope, req, body, request.headers['content-type'] ?? '', query, warnings);
        writeWarnings(response, warnings);
        return respondObject(scope, response, request, code, patched);
      }
      case 'delete': {
        const body = await readBody(request);
        const [code, result] = deleteResource(scope, req, body, query);
        return respondObject(scope, response, request, code, result);
      }
      case 'deletecollection': {
        const body = await readBody(request);
        return respondObject(scope, response, request, 200, deleteCollection(scope, req, body, query));
      }
      default:
        throw methodNotAllowed(`the server does not allow this method on the requested resource`);
    }
  }
}
