// The field manager chain for one kind at one endpoint, as apimachinery's managedfields/internal
// builds it: for an update, skip-non-applied → cap managers → build manager info → managed-fields
// updater → strip meta; for an apply, version check → last-applied updater and manager first. The
// structured merge underneath is merge-updater.ts; the entry points are managed-fields.ts.
import type { KubeObject } from '../apimachinery/kube-object';
import type { SchemaSource } from '../openapi/schema';
import { badRequest, internalUnknown } from '../apimachinery/status-error';
import { FieldSet, fieldElement } from './field-set';
import type { ManagedSets } from './merge-updater';
import { ConflictsError, Updater } from './merge-updater';
import type { TypeRef } from './schema-types';
import { TypeResolver, withZeroValues } from './schema-types';
import { compareValues, toFieldSet, TypedError, validateValue } from './typed-value';
import {
  ANCIENT_CHANGES_MANAGER,
  BEFORE_FIRST_APPLY_MANAGER,
  KUBECTL_APPLY_MANAGER,
  LAST_APPLIED_ANNOTATION,
  managerIdentifier,
  MAX_UPDATE_MANAGERS,
} from './field-managers';
import {
  annotationsSize,
  buildLastApplied,
  hasLastApplied,
  inOrderOf,
  splitApiVersion,
  stripFilledNulls,
  TOTAL_ANNOTATION_SIZE_LIMIT,
} from './applied-configuration';
import type { Json, Managed } from './managed-fields-codec';
import { isMap, seconds, stripMeta, withoutManagedFields } from './managed-fields-codec';

/** One server-side apply as it passes down the chain of appliers (fieldmanager's Manager.Apply arguments). */
export interface ApplyCall {
  readonly live: KubeObject;
  /** The object does not exist yet: `live` is empty, and the result keeps the applied field order. */
  readonly liveIsNew: boolean;
  readonly applied: Json;
  readonly managed: Managed;
  readonly manager: string;
  readonly force: boolean;
}

