// The resources the sandbox knows right now: the built-ins plus whatever established
// CustomResourceDefinitions add. The sandbox's own parts (controllers, lifecycle, seed) reach every
// built-in version; discovery, routing and OpenAPI see only what the claimed release serves
// (served-apis.ts), so a group-version that release did not have answers 404.
import type { KubeObject } from './kube-object';
import type { ResourceType } from './resource-types';
import { ALL_VERBS, BUILTIN_RESOURCE_TYPES } from './resource-types';
import type { ServedSet } from './served-apis';
import { servedKey } from './served-apis';

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema?: unknown;
  additionalPrinterColumns?: unknown[];
  subresources?: { status?: unknown; scale?: unknown };
}

/** The versions of a CRD in either apiextensions version (v1beta1 has `version` + `versions`). */
export function crdVersions(crd: KubeObject): CrdVersion[] {
  const spec = (crd.spec ?? {}) as Record<string, unknown>;
  const listed = Array.isArray(spec.versions) ? (spec.versions as CrdVersion[]) : [];
  if (listed.length > 0) {
    return listed.map((version) => ({
      ...version,
      subresources: version.subresources ?? (spec.subresources as CrdVersion['subresources']),
      additionalPrinterColumns: version.additionalPrinterColumns ?? (spec.additionalPrinterColumns as unknown[]),
      schema: version.schema ?? spec.validation,
    }));
  }
  if (typeof spec.version === 'string') {
    return [
      {
        name: spec.version,
        served: true,
        storage: true,
        schema: spec.validation,
        subresources: spec.subresources as CrdVersion['subresources'],
        additionalPrinterColumns: spec.additionalPrinterColumns as unknown[],
      },
    ];
  }
  return [];
}

export function resourceTypeFromCrd(crd: KubeObject): ResourceType | undefined {
  const spec = (crd.spec ?? {}) as Record<string, unknown>;
  const names = (spec.names ?? {}) as Record<string, unknown>;
  const served = crdVersions(crd).filter((version) => version.served !== false);
  if (
    typeof spec.group !== 'string' ||
    typeof names.plural !== 'string' ||
    typeof names.kind !== 'string' ||
    served.length === 0
  ) {
    return undefined;
  }
  const storage = served.find((version) => version.storage) ?? served[0];
  const subresources = storage.subresources ?? {};
  return {
    group: spec.group,
    versions: sortVersions(served.map((version) => version.name)),
    storageVersion: storage.name,
    resource: names.plural,
    singular: typeof names.singular === 'string' ? names.singular : names.kind.toLowerCase(),
    kind: names.kind,
    namespaced: spec.scope !== 'Cluster',
    shortNames: Array.isArray(names.shortNames) ? (names.shortNames as string[]) : [],
    categories: Array.isArray(names.categories) ? (names.categories as string[]) : [],
    verbs: [...ALL_VERBS],
    subresources: [
      ...(subresources.status ? (['status'] as const) : []),
      ...(subresources.scale ? (['scale'] as const) : []),
    ],
    crd: crd.metadata.name,
  };
}

/** Kubernetes version priority: GA > beta > alpha, higher numbers first (v1 > v1beta2 > v1beta1 > v1alpha1). */
export function sortVersions(versions: string[]): string[] {
  const rank = (version: string): [number, number, number] => {
    const match = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(version);
    if (!match) return [3, 0, 0];
    const stability = match[2] === undefined ? 0 : match[2] === 'beta' ? 1 : 2;
    return [stability, -Number(match[1]), -Number(match[3] ?? 0)];
  };
  return [...versions].sort((a, b) => {
    const [ra, rb] = [rank(a), rank(b)];
    return ra[0] - rb[0] || ra[1] - rb[1] || ra[2] - rb[2] || a.localeCompare(b);
  });
}

export class ResourceRegistry {
  private readonly custom = new Map<string, ResourceType>();
  private changeListeners: (() => void)[] = [];
  /** The built-ins as the claimed release serves them: only its versions, none it did not have. */
  private readonly servedBuiltins: readonly ResourceType[];

  /** `served`: the group-version-resources the claimed release serves (served-apis.ts), all when absent; `release`: its minor. */
  constructor(served?: ServedSet, release?: number) {
    this.servedBuiltins = served
      ? BUILTIN_RESOURCE_TYPES.flatMap((type) => {
          const versions = type.versions.filter((version) => served.has(servedKey(type.group, version, type.resource)));
          return versions.length === 0 ? [] : [{ ...type, versions, release }];
        })
      : BUILTIN_RESOURCE_TYPES;
  }

  /** Every resource type the sandbox stores, served or not: for its own controllers and lifecycle. */
  all(): ResourceType[] {
    return [...BUILTIN_RESOURCE_TYPES, ...this.custom.values()];
  }

  /** The resource types clients can reach, with the versions they can reach them in. */
  served(): ResourceType[] {
    return [...this.servedBuiltins, ...this.custom.values()];
  }

  /** The resource at group/version/resource, served or not (the sandbox's own writes). */
  find(group: string, version: string, resource: string): ResourceType | undefined {
    return this.all().find(
      (type) => type.group === group && type.resource === resource && type.versions.includes(version),
    );
  }

  /** The resource served to clients at group/version/resource, if any: what a request path may name. */
  findServed(group: string, version: string, resource: string): ResourceType | undefined {
    return this.served().find(
      (type) => type.group === group && type.resource === resource && type.versions.includes(version),
    );
  }

  /** A served resource by kind, for apiVersion/kind in bodies. */
  findKind(group: string, version: string, kind: string): ResourceType | undefined {
    return this.served().find((type) => type.group === group && type.kind === kind && type.versions.includes(version));
  }

  setCustom(crdName: string, type: ResourceType | undefined): void {
    if (type) this.custom.set(crdName, type);
    else this.custom.delete(crdName);
    for (const listener of this.changeListeners) listener();
  }

  onChange(listener: () => void): () => void {
    this.changeListeners.push(listener);
    return () => (this.changeListeners = this.changeListeners.filter((l) => l !== listener));
  }

  /** Served groups with their versions, preferred first; the core group is not included. */
  groups(): { name: string; versions: string[] }[] {
    const versionsByGroup = new Map<string, Set<string>>();
    for (const type of this.served()) {
      if (!type.group) continue;
      const versions = versionsByGroup.get(type.group) ?? new Set<string>();
      for (const version of type.versions) versions.add(version);
      versionsByGroup.set(type.group, versions);
    }
    return [...versionsByGroup].map(([name, versions]) => ({ name, versions: sortVersions([...versions]) }));
  }

  /** Resources served in one group/version. */
  inGroupVersion(group: string, version: string): ResourceType[] {
    return this.served().filter((type) => type.group === group && type.versions.includes(version));
  }
}
