// Discovery documents: /api, /apis, per group-version resource lists, and the aggregated
// discovery (apidiscovery.k8s.io v2 / v2beta1) that kubectl 1.32 asks for first.
import type { ResourceRegistry } from '../apimachinery/resource-registry';
import type { ResourceType } from '../apimachinery/resource-types';
import { groupVersion } from '../apimachinery/resource-types';

interface SubresourceInfo {
  kind: string;
  group?: string;
  version?: string;
  verbs: string[];
}

const SUBRESOURCES: Record<string, (type: ResourceType) => SubresourceInfo> = {
  status: (type) => ({ kind: type.kind, verbs: ['get', 'patch', 'update'] }),
  scale: () => ({ kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] }),
  log: () => ({ kind: 'Pod', verbs: ['get'] }),
  exec: () => ({ kind: 'PodExecOptions', verbs: ['create', 'get'] }),
  attach: () => ({ kind: 'PodAttachOptions', verbs: ['create', 'get'] }),
  portforward: () => ({ kind: 'PodPortForwardOptions', verbs: ['create', 'get'] }),
  proxy: (type) => ({ kind: `${type.kind}ProxyOptions`, verbs: ['create', 'delete', 'get', 'patch', 'update'] }),
  binding: () => ({ kind: 'Binding', verbs: ['create'] }),
  // policy/v1beta1 until EvictionREST answered policy/v1 (1.22, pkg/registry/core/pod/storage/eviction.go).
  eviction: (type) => ({
    kind: 'Eviction',
    group: 'policy',
    version: (type.release ?? Infinity) >= 22 ? 'v1' : 'v1beta1',
    verbs: ['create'],
  }),
};

export function apiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function apiGroupList(registry: ResourceRegistry): object {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: registry.groups().map((group) => apiGroup(group.name, group.versions)),
  };
}

export function apiGroup(name: string, versions: string[]): object {
  const entries = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { kind: 'APIGroup', apiVersion: 'v1', name, versions: entries, preferredVersion: entries[0] };
}

export function apiResourceList(registry: ResourceRegistry, group: string, version: string): object {
  const resources: object[] = [];
  for (const type of registry.inGroupVersion(group, version)) {
    resources.push({
      name: type.resource,
      singularName: type.singular,
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: type.verbs,
      ...(type.shortNames.length ? { shortNames: type.shortNames } : {}),
      ...(type.categories.length ? { categories: type.categories } : {}),
    });
    for (const subresource of type.subresources) {
      const info = SUBRESOURCES[subresource](type);
      resources.push({
        name: `${type.resource}/${subresource}`,
        singularName: '',
        namespaced: type.namespaced,
        ...(info.group ? { group: info.group, version: info.version } : {}),
        kind: info.kind,
        verbs: info.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion(group, version), resources };
}

export type AggregatedVersion = 'v2' | 'v2beta1';

/** The media type kubectl asks for, if the Accept header asks for aggregated discovery. */
export function aggregatedDiscoveryVersion(accept: string | undefined): AggregatedVersion | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    const params = part.split(';').map((p) => p.trim());
    if (!params.includes('g=apidiscovery.k8s.io') || !params.includes('as=APIGroupDiscoveryList')) continue;
    if (params.includes('v=v2')) return 'v2';
    if (params.includes('v=v2beta1')) return 'v2beta1';
  }
  return undefined;
}

export function aggregatedContentType(version: AggregatedVersion): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

/** `/api` (core only) or `/apis` (every named group) in aggregated form. */
export function aggregatedDiscovery(registry: ResourceRegistry, version: AggregatedVersion, core: boolean): object {
  const groups = core ? [{ name: '', versions: ['v1'] }] : registry.groups();
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((group) => ({
      metadata: { name: group.name, creationTimestamp: null },
      versions: group.versions.map((groupVersionName) => ({
        version: groupVersionName,
        resources: registry.inGroupVersion(group.name, groupVersionName).map((type) => ({
          resource: type.resource,
          responseKind: { group: type.group, version: groupVersionName, kind: type.kind },
          scope: type.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: type.singular,
          verbs: type.verbs,
          ...(type.shortNames.length ? { shortNames: type.shortNames } : {}),
          ...(type.categories.length ? { categories: type.categories } : {}),
          ...(type.subresources.length
            ? {
                subresources: type.subresources.map((subresource) => {
                  const info = SUBRESOURCES[subresource](type);
                  return {
                    subresource,
                    responseKind: {
                      group: info.group ?? type.group,
                      version: info.version ?? groupVersionName,
                      kind: info.kind,
                    },
                    verbs: info.verbs,
                  };
                }),
              }
            : {}),
        })),
        freshness: 'Current',
      })),
    })),
  };
}
