// What every handler works with, like the RequestScope of k8s.io/apiserver pkg/endpoints/handlers
// (rest.go): storage, the resource types, admission, the object lifecycle, the clock, and the
// helpers that read a request's object and present stored objects in the version it asked for.
import type { KubeObject } from '../apimachinery/kube-object';
import { convertObject } from '../apimachinery/conversion';
import type { ResourceRequest } from '../apimachinery/request-info';
import type { ResourceRegistry } from '../apimachinery/resource-registry';
import type { ResourceType } from '../apimachinery/resource-types';
import { groupVersion, storageKey } from '../apimachinery/resource-types';
import { parseFieldSelector, parseLabelSelector } from '../apimachinery/selectors';
import { notFound } from '../apimachinery/status-error';
import type { ReleaseFields } from '../apimachinery/release-fields';
import type { AdmissionChain } from '../admission/admission';
import type { Faults } from '../faults/faults';
import type { ObjectLifecycle } from '../lifecycle/object-lifecycle';
import type { OpenApiService, SchemaSource } from '../openapi';
import type { ObjectStorage } from '../storage/storage';

/** An open watch or followed log; the server closes them all when it closes. */
export interface ActiveWatch {
  close(): void;
}

export interface HandlerScope {
  readonly store: ObjectStorage;
  readonly registry: ResourceRegistry;
  readonly faults: Faults;
  readonly openApi: OpenApiService;
  /** Schemas for the patch engines and field management. */
  readonly patchSchemas: SchemaSource;
  /** What of the later API the claimed release has (server-side apply, pods' podIPs and `started`). */
  readonly release: ReleaseFields;
  readonly admission: AdmissionChain;
  readonly lifecycle: ObjectLifecycle;
  readonly now: () => Date;
  readonly watches: Set<ActiveWatch>;
  readonly isClosed: () => boolean;
  /** How often watches that asked for bookmarks get one. */
  readonly bookmarkIntervalMs: number;
}

/** The object as seen through the request's group/version. */
export function present(object: KubeObject, req: Pick<ResourceRequest, 'group' | 'version' | 'type'>): KubeObject {
  const apiVersion = groupVersion(req.group, req.version);
  if (object.apiVersion === apiVersion && object.kind === req.type.kind) return object;
  return { ...convertObject(object, apiVersion), kind: req.type.kind };
}

/** The stored object the request names, or 404. */
export function existing(scope: HandlerScope, req: ResourceRequest): KubeObject {
  const object = scope.store.get(storageKey(req.type), req.type.namespaced ? req.namespace : undefined, req.name!);
  if (!object) throw notFound(req.group, req.type.resource, req.name!);
  return object;
}

/** The CRD behind a custom resource type (its printer columns). */
export function crdFor(scope: HandlerScope, type: ResourceType): KubeObject | undefined {
  return type.crd ? scope.store.get('apiextensions.k8s.io/customresourcedefinitions', undefined, type.crd) : undefined;
}

export function isDryRun(query: URLSearchParams): boolean {
  return query.getAll('dryRun').includes('All');
}

/** The request's label and field selectors as one predicate. */
export function selected(query: URLSearchParams): (object: KubeObject) => boolean {
  const labels = parseLabelSelector(query.get('labelSelector'));
  const fields = parseFieldSelector(query.get('fieldSelector'));
  return (object) => labels(object.metadata.labels) && fields(object);
}
