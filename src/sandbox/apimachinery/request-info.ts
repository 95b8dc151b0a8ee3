// Turns a request path into what it addresses, the way the API server's RequestInfoFactory does:
// group, version, namespace, resource, name, subresource and the verb.
import { queryFlag } from './query-flags';
import type { ResourceRegistry } from './resource-registry';
import type { ResourceType } from './resource-types';
import { badRequest, StatusError } from './status-error';

export interface ResourceRequest {
  readonly group: string;
  readonly version: string;
  readonly type: ResourceType;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
  /** Path after the subresource (proxy paths). */
  readonly rest: string[];
  readonly verb: string;
  /** The client's User-Agent: the field manager of writes that name none (`kubectl/v1.32…` → `kubectl`). */
  readonly userAgent?: string;
}

export type ApiPath =
  { kind: 'root'; group?: string; version?: string } | { kind: 'resource'; request: ResourceRequest };

function verbFor(method: string, hasName: boolean, query: URLSearchParams): string {
  switch (method) {
    case 'GET':
    case 'HEAD': {
      if (hasName) return 'get';
      return queryFlag(query, 'watch') ? 'watch' : 'list';
    }
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

/** Parses `/api/v1/...` and `/apis/{group}/{version}/...`; undefined for other paths. */
export function parseApiPath(
  registry: ResourceRegistry,
  method: string,
  pathname: string,
  query: URLSearchParams,
): ApiPath | undefined {
  const segments = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string | undefined;
  let index: number;
  if (segments[0] === 'api') {
    group = '';
    version = segments[1];
    index = 2;
  } else if (segments[0] === 'apis') {
    group = segments[1];
    version = segments[2];
    index = 3;
  } else {
    return undefined;
  }
  if (!version || segments.length === index)
    return { kind: 'root', group: segments[0] === 'apis' ? group : '', version };
  // The deprecated `/api/v1/watch/…` and `/apis/G/V/watch/…` paths, still served in 1.13: a GET
  // there is a watch, of one object when the path names it (RequestInfoFactory.NewRequestInfo,
  // staging/src/k8s.io/apiserver/pkg/endpoints/request/requestinfo.go; installer.go's WATCH actions).
  const isLegacyWatch =
    segments[index] === 'watch' && segments.length > index + 1 && (method === 'GET' || method === 'HEAD');
  if (isLegacyWatch) index++;

  let namespace: string | undefined;
  let resource: string;
  let name: string | undefined;
  let subresource: string | undefined;
  let rest: string[];
  const namespacesSubresource = segments[index + 2] === 'status' || segments[index + 2] === 'finalize';
  if (
    segments[index] === 'namespaces' &&
    segments.length > index + 2 &&
    !(namespacesSubresource && segments.length === index + 3)
  ) {
    namespace = segments[index + 1];
    resource = segments[index + 2];
    name = segments[index + 3];
    subresource = segments[index + 4];
    rest = segments.slice(index + 5);
  } else {
    resource = segments[index];
    name = segments[index + 1];
    subresource = segments[index + 2];
    rest = segments.slice(index + 3);
  }
  const type = registry.findServed(group, version, resource);
  if (!type) {
    throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
  }
  if (namespace !== undefined && !type.namespaced) {
    throw badRequest(`the server could not find the requested resource`);
  }
  if (
    subresource &&
    !type.subresources.includes(subresource as never) &&
    !(type.resource === 'namespaces' && subresource === 'finalize')
  ) {
    throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
  }
  const verb = isLegacyWatch && !subresource ? 'watch' : verbFor(method, name !== undefined, query);
  return { kind: 'resource', request: { group, version, type, namespace, name, subresource, rest, verb } };
}