function formatTime(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** Where the request writes and what it is allowed to own. */
export interface FieldManagerScope {
  readonly schemas: SchemaSource;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** `status`, `scale`…; entries written through a subresource say so. */
  readonly subresource?: string;
  /** Whether the kind has a status subresource: then the main resource never owns `status`. */
  readonly hasStatusSubresource?: boolean;
  readonly now: Date;
}

const resolvers = new WeakMap<SchemaSource, TypeResolver>();

function resolverFor(schemas: SchemaSource): TypeResolver {
  let resolver = resolvers.get(schemas);
  if (!resolver) resolvers.set(schemas, (resolver = new TypeResolver(schemas)));
  return resolver;
}

/** The fields a strategy resets on this endpoint (rest.ResetFieldsStrategy): they are never owned. */
function resetFields(scope: FieldManagerScope): FieldSet {
  if (scope.subresource === 'status') return FieldSet.of([fieldElement('spec')]);
  if (!scope.subresource && scope.hasStatusSubresource) return FieldSet.of([fieldElement('status')]);
  return new FieldSet();
}

function groupVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/** The manager chain for one kind at one endpoint. */
export class FieldManager {
  readonly types: TypeResolver;
  readonly root: TypeRef;
  readonly updater: Updater;
  readonly apiVersion: string;
  readonly now: string;

  constructor(readonly scope: FieldManagerScope) {
    this.types = resolverFor(scope.schemas);
    this.root = this.types.rootType(scope.group, scope.version, scope.kind);
    this.updater = new Updater(this.types, this.root, resetFields(scope));
    this.apiVersion = groupVersion(scope.group, scope.version);
    this.now = formatTime(scope.now);
  }

  /** How a Go typed object of this kind would look: what field sets are computed on. */
  typed(object: unknown): unknown {
    return withZeroValues(withoutManagedFields(object), this.root, this.types);
  }

  /** An empty object of the kind (runtime.ObjectCreater.New). */
  empty(): Json {
    return this.typed({}) as Json;
  }

  // ── Update ─────────────────────────────────────────────────────────────────────────────

  /** skipNonApplied → capManagers → buildManagerInfo → managedFieldsUpdater → stripMeta → SMD. */
  update(live: unknown, next: unknown, managed: Managed, manager: string, liveHasUid: boolean): Managed {
    if (managed.sets.size === 0 && liveHasUid) return managed;
    const result = this.innerUpdate(live, next, managed, manager);
    this.capUpdateManagers(result);
    return result;
  }

  private innerUpdate(live: unknown, next: unknown, managed: Managed, manager: string): Managed {
    const id = managerIdentifier({
      manager: manager || 'unknown',
      operation: 'Update',
      apiVersion: this.apiVersion,
      subresource: this.scope.subresource,
    });
    const self = 'current-operation';
    const sets: ManagedSets = new Map(managed.sets);
    this.updater.updateFields(this.typed(live), this.typed(next), this.apiVersion, sets, self);
    const result: Managed = { sets, times: managed.times };
    stripMeta(result, self);
    const current = sets.get(self);
    if (current) {
      sets.delete(self);
      const previous = sets.get(id);
      sets.set(id, {
        set: previous ? current.set.union(previous.set) : current.set,
        apiVersion: current.apiVersion,
        applied: current.applied,
      });
      result.times.set(id, this.now);
    }
    return result;
  }

  private capUpdateManagers(managed: Managed): void {
    const updaters = [...managed.sets].filter(([, v]) => !v.applied).map(([id]) => id);
    if (updaters.length <= MAX_UPDATE_MANAGERS) return;
    updaters.sort(
      (a, b) => seconds(managed.times.get(a)) - seconds(managed.times.get(b)) || (a < b ? -1 : a > b ? 1 : 0),
    );
    const firstOfVersion = new Map<string, string>();
    let length = updaters.length;
    for (let i = 0; i < updaters.length && length > MAX_UPDATE_MANAGERS; i++) {
      const id = updaters[i];
      const versioned = managed.sets.get(id)!;
      const time = managed.times.get(id);
      const bucket = managerIdentifier({
        manager: ANCIENT_CHANGES_MANAGER,
        operation: 'Update',
        apiVersion: versioned.apiVersion,
      });
      const first = firstOfVersion.get(versioned.apiVersion);
      if (first === undefined) {
        firstOfVersion.set(versioned.apiVersion, id);
        continue;
      }
      if (!managed.sets.has(bucket)) {
        managed.sets.set(bucket, managed.sets.get(first)!);
        managed.sets.delete(first);
      }
      managed.sets.set(bucket, {
        set: versioned.set.union(managed.sets.get(bucket)!.set),
        apiVersion: versioned.apiVersion,
        applied: versioned.applied,
      });
      managed.sets.delete(id);
      managed.times.set(bucket, time);
      length--;
    }
  }

  // ── Apply ──────────────────────────────────────────────────────────────────────────────

  /** versionCheck → lastAppliedUpdater → lastAppliedManager → skipNonApplied → … → SMD. */
  apply(call: ApplyCall): [KubeObject, Managed] {
    const { applied, manager } = call;
    const expected = `${this.scope.group}/${this.scope.version}, Kind=${this.scope.kind}`;
    const [appliedGroup, appliedVersion] = splitApiVersion(applied.apiVersion);
    const actual = `${appliedGroup}/${appliedVersion}, Kind=${typeof applied.kind === 'string' ? applied.kind : ''}`;
    if (actual !== expected) throw badRequest(`invalid object type: ${actual}`);

    const [object, result] = this.applyWithLastApplied(call);
    if (manager === KUBECTL_APPLY_MANAGER && hasLastApplied(object)) {
      const annotations = { ...(object.metadata.annotations ?? {}) };
      annotations[LAST_APPLIED_ANNOTATION] = buildLastApplied(applied);
      if (annotationsSize(annotations) > TOTAL_ANNOTATION_SIZE_LIMIT) delete annotations[LAST_APPLIED_ANNOTATION];
      return [{ ...object, metadata: { ...object.metadata, annotations } }, result];
    }
    return [object, result];
  }

  private applyWithLastApplied(call: ApplyCall): [KubeObject, Managed] {
    try {
      return this.applySkippingNonApplied(call);
    } catch (error) {
      if (call.manager !== KUBECTL_APPLY_MANAGER || !(error instanceof ConflictsError)) throw error;
      const allowed = this.allowedConflictsFromLastApplied(call.live);
      if (!allowed) throw error;
      const remaining = error.conflicts.filter((conflict) => !allowed.has(conflict.path));
      if (remaining.length > 0) throw new ConflictsError(remaining);
      return this.applySkippingNonApplied({ ...call, force: true });
    }
  }

  /** The fields a client-side apply last set and that still hold those values: kubectl may take them over. */
  private allowedConflictsFromLastApplied(live: KubeObject): FieldSet | undefined {
    const text = live.metadata.annotations?.[LAST_APPLIED_ANNOTATION];
    if (!text) return undefined;
    let lastApplied: unknown;
    try {
      lastApplied = JSON.parse(text);
    } catch (error) {
      if (error instanceof SyntaxError) return undefined; // as upstream: an unreadable annotation vouches for nothing
      throw error;
    }
    if (!isMap(lastApplied) || lastApplied.apiVersion !== this.apiVersion) return undefined;
    if (validateValue(this.types, lastApplied, this.root).length > 0) return undefined;
    const set = toFieldSet(this.types, lastApplied, this.root);
    const comparison = compareValues(this.types, lastApplied, this.typed(live), this.root);
    return set.difference(comparison.modified).difference(comparison.added).difference(comparison.removed);
  }

  private applySkippingNonApplied(call: ApplyCall): [KubeObject, Managed] {
    if (call.managed.sets.size > 0) return this.innerApply(call);
    const managed = this.innerUpdate(this.empty(), call.live, call.managed, BEFORE_FIRST_APPLY_MANAGER);
    this.capUpdateManagers(managed);
    return this.innerApply({ ...call, managed });
  }

  /** buildManagerInfo → managedFieldsUpdater → stripMeta → structured merge. */
  private innerApply({ live, liveIsNew, applied, managed, manager, force }: ApplyCall): [KubeObject, Managed] {
    const id = managerIdentifier({
      manager: manager || 'unknown',
      operation: 'Apply',
      subresource: this.scope.subresource,
    });
    if (applied.apiVersion !== this.apiVersion) {
      throw badRequest(
        `Incorrect version specified in apply patch. Specified patch version: ${String(applied.apiVersion)}, expected: ${this.apiVersion}`,
      );
    }
    if (
      isMap(applied.metadata) &&
      applied.metadata.managedFields !== undefined &&
      applied.metadata.managedFields !== null
    ) {
      throw badRequest('metadata.managedFields must be nil');
    }
    const errors = validateValue(this.types, applied, this.root);
    if (errors.length > 0) {
      throw internalUnknown(
        `failed to create typed patch object (${this.describe(applied)}): ${new TypedError(errors).message}`,
      );
    }
    const sets: ManagedSets = new Map(managed.sets);
    const liveTyped = this.typed(live);
    let merged: unknown;
    try {
      merged = this.updater.apply(liveTyped, applied, this.apiVersion, sets, id, force);
    } catch (error) {
      if (error instanceof TypedError) throw internalUnknown(`failed to merge config: ${error.message}`);
      throw error;
    }
    const result: Managed = { sets, times: new Map(managed.times) };
    stripMeta(result, id);
    if (merged === undefined) return [withoutManagedFields(live), result];
    result.times.set(id, this.now);
    const object = stripFilledNulls(merged, liveIsNew ? {} : live, applied);
    return [(liveIsNew ? inOrderOf(object, applied) : object) as KubeObject, result];
  }

  private describe(object: Json): string {
    const metadata = isMap(object.metadata) ? object.metadata : {};
    const [group, version] = splitApiVersion(object.apiVersion);
    return `${String(metadata.namespace ?? '')}/${String(metadata.name ?? '')}; ${group}/${version}, Kind=${String(object.kind ?? '')}`;
  }
}
