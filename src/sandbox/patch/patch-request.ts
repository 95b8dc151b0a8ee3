// Applies a PATCH body to the current object by its content type, as handlers/patch.go does:
// JSON patch, merge patch, strategic merge patch (built-in kinds only) and server-side apply.
import type { KubeObject } from '../apimachinery/kube-object';
import type { SchemaSource } from '../openapi/schema';
import { applyPatch } from './managed-fields';
import { jsonPatch } from './json-patch';
import { mergePatch } from './merge-patch';
import { BodyDecodeError, parseApplyBody, parseJson, unmarshalTypeError } from './patch-body';
import { strategicMergePatch, StrategicMergePatchError } from './strategic-merge-patch';
import type { ResourceRequest } from '../apimachinery/request-info';
import type { StatusCause } from '../apimachinery/status-error';
import {
  badRequest,
  internalUnknown,
  StatusError,
  unprocessableEntity,
  unsupportedMediaType,
} from '../apimachinery/status-error';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';

export type PatchType = typeof JSON_PATCH | typeof MERGE_PATCH | typeof STRATEGIC_MERGE_PATCH | typeof APPLY_PATCH;

/**
 * What an endpoint accepts, in the order the 415 message lists them; custom resources lack
 * strategic merge, and a release before server-side apply (release-fields.ts) lacks apply.
 */
export function supportedPatchTypes(isCustomResource: boolean, serverSideApply = true): PatchType[] {
  const types: PatchType[] = isCustomResource
    ? [JSON_PATCH, MERGE_PATCH]
    : [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH];
  return serverSideApply ? [...types, APPLY_PATCH] : types;
}

/** The patch type of a Content-Type header (parameters dropped), or a 415 listing what is accepted. */
export function patchTypeOf(contentType: string, isCustomResource: boolean, serverSideApply = true): PatchType {
  const semicolon = contentType.indexOf(';');
  const base = (semicolon > 0 ? contentType.slice(0, semicolon) : contentType).trim();
  const supported = supportedPatchTypes(isCustomResource, serverSideApply);
  if (!(supported as string[]).includes(base)) throw unsupportedMediaType(supported);
  return base as PatchType;
}

/** validation.ValidatePatchOptions: apply needs a fieldManager; only apply may say `force`. */
export function validatePatchOptions(patchType: PatchType, query: URLSearchParams): void {
  const causes: StatusCause[] = [];
  const fieldManager = query.get('fieldManager') ?? '';
  if (patchType === APPLY_PATCH) {
    if (!fieldManager)
      causes.push({
        reason: 'FieldValueRequired',
        message: 'Required value: is required for apply patch',
        field: 'fieldManager',
      });
  } else if (query.has('force')) {
    causes.push({
      reason: 'FieldValueForbidden',
      message: 'Forbidden: may not be specified for non-apply patch',
      field: 'force',
    });
  }
  if ([...fieldManager].length > 128)
    causes.push({
      reason: 'FieldValueTooLong',
      message: 'Too long: may not be more than 128 bytes',
      field: 'fieldManager',
    });
  if (causes.length > 0) {
    const detail =
      causes.length === 1
        ? `${causes[0].field}: ${causes[0].message}`
        : `[${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}]`;
    throw new StatusError(422, 'Invalid', `PatchOptions.meta.k8s.io "" is invalid: ${detail}`, {
      group: 'meta.k8s.io',
      kind: 'PatchOptions',
      causes,
    });
  }
}

export interface PatchInput {
  contentType: string;
  body: string;
  /** The object as the client sees it at this endpoint (the Scale for /scale); undefined if none is stored. */
  current: KubeObject | undefined;
  request: ResourceRequest;
  /** The fieldManager query parameter. */
  fieldManager?: string;
  force: boolean;
  now: Date;
  /**
   * OpenAPI schemas of the served kinds, for strategic merge patch and apply. Without them lists
   * are replaced by strategic merge patch and every field is deduced by apply.
   */
  schemas?: SchemaSource;
}

const NO_SCHEMAS: SchemaSource = { schemaFor: () => undefined, resolve: (node) => node };

type Json = Record<string, unknown>;

const isMap = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The kind the body addresses: the Scale for /scale, else the resource's own. */
function kindOf(request: ResourceRequest): { group: string; version: string; kind: string } {
  if (request.subresource === 'scale') return { group: 'autoscaling', version: 'v1', kind: 'Scale' };
  return { group: request.group, version: request.version, kind: request.type.kind };
}

/** After a JSON or merge patch the document must still decode into an object. */
function asObject(result: unknown): KubeObject {
  if (isMap(result)) return result as KubeObject;
  const text = JSON.stringify(result);
  const message = ` "" is invalid: patch: Invalid value: ${JSON.stringify(text)}: ${unmarshalTypeError(result, 'map[string]interface {}').message}`;
  throw new StatusError(422, 'Invalid', message, {
    causes: [
      {
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(text)}: ${unmarshalTypeError(result, 'map[string]interface {}').message}`,
        field: 'patch',
      },
    ],
  });
}

/** A body that does not decode is the client's fault: 400 with the decoder's words. */
function decodeBody<T>(decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof BodyDecodeError) throw badRequest(error.message);
    throw error;
  }
}

/**
 * Applies the patch. JSON, merge and strategic merge patches return the patched object and leave
 * managedFields to the write (`updateManagedFields`); an apply returns the merged object with its
 * managedFields already recorded (and must not be recorded again as an Update). Throws StatusError.
 */
export function patchObject(input: PatchInput): KubeObject {
  const { request } = input;
  const isCustomResource = request.type.crd !== undefined;
  const patchType = patchTypeOf(input.contentType, isCustomResource);
  const gvk = kindOf(request);
  const schemas = input.schemas ?? NO_SCHEMAS;
  switch (patchType) {
    case JSON_PATCH:
      return asObject(jsonPatch(input.current, input.body));
    case MERGE_PATCH:
      return asObject(mergePatch(input.current, input.body));
    case STRATEGIC_MERGE_PATCH: {
      let patch = decodeBody(() => parseJson(input.body));
      if (patch === null) patch = {};
      if (!isMap(patch)) throw badRequest(unmarshalTypeError(patch, 'map[string]interface {}').message);
      try {
        return strategicMergePatch(
          input.current ?? {},
          patch,
          schemas,
          schemas.schemaFor(gvk.group, gvk.version, gvk.kind),
        ) as KubeObject;
      } catch (error) {
        if (!(error instanceof StrategicMergePatchError)) throw error;
        if (error.kind === 'badRequest') throw badRequest(error.message);
        if (error.kind === 'unprocessable') throw unprocessableEntity();
        throw internalUnknown(error.message);
      }
    }
    case APPLY_PATCH: {
      const applied = decodeBody(() => parseApplyBody(input.body));
      return applyPatch({
        ...gvk,
        schemas,
        subresource: request.subresource,
        hasStatusSubresource: request.type.subresources.includes('status'),
        now: input.now,
        live: input.current,
        applied,
        manager: input.fieldManager ?? '',
        force: input.force,
      });
    }
  }
}
