// A manifest as `kubectl create -f` reads it: YAML documents in file order, empty ones skipped,
// `kind: List` expanded into its items. Objects are kept verbatim: the engine sends what the
// file says, as kubectl does.
import * as yaml from 'js-yaml';

export interface ManifestObject {
  /** Position in the file after List expansion (0-based), the order kubectl creates in. */
  readonly index: number;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** As written; undefined for cluster-scoped objects (or namespaced ones that rely on a default). */
  readonly namespace?: string;
  readonly body: Readonly<Record<string, unknown>>;
}

export class ManifestError extends Error {
  constructor(
    message: string,
    readonly code: 'InvalidYaml' | 'MissingField',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ManifestError';
  }
}

type Document = Record<string, unknown> & { metadata?: { name?: unknown; namespace?: unknown } };

export function parseManifest(text: string, source = 'manifest'): ManifestObject[] {
  let documents: unknown[];
  try {
    // json: a later duplicate key wins, as in kubectl's decoder (Istio 1.1.0's file has one).
    documents = yaml.loadAll(text, undefined, { json: true });
  } catch (error) {
    throw new ManifestError(`${source} is not valid YAML: ${(error as Error).message}`, 'InvalidYaml', {
      cause: error,
    });
  }
  const objects: ManifestObject[] = [];
  for (const document of documents) {
    if (!document || typeof document !== 'object') continue;
    const object = document as Document;
    const items = object.kind === 'List' && Array.isArray(object.items) ? (object.items as Document[]) : [object];
    for (const item of items) {
      if (!item || typeof item !== 'object') continue;
      const { apiVersion, kind } = item;
      const name = item.metadata?.name;
      if (typeof apiVersion !== 'string' || typeof kind !== 'string' || typeof name !== 'string') {
        throw new ManifestError(
          `${source}: object ${objects.length + 1} has no apiVersion, kind or metadata.name`,
          'MissingField',
        );
      }
      const namespace = typeof item.metadata?.namespace === 'string' ? item.metadata.namespace : undefined;
      objects.push({ index: objects.length, apiVersion, kind, name, namespace, body: item });
    }
  }
  return objects;
}

/** `apps/v1` → `apps`; `v1` → `` (the core group). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** What kubectl prints for an object: lower-case kind, its group, the name (`deployment.apps/istio-pilot`). */
export function kubectlName(kind: string, apiVersion: string, name: string): string {
  const group = groupOf(apiVersion);
  return `${kind.toLowerCase()}${group ? `.${group}` : ''}/${name}`;
}
