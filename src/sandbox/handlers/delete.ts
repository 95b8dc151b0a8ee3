// DELETE and DELETECOLLECTION (k8s.io/apiserver pkg/endpoints/handlers/delete.go): DeleteOptions
// from the body or the query, preconditions, dry run, and 202 while finalizers hold the object.
// What deletion does to the object and its dependents is ../lifecycle.
import type { KubeObject } from '../apimachinery/kube-object';
import type { ResourceRequest } from '../apimachinery/request-info';
import { groupVersion, storageKey } from '../apimachinery/resource-types';
import { badRequest, conflict, StatusError } from '../apimachinery/status-error';
import type { HandlerScope } from './scope';
import { existing, isDryRun, present, selected } from './scope';

function deleteOptions(body: string, query: URLSearchParams): { propagationPolicy?: string; gracePeriodSeconds?: number; preconditions?: { uid?: string; resourceVersion?: string } } {
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

export function deleteResource(scope: HandlerScope, req: ResourceRequest, body: string, query: URLSearchParams): [number, KubeObject | Record<string, unknown>] {
  const current = existing(scope, req);
  const options = deleteOptions(body, query);
  if (options.preconditions?.uid && options.preconditions.uid !== current.metadata.uid) {
    throw new StatusError(409, 'Conflict', `Precondition failed: UID in precondition: ${options.preconditions.uid}, UID in object meta: ${current.metadata.uid}`);
  }
  if (options.preconditions?.resourceVersion && options.preconditions.resourceVersion !== current.metadata.resourceVersion) {
    throw conflict(req.group, req.type.resource, req.name!);
  }
  if (isDryRun(query)) return [200, present(current, req)];
  const result = scope.lifecycle.deleteObject(req.type, current, options.propagationPolicy ?? 'Background');
  if (!result) {
    return [200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: req.name, group: req.group || undefined, kind: req.type.resource, uid: current.metadata.uid } }];
  }
  return [result.metadata.deletionTimestamp && scope.store.get(storageKey(req.type), current.metadata.namespace, current.metadata.name!) ? 202 : 200, present(result, req)];
}

export function deleteCollection(scope: HandlerScope, req: ResourceRequest, body: string, query: URLSearchParams): Record<string, unknown> {
  const options = deleteOptions(body, query);
  const matches = selected(query);
  const items = scope.store.list(storageKey(req.type), req.namespace).filter(matches);
  const deleted: KubeObject[] = [];
  for (const item of items) {
    if (isDryRun(query)) deleted.push(item);
    else {
      const result = scope.lifecycle.deleteObject(req.type, item, options.propagationPolicy ?? 'Background');
      if (result) deleted.push(result);
    }
  }
  return { kind: `${req.type.kind}List`, apiVersion: groupVersion(req.group, req.version), metadata: { resourceVersion: String(scope.store.resourceVersion) }, items: deleted.map((item) => present(item, req)) };
}
