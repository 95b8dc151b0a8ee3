// PATCH (k8s.io/apiserver pkg/endpoints/handlers/patch.go): JSON, merge and strategic merge
// patches and server-side apply (the engines are in ../patch), field validation of the result,
// create on apply of a missing object, and an apply that changes nothing not being a write.
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../apimachinery/kube-object';
import { queryFlag } from '../apimachinery/query-flags';
import type { ResourceRequest } from '../apimachinery/request-info';
import { storageKey } from '../apimachinery/resource-types';
import { conflict, notFound } from '../apimachinery/status-error';
import {
  dropUnknownFields,
  duplicateFieldErrors,
  fieldErrorText,
  fieldValidationDirective,
  goValueString,
  patchRejection,
} from '../openapi';
import {
  APPLY_PATCH,
  JSON_PATCH,
  patchObject,
  patchTypeOf,
  STRATEGIC_MERGE_PATCH,
  validatePatchOptions,
} from '../patch/patch-request';
import { scaleOf } from '../subresources/scale';
import { create } from './create';
import type { HandlerScope } from './scope';
import { present } from './scope';
import { replace, updateScale } from './update';

export function patch(
  scope: HandlerScope,
  req: ResourceRequest,
  body: string,
  contentType: string,
  query: URLSearchParams,
  warnings: string[] = [],
): [number, KubeObject] {
  // The real order of checks: 415 for the patch type, 422 for the options, then 404.
  const patchType = patchTypeOf(contentType, req.type.crd !== undefined, scope.release.serverSideApply);
  validatePatchOptions(patchType, query);
  const isApply = patchType === APPLY_PATCH;
  const key = storageKey(req.type);
  const current = scope.store.get(key, req.type.namespaced ? req.namespace : undefined, req.name!);
  if (!current && !isApply) throw notFound(req.group, req.type.resource, req.name!);
  const presented = current ? present(current, req) : undefined;
  const base = presented && req.subresource === 'scale' ? scaleOf(presented) : presented;
  const result = patchObject({
    contentType,
    body,
    current: base,
    request: req,
    fieldManager: query.get('fieldManager') ?? undefined,
    force: queryFlag(query, 'force'),
    now: scope.now(),
    schemas: scope.patchSchemas,
  });
  if (!isApply) validatePatchedFields(scope, req, patchType, body, result, query, warnings);
  if (req.subresource === 'scale') return [200, updateScale(scope, req, result, query)];
  if (!current) {
    result.metadata.name ??= req.name;
    return [201, create(scope, req, result, query, isApply)];
  }
  if (result.metadata.resourceVersion && result.metadata.resourceVersion !== current.metadata.resourceVersion) {
    throw conflict(req.group, req.type.resource, req.name!);
  }
  // An apply that changes nothing is not a write: the resourceVersion stays, as on a real server.
  if (
    isApply &&
    isDeepStrictEqual(
      { ...result, metadata: { ...result.metadata, resourceVersion: undefined } },
      { ...presented, metadata: { ...presented!.metadata, resourceVersion: undefined } },
    )
  ) {
    return [200, presented!];
  }
  return [200, replace(scope, req, current, result, query, isApply)];
}

/** `fieldValidation` for JSON, merge and strategic merge patches: the patched object must still fit the schema. */
function validatePatchedFields(
  scope: HandlerScope,
  req: ResourceRequest,
  patchType: string,
  body: string,
  result: KubeObject,
  query: URLSearchParams,
  warnings: string[],
): void {
  const directive = fieldValidationDirective(query, 'PatchOptions');
  if (directive === 'Ignore') return;
  const [group, version, kind] =
    req.subresource === 'scale' ? ['autoscaling', 'v1', 'Scale'] : [req.group, req.version, req.type.kind];
  const errors = [
    ...(patchType === JSON_PATCH ? [] : duplicateFieldErrors(body)),
    ...scope.openApi.fieldErrors(result, group, version, kind),
  ];
  if (errors.length === 0) return;
  if (directive === 'Strict')
    throw patchRejection(
      patchType === STRATEGIC_MERGE_PATCH ? goValueString(JSON.parse(body)) : JSON.stringify(result),
      errors,
    );
  warnings.push(...errors.map(fieldErrorText));
  dropUnknownFields(result, errors);
}
