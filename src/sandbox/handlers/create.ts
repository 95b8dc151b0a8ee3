// CREATE (k8s.io/apiserver pkg/endpoints/handlers/create.go with the generic store's BeforeCreate):
// the body must match the URL, names are generated and checked, the namespace must exist and not be
// Terminating, defaults and admission run, managedFields record the writer, then storage.
import { randomUUID } from 'node:crypto';
import { applyDefaults, defaultLegacySelector } from '../apimachinery/defaults';
import { convertObject } from '../apimachinery/conversion';
import type { KubeObject } from '../apimachinery/kube-object';
import { clone, timestamp } from '../apimachinery/kube-object';
import { nameErrors } from '../apimachinery/name-validation';
import type { ResourceRequest } from '../apimachinery/request-info';
import { groupVersion, storageApiVersion, storageKey } from '../apimachinery/resource-types';
import {
  alreadyExists,
  badRequest,
  invalid,
  methodNotAllowed,
  namespaceTerminating,
  notFound,
  StatusError,
} from '../apimachinery/status-error';
import { managerOrUserAgent, updateManagedFields } from '../patch/managed-fields';
import { withoutLaterFields } from '../apimachinery/release-fields';
import { parseObject } from './request-body';
import type { HandlerScope } from './scope';
import { isDryRun, present } from './scope';

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** The random suffix of a generated name (apiserver's names.SimpleNameGenerator alphabet). */
export function randomSuffix(length = 5): string {
  let suffix = '';
  for (let i = 0; i < length; i++) suffix += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
  return suffix;
}

export function checkBodyMatchesRequest(req: ResourceRequest, object: KubeObject): void {
  const expected = groupVersion(req.group, req.version);
  if (object.apiVersion && object.apiVersion !== expected) {
    throw badRequest(
      `the API version in the data (${object.apiVersion}) does not match the expected API version (${expected})`,
    );
  }
  if (object.kind && object.kind !== req.type.kind) {
    throw badRequest(`the kind in the data (${object.kind}) does not match the expected kind (${req.type.kind})`);
  }
  object.apiVersion = expected;
  object.kind = req.type.kind;
  if (req.type.namespaced) {
    if (object.metadata.namespace && req.namespace && object.metadata.namespace !== req.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    object.metadata.namespace = req.namespace ?? object.metadata.namespace;
    if (!object.metadata.namespace) throw badRequest('the namespace of the object is required');
  } else {
    delete object.metadata.namespace;
  }
}

function validateName(req: ResourceRequest, object: KubeObject): void {
  const name = object.metadata.name;
  if (!name) {
    throw invalid(req.group, req.type.kind, '', [
      {
        reason: 'FieldValueRequired',
        message: 'Required value: name or generateName is required',
        field: 'metadata.name',
      },
    ]);
  }
  const errors = nameErrors(req.group, req.type.resource, name);
  if (errors.length > 0) {
    throw invalid(
      req.group,
      req.type.kind,
      name,
      errors.map((message) => ({
        reason: 'FieldValueInvalid',
        message: `Invalid value: "${name}": ${message}`,
        field: 'metadata.name',
      })),
    );
  }
}

function checkNamespace(scope: HandlerScope, req: ResourceRequest, object: KubeObject): void {
  if (!req.type.namespaced) return;
  const namespace = scope.store.get('/namespaces', undefined, object.metadata.namespace!);
  if (!namespace) throw notFound('', 'namespaces', object.metadata.namespace!);
  if (namespace.metadata.deletionTimestamp) {
    throw namespaceTerminating(object.metadata.namespace!, req.group, req.type.resource, object.metadata.name ?? '');
  }
}

/** Creates an object: the path every write of a new object takes, controllers included. */
export function create(
  scope: HandlerScope,
  req: ResourceRequest,
  body: string | KubeObject,
  query: URLSearchParams = new URLSearchParams(),
  applied = false,
): KubeObject {
  const object = typeof body === 'string' ? parseObject(body) : clone(body);
  if (req.subresource) throw methodNotAllowed('the server does not allow this method on the requested resource');
  checkBodyMatchesRequest(req, object);
  if (!object.metadata.name && object.metadata.generateName) {
    object.metadata.name = `${object.metadata.generateName}${randomSuffix()}`;
  }
  validateName(req, object);
  checkNamespace(scope, req, object);
  const key = storageKey(req.type);
  const live = scope.store.get(key, object.metadata.namespace, object.metadata.name!);
  if (live) {
    const error = alreadyExists(req.group, req.type.resource, object.metadata.name!);
    // store.go Create: the name is still taken by an object whose deletion is under way.
    throw live.metadata.deletionTimestamp
      ? new StatusError(409, 'AlreadyExists', `object is being deleted: ${error.message}`, error.details)
      : error;
  }
  const metadata = object.metadata;
  delete metadata.resourceVersion;
  delete metadata.deletionTimestamp;
  metadata.uid = randomUUID();
  metadata.creationTimestamp = timestamp(scope.now());
  if (object.spec !== undefined || ['apps', 'extensions', 'batch'].includes(req.group)) metadata.generation = 1;
  defaultLegacySelector(object, req.group, req.version);
  applyDefaults(object, req.group);
  // Admission: mutating (Istio's sidecar injector, which defaults what it adds), validating, then what storage fills in.
  scope.admission.admit('CREATE', req, object);
  return storeWritten(scope, req, query, { written: object, previous: undefined, live: undefined, applied });
}

/** What a create or update writes, over what (in the request's version and as stored; none on create), and whether by server-side apply. */
export interface Write {
  readonly written: KubeObject;
  readonly previous: KubeObject | undefined;
  readonly live: KubeObject | undefined;
  readonly applied: boolean;
}

/**
 * The end of a create or update: the writer's `Update` goes in managedFields (apply recorded its
 * own); a dry run answers without storing; else the object is stored in the storage version and
 * what follows a write runs.
 */
export function storeWritten(
  scope: HandlerScope,
  req: ResourceRequest,
  query: URLSearchParams,
  write: Write,
): KubeObject {
  const { previous, live, applied } = write;
  const written = applied ? write.written : recordUpdate(scope, req, query, previous, write.written);
  if (isDryRun(query)) return present(written, req);
  const stored = scope.store.put(storageKey(req.type), convertObject(written, storageApiVersion(req.type)));
  scope.lifecycle.afterWrite(req.type, stored, live);
  return present(stored, req);
}

/** Records the writer's `Update` in managedFields (every write but server-side apply, which records its own), and drops what the claimed release lacked. */
function recordUpdate(
  scope: HandlerScope,
  req: ResourceRequest,
  query: URLSearchParams,
  previous: KubeObject | undefined,
  written: KubeObject,
): KubeObject {
  // A release before server-side apply keeps no managedFields; one before 1.16 no podIPs or `started`.
  const next = withoutLaterFields(written, req.group, req.type.kind, scope.release);
  if (!scope.release.serverSideApply) return next;
  return updateManagedFields({
    schemas: scope.patchSchemas,
    group: req.group,
    version: req.version,
    kind: req.type.kind,
    subresource: req.subresource,
    hasStatusSubresource: req.type.subresources.includes('status'),
    now: scope.now(),
    previous,
    next,
    manager: managerOrUserAgent(query.get('fieldManager'), req.userAgent),
  });
}
