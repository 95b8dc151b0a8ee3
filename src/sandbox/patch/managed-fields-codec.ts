// metadata.managedFields ↔ the per-manager field sets the manager chain works on: decoding the
// entries (fieldmanager's DecodeManagedFields, with its errors), encoding them back in the API
// server's order, the reset request (`[]` or `[{}]`), and the metadata fields no manager owns
// (stripMeta). A port of apimachinery's managedfields/internal (managedfields.go, stripmeta.go).
import type { KubeObject } from '../apimachinery/kube-object';
import { FieldSet, fieldElement, FieldsV1Error } from './field-set';
import type { ManagedSets } from './merge-updater';
import type { ManagedFieldsEntry } from './field-managers';
import { managerIdentifier, parseIdentifier } from './field-managers';

export interface Managed {
  sets: ManagedSets;
  times: Map<string, string | undefined>;
}

class DecodeError extends Error {}

export function decodeManagedFields(entries: unknown): Managed {
  const managed: Managed = { sets: new Map(), times: new Map() };
  if (entries === undefined || entries === null) return managed;
  if (!Array.isArray(entries)) throw new DecodeError('managedFields must be a list');
  entries.forEach((raw, i) => {
    const entry = (raw ?? {}) as ManagedFieldsEntry;
    if (entry.operation !== 'Apply' && entry.operation !== 'Update')
      throw new DecodeError('operation must be `Apply` or `Update`');
    if (!entry.apiVersion) throw new DecodeError('apiVersion must not be empty');
    if (!entry.fieldsType) throw new DecodeError(`missing fieldsType in managed fields entry ${i}`);
    if (entry.fieldsType !== 'FieldsV1')
      throw new DecodeError(`invalid fieldsType "${entry.fieldsType}" in managed fields entry ${i}`);
    let set: FieldSet;
    try {
      set = FieldSet.fromFieldsV1(entry.fieldsV1);
    } catch (error) {
      if (error instanceof FieldsV1Error) throw new DecodeError(`error decoding versioned set: ${error.message}`);
      throw error;
    }
    const id = managerIdentifier(entry);
    managed.sets.set(id, { set, apiVersion: entry.apiVersion, applied: entry.operation === 'Apply' });
    managed.times.set(id, entry.time);
  });
  return managed;
}

export function seconds(time: string | undefined): number {
  return time ? Math.floor(Date.parse(time) / 1000) : 0;
}

export function encodeManagedFields(managed: Managed): ManagedFieldsEntry[] | undefined {
  if (managed.sets.size === 0) return undefined;
  const entries: ManagedFieldsEntry[] = [];
  for (const [id, versioned] of managed.sets) {
    const identity = parseIdentifier(id);
    const entry: ManagedFieldsEntry = {};
    if (identity.manager) entry.manager = identity.manager;
    entry.operation = versioned.applied ? 'Apply' : (identity.operation ?? 'Update');
    entry.apiVersion = versioned.apiVersion;
    const time = managed.times.get(id);
    if (time) entry.time = time;
    entry.fieldsType = 'FieldsV1';
    entry.fieldsV1 = versioned.set.toFieldsV1();
    if (identity.subresource) entry.subresource = identity.subresource;
    entries.push(entry);
  }
  const cmp = (a = '', b = ''): number => (a < b ? -1 : a > b ? 1 : 0);
  return entries.sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource, q.subresource),
  );
}

/** A list that is present but empty, or one entry with nothing set, asks the server to drop tracking. */
function isResetManagedFields(entries: unknown): boolean {
  if (!Array.isArray(entries)) return false;
  if (entries.length === 0) return true;
  return (
    entries.length === 1 &&
    typeof entries[0] === 'object' &&
    entries[0] !== null &&
    Object.keys(entries[0]).length === 0
  );
}

const STRIPPED = FieldSet.of(
  [fieldElement('apiVersion')],
  [fieldElement('kind')],
  [fieldElement('metadata')],
  ...[
    'name',
    'namespace',
    'creationTimestamp',
    'selfLink',
    'uid',
    'clusterName',
    'generation',
    'managedFields',
    'resourceVersion',
  ].map((name) => [fieldElement('metadata'), fieldElement(name)]),
);

export function stripMeta(managed: Managed, id: string): void {
  const versioned = managed.sets.get(id);
  if (!versioned) return;
  const set = versioned.set.difference(STRIPPED);
  if (set.isEmpty()) managed.sets.delete(id);
  else managed.sets.set(id, { ...versioned, set });
}
export type Json = Record<string, unknown>;

export const isMap = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function withoutManagedFields<T>(object: T): T {
  if (!isMap(object) || !isMap(object.metadata) || !('managedFields' in object.metadata)) return object;
  const metadata = { ...object.metadata };
  delete metadata.managedFields;
  return { ...object, metadata } as T;
}

export function setManagedFields(object: KubeObject, entries: ManagedFieldsEntry[] | undefined): KubeObject {
  const metadata = { ...object.metadata };
  if (entries) metadata.managedFields = entries;
  else delete metadata.managedFields;
  return { ...object, metadata };
}

export function decodeLiveOrNew(previous: KubeObject | undefined, next: KubeObject, ignoreRequest: boolean): Managed {
  const fromLive = (): Managed => {
    try {
      return decodeManagedFields(previous?.metadata.managedFields);
    } catch (error) {
      if (error instanceof DecodeError) return { sets: new Map(), times: new Map() };
      throw error;
    }
  };
  if (ignoreRequest) return fromLive();
  if (isResetManagedFields(next.metadata.managedFields)) return { sets: new Map(), times: new Map() };
  try {
    const managed = decodeManagedFields(next.metadata.managedFields);
    return managed.sets.size === 0 ? fromLive() : managed;
  } catch (error) {
    if (error instanceof DecodeError) return fromLive();
    throw error;
  }
}
