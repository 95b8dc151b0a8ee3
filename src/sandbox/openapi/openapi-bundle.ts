// The Kubernetes project's published OpenAPI v3 documents for the built-in group-versions the
// sandbox serves, unpacked on first use from the generated bundle in ./data (see its README).
import { brotliDecompressSync } from 'node:zlib';
import type { INamespace } from 'protobufjs';
import { KUBERNETES_OPENAPI_BROTLI_BASE64 } from './data/kubernetes-openapi';
import type { SchemaNode } from './schema';

export type SchemaTable = Record<string, SchemaNode>;

/** An OpenAPI v3 document as a group-version serves it. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: SchemaTable; securitySchemes?: Record<string, unknown> };
}

interface BundleEntry {
  source: string;
  paths: Record<string, Record<string, unknown>>;
  schemas: string[];
}

interface Bundle {
  sources: Record<string, { repository: string; commit: string; schemas: SchemaTable }>;
  groupVersions: Record<string, BundleEntry>;
  securitySchemes: Record<string, unknown>;
  /** gnostic's openapi.v2 messages as a protobufjs JSON descriptor, for /openapi/v2. */
  openApiV2Descriptor: { descriptor: INamespace };
}

/** "api/v1", "apis/apps/v1": the key of a group-version in /openapi/v3. */
export function openApiPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** The release whose schemas the sandbox's own additions (CRD documents) take their shared types from. */
export const CURRENT_SOURCE = 'v1.32.0';

export class OpenApiBundle {
  private readonly bundle: Bundle;
  private readonly documents = new Map<string, OpenApiDocument>();
  private readonly tables = new Map<string, SchemaTable>();

  constructor(base64 = KUBERNETES_OPENAPI_BROTLI_BASE64) {
    this.bundle = JSON.parse(brotliDecompressSync(Buffer.from(base64, 'base64')).toString('utf8')) as Bundle;
  }

  /** The built-in group-version paths ("api/v1", "apis/apps/v1", …). */
  groupVersions(): string[] {
    return Object.keys(this.bundle.groupVersions);
  }

  /**
   * Every schema of one source release, by name: the table `$ref`s of its documents point into.
   * In an older release's table the types it shares with the server's own release (core/v1,
   * apimachinery) are the server's: an extensions/v1beta1 Deployment's pod template is the
   * running server's PodTemplateSpec, defaults (e.g. a container port's `protocol`) included.
   */
  schemas(source: string): SchemaTable {
    const cached = this.tables.get(source);
    if (cached) return cached;
    const table = this.bundle.sources[source]?.schemas;
    if (!table) throw new Error(`no OpenAPI source ${source}`);
    const current = this.bundle.sources[CURRENT_SOURCE]?.schemas ?? {};
    const merged =
      source === CURRENT_SOURCE
        ? table
        : Object.fromEntries(Object.entries(table).map(([name, schema]) => [name, current[name] ?? schema]));
    this.tables.set(source, merged);
    return merged;
  }

  sourceOf(key: string): string | undefined {
    return this.bundle.groupVersions[key]?.source;
  }

  get securitySchemes(): Record<string, unknown> {
    return this.bundle.securitySchemes;
  }

  get openApiV2Descriptor(): INamespace {
    return this.bundle.openApiV2Descriptor.descriptor;
  }

  /** Source releases, newest first: where two documents share a schema name, the newer one is the server's. */
  sourcesByRecency(): string[] {
    const rank = (source: string) => source.slice(1).split('.').map(Number);
    return Object.keys(this.bundle.sources).sort((a, b) => {
      const [ra, rb] = [rank(a), rank(b)];
      return rb[0] - ra[0] || rb[1] - ra[1] || rb[2] - ra[2];
    });
  }

  /** The document of a built-in group-version, assembled once and then shared (treat it as read-only). */
  document(key: string): OpenApiDocument | undefined {
    const cached = this.documents.get(key);
    if (cached) return cached;
    const entry = this.bundle.groupVersions[key];
    if (!entry) return undefined;
    const table = this.schemas(entry.source);
    const document: OpenApiDocument = {
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: 'unversioned' },
      paths: entry.paths,
      components: {
        schemas: Object.fromEntries(entry.schemas.map((name) => [name, table[name]])),
        securitySchemes: this.bundle.securitySchemes,
      },
    };
    this.documents.set(key, document);
    return document;
  }
}
