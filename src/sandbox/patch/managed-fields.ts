// metadata.managedFields as the API server keeps it: every write that is not an apply records an
// `Update` entry for the fields its manager changed; server-side apply merges a configuration,
// owns its fields as an `Apply` entry, removes fields the applier dropped, and answers conflicts.
// A port of apimachinery's managedfields/internal chain (version check, last-applied updater and
// manager, skip-non-applied, cap managers, build manager info, managed-fields updater, strip meta).
// The manager chain is manager-chain.ts, the encoding of the entries managed-fields-codec.ts.
import type { KubeObject } from '../apimachinery/kube-object';
import { badRequest, internalUnknown } from '../apimachinery/status-error';
import { ConflictsError } from './merge-updater';
import { TypedError } from './typed-value';
import { conflictError } from './field-managers';
import type { FieldManagerScope } from './manager-chain';
import { FieldManager } from './manager-chain';
import type { Managed } from './managed-fields-codec';
import {
  decodeLiveOrNew,
  decodeManagedFields,
  encodeManagedFields,
  isMap,
  setManagedFields,
} from './managed-fields-codec';

export type { ManagedFieldsEntry } from './field-managers';
export { LAST_APPLIED_ANNOTATION, managerFromUserAgent, managerIdentifier, managerOrUserAgent } from './field-managers';

export interface UpdateManagedFieldsInput extends FieldManagerScope {
  /** The stored object; undefined on create. */
  readonly previous: KubeObject | undefined;
  /** The object about to be stored (after defaulting), possibly carrying managedFields a client sent. */
  readonly next: KubeObject;
  /** The fieldManager query parameter, or `managerOrUserAgent(...)`; '' records "unknown". */
  readonly manager: string;
}

/**
 * Records an `Update` by `manager` on every create, update and non-apply patch (FieldManager.UpdateNoErrors):
 * managedFields the client sent are kept when valid (`[]` or `[{}]` resets tracking), otherwise the
 * stored ones are used; the manager gains the fields it changed and keeps the rest it had; fields it
 * removed leave every manager; an object stored without managedFields stays untracked. Never throws:
 * on an internal failure the object comes back without managedFields, as on a real server.
 */
export function updateManagedFields(input: UpdateManagedFieldsInput): KubeObject {
  const next = input.next;
  try {
    const manager = new FieldManager(input);
    const managed = decodeLiveOrNew(input.previous, next, Boolean(input.subresource));
    const stripped = setManagedFields(next, undefined);
    const result = manager.update(
      input.previous ?? manager.empty(),
      stripped,
      managed,
      input.manager,
      Boolean(input.previous?.metadata.uid),
    );
    return setManagedFields(stripped, encodeManagedFields(result));
  } catch (error) {
    // UpdateNoErrors: when ownership cannot be computed the write goes on without managedFields.
    if (error instanceof TypedError) return setManagedFields(next, undefined);
    throw error;
  }
}
export interface ApplyPatchInput extends FieldManagerScope {
  /** The stored object; undefined when the apply creates it. */
  readonly live: KubeObject | undefined;
  /** The decoded apply body. */
  readonly applied: unknown;
  /** The fieldManager query parameter (required for apply; check with `validatePatchOptions`). */
  readonly manager: string;
  readonly force: boolean;
}

/**
 * Server-side apply (FieldManager.Apply): merges `applied` into the live object, records the
 * manager's `Apply` entry, prunes what it stopped applying, and throws a 409 StatusError on
 * conflicts unless `force`. The result carries the new managedFields; defaulting is the caller's.
 */
export function applyPatch(input: ApplyPatchInput): KubeObject {
  if (!isMap(input.applied)) throw badRequest('error decoding YAML: the apply body must be an object');
  const manager = new FieldManager(input);
  let managed: Managed;
  try {
    managed = decodeManagedFields(input.live?.metadata.managedFields);
  } catch (error) {
    throw internalUnknown(`failed to decode managed fields: ${(error as Error).message}`);
  }
  const live = input.live ? setManagedFields(input.live, undefined) : (manager.empty() as KubeObject);
  try {
    const [object, result] = manager.apply({
      live,
      liveIsNew: !input.live,
      applied: input.applied,
      managed,
      manager: input.manager,
      force: input.force,
    });
    return setManagedFields(object, encodeManagedFields(result));
  } catch (error) {
    if (error instanceof ConflictsError) throw conflictError(error);
    throw error;
  }
}
