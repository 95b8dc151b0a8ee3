// Field ownership bookkeeping for one object: who owns which fields after an update or an apply,
// which applied fields conflict with other owners, and which fields an applier dropped and no one
// else owns — a port of structured-merge-diff's merge.Updater. Every API version of a kind is
// taken to have the same shape, so no conversion between versions is needed.
import type { FieldPath } from './field-set';
import { FieldSet } from './field-set';
import type { TypeRef, TypeResolver } from './schema-types';
import type { Comparison } from './typed-value';
import {
  compareValues,
  ensureNamedFieldsAreMembers,
  jsonEqual,
  mergeValues,
  removeItems,
  toFieldSet,
} from './typed-value';

export interface VersionedSet {
  readonly set: FieldSet;
  readonly apiVersion: string;
  readonly applied: boolean;
}

/** Field sets keyed by manager identifier (see `managerIdentifier`). */
export type ManagedSets = Map<string, VersionedSet>;

export interface Conflict {
  readonly manager: string;
  readonly path: FieldPath;
}

export class ConflictsError extends Error {
  constructor(readonly conflicts: readonly Conflict[]) {
    super(`${conflicts.length} conflicts`);
  }
}

export class Updater {
  constructor(
    private readonly types: TypeResolver,
    private readonly root: TypeRef,
    /** Fields the strategy resets (e.g. `status` on the main resource); never owned, never conflicting. */
    private readonly ignored: FieldSet = new FieldSet(),
  ) {}

  private filter(set: FieldSet): FieldSet {
    return this.ignored.isEmpty() ? set : set.recursiveDifference(this.ignored);
  }

  private compare(oldObject: unknown, newObject: unknown): Comparison {
    const c = compareValues(this.types, oldObject, newObject, this.root);
    return { removed: this.filter(c.removed), modified: this.filter(c.modified), added: this.filter(c.added) };
  }

  private update(
    oldObject: unknown,
    newObject: unknown,
    managers: ManagedSets,
    workflow: string,
    force: boolean,
  ): Comparison {
    const compare = this.compare(oldObject, newObject);
    const changed = compare.modified.union(compare.added);
    const conflicts: ManagedSets = new Map();
    for (const [manager, owned] of managers) {
      if (manager === workflow) continue;
      const conflictSet = owned.set.intersection(changed);
      if (!conflictSet.isEmpty())
        conflicts.set(manager, { set: conflictSet, apiVersion: owned.apiVersion, applied: false });
    }
    if (!force && conflicts.size > 0) {
      const list: Conflict[] = [];
      for (const [manager, { set }] of conflicts) set.iterate((path) => list.push({ manager, path }));
      throw new ConflictsError(list);
    }
    for (const [manager, owned] of [...managers]) {
      if (manager === workflow) continue;
      let set = owned.set;
      const lost = conflicts.get(manager);
      if (lost) set = set.difference(lost.set);
      if (!compare.removed.isEmpty()) set = set.difference(compare.removed);
      if (set !== owned.set) managers.set(manager, { ...owned, set });
    }
    for (const [manager, owned] of [...managers]) if (owned.set.isEmpty()) managers.delete(manager);
    return compare;
  }

  /** An update by `manager`: it takes what changed; removed fields leave every owner. Mutates `managers`. */
  updateFields(liveObject: unknown, newObject: unknown, version: string, managers: ManagedSets, manager: string): void {
    const compare = this.update(liveObject, newObject, managers, manager, true);
    const previous = managers.get(manager)?.set ?? new FieldSet();
    const set = this.filter(previous.difference(compare.removed).union(compare.modified).union(compare.added));
    if (set.isEmpty()) managers.delete(manager);
    else managers.set(manager, { set, apiVersion: version, applied: false });
  }

  /**
   * An apply of `config` by `manager`. Returns the new object, or undefined when nothing changed.
   * Throws ConflictsError unless `force`. Mutates `managers`.
   */
  apply(
    liveObject: unknown,
    config: unknown,
    version: string,
    managers: ManagedSets,
    manager: string,
    force: boolean,
  ): unknown {
    let newObject = mergeValues(this.types, liveObject, config, this.root);
    const lastSet = managers.get(manager);
    const set = this.filter(toFieldSet(this.types, config, this.root));
    managers.set(manager, { set, apiVersion: version, applied: true });
    newObject = this.prune(newObject, managers, lastSet);
    this.update(liveObject, newObject, managers, manager, force);
    return jsonEqual(liveObject, newObject) ? undefined : newObject;
  }

  private ensure(set: FieldSet): FieldSet {
    return ensureNamedFieldsAreMembers(this.types, set, this.root);
  }

  /** Removes what the applier owned before and no longer applies, unless someone else owns it. */
  private prune(merged: unknown, managers: ManagedSets, lastSet: VersionedSet | undefined): unknown {
    if (!lastSet || lastSet.set.isEmpty()) return merged;
    let pruned = removeItems(this.types, merged, this.ensure(lastSet.set), this.root);
    // addBackOwnedItems: everything any manager (including the applier's new set) owns stays.
    let managed = new FieldSet();
    for (const owned of managers.values()) managed = managed.union(owned.set);
    const mergedSet = this.ensure(toFieldSet(this.types, merged, this.root));
    const prunedSet = this.ensure(toFieldSet(this.types, pruned, this.root));
    pruned = removeItems(this.types, merged, mergedSet.difference(prunedSet.union(this.ensure(managed))), this.root);
    // addBackDanglingItems: only fields of the previous apply may go.
    const prunedAgain = this.ensure(toFieldSet(this.types, pruned, this.root));
    const mergedAgain = this.ensure(toFieldSet(this.types, merged, this.root));
    return removeItems(
      this.types,
      merged,
      mergedAgain.difference(prunedAgain).intersection(this.ensure(lastSet.set)),
      this.root,
    );
  }
}
