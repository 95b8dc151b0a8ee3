// DELETE and DELETECOLLECTION (k8s.io/apiserver pkg/endpoints/handlers/delete.go, v1.13):
// DeleteOptions from the body (as kubectl sends them) and the query, preconditions, dry run, and
// 202 only for a delete that asked not to orphan and is not done yet. What deletion does to the
// object and its dependents (grace periods, finalizers, propagation) is ../lifecycle.
import type { KubeObject } from '../apimachinery/kube-object';
import type { ResourceRequest } from '../apimachinery/request-info';
import { groupVersion, storageKey } from '../apimachinery/resource-types';
import { badRequest, conflict, StatusError } from '../apimachinery/status-error';
import type { DeleteOptions } from '../storage/storage';
import type { HandlerScope } from './scope';
import { existing, isDryRun, present, selected } from './scope';

interface RequestDeleteOptions extends DeleteOptions {
  readonly orphanDependents?: boolean;
  readonly preconditions?: { uid?: string; resourceVersion?: string };
}

const invalidOptions = (message: string): StatusError =>
  badRequest(`DeleteOptions.meta.k8s.io "" is invalid: ${message}`);

/** The body's DeleteOptions, with the query's parameters for what the body leaves out; validated as ValidateDeleteOptions does. */
function deleteOptions(body: string, query: URLSearchParams): RequestDeleteOptions {
  let options: Record<string, unknown> = {};
  if (body.trim()) {
    try {
      options = JSON.parse(body) as Record<string, unknown>;
    } catch {
      throw badRequest('the body of the request was in an unknown format');
    }
  }
  const orphanParam = query.get('orphanDependents');
  const orphanDependents = (options.orphanDependents ?? (orphanParam === null ? undefined : orphanParam === 'true')) as
    boolean | undefined;
  const policy = (options.propagationPolicy ?? query.get('propagationPolicy') ?? undefined) as string | undefined;
  if (policy && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
    throw invalidOptions(
      `propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan", "nil"`,
    );
  }
  if (policy && orphanDependents !== undefined)
    throw invalidOptions(
      `propagationPolicy: Invalid value: "${policy}": orphanDependents and deletionPropagation cannot be both set`,
    );
  const dryRun = [...(Array.isArray(options.dryRun) ? options.dryRun.map(String) : []), ...query.getAll('dryRun')];
  const unsupported = dryRun.filter((value) => value !== 'All');
  if (unsupported.length > 0)
    throw invalidOptions(
      `dryRun: Unsupported value: []string{${unsupported.map((value) => JSON.stringify(value)).join(', ')}}: supported values: "All"`,
    );
  const grace = options.gracePeriodSeconds ?? query.get('gracePeriodSeconds');
  return {
    propagationPolicy:
      policy ?? (orphanDependents === undefined ? undefined : orphanDependents ? 'Orphan' : 'Background'),
    orphanDependents,
    gracePeriodSeconds: grace === undefined || grace === null ? undefined : Number(grace),
    dryRun: dryRun.length > 0 || isDryRun(query),
    preconditions: options.preconditions as RequestDeleteOptions['preconditions'],
  };
}

export function deleteResource(
  scope: HandlerScope,
  req: ResourceRequest,
  body: string,
  query: URLSearchParams,
): [number, KubeObject | Record<string, unknown>] {
  const current = existing(scope, req);
  const options = deleteOptions(body, query);
  if (options.preconditions?.uid && options.preconditions.uid !== current.metadata.uid) {
    throw new StatusError(
      409,
      'Conflict',
      `Precondition failed: UID in precondition: ${options.preconditions.uid}, UID in object meta: ${current.metadata.uid}`,
    );
  }
  if (
    options.preconditions?.resourceVersion &&
    options.preconditions.resourceVersion !== current.metadata.resourceVersion
  ) {
    throw conflict(req.group, req.type.resource, req.name!);
  }
  const { object, deleted } = scope.lifecycle.deleteObject(req.type, current, options);
  // 202 Accepted only when the client asked not to orphan and the object is still there; a graceful pod deletion is 200.
  return [!deleted && options.orphanDependents === false ? 202 : 200, present(object, req)];
}

export function deleteCollection(
  scope: HandlerScope,
  req: ResourceRequest,
  body: string,
  query: URLSearchParams,
): Record<string, unknown> {
  const options = deleteOptions(body, query);
  const matches = selected(query);
  const key = storageKey(req.type);
  const deleted: KubeObject[] = [];
  for (const item of scope.store.list(key, req.namespace).filter(matches)) {
    // The garbage collector may have taken it with an owner deleted before it.
    const current = scope.store.get(key, item.metadata.namespace, item.metadata.name!);
    if (current) deleted.push(scope.lifecycle.deleteObject(req.type, current, options).object);
  }
  return {
    kind: `${req.type.kind}List`,
    apiVersion: groupVersion(req.group, req.version),
    metadata: { resourceVersion: String(scope.store.resourceVersion) },
    items: deleted.map((item) => present(item, req)),
  };
}
