// The HTTP face of the sandbox: authentication, faults, discovery, and the REST semantics of
// the Kubernetes API (CRUD, list/watch, patch, subresources, deletion with finalizers and
// garbage collection) on top of the object store.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import * as yaml from 'js-yaml';
import { applyDefaults, defaultLegacySelector } from '../apimachinery/defaults';
import {
  aggregatedContentType,
  aggregatedDiscovery,
  aggregatedDiscoveryVersion,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
} from './discovery';
import type { Faults } from '../faults/faults';
import type { KubeObject } from '../apimachinery/kube-object';
import { clone, isKubeObject } from '../apimachinery/kube-object';
import type { ObjectStorage, StoreEvent } from '../storage/storage';
import { TooOldResourceVersionError } from '../storage/object-store';
import type { ResourceRequest } from '../apimachinery/request-info';
import { parseApiPath } from '../apimachinery/request-info';
import type { ResourceRegistry } from '../apimachinery/resource-registry';
import { resourceTypeFromCrd } from '../apimachinery/resource-registry';
import type { ResourceType } from '../apimachinery/resource-types';
import { groupVersion, storageApiVersion, storageKey } from '../apimachinery/resource-types';
import { convertObject } from '../apimachinery/conversion';
import { formatLogLine, podLogLines, podLogOptions } from '../subresources/pod-logs';
import { decodeProtobufObject, isProtobufContentType } from '../protobuf/decode-protobuf-object';
import { parseFieldSelector, parseLabelSelector, SelectorError } from '../apimachinery/selectors';
import {
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  gone,
  invalid,
  methodNotAllowed,
  namespaceTerminating,
  notFound,
  StatusError,
  unauthorized,
} from '../apimachinery/status-error';
import { APPLY_PATCH, JSON_PATCH, patchObject, patchTypeOf, STRATEGIC_MERGE_PATCH, validatePatchOptions } from '../patch/patch-request';
import { managerOrUserAgent, updateManagedFields } from '../patch/managed-fields';
import type { TableOptions } from '../printers/printing';
import { tableFor, tableForObject, tableOptionsFromQuery, tableVersionFor, wantsTable } from '../printers/printing';
import { dropUnknownFields, duplicateFieldErrors, fieldErrorText, fieldValidationDirective, goValueString, OpenApiService, patchRejection, writeWarnings } from '../openapi';
import type { SchemaSource } from '../openapi/schema';
import { proxyToService } from '../istio/service-proxy';
import { admitPodForIstio } from '../admission/sidecar-injection';
import type { StreamSubresource } from '../streams/pod-streams';
import { PodStreams, rejectUpgrade, STREAM_SUBRESOURCES } from '../streams/pod-streams';

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

export const SANDBOX_USER = 'istio-lab-learner';

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

export function randomSuffix(length = 5): string {
  let suffix = '';
  for (let i = 0; i < length; i++) suffix += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
  return suffix;
}

interface ContinueToken {
  rv: number;
  start: string;
}

interface ActiveWatch {
  close(): void;
}

function gitVersionParts(version: string): { major: string; minor: string } {
  const match = /^v?(\d+)\.(\d+)/.exec(version);
  return { major: match?.[1] ?? '1', minor: match?.[2] ?? '13' };
}

export class ApiServer {
  private readonly watches = new Set<ActiveWatch>();
  private readonly serialized = new WeakMap<KubeObject, Buffer>();
  private readonly now: () => Date;
  private closed = false;
  private nextClusterIp = 10;
  /** /openapi/v3, the schemas the patch engines read, and server-side field validation. */
  readonly openApi: OpenApiService;
  /** pods/portforward, exec and attach, and the cluster network simulated containers are reached through. */
  readonly streams: PodStreams;

  constructor(private readonly options: ApiServerOptions) {
    this.now = options.now ?? (() => new Date());
    this.openApi = new OpenApiService(options.registry, () => options.store.list('apiextensions.k8s.io/customresourcedefinitions'), this.now);
    this.streams = new PodStreams({ api: this, store: options.store, registry: options.registry, faults: options.faults, now: this.now });
  }

  close(): void {
    this.closed = true;
    for (const watch of this.watches) watch.close();
    this.streams.close();
  }

