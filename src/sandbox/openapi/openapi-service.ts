// The sandbox's OpenAPI: /openapi/v3 as kube-apiserver serves it (the aggregator's discovery index
// and kube-openapi handler3 per group-version, with hash, ETag and caching headers; JSON only),
// custom resources from live CRDs, /openapi/v2 derived from the same documents (gnostic protobuf,
// which kubectl still reads to validate `kind: List` files), the schemas for the patch engines,
// and server-side field validation.
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { KubeObject } from '../apimachinery/kube-object';
import type { ResourceRegistry } from '../apimachinery/resource-registry';
import type { CustomResourceVersion } from './crd-versions';
import { customResourceVersions } from './crd-versions';
import { customResourceDocument } from './crd-openapi';
import { customResourceSchemaName, customResourceSchemaV2 } from './crd-schemas';
import type { FieldError } from './field-validation';
import {
  decodeRejection,
  dropUnknownFields,
  fieldErrorText,
  fieldValidationDirective,
  findFieldErrors,
  warningHeader,
} from './field-validation';
import type { OpenApiDocument, SchemaTable } from './openapi-bundle';
import { CURRENT_SOURCE, OpenApiBundle, openApiPath } from './openapi-bundle';
import type { SchemaNode, SchemaSource } from './schema';
import { groupVersionOf, SCHEMA_STAND_INS, servedDocument, standInDocument } from './served-documents';
import { encodeGnosticDocument, swaggerFromV3 } from './openapi-v2';

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

interface ServedDocument {
  readonly document: OpenApiDocument;
  readonly body: Buffer;
  /** Upper-case hex SHA-512 of the body, as kube-openapi's computeETag. */
  readonly etag: string;
  readonly lastModified: Date;
  /** What the document was built from; a different fingerprint means a rebuild. */
  readonly fingerprint: string;
}

interface ServedSwagger {
  readonly json: Buffer;
  proto?: Buffer;
  readonly etag: string;
  readonly lastModified: Date;
  readonly stamp: string;
}

const V2_PROTOBUF_TYPES = [
  'com.github.proto-openapi.spec.v2@v1.0+protobuf',
  'com.github.proto-openapi.spec.v2.v1.0+protobuf',
];
const V2_PROTOBUF_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

/** The request a write check is about (a ResourceRequest fits). */
export interface FieldCheckRequest {
  readonly group: string;
  readonly version: string;
  readonly type: { readonly kind: string };
  readonly subresource?: string;
}

function acceptsJson(accept: string | undefined): boolean {
  const clauses = (accept || '*/*').split(',').map((clause) => clause.split(';')[0].trim().toLowerCase());
  return clauses.some((type) => type === 'application/json' || type === 'application/*' || type === '*/*');
}

/** Go's time.RFC1123 for a server running in UTC. */
function rfc1123(date: Date): string {
  return date.toUTCString().replace('GMT', 'UTC');
}

export class OpenApiService {
  private loaded: OpenApiBundle | undefined;
  private readonly served = new Map<string, ServedDocument>();
  /** Which schema table each schema node's `$ref`s point into. */
  private readonly tables = new WeakMap<object, SchemaTable>();
  private readonly kindSchemas = new Map<string, SchemaNode | undefined>();
  private custom = new Map<string, CustomResourceVersion[]>();
  private stamp: string | undefined;
  private swagger: ServedSwagger | undefined;

  readonly schemaSource: SchemaSource = {
    schemaFor: (group, version, kind) => this.schemaFor(group, version, kind),
    resolve: (node) => this.resolve(node),
  };

  constructor(
    private readonly registry: ResourceRegistry,
    /** The CustomResourceDefinition objects as stored, whatever their state. */
    private readonly listCustomResourceDefinitions: () => KubeObject[],
    private readonly now: () => Date = () => new Date(),
  ) {}

  private get bundle(): OpenApiBundle {
    this.loaded ??= new OpenApiBundle();
    return this.loaded;
  }

  // ── documents ─────────────────────────────────────────────────────────────────────────────

  /** The CRDs the registry serves now, and a stamp that changes whenever one of them does. */
  private liveDefinitions(): { crds: KubeObject[]; stamp: string } {
    const live = new Set(this.registry.all().flatMap((type) => (type.crd ? [type.crd] : [])));
    const crds = this.listCustomResourceDefinitions().filter((crd) => live.has(crd.metadata.name ?? ''));
    return { crds, stamp: crds.map((crd) => `${crd.metadata.uid}/${crd.metadata.resourceVersion}`).join(',') };
  }

  /** Served custom resource versions by group-version path. */
  private customResources(): Map<string, CustomResourceVersion[]> {
    this.documents();
    return this.custom;
  }

