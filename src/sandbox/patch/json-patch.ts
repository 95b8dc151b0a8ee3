// application/json-patch+json (RFC 6902) as the API server applies it: operations run in order on
// the object's JSON; any operation that fails — a `test` that does not hold, a path that does not
// resolve — fails the whole request with the server's generic 422, whose text hides the cause.
import { applyPatch as applyOperations, JsonPatchError } from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { badRequest, requestEntityTooLarge, unprocessableEntity } from '../apimachinery/status-error';
import { BodyDecodeError, parseJson, unmarshalTypeError } from './patch-body';

/** handlers/patch.go's maxJSONPatchOperations. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

/** Applies `body` to `document`; the result is a new value (the input is not modified). */
export function jsonPatch(document: unknown, body: string): unknown {
  let operations: unknown;
  try {
    operations = parseJson(body);
  } catch (error) {
    if (error instanceof BodyDecodeError) throw badRequest(error.message);
    throw error;
  }
  if (operations === null) return structuredClone(document);
  if (!Array.isArray(operations)) throw badRequest(unmarshalTypeError(operations, 'jsonpatch.Patch').message);
  const notObject = operations.find((op) => typeof op !== 'object' || op === null || Array.isArray(op));
  if (notObject !== undefined) throw badRequest(unmarshalTypeError(notObject, 'jsonpatch.Operation').message);
  if (operations.length > MAX_JSON_PATCH_OPERATIONS) {
    throw requestEntityTooLarge(
      `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${operations.length}`,
    );
  }
  try {
    return applyOperations(structuredClone(document), operations as Operation[], true, true).newDocument;
  } catch (error) {
    if (error instanceof JsonPatchError) throw unprocessableEntity();
    throw error;
  }
}
