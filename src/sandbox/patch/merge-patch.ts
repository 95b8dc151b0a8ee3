// application/merge-patch+json (RFC 7386) as the API server applies it: objects merge, null
// deletes, anything else replaces. A body that is not JSON, or is null, is "Invalid JSON Patch".
import { apply as applyMergePatch } from 'json-merge-patch';
import { badRequest } from '../apimachinery/status-error';
import { BodyDecodeError, parseJson } from './patch-body';

/** Applies `body` to `document`; the result is a new value (the input is not modified). */
export function mergePatch(document: unknown, body: string): unknown {
  let patch: unknown;
  try {
    patch = parseJson(body);
  } catch (error) {
    if (error instanceof BodyDecodeError) throw badRequest('Invalid JSON Patch');
    throw error;
  }
  if (patch === null) throw badRequest('Invalid JSON Patch');
  return applyMergePatch(structuredClone(document), patch) as unknown;
}