  /** HTTP upgrades (WebSocket, SPDY/3.1): the streaming subresources of pods. */
  readonly handleUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    try {
      const url = new URL(request.url ?? '/', 'https://sandbox');
      this.authenticate(request);
      const parsed = parseApiPath(this.options.registry, request.method ?? 'GET', url.pathname, url.searchParams);
      const req = parsed?.kind === 'root' ? undefined : parsed?.request;
      if (!req || req.type.resource !== 'pods' || !req.name || !STREAM_SUBRESOURCES.includes(req.subresource ?? '')) {
        throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
      }
      // RBAC authorizes the streaming subresources as `create` (kubectl port-forward, exec, attach).
      const { faults } = this.options;
      if (faults.isDenied('create', 'pods', req.namespace) || faults.isDenied('create', `pods/${req.subresource}`, req.namespace)) {
        throw forbidden(SANDBOX_USER, 'create', '', `pods/${req.subresource}`, req.namespace, req.name);
      }
      this.streams.upgrade(req.subresource as StreamSubresource, this.existing(req), request, socket, head, url.searchParams);
    } catch (error) {
      rejectUpgrade(socket, error);
    }
  };

  readonly handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    try {
      const url = new URL(request.url ?? '/', 'https://sandbox');
      if (this.options.faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.options.faults.latencyMs));
      if (url.pathname === '/healthz' || url.pathname === '/livez' || url.pathname === '/readyz') {
        response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        return;
      }
      this.authenticate(request);
      await this.route(request, response, url);
    } catch (error) {
      this.fail(response, error);
    }
  };

  private authenticate(request: IncomingMessage): void {
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
    if (token !== this.options.token || this.options.faults.expiredToken) throw unauthorized();
  }

  private fail(response: ServerResponse, error: unknown): void {
    const status =
      error instanceof StatusError
        ? error
        : error instanceof SelectorError
          ? badRequest(error.message)
          : new StatusError(500, 'InternalError', `Internal error occurred: ${error instanceof Error ? error.message : String(error)}`);
    if (response.headersSent) {
      response.destroy();
      return;
    }
    this.json(response, status.code, status.toStatus());
  }

  private json(response: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
    const text = JSON.stringify(body);
    response.writeHead(code, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
    response.end(text);
  }

  private async route(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const method = request.method ?? 'GET';
    const accept = request.headers.accept;
    const { registry } = this.options;
    if (url.pathname === '/version' || url.pathname === '/version/') {
      const version = this.options.kubeVersion;
      this.json(response, 200, {
        ...gitVersionParts(version),
        gitVersion: version,
        gitCommit: '0000000000000000000000000000000000000000',
        gitTreeState: 'clean',
        buildDate: '2019-06-19T16:40:16Z',
        goVersion: 'go1.11.5',
        compiler: 'gc',
        platform: 'linux/amd64',
      });
      return;
    }
    if (url.pathname.startsWith('/openapi/')) {
      if (!this.openApi.serve(url, accept, response, request.headers['if-none-match'])) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
      return;
    }
    if (url.pathname === '/api' || url.pathname === '/apis') {
      const aggregated = aggregatedDiscoveryVersion(accept);
      const core = url.pathname === '/api';
      if (aggregated) {
        this.json(response, 200, aggregatedDiscovery(registry, aggregated, core), aggregatedContentType(aggregated));
      } else {
        this.json(response, 200, core ? apiVersions(this.options.serverAddress()) : apiGroupList(registry));
      }
      return;
    }
    const parsed = parseApiPath(registry, method, url.pathname, url.searchParams);
    if (!parsed) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    if (parsed.kind === 'root') {
      if (parsed.group && !parsed.version) {
        const group = registry.groups().find((g) => g.name === parsed.group);
        if (!group) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
        this.json(response, 200, apiGroup(group.name, group.versions));
        return;
      }
      const group = parsed.group ?? '';
      const version = parsed.version ?? 'v1';
      if (registry.inGroupVersion(group, version).length === 0) {
        throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
      }
      this.json(response, 200, apiResourceList(registry, group, version));
      return;
    }
    await this.serveResource({ ...parsed.request, userAgent: request.headers['user-agent'] }, request, response, url.searchParams);
  }

  private async serveResource(req: ResourceRequest, request: IncomingMessage, response: ServerResponse, query: URLSearchParams): Promise<void> {
    const { faults } = this.options;
    const verb = req.subresource && !['status', 'scale'].includes(req.subresource) ? `${req.verb}` : req.verb;
    const resourceName = req.subresource ? `${req.type.resource}/${req.subresource}` : req.type.resource;
    // A deny rule names a resource (`services`, covering its subresources) or one subresource (`services/proxy`).
    if (faults.isDenied(verb, req.type.resource, req.namespace) || (req.subresource && faults.isDenied(verb, resourceName, req.namespace))) {
      throw forbidden(SANDBOX_USER, verb, req.group, resourceName, req.namespace, req.name);
    }
    const injected = faults.errorFor(verb, req.type.resource);
    if (injected !== undefined) {
      throw new StatusError(injected, injected === 429 ? 'TooManyRequests' : 'InternalError', `injected fault: ${verb} ${req.type.resource} answered ${injected}`);
    }
    if (!req.type.verbs.includes(req.verb) && !req.subresource) {
      throw methodNotAllowed(`the server does not allow this method on the requested resource`);
    }
    if (req.subresource === 'proxy' && req.type.resource === 'services' && req.namespace && req.name) {
      this.proxyService(req, request, response, query);
      return;
    }
    if (req.subresource === 'log' && req.type.resource === 'pods' && req.verb === 'get') {
      this.servePodLog(req, request, response, query);
      return;
    }
    if (req.type.isReview) {
      const body = await this.readBody(request);
      this.json(response, 201, this.review(req, body));
      return;
    }
    switch (req.verb) {
      case 'get':
        return this.respondObject(response, request, 200, this.getForRequest(req));
      case 'list':
        return this.respondList(response, request, req, query);
      case 'watch':
        return this.watch(response, request, req, query);
      case 'create': {
        const { body, warnings } = this.openApi.admitWrite(req, await this.readBody(request), query, 'create');
        writeWarnings(response, warnings);
        const created = this.create(req, body, query);
        return this.respondObject(response, request, 201, created);
      }
      case 'update': {
        const { body, warnings } = this.openApi.admitWrite(req, await this.readBody(request), query, 'update');
        writeWarnings(response, warnings);
        const [code, updated] = this.update(req, body, query);
        return this.respondObject(response, request, code, updated);
      }
      case 'patch': {
        const body = await this.readBody(request);
        const warnings: string[] = [];
        const [code, patched] = this.patch(req, body, request.headers['content-type'] ?? '', query, warnings);
        writeWarnings(response, warnings);
        return this.respondObject(response, request, code, patched);
      }
      case 'delete': {
        const body = await this.readBody(request);
        const [code, result] = this.delete(req, body, query);
        return this.respondObject(response, request, code, result);
      }
      case 'deletecollection': {
        const body = await this.readBody(request);
        return this.respondObject(response, request, 200, this.deleteCollection(req, body, query));
      }
      default:
        throw methodNotAllowed(`the server does not allow this method on the requested resource`);
    }
  }

  /** `services/{[scheme:]name[:port]}/proxy/{path}`: answered by the simulated container behind the service. */
  private proxyService(req: ResourceRequest, request: IncomingMessage, response: ServerResponse, query: URLSearchParams): void {
    const answer = proxyToService(
      this.streams.network.objects,
      { namespace: req.namespace!, id: req.name!, rest: req.rest, query, method: request.method ?? 'GET' },
      this.options.faults,
    );
    response.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': Buffer.byteLength(answer.body) });
    response.end(request.method === 'HEAD' ? undefined : answer.body);
  }

  /** `kubectl logs [-f] [--tail] [--since] [-c] [--timestamps]`: the simulated container's lines; `follow` stays open until the pod goes. */
  private servePodLog(req: ResourceRequest, request: IncomingMessage, response: ServerResponse, query: URLSearchParams): void {
    const options = podLogOptions(query);
    const pod = this.existing(req);
    const crashLog = (container: string) => this.options.faults.crashLoopFor(pod.metadata.namespace, pod.metadata.name!, container)?.log ?? [];
    const lines = podLogLines(pod, options, this.now(), (container) => this.streams.printedBy(pod, container), crashLog);
    response.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
    for (const line of lines) response.write(formatLogLine(line, options.timestamps));
    if (query.get('follow') !== 'true') {
      response.end();
      return;
    }
    const key = storageKey(req.type);
    const unsubscribe = this.options.store.subscribe((event) => {
      if (event.type === 'DELETED' && event.storageKey === key && event.object.metadata.uid === pod.metadata.uid) finish();
    });
    const active: ActiveWatch = { close: () => finish() };
    const finish = (): void => {
      unsubscribe();
      this.watches.delete(active);
      response.end();
    };
    this.watches.add(active);
    request.on('close', finish);
  }

  private async readBody(request: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) throw new StatusError(413, 'RequestEntityTooLarge', 'the request is too large');
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks);
    // kubectl's typed clients (auth can-i, create namespace, …) send Kubernetes protobuf.
    if (isProtobufContentType(request.headers['content-type'])) return JSON.stringify(decodeProtobufObject(body));
    return body.toString('utf8');
  }

  private parseObject(text: string, contentType = 'application/json'): KubeObject {
    let value: unknown;
    try {
      value = contentType.includes('yaml') ? yaml.load(text) : JSON.parse(text);
    } catch (error) {
      throw badRequest(`the body of the request was in an unknown format: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!isKubeObject(value)) throw badRequest('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml');
    value.metadata ??= {};
    return value;
  }

  private respondObject(response: ServerResponse, request: IncomingMessage, code: number, object: KubeObject | Record<string, unknown>): void {
    if (wantsTable(request.headers.accept) && isKubeObject(object) && object.kind !== 'Status') {
      const url = new URL(request.url ?? '/', 'https://x');
      const req = parseApiPath(this.options.registry, 'GET', url.pathname, url.searchParams);
      if (req?.kind === 'resource' && !req.request.subresource) {
        const options = this.tableOptions(request, url.searchParams, req.request);
        this.json(response, code, tableForObject(req.request.type, object as KubeObject, this.crdFor(req.request.type), this.now(), options));
        return;
      }
    }
    this.json(response, code, object);
  }

  /** How a request asked for a Table (`includeObject`, Table version); a bad value is a 400 before anything else. */
  private tableOptions(request: IncomingMessage, query: URLSearchParams, req: Pick<ResourceRequest, 'version'>): TableOptions {
    return { ...tableOptionsFromQuery(query), tableVersion: tableVersionFor(request.headers.accept), version: req.version };
  }

  // ── reading ────────────────────────────────────────────────────────────────────────────

  private crdFor(type: ResourceType): KubeObject | undefined {
    return type.crd ? this.options.store.get('apiextensions.k8s.io/customresourcedefinitions', undefined, type.crd) : undefined;
  }

  /** The object as seen through the request's group/version. */
  private present(object: KubeObject, req: Pick<ResourceRequest, 'group' | 'version' | 'type'>): KubeObject {
    const apiVersion = groupVersion(req.group, req.version);
    if (object.apiVersion === apiVersion && object.kind === req.type.kind) return object;
    return { ...convertObject(object, apiVersion), kind: req.type.kind };
  }

  private existing(req: ResourceRequest): KubeObject {
    const object = this.options.store.get(storageKey(req.type), req.type.namespaced ? req.namespace : undefined, req.name!);
    if (!object) throw notFound(req.group, req.type.resource, req.name!);
    return object;
  }

  private getForRequest(req: ResourceRequest): KubeObject {
    const object = this.present(this.existing(req), req);
    if (req.subresource === 'scale') return this.scaleOf(object);
    return object;
  }

  private scaleOf(object: KubeObject): KubeObject {
    const spec = (object.spec ?? {}) as Record<string, unknown>;
    const status = (object.status ?? {}) as Record<string, unknown>;
    const selector = (spec.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels;
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: object.metadata.name,
        namespace: object.metadata.namespace,
        uid: object.metadata.uid,
        resourceVersion: object.metadata.resourceVersion,
        creationTimestamp: object.metadata.creationTimestamp,
      },
      spec: { replicas: spec.replicas ?? 0 },
      status: {
        replicas: status.replicas ?? 0,
        ...(selector ? { selector: Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',') } : {}),
      },
    };
  }

  private selected(query: URLSearchParams): (object: KubeObject) => boolean {
    const labels = parseLabelSelector(query.get('labelSelector'));
    const fields = parseFieldSelector(query.get('fieldSelector'));
    return (object) => labels(object.metadata.labels) && fields(object);
  }

  private respondList(response: ServerResponse, request: IncomingMessage, req: ResourceRequest, query: URLSearchParams): void {
    const { store } = this.options;
    const matches = this.selected(query);
    const limit = Number(query.get('limit') ?? 0);
    let start = '';
    let listVersion = store.resourceVersion;
    const continueParam = query.get('continue');
    if (continueParam) {
      let token: ContinueToken;
      try {
        token = JSON.parse(Buffer.from(continueParam, 'base64url').toString('utf8')) as ContinueToken;
      } catch {
        throw badRequest('continue key is not valid: illegal base64 data');
      }
      if (token.rv < store.oldestWatchableVersion) {
        throw new StatusError(
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
        );
      }
      start = token.start;
      listVersion = token.rv;
    }
    const all = store.list(storageKey(req.type), req.namespace);
    const items: KubeObject[] = [];
    let next: string | undefined;
    let remaining = 0;
    for (const object of all) {
      const key = `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
      if (start && key <= start) continue;
      if (!matches(object)) continue;
      if (limit > 0 && items.length >= limit) {
        remaining++;
        continue;
      }
      items.push(object);
      if (limit > 0 && items.length === limit) next = key;
    }
    const metadata: Record<string, unknown> = { resourceVersion: String(listVersion) };
    if (remaining > 0 && next) {
      metadata.continue = Buffer.from(JSON.stringify({ rv: listVersion, start: next } satisfies ContinueToken)).toString('base64url');
      metadata.remainingItemCount = remaining;
    }
    if (wantsTable(request.headers.accept)) {
      const options = this.tableOptions(request, query, req);
      this.json(response, 200, tableFor(req.type, items.map((item) => this.present(item, req)), metadata, this.crdFor(req.type), this.now(), options));
      return;
    }
    this.writeList(response, req, items, metadata);
  }

  /**
   * JSON of a stored object, encoded once: stored objects are never changed in place (a write
   * stores a new copy), so like the real server's watch cache each version is serialized once.
   */
  private serialize(object: KubeObject): Buffer {
    let json = this.serialized.get(object);
    if (json === undefined) {
      json = Buffer.from(JSON.stringify(object));
      this.serialized.set(object, json);
    }
    return json;
  }

  /** Streams the list JSON: at 10k pods one JSON.stringify of the whole list is slower and holds twice the memory. */
  private writeList(response: ServerResponse, req: ResourceRequest, items: KubeObject[], metadata: Record<string, unknown>): void {
    const apiVersion = groupVersion(req.group, req.version);
    response.writeHead(200, { 'content-type': 'application/json' });
    const comma = Buffer.from(',');
    let chunk: Buffer[] = [Buffer.from(`{"kind":${JSON.stringify(`${req.type.kind}List`)},"apiVersion":${JSON.stringify(apiVersion)},"metadata":${JSON.stringify(metadata)},"items":[`)];
    let size = 0;
    for (let i = 0; i < items.length; i++) {
      const json = this.serialize(this.present(items[i], req));
      if (i) chunk.push(comma);
      chunk.push(json);
      size += json.length;
      if (size > 1024 * 1024) {
        response.write(Buffer.concat(chunk));
        chunk = [];
        size = 0;
      }
    }
    chunk.push(Buffer.from(']}'));
    response.end(Buffer.concat(chunk));
  }

  // ── watch ──────────────────────────────────────────────────────────────────────────────

  private watch(response: ServerResponse, request: IncomingMessage, req: ResourceRequest, query: URLSearchParams): void {
    const { store, faults } = this.options;
    const matches = this.selected(query);
    const key = storageKey(req.type);
    const inScope = (object: KubeObject) => req.namespace === undefined || object.metadata.namespace === req.namespace;
    const nameFilter = query.get('fieldSelector')?.match(/metadata\.name=([^,]+)/)?.[1];
    const asTable = wantsTable(request.headers.accept);
    const bookmarks = query.get('allowWatchBookmarks') === 'true';
    const sendInitialEvents = query.get('sendInitialEvents') === 'true';
    const requested = query.get('resourceVersion') ?? '';
    const timeoutSeconds = Number(query.get('timeoutSeconds') ?? 0);

    const tableOptions = asTable ? this.tableOptions(request, query, req) : undefined;
    response.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    // A real server answers a watch at once; clients wait for these headers before reading events.
    response.flushHeaders();
    let sent = 0;
    // A real server sends the column definitions with the first event only (null afterwards).
    let headersSent = false;
    const write = (type: string, object: unknown): void => {
      headersSent = true;
      response.write(`${JSON.stringify({ type, object })}\n`);
    };
    const writeObject = (type: string, object: KubeObject): void => {
      const presented = this.present(object, req);
      if (asTable) {
        write(type, tableForObject(req.type, presented, this.crdFor(req.type), this.now(), { ...tableOptions, noHeaders: headersSent }));
      } else {
        write(type, presented);
      }
      sent++;
      const dropAfter = faults.dropWatchesAfterEvents;
      if (dropAfter !== undefined && sent >= dropAfter) finish(true);
    };
    const writeError = (status: StatusError): void => write('ERROR', status.toStatus());

    let finished = false;
    let unsubscribe = (): void => undefined;
    let bookmarkTimer: NodeJS.Timeout | undefined;
    let timeoutTimer: NodeJS.Timeout | undefined;
    const active: ActiveWatch = { close: () => finish(false) };
    const finish = (abrupt: boolean): void => {
      if (finished) return;
      finished = true;
      unsubscribe();
      clearInterval(bookmarkTimer);
      clearTimeout(timeoutTimer);
      this.watches.delete(active);
      if (abrupt) response.destroy();
      else response.end();
    };
    this.watches.add(active);
    request.on('close', () => finish(false));

    if (faults.takeGone()) {
      writeError(gone(`too old resource version: ${requested || 0} (${store.resourceVersion})`));
      finish(false);
      return;
    }

    const initial: KubeObject[] = [];
    let since = store.resourceVersion;
    if (requested === '' || requested === '0' || sendInitialEvents) {
      for (const object of store.list(key, req.namespace)) {
        if (matches(object) && (!nameFilter || object.metadata.name === nameFilter)) initial.push(object);
      }
    } else {
      const version = Number(requested);
      if (!Number.isFinite(version)) {
        writeError(badRequest(`invalid resource version: "${requested}"`));
        finish(false);
        return;
      }
      let replay: StoreEvent[];
      try {
        replay = store.eventsSince(version);
      } catch (error) {
        if (error instanceof TooOldResourceVersionError) {
          writeError(gone(error.message));
          finish(false);
          return;
        }
        throw error;
      }
      for (const event of replay) this.deliver(event, key, inScope, matches, writeObject);
      since = store.resourceVersion;
    }
    for (const object of initial) writeObject('ADDED', object);
    if (finished) return;
    if (sendInitialEvents && bookmarks) {
      write('BOOKMARK', {
        kind: req.type.kind,
        apiVersion: groupVersion(req.group, req.version),
        metadata: { resourceVersion: String(since), annotations: { 'k8s.io/initial-events-end': 'true' } },
      });
    }
    unsubscribe = store.subscribe((event) => {
      if (!finished) this.deliver(event, key, inScope, matches, writeObject);
    });
    if (bookmarks) {
      bookmarkTimer = setInterval(() => {
        write('BOOKMARK', {
          kind: req.type.kind,
          apiVersion: groupVersion(req.group, req.version),
          metadata: { resourceVersion: String(store.resourceVersion) },
        });
      }, this.options.bookmarkIntervalMs ?? 5000);
    }
    if (timeoutSeconds > 0) timeoutTimer = setTimeout(() => finish(false), timeoutSeconds * 1000);
    if (this.closed) finish(false);
  }

  /** Sends one store event to a watch, turning selector transitions into ADDED/DELETED as the watch cache does. */
  private deliver(
    event: StoreEvent,
    key: string,
    inScope: (object: KubeObject) => boolean,
    matches: (object: KubeObject) => boolean,
    writeObject: (type: string, object: KubeObject) => void,
  ): void {
    if (event.storageKey !== key || !inScope(event.object)) return;
    const now = matches(event.object);
    const before = event.previous ? matches(event.previous) : event.type !== 'ADDED' && now;
    if (event.type === 'ADDED') {
      if (now) writeObject('ADDED', event.object);
    } else if (event.type === 'DELETED') {
      if (before || now) writeObject('DELETED', event.object);
    } else if (now && before) {
      writeObject('MODIFIED', event.object);
    } else if (now) {
      writeObject('ADDED', event.object);
    } else if (before) {
      writeObject('DELETED', event.object);
    }
  }

  // ── writing ────────────────────────────────────────────────────────────────────────────

  private isDryRun(query: URLSearchParams): boolean {
    return query.getAll('dryRun').includes('All');
  }

  private checkBodyMatchesRequest(req: ResourceRequest, object: KubeObject): void {
    const expected = groupVersion(req.group, req.version);
    if (object.apiVersion && object.apiVersion !== expected) {
      throw badRequest(`the API version in the data (${object.apiVersion}) does not match the expected API version (${expected})`);
    }
    if (object.kind && object.kind !== req.type.kind) {
      throw badRequest(`the kind in the data (${object.kind}) does not match the expected kind (${req.type.kind})`);
    }
    object.apiVersion = expected;
    object.kind = req.type.kind;
    if (req.type.namespaced) {
      if (object.metadata.namespace && req.namespace && object.metadata.namespace !== req.namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      object.metadata.namespace = req.namespace ?? object.metadata.namespace;
      if (!object.metadata.namespace) throw badRequest('the namespace of the object is required');
    } else {
      delete object.metadata.namespace;
    }
  }

  private validateName(req: ResourceRequest, object: KubeObject): void {
    const name = object.metadata.name;
    if (!name) {
      throw invalid(req.group, req.type.kind, '', [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }]);
    }
    const allowsDots = !['services', 'namespaces'].includes(req.type.resource);
    if (name.length > 253 || !DNS_SUBDOMAIN.test(name) || (!allowsDots && name.includes('.'))) {
      throw invalid(req.group, req.type.kind, name, [
        {
          reason: 'FieldValueInvalid',
          message: `Invalid value: "${name}": a lowercase RFC 1123 ${allowsDots ? 'subdomain' : 'label'} must consist of lower case alphanumeric characters, '-'${allowsDots ? " or '.'" : ''}, and must start and end with an alphanumeric character`,
          field: 'metadata.name',
        },
      ]);
    }
  }

  private checkNamespace(req: ResourceRequest, object: KubeObject): void {
    if (!req.type.namespaced) return;
    const namespace = this.options.store.get('/namespaces', undefined, object.metadata.namespace!);
    if (!namespace) throw notFound('', 'namespaces', object.metadata.namespace!);
    if (namespace.metadata.deletionTimestamp) {
      throw namespaceTerminating(object.metadata.namespace!, req.group, req.type.resource, object.metadata.name ?? '');
    }
  }

  /** Creates an object: the path every write of a new object takes, controllers included. */
  create(req: ResourceRequest, body: string | KubeObject, query: URLSearchParams = new URLSearchParams(), applied = false): KubeObject {
    const object = typeof body === 'string' ? this.parseObject(body) : clone(body);
    if (req.subresource) throw methodNotAllowed('the server does not allow this method on the requested resource');
    this.checkBodyMatchesRequest(req, object);
    if (!object.metadata.name && object.metadata.generateName) {
      object.metadata.name = `${object.metadata.generateName}${randomSuffix()}`;
    }
    this.validateName(req, object);
    this.checkNamespace(req, object);
    const key = storageKey(req.type);
    if (this.options.store.get(key, object.metadata.namespace, object.metadata.name!)) {
      throw alreadyExists(req.group, req.type.resource, object.metadata.name!);
    }
    const metadata = object.metadata;
    delete metadata.resourceVersion;
    delete metadata.deletionTimestamp;
    metadata.uid = randomUUID();
    metadata.creationTimestamp = this.timestamp();
    if (object.spec !== undefined || ['apps', 'extensions', 'batch'].includes(req.group)) metadata.generation = 1;
    defaultLegacySelector(object, req.group, req.version);
    applyDefaults(object, req.group);
    // Mutating admission (Istio's sidecar injector), then defaulting of what it added, as a real server does.
    if (req.type.kind === 'Pod' && req.group === '' && admitPodForIstio(object, this.options.store, this.options.kubeVersion)) applyDefaults(object, req.group);
    this.validate(req, object);
    this.admit(req, object);
    const tracked = applied ? object : this.recordUpdate(req, query, undefined, object);
    if (this.isDryRun(query)) return this.present(tracked, req);
    const stored = this.options.store.put(key, convertObject(tracked, storageApiVersion(req.type)));
    this.afterWrite(req.type, stored, undefined);
    return this.present(stored, req);
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

  /** Records the writer's `Update` in managedFields (every write but server-side apply, which records its own). */
  private recordUpdate(req: ResourceRequest, query: URLSearchParams, previous: KubeObject | undefined, next: KubeObject): KubeObject {
    return updateManagedFields({
      schemas: this.patchSchemas,
      group: req.group,
      version: req.version,
      kind: req.type.kind,
      subresource: req.subresource,
      hasStatusSubresource: req.type.subresources.includes('status'),
      now: this.now(),
      previous,
      next,
      manager: managerOrUserAgent(query.get('fieldManager'), req.userAgent),
    });
  }

  /** The checks a real server's validation makes that the lab's manifests can trip over. */
  private validate(req: ResourceRequest, object: KubeObject): void {
    const spec = (object.spec ?? {}) as Record<string, unknown>;
    const name = object.metadata.name;
    if (['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet'].includes(req.type.kind) && req.group === 'apps' && req.version === 'v1') {
      if (!spec.selector) {
        throw invalid(req.group, req.type.kind, name!, [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' }]);
      }
    }
    if (req.type.kind === 'Pod' && !Array.isArray(spec.containers)) {
      throw invalid('', 'Pod', name!, [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' }]);
    }
  }

  /** Admission: what the server adds on create (Service IPs and node ports, a CRD's names and Established status). */
  private admit(req: ResourceRequest, object: KubeObject): void {
    if (req.type.kind === 'Service' && req.group === '') {
      const spec = object.spec as Record<string, unknown>;
      if (spec.type !== 'ExternalName' && spec.clusterIP !== 'None' && !spec.clusterIP) {
        spec.clusterIP = this.allocateClusterIp();
      }
      if (spec.clusterIP && !spec.clusterIPs) spec.clusterIPs = [spec.clusterIP];
      if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
        const used = new Set(this.usedNodePorts());
        for (const port of (spec.ports as Record<string, unknown>[] | undefined) ?? []) {
          if (port.nodePort === undefined) {
            let candidate = 30000 + Math.floor(Math.random() * 2768);
            while (used.has(candidate)) candidate = 30000 + ((candidate - 30000 + 1) % 2768);
            port.nodePort = candidate;
            used.add(candidate);
          }
        }
        if (spec.type === 'LoadBalancer') object.status = { loadBalancer: {} };
        spec.externalTrafficPolicy ??= 'Cluster';
      }
    }
    if (req.type.kind === 'CustomResourceDefinition') {
      const spec = (object.spec ?? {}) as Record<string, unknown>;
      const names = (spec.names ?? {}) as Record<string, unknown>;
      const acceptedNames = { ...names, singular: names.singular ?? String(names.kind ?? '').toLowerCase(), listKind: names.listKind ?? `${String(names.kind)}List` };
      const time = this.timestamp();
      object.status = {
        conditions: [
          { type: 'NamesAccepted', status: 'True', lastTransitionTime: time, reason: 'NoConflicts', message: 'no conflicts found' },
          { type: 'Established', status: 'True', lastTransitionTime: time, reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
        ],
        acceptedNames,
        storedVersions: [resourceTypeFromCrd(object)?.storageVersion ?? spec.version],
      };
      object.metadata.finalizers = [...new Set([...(object.metadata.finalizers ?? []), CRD_CLEANUP_FINALIZER])];
    }
  }

  private allocateClusterIp(): string {
    const used = new Set(this.options.store.list('/services').map((service) => (service.spec as Record<string, unknown>)?.clusterIP));
    for (;;) {
      const n = this.nextClusterIp++;
      const ip = `10.3.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`;
      if (!used.has(ip)) return ip;
    }
  }

  private usedNodePorts(): number[] {
    return this.options.store
      .list('/services')
      .flatMap((service) => ((service.spec as Record<string, unknown>)?.ports as Record<string, unknown>[] | undefined) ?? [])
      .map((port) => Number(port.nodePort))
      .filter(Boolean);
  }

  update(req: ResourceRequest, body: string | KubeObject, query: URLSearchParams = new URLSearchParams()): [number, KubeObject] {
    const object = typeof body === 'string' ? this.parseObject(body) : clone(body);
    if (req.subresource === 'scale') return [200, this.updateScale(req, object)];
    this.checkBodyMatchesRequest(req, object);
    if (object.metadata.name !== req.name) {
      throw badRequest(`the name of the object (${object.metadata.name}) does not match the name on the URL (${req.name})`);
    }
    const current = this.existing(req);
    const expected = object.metadata.resourceVersion;
    if (expected && expected !== current.metadata.resourceVersion) throw conflict(req.group, req.type.resource, req.name!);
    return [200, this.replace(req, current, object, query)];
  }

  /** Writes `next` over `current` with the rules of update: immutable metadata, status vs spec, generation. */
  private replace(req: ResourceRequest, live: KubeObject, next: KubeObject, query: URLSearchParams, applied = false): KubeObject {
    // Compare and carry over fields in the version of the request, not the storage version.
    const current = this.present(live, req);
    const merged = clone(next);
    merged.apiVersion = groupVersion(req.group, req.version);
    merged.kind = req.type.kind;
    merged.metadata.uid = current.metadata.uid;
    merged.metadata.creationTimestamp = current.metadata.creationTimestamp;
    merged.metadata.namespace = current.metadata.namespace;
    merged.metadata.name = current.metadata.name;
    if (current.metadata.deletionTimestamp) {
      merged.metadata.deletionTimestamp = current.metadata.deletionTimestamp;
      merged.metadata.deletionGracePeriodSeconds = current.metadata.deletionGracePeriodSeconds;
    }
    const hasStatus = req.type.subresources.includes('status');
    if (req.subresource === 'status') {
      // Only status changes through /status.
      merged.metadata = { ...current.metadata, resourceVersion: merged.metadata.resourceVersion };
      for (const [key, value] of Object.entries(current)) if (key !== 'status' && key !== 'metadata') merged[key] = value;
    } else if (hasStatus) {
      if (current.status === undefined) delete merged.status;
      else merged.status = current.status;
    }
    applyDefaults(merged, req.group);
    const specChanged = JSON.stringify(current.spec) !== JSON.stringify(merged.spec);
    if (current.metadata.generation !== undefined) {
      merged.metadata.generation = (current.metadata.generation ?? 1) + (specChanged && req.subresource !== 'status' ? 1 : 0);
    }
    this.validate(req, merged);
    if (req.type.kind === 'Service') {
      const spec = merged.spec as Record<string, unknown>;
      spec.clusterIP ??= (current.spec as Record<string, unknown>)?.clusterIP;
      spec.clusterIPs ??= (current.spec as Record<string, unknown>)?.clusterIPs;
    }
    const tracked = applied ? merged : this.recordUpdate(req, query, current, merged);
    if (this.isDryRun(query)) return this.present(tracked, req);
    const stored = this.options.store.put(storageKey(req.type), convertObject(tracked, storageApiVersion(req.type)));
    this.afterWrite(req.type, stored, live);
    return this.present(stored, req);
  }

  private updateScale(req: ResourceRequest, scale: KubeObject): KubeObject {
    const current = this.existing(req);
    const replicas = Number((scale.spec as Record<string, unknown> | undefined)?.replicas);
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw invalid('autoscaling', 'Scale', req.name!, [{ reason: 'FieldValueInvalid', message: `Invalid value: ${replicas}: must be greater than or equal to 0`, field: 'spec.replicas' }]);
    }
    const next = clone(current);
    next.spec = { ...(next.spec as Record<string, unknown>), replicas };
    const stored = this.replace({ ...req, subresource: undefined }, current, next, new URLSearchParams());
    return this.scaleOf(stored);
  }

  patch(req: ResourceRequest, body: string, contentType: string, query: URLSearchParams, warnings: string[] = []): [number, KubeObject] {
    // The real order of checks: 415 for the patch type, 422 for the options, then 404.
    const patchType = patchTypeOf(contentType, req.type.crd !== undefined);
    validatePatchOptions(patchType, query);
    const isApply = patchType === APPLY_PATCH;
    const key = storageKey(req.type);
    const current = this.options.store.get(key, req.type.namespaced ? req.namespace : undefined, req.name!);
    if (!current && !isApply) throw notFound(req.group, req.type.resource, req.name!);
    const presented = current ? this.present(current, req) : undefined;
    const base = presented && req.subresource === 'scale' ? this.scaleOf(presented) : presented;
    const result = patchObject({
      contentType,
      body,
      current: base,
      request: req,
      fieldManager: query.get('fieldManager') ?? undefined,
      force: query.get('force') === 'true',
      now: this.now(),
      schemas: this.patchSchemas,
    });
    if (!isApply) this.validatePatchedFields(req, patchType, body, result, query, warnings);
    if (req.subresource === 'scale') return [200, this.updateScale(req, result)];
    if (!current) {
      result.metadata.name ??= req.name;
      return [201, this.create(req, result, query, isApply)];
    }
    if (result.metadata.resourceVersion && result.metadata.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(req.group, req.type.resource, req.name!);
    }
    // An apply that changes nothing is not a write: the resourceVersion stays, as on a real server.
    if (isApply && isDeepStrictEqual({ ...result, metadata: { ...result.metadata, resourceVersion: undefined } }, { ...presented, metadata: { ...presented!.metadata, resourceVersion: undefined } })) {
      return [200, presented!];
    }
    return [200, this.replace(req, current, result, query, isApply)];
  }

  /** `fieldValidation` for JSON, merge and strategic merge patches: the patched object must still fit the schema. */
  private validatePatchedFields(req: ResourceRequest, patchType: string, body: string, result: KubeObject, query: URLSearchParams, warnings: string[]): void {
    const directive = fieldValidationDirective(query, 'PatchOptions');
    if (directive === 'Ignore') return;
    const [group, version, kind] = req.subresource === 'scale' ? ['autoscaling', 'v1', 'Scale'] : [req.group, req.version, req.type.kind];
    const errors = [...(patchType === JSON_PATCH ? [] : duplicateFieldErrors(body)), ...this.openApi.fieldErrors(result, group, version, kind)];
    if (errors.length === 0) return;
    if (directive === 'Strict') throw patchRejection(patchType === STRATEGIC_MERGE_PATCH ? goValueString(JSON.parse(body)) : JSON.stringify(result), errors);
    warnings.push(...errors.map(fieldErrorText));
    dropUnknownFields(result, errors);
  }

  // ── deleting ───────────────────────────────────────────────────────────────────────────

  private deleteOptions(body: string, query: URLSearchParams): { propagationPolicy?: string; gracePeriodSeconds?: number; preconditions?: { uid?: string; resourceVersion?: string } } {
    let options: Record<string, unknown> = {};
    if (body.trim()) {
      try {
        options = JSON.parse(body) as Record<string, unknown>;
      } catch {
        throw badRequest('the body of the request was in an unknown format');
      }
    }
    const propagationPolicy = (query.get('propagationPolicy') ?? options.propagationPolicy ?? (options.orphanDependents === true ? 'Orphan' : undefined)) as string | undefined;
    if (propagationPolicy && !['Orphan', 'Background', 'Foreground'].includes(propagationPolicy)) {
      throw badRequest(`DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${propagationPolicy}": supported values: "Foreground", "Background", "Orphan", "nil"`);
    }
    const grace = query.get('gracePeriodSeconds') ?? options.gracePeriodSeconds;
    return {
      propagationPolicy,
      gracePeriodSeconds: grace === undefined || grace === null ? undefined : Number(grace),
      preconditions: options.preconditions as { uid?: string; resourceVersion?: string } | undefined,
    };
  }

  delete(req: ResourceRequest, body: string, query: URLSearchParams): [number, KubeObject | Record<string, unknown>] {
    const current = this.existing(req);
    const options = this.deleteOptions(body, query);
    if (options.preconditions?.uid && options.preconditions.uid !== current.metadata.uid) {
      throw new StatusError(409, 'Conflict', `Precondition failed: UID in precondition: ${options.preconditions.uid}, UID in object meta: ${current.metadata.uid}`);
    }
    if (options.preconditions?.resourceVersion && options.preconditions.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(req.group, req.type.resource, req.name!);
    }
    if (this.isDryRun(query)) return [200, this.present(current, req)];
    const result = this.deleteObject(req.type, current, options.propagationPolicy ?? 'Background');
    if (!result) {
      return [200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: req.name, group: req.group || undefined, kind: req.type.resource, uid: current.metadata.uid } }];
    }
    return [result.metadata.deletionTimestamp && this.options.store.get(storageKey(req.type), current.metadata.namespace, current.metadata.name!) ? 202 : 200, this.present(result, req)];
  }

  private deleteCollection(req: ResourceRequest, body: string, query: URLSearchParams): Record<string, unknown> {
    const options = this.deleteOptions(body, query);
    const matches = this.selected(query);
    const items = this.options.store.list(storageKey(req.type), req.namespace).filter(matches);
    const deleted: KubeObject[] = [];
    for (const item of items) {
      if (this.isDryRun(query)) deleted.push(item);
      else {
        const result = this.deleteObject(req.type, item, options.propagationPolicy ?? 'Background');
        if (result) deleted.push(result);
      }
    }
    return { kind: `${req.type.kind}List`, apiVersion: groupVersion(req.group, req.version), metadata: { resourceVersion: String(this.options.store.resourceVersion) }, items: deleted.map((item) => this.present(item, req)) };
  }

  /**
   * Deletes an object as the API server and garbage collector do: with finalizers it is only
   * marked (deletionTimestamp) until they are gone; namespaces terminate first; dependents follow
   * their owner (background), go before it (foreground), or are orphaned.
   */
  deleteObject(type: ResourceType, current: KubeObject, propagationPolicy: string): KubeObject | undefined {
    const { store } = this.options;
    const key = storageKey(type);
    if (type.kind === 'Namespace' && type.group === '') return this.terminateNamespace(current);
    const finalizers = [...(current.metadata.finalizers ?? [])];
    if (propagationPolicy === 'Foreground' && !finalizers.includes('foregroundDeletion') && this.dependentsOf(current).length > 0) finalizers.push('foregroundDeletion');
    if (propagationPolicy === 'Orphan' && !finalizers.includes('orphan') && this.dependentsOf(current).length > 0) finalizers.push('orphan');
    if (finalizers.length > 0) {
      if (current.metadata.deletionTimestamp && JSON.stringify(finalizers) === JSON.stringify(current.metadata.finalizers)) return current;
      const marked = clone(current);
      marked.metadata.finalizers = finalizers;
      marked.metadata.deletionTimestamp ??= this.timestamp();
      marked.metadata.deletionGracePeriodSeconds ??= 0;
      const stored = store.put(key, marked);
      this.processFinalizers(type, stored);
      return store.get(key, stored.metadata.namespace, stored.metadata.name!) ?? stored;
    }
    const removed = store.remove(key, current.metadata.namespace, current.metadata.name!);
    if (removed) this.afterRemove(type, removed);
    return removed;
  }

  /** The garbage collector's and namespace controller's work for the finalizers they own. */
  private processFinalizers(type: ResourceType, object: KubeObject): void {
    const finalizers = object.metadata.finalizers ?? [];
    if (finalizers.includes(CRD_CLEANUP_FINALIZER) && type.kind === 'CustomResourceDefinition') {
      setTimeout(() => this.cleanUpCustomResources(object), this.options.crdCleanupDelayMs ?? 1000).unref();
    }
    if (finalizers.includes('orphan')) {
      for (const [depType, dependent] of this.dependentsOf(object)) {
        const next = clone(dependent);
        next.metadata.ownerReferences = (next.metadata.ownerReferences ?? []).filter((ref) => ref.uid !== object.metadata.uid);
        this.options.store.put(storageKey(depType), next);
      }
      this.removeFinalizer(type, object, 'orphan');
    } else if (finalizers.includes('foregroundDeletion')) {
      for (const [depType, dependent] of this.dependentsOf(object)) this.deleteObject(depType, dependent, 'Foreground');
      if (this.dependentsOf(object).length === 0) this.removeFinalizer(type, object, 'foregroundDeletion');
    }
  }

  /** After a restart from saved state: finish the namespace and CRD deletions that were under way. */
  resumeDeletions(): void {
    for (const namespace of this.options.store.list('/namespaces')) {
      if (namespace.metadata.deletionTimestamp) setTimeout(() => this.finalizeNamespace(namespace.metadata.name!), this.options.namespaceFinalizeDelayMs ?? 3000).unref();
    }
    const crdType = this.options.registry.find('apiextensions.k8s.io', 'v1', 'customresourcedefinitions')!;
    for (const crd of this.options.store.list(storageKey(crdType))) {
      if (crd.metadata.deletionTimestamp) this.processFinalizers(crdType, crd);
    }
  }

  /** The apiextensions controller: deletes a Terminating CRD's custom resources, then lets the CRD go. */
  private cleanUpCustomResources(crd: KubeObject): void {
    if (this.closed) return;
    const crdType = resourceTypeFromCrd(crd);
    if (crdType) {
      for (const object of this.options.store.list(storageKey(crdType))) this.deleteObject(crdType, object, 'Background');
    }
    const type = this.options.registry.find('apiextensions.k8s.io', 'v1', 'customresourcedefinitions')!;
    this.removeFinalizer(type, crd, CRD_CLEANUP_FINALIZER);
  }

  private removeFinalizer(type: ResourceType, object: KubeObject, finalizer: string): void {
    const key = storageKey(type);
    const current = this.options.store.get(key, object.metadata.namespace, object.metadata.name!);
    if (!current) return;
    const next = clone(current);
    next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    if (next.metadata.finalizers.length === 0) delete next.metadata.finalizers;
    const stored = this.options.store.put(key, next);
    this.afterWrite(type, stored, current);
  }

  /** Objects whose ownerReferences name `owner`, with their resource types. */
  private dependentsOf(owner: KubeObject): [ResourceType, KubeObject][] {
    const uid = owner.metadata.uid;
    const found: [ResourceType, KubeObject][] = [];
    const seen = new Set<string>();
    for (const type of this.options.registry.all()) {
      const key = storageKey(type);
      if (seen.has(key) || type.isReview) continue;
      seen.add(key);
      const scope = type.namespaced && owner.metadata.namespace ? owner.metadata.namespace : undefined;
      if (owner.metadata.namespace && !type.namespaced) continue;
      for (const object of this.options.store.list(key, scope)) {
        if (object.metadata.ownerReferences?.some((ref) => ref.uid === uid)) found.push([type, object]);
      }
    }
    return found;
  }

  private afterRemove(type: ResourceType, removed: KubeObject): void {
    // Background propagation: dependents whose owners are all gone follow.
    for (const [depType, dependent] of this.dependentsOf(removed)) {
      const remainingOwners = (dependent.metadata.ownerReferences ?? []).filter(
        (ref) => ref.uid !== removed.metadata.uid && this.ownerExists(ref.uid, dependent.metadata.namespace),
      );
      if (remainingOwners.length === 0) this.deleteObject(depType, dependent, 'Background');
    }
    if (type.kind === 'CustomResourceDefinition') {
      const crdType = resourceTypeFromCrd(removed);
      if (crdType) {
        for (const object of this.options.store.list(storageKey(crdType))) this.options.store.remove(storageKey(crdType), object.metadata.namespace, object.metadata.name!);
      }
      this.options.registry.setCustom(removed.metadata.name!, undefined);
    }
    this.ownerDeleted(removed);
  }

  /** An owner finished deleting: owners waiting in foreground deletion for it may now go. */
  private ownerDeleted(removed: KubeObject): void {
    for (const ref of removed.metadata.ownerReferences ?? []) {
      const owner = this.findByUid(ref.uid, removed.metadata.namespace);
      if (owner && owner[1].metadata.finalizers?.includes('foregroundDeletion')) this.processFinalizers(owner[0], owner[1]);
    }
  }

  private ownerExists(uid: string, namespace: string | undefined): boolean {
    return this.findByUid(uid, namespace) !== undefined;
  }

  private findByUid(uid: string, namespace: string | undefined): [ResourceType, KubeObject] | undefined {
    const seen = new Set<string>();
    for (const type of this.options.registry.all()) {
      const key = storageKey(type);
      if (seen.has(key) || type.isReview) continue;
      seen.add(key);
      const candidates = type.namespaced ? this.options.store.list(key, namespace) : this.options.store.list(key);
      const found = candidates.find((object) => object.metadata.uid === uid);
      if (found) return [type, found];
    }
    return undefined;
  }

  private terminateNamespace(current: KubeObject): KubeObject {
    const { store } = this.options;
    if (current.metadata.deletionTimestamp) return current;
    const marked = clone(current);
    marked.metadata.deletionTimestamp = this.timestamp();
    marked.status = { ...((marked.status as Record<string, unknown>) ?? {}), phase: 'Terminating' };
    const stored = store.put('/namespaces', marked);
    setTimeout(() => this.finalizeNamespace(stored.metadata.name!), this.options.namespaceFinalizeDelayMs ?? 3000).unref();
    return stored;
  }

  /** The namespace controller: deletes everything in a Terminating namespace, then the namespace. */
  private finalizeNamespace(name: string): void {
    if (this.closed) return;
    const { store, registry } = this.options;
    const seen = new Set<string>();
    let remaining = 0;
    for (const type of registry.all()) {
      const key = storageKey(type);
      if (!type.namespaced || seen.has(key) || type.isReview) continue;
      seen.add(key);
      for (const object of store.list(key, name)) {
        this.deleteObject(type, object, 'Background');
        if (store.get(key, name, object.metadata.name!)) remaining++;
      }
    }
    if (remaining > 0) {
      setTimeout(() => this.finalizeNamespace(name), 200).unref();
      return;
    }
    const removed = store.remove('/namespaces', undefined, name);
    if (removed) this.ownerDeleted(removed);
  }

  /** Follow-ups of a stored write: CRDs change discovery, namespaces get a default ServiceAccount, finalizers complete. */
  private afterWrite(type: ResourceType, stored: KubeObject, previous: KubeObject | undefined): void {
    const { store, registry } = this.options;
    if (type.kind === 'CustomResourceDefinition' && !stored.metadata.deletionTimestamp) {
      registry.setCustom(stored.metadata.name!, resourceTypeFromCrd(stored));
    }
    if (type.kind === 'Namespace' && type.group === '' && !previous) {
      if (!store.get('/serviceaccounts', stored.metadata.name, 'default')) {
        store.put('/serviceaccounts', {
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: { name: 'default', namespace: stored.metadata.name, uid: randomUUID(), creationTimestamp: this.timestamp() },
        });
      }
    }
    if (stored.metadata.deletionTimestamp && (stored.metadata.finalizers ?? []).length === 0 && type.kind !== 'Namespace') {
      const removed = store.remove(storageKey(type), stored.metadata.namespace, stored.metadata.name!);
      if (removed) this.afterRemove(type, removed);
    }
  }

  // ── reviews ────────────────────────────────────────────────────────────────────────────

  private review(req: ResourceRequest, body: string): Record<string, unknown> {
    const object = this.parseObject(body);
    const spec = (object.spec ?? {}) as Record<string, unknown>;
    const base = { apiVersion: groupVersion(req.group, req.version), kind: req.type.kind, metadata: { creationTimestamp: null }, spec };
    switch (req.type.kind) {
      case 'SelfSubjectAccessReview':
      case 'SubjectAccessReview':
      case 'LocalSubjectAccessReview': {
        const attributes = (spec.resourceAttributes ?? {}) as Record<string, string>;
        const namespace = attributes.namespace || undefined;
        const denied =
          this.options.faults.isDenied(attributes.verb ?? '', attributes.resource ?? '', namespace) ||
          (Boolean(attributes.subresource) && this.options.faults.isDenied(attributes.verb ?? '', `${attributes.resource}/${attributes.subresource}`, namespace));
        return { ...base, status: denied ? { allowed: false } : { allowed: true, reason: `RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"` } };
      }
      case 'SelfSubjectRulesReview':
        return {
          ...base,
          status: {
            resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
            nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
            incomplete: false,
          },
        };
      case 'SelfSubjectReview':
        return { ...base, status: { userInfo: { username: SANDBOX_USER, groups: ['system:masters', 'system:authenticated'] } } };
      default:
        return { ...base, status: { authenticated: true, user: { username: SANDBOX_USER } } };
    }
  }

  private timestamp(): string {
    return this.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
}
