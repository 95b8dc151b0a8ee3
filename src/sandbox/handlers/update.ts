// UPDATE (k8s.io/apiserver pkg/endpoints/handlers/update.go with the generic store's BeforeUpdate):
// optimistic concurrency on resourceVersion, immutable metadata, the status subresource changing
// only status and the main resource everything else, generation on spec changes, the scale
// subresource writing replicas.
import { applyDefaults } from '../apimachinery/defaults';
import type { KubeObject } from '../apimachinery/kube-object';
import { clone } from '../apimachinery/kube-object';
import type { ResourceRequest } from '../apimachinery/request-info';
import { groupVersion } from '../apimachinery/resource-types';
import { badRequest, conflict } from '../apimachinery/status-error';
import { scaledObject, scaleOf } from '../subresources/scale';
import { checkBodyMatchesRequest, storeWritten } from './create';
import { parseObject } from './request-body';
import type { HandlerScope } from './scope';
import { existing, present } from './scope';

export function update(
  scope: HandlerScope,
  req: ResourceRequest,
  body: string | KubeObject,
  query: URLSearchParams = new URLSearchParams(),
): [number, KubeObject] {
  const object = typeof body === 'string' ? parseObject(body) : clone(body);
  if (req.subresource === 'scale') return [200, updateScale(scope, req, object, query)];
  checkBodyMatchesRequest(req, object);
  if (object.metadata.name !== req.name) {
    throw badRequest(
      `the name of the object (${object.metadata.name}) does not match the name on the URL (${req.name})`,
    );
  }
  const current = existing(scope, req);
  const expected = object.metadata.resourceVersion;
  if (expected && expected !== current.metadata.resourceVersion)
    throw conflict(req.group, req.type.resource, req.name!);
  return [200, replace(scope, req, current, object, query)];
}

/** Writes `next` over `current` with the rules of update: immutable metadata, status vs spec, generation. */
export function replace(
  scope: HandlerScope,
  req: ResourceRequest,
  live: KubeObject,
  next: KubeObject,
  query: URLSearchParams,
  applied = false,
): KubeObject {
  // Compare and carry over fields in the version of the request, not the storage version.
  const current = present(live, req);
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
    merged.metadata.generation =
      (current.metadata.generation ?? 1) + (specChanged && req.subresource !== 'status' ? 1 : 0);
  }
  scope.admission.admit('UPDATE', req, merged);
  if (req.type.kind === 'Service') {
    const spec = merged.spec as Record<string, unknown>;
    spec.clusterIP ??= (current.spec as Record<string, unknown>)?.clusterIP;
    spec.clusterIPs ??= (current.spec as Record<string, unknown>)?.clusterIPs;
  }
  return storeWritten(scope, req, query, { written: merged, previous: current, live, applied });
}

/**
 * PUT or PATCH of .../scale: the replicas go to the object, the answer is its new Scale. The
 * request's options (dryRun, fieldManager) go with it: the scale storage writes through the
 * object's own store (kubernetes/kubernetes v1.13 pkg/registry/apps/deployment/storage/storage.go,
 * ScaleREST.Update), whose dry-run check is the object's.
 */
export function updateScale(
  scope: HandlerScope,
  req: ResourceRequest,
  scale: KubeObject,
  query: URLSearchParams,
): KubeObject {
  const current = existing(scope, req);
  const next = scaledObject(current, scale, req.name!);
  const stored = replace(scope, { ...req, subresource: undefined }, current, next, query);
  return scaleOf(stored);
}