  /** Every group-version document the server serves now, rebuilding those whose CRDs changed. */
  private documents(): Map<string, ServedDocument> {
    const { crds, stamp } = this.liveDefinitions();
    if (stamp === this.stamp) return this.served;
    const custom = new Map<string, CustomResourceVersion[]>();
    for (const crd of crds) {
      for (const resource of customResourceVersions(crd)) {
        const key = openApiPath(resource.group, resource.version);
        custom.set(key, [...(custom.get(key) ?? []), resource]);
      }
    }
    const keys = new Set([...this.bundle.groupVersions(), ...Object.keys(SCHEMA_STAND_INS), ...custom.keys()]);
    for (const key of [...this.served.keys()]) {
      if (!keys.has(key)) this.forget(key);
    }
    for (const key of keys) {
      const resources = (custom.get(key) ?? []).sort((a, b) => a.kind.localeCompare(b.kind));
      const fingerprint = resources
        .map((r) => `${r.crd.metadata.uid}/${r.crd.metadata.resourceVersion}/${r.kind}`)
        .join(',');
      if (this.served.get(key)?.fingerprint === fingerprint) continue;
      this.forget(key);
      const builtin = this.builtinDocument(key);
      const crdDocument = resources.length ? customResourceDocument(resources, this.bundle) : undefined;
      if (!builtin && !crdDocument) continue;
      const document = builtin && crdDocument ? merge(builtin, crdDocument) : (builtin ?? crdDocument!);
      this.index(document);
      const body = Buffer.from(JSON.stringify(document));
      this.served.set(key, {
        document,
        body,
        etag: createHash('sha512').update(body).digest('hex').toUpperCase(),
        lastModified: this.now(),
        fingerprint,
      });
    }
    this.custom = custom;
    this.stamp = stamp;
    return this.served;
  }

  /** A built-in group-version's document with the paths of what the claimed release serves in it (served-documents.ts). */
  private builtinDocument(key: string): OpenApiDocument | undefined {
    const bundled = this.bundle.document(key);
    const document = bundled ?? standInDocument(this.bundle, key);
    if (!document) return undefined;
    const [group, version] = groupVersionOf(key);
    const resources = new Set(
      this.registry.inGroupVersion(group, version).flatMap((type) => (type.crd ? [] : [type.resource])),
    );
    return servedDocument(key, document, resources, { prune: !bundled });
  }

  /** Whether clients can reach a group-version: a group-version the release does not serve has no document (404). */
  private isServed(key: string): boolean {
    const [group, version] = groupVersionOf(key);
    return this.registry.inGroupVersion(group, version).length > 0;
  }

  /** The documents clients can reach, by group-version path. */
  private servedDocuments(): [string, ServedDocument][] {
    return [...this.documents()].filter(([key]) => this.isServed(key));
  }

  private forget(key: string): void {
    this.served.delete(key);
    for (const cached of [...this.kindSchemas.keys()])
      if (cached.startsWith(`${key}#`)) this.kindSchemas.delete(cached);
  }

  /** Remembers, for every node of a document's schemas, the table its references resolve in. */
  private index(document: OpenApiDocument): void {
    const table = document.components.schemas;
    const visit = (value: unknown): void => {
      if (!value || typeof value !== 'object') return;
      if (this.tables.get(value) === table) return;
      this.tables.set(value, table);
      for (const child of Array.isArray(value) ? value : Object.values(value)) visit(child);
    };
    for (const schema of Object.values(table)) visit(schema);
  }

  /** The OpenAPI v3 document of a group-version ("api/v1", "apis/apps/v1"), as served now. */
  document(key: string): OpenApiDocument | undefined {
    return this.documents().get(key)?.document;
  }

  // ── HTTP ──────────────────────────────────────────────────────────────────────────────────

  /** Answers /openapi/v2, /openapi/v3 and /openapi/v3/<group-version>; false for every other path (the caller answers 404). */
  serve(url: URL, accept: string | undefined, response: ServerResponse, ifNoneMatch?: string): boolean {
    if (url.pathname === '/openapi/v3') {
      this.serveDiscovery(response);
      return true;
    }
    if (url.pathname === '/openapi/v2') {
      this.serveSwagger(accept, response, ifNoneMatch);
      return true;
    }
    if (!url.pathname.startsWith('/openapi/v3/')) return false;
    const key = url.pathname.slice('/openapi/v3/'.length);
    const served = this.isServed(key) ? this.documents().get(key) : undefined;
    if (!served) {
      // kube-aggregator's specProxier: no group-version matches.
      response.writeHead(404).end();
      return true;
    }
    const relative = `/openapi/v3/${key}?hash=${served.etag}`;
    if (!acceptsJson(accept)) {
      response.writeHead(406, { vary: 'Accept' }).end();
      return true;
    }
    const hash = url.searchParams.get('hash');
    if (hash && hash !== served.etag) {
      const body = `<a href="${relative}">Moved Permanently</a>.\n\n`;
      response
        .writeHead(301, {
          vary: 'Accept',
          location: relative,
          'content-type': 'text/html; charset=utf-8',
          'content-length': Buffer.byteLength(body),
        })
        .end(body);
      return true;
    }
    const headers: Record<string, string | number> = {
      vary: 'Accept',
      'content-type': 'application/json',
      etag: `"${served.etag}"`,
      'last-modified': served.lastModified.toUTCString(),
      'accept-ranges': 'bytes',
    };
    if (hash) {
      headers['cache-control'] = 'public, immutable';
      const expires = this.now();
      expires.setUTCFullYear(expires.getUTCFullYear() + 1);
      headers.expires = rfc1123(expires);
    }
    if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim() === `"${served.etag}"` || tag.trim() === '*')) {
      response.writeHead(304, headers).end();
      return true;
    }
    response.writeHead(200, { ...headers, 'content-length': served.body.length }).end(served.body);
    return true;
  }

  /** The discovery index: which group-versions there are and where (kube-aggregator's merged OpenAPIV3Discovery). */
  discovery(): { paths: Record<string, { serverRelativeURL: string }> } {
    const documents = new Map(this.servedDocuments());
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const key of [...documents.keys()].sort())
      paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${documents.get(key)!.etag}` };
    return { paths };
  }

  /** The whole server as one Swagger 2.0 document, rebuilt when CRDs change. */
  private swaggerDocument(): ServedSwagger {
    const documents = new Map(this.servedDocuments());
    if (this.swagger && this.swagger.stamp === this.stamp) return this.swagger;
    const rank = new Map(this.bundle.sourcesByRecency().map((source, index) => [source, index]));
    const ordered = [...documents.keys()]
      .map((key) => ({
        key,
        rank:
          rank.get(this.bundle.sourceOf(key) ?? this.bundle.sourceOf(SCHEMA_STAND_INS[key] ?? '') ?? '') ?? rank.size,
      }))
      .sort((a, b) => a.rank - b.rank || a.key.localeCompare(b.key))
      .map(({ key }) => this.withV2CustomResourceSchemas(key, documents.get(key)!.document));
    const json = Buffer.from(JSON.stringify(swaggerFromV3(ordered, this.bundle.securitySchemes)));
    const served: ServedSwagger = {
      json,
      etag: createHash('sha512').update(json).digest('hex').toUpperCase(),
      lastModified: this.now(),
      stamp: this.stamp ?? '',
    };
    this.swagger = served;
    return served;
  }

  /** A group-version document with its custom resource kinds in the shape the v2 builder gives them. */
  private withV2CustomResourceSchemas(key: string, document: OpenApiDocument): OpenApiDocument {
    const resources = this.custom.get(key);
    if (!resources?.length) return document;
    const shared = this.bundle.schemas(CURRENT_SOURCE);
    const schemas = { ...document.components.schemas };
    for (const resource of resources)
      schemas[customResourceSchemaName(resource.group, resource.version, resource.kind)] = customResourceSchemaV2(
        resource,
        shared,
      );
    return { ...document, components: { ...document.components, schemas } };
  }

  /** The Swagger 2.0 document as the server serves it: JSON, or gnostic protobuf for client-go. */
  swaggerBody(type: 'json' | 'protobuf'): Buffer {
    const served = this.swaggerDocument();
    if (type === 'json') return served.json;
    served.proto ??= Buffer.from(
      encodeGnosticDocument(JSON.parse(served.json.toString('utf8')), this.bundle.openApiV2Descriptor),
    );
    return served.proto;
  }

  /** kube-openapi's v2 handler: JSON or protobuf by Accept, with ETag and Last-Modified. */
  private serveSwagger(accept: string | undefined, response: ServerResponse, ifNoneMatch: string | undefined): void {
    let type: 'json' | 'protobuf' | undefined;
    for (const clause of (accept || '*/*').split(',').map((c) => c.split(';')[0].trim().toLowerCase())) {
      const [main, sub] = clause.split('/');
      if (main !== 'application' && main !== '*') continue;
      if (sub === 'json' || sub === '*') type = 'json';
      else if (V2_PROTOBUF_TYPES.includes(sub)) type = 'protobuf';
      if (type) break;
    }
    if (!type) {
      response.writeHead(406, { vary: 'Accept' }).end();
      return;
    }
    const served = this.swaggerDocument();
    const headers = {
      vary: 'Accept',
      'content-type': type === 'json' ? 'application/json' : V2_PROTOBUF_CONTENT_TYPE,
      etag: `"${served.etag}"`,
      'last-modified': served.lastModified.toUTCString(),
      'accept-ranges': 'bytes',
    };
    if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim() === `"${served.etag}"` || tag.trim() === '*')) {
      response.writeHead(304, headers).end();
      return;
    }
    const body = this.swaggerBody(type);
    response.writeHead(200, { ...headers, 'content-length': body.length }).end(body);
  }

  private serveDiscovery(response: ServerResponse): void {
    const body = Buffer.from(JSON.stringify(this.discovery()));
    // Served with http.ServeContent and no content type set: Go sniffs JSON as plain text.
    response
      .writeHead(200, {
        'content-type': 'text/plain; charset=utf-8',
        'last-modified': this.now().toUTCString(),
        'accept-ranges': 'bytes',
        'content-length': body.length,
      })
      .end(body);
  }

  // ── schemas ───────────────────────────────────────────────────────────────────────────────

  private schemaFor(group: string, version: string, kind: string): SchemaNode | undefined {
    const key = openApiPath(group, version);
    const document = this.documents().get(key)?.document;
    if (!document) return undefined;
    const cacheKey = `${key}#${kind}`;
    if (this.kindSchemas.has(cacheKey)) return this.kindSchemas.get(cacheKey);
    const found = Object.values(document.components.schemas).find((schema) =>
      (
        (schema['x-kubernetes-group-version-kind'] as { group: string; version: string; kind: string }[] | undefined) ??
        []
      ).some((gvk) => gvk.group === group && gvk.version === version && gvk.kind === kind),
    );
    this.kindSchemas.set(cacheKey, found);
    return found;
  }

  private resolve(node: SchemaNode): SchemaNode {
    let current = node;
    for (let depth = 0; depth < 32; depth++) {
      const ref =
        current.$ref ?? (current.allOf?.length === 1 && !current.properties ? current.allOf[0].$ref : undefined);
      if (!ref) return current;
      const table =
        this.tables.get(current.$ref ? current : current.allOf![0]) ??
        this.tables.get(current) ??
        this.bundle.schemas(CURRENT_SOURCE);
      const target = table[ref.slice(ref.lastIndexOf('/') + 1)];
      if (!target) return current;
      current = target;
    }
    return current;
  }

  // ── field validation ──────────────────────────────────────────────────────────────────────

  /**
   * The unknown and duplicate fields of an object of group/version/kind, in the server's order.
   * Pass the raw JSON body to also find duplicate fields.
   */
  fieldErrors(body: string | unknown, group: string, version: string, kind: string): FieldError[] {
    const resource = this.customResources()
      .get(openApiPath(group, version))
      ?.find((r) => r.kind === kind);
    const resolve = (node: SchemaNode) => this.resolve(node);
    if (resource) {
      const objectMeta = this.bundle.schemas(CURRENT_SOURCE)[OBJECT_META];
      return findFieldErrors(body, { type: 'custom', resource, objectMeta, resolve });
    }
    const schema = this.schemaFor(group, version, kind);
    return schema ? findFieldErrors(body, { type: 'builtin', schema, resolve }) : [];
  }

  /**
   * Field validation of a create (POST) or update (PUT) body as the apiserver's handlers do it.
   * Under Strict an unknown or duplicate field is the 400 BadRequest a real server answers (thrown);
   * under Warn the result carries one warning text per field (send them with writeWarnings); under
   * Ignore nothing is said. Whatever the directive, the body to store comes back without the
   * unknown fields, as decoding into the kind or pruning leaves it on a real server.
   */
  admitWrite(
    request: FieldCheckRequest,
    body: string,
    query: URLSearchParams,
    verb: 'create' | 'update',
  ): { body: string; warnings: string[] } {
    const directive = fieldValidationDirective(query, verb === 'create' ? 'CreateOptions' : 'UpdateOptions');
    const [group, version, kind] =
      request.subresource === 'scale'
        ? ['autoscaling', 'v1', 'Scale']
        : [request.group, request.version, request.type.kind];
    const errors = this.fieldErrors(body, group, version, kind);
    if (errors.length === 0) return { body, warnings: [] };
    if (directive === 'Strict') throw decodeRejection(kind, version, errors);
    const decoded = JSON.parse(body) as unknown;
    dropUnknownFields(decoded, errors);
    return { body: JSON.stringify(decoded), warnings: directive === 'Warn' ? errors.map(fieldErrorText) : [] };
  }
}

/** A built-in group-version that CRDs also serve in: one document with both (rare, but possible). */
function merge(builtin: OpenApiDocument, custom: OpenApiDocument): OpenApiDocument {
  return {
    ...builtin,
    paths: { ...builtin.paths, ...custom.paths },
    components: { ...builtin.components, schemas: { ...builtin.components.schemas, ...custom.components.schemas } },
  };
}

/** Sends warning texts as `Warning: 299 - "<text>"` headers, as the apiserver's warning recorder does. */
export function writeWarnings(response: ServerResponse, warnings: readonly string[]): void {
  if (warnings.length > 0) response.setHeader('warning', warnings.map(warningHeader));
}
