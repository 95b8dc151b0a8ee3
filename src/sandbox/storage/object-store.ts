// The sandbox's etcd: objects by storage key and namespace/name, one global resourceVersion
// counter, and a bounded history of changes that watches replay from. Pure data structure: the
// API semantics (defaults, validation, deletion rules) live in the handlers and lifecycle.
import type { KubeObject } from '../apimachinery/kube-object';
import { clone } from '../apimachinery/kube-object';
import type { ObjectStorage, StoreEvent, StoreListener, WatchEventType } from './storage';
import { TooOldResourceVersionError } from './storage';

export type { StoreEvent, StoreListener, WatchEventType } from './storage';
export { TooOldResourceVersionError } from './storage';

/** Sees each change before the store applies it (the write-ahead log); when it throws, nothing changed. */
export type WriteAhead = (event: StoreEvent) => void;

const objectKey = (namespace: string | undefined, name: string): string => `${namespace ?? ''}/${name}`;

/** The index of the first of the sorted keys that is not before `key` (binary search). */
function firstAtOrAfter(keys: readonly string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (keys[middle] < key) low = middle + 1;
    else high = middle;
  }
  return low;
}

export class ObjectStore implements ObjectStorage {
  private readonly tables = new Map<string, Map<string, KubeObject>>();
  /** Each table's keys in order, kept between lists: sorting 10k keys on every list costs more than the rest of it. */
  private readonly orderedKeys = new Map<string, string[]>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<StoreListener>();
  private writeAhead: WriteAhead | undefined;
  private revision: number;

  constructor(
    /** How many changes watches can replay; older resourceVersions get 410 Gone. */
    private readonly historySize = 10_000,
    initialRevision = 1,
  ) {
    this.revision = initialRevision;
  }

  get resourceVersion(): number {
    return this.revision;
  }

  /** The oldest resourceVersion a watch can start from. */
  get oldestWatchableVersion(): number {
    return this.history.length ? this.history[0].resourceVersion - 1 : this.revision;
  }

  private table(storageKey: string): Map<string, KubeObject> {
    let table = this.tables.get(storageKey);
    if (!table) {
      table = new Map();
      this.tables.set(storageKey, table);
    }
    return table;
  }

  get(storageKey: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.tables.get(storageKey)?.get(objectKey(namespace, name));
  }

  /** Objects of a storage key, optionally in one namespace, in key order (stable for paging). */
  list(storageKey: string, namespace?: string): KubeObject[] {
    const table = this.tables.get(storageKey);
    if (!table) return [];
    const keys = this.keysInOrder(storageKey, table);
    if (namespace === undefined) return keys.map((key) => table.get(key)!);
    // A namespace's keys share the prefix `<namespace>/`, so they are one run of the ordered keys.
    const prefix = `${namespace}/`;
    const items: KubeObject[] = [];
    for (let i = firstAtOrAfter(keys, prefix); i < keys.length && keys[i].startsWith(prefix); i++) {
      items.push(table.get(keys[i])!);
    }
    return items;
  }

  private keysInOrder(storageKey: string, table: Map<string, KubeObject>): string[] {
    let keys = this.orderedKeys.get(storageKey);
    if (!keys) {
      keys = [...table.keys()].sort();
      this.orderedKeys.set(storageKey, keys);
    }
    return keys;
  }

  count(storageKey: string): number {
    return this.tables.get(storageKey)?.size ?? 0;
  }

  /** Stores a new or changed object, stamping the next resourceVersion; returns the stored copy. */
  put(storageKey: string, object: KubeObject): KubeObject {
    const table = this.table(storageKey);
    const key = objectKey(object.metadata.namespace, object.metadata.name!);
    const previous = table.get(key);
    const type: WatchEventType = previous ? 'MODIFIED' : 'ADDED';
    const stored = clone(object);
    const resourceVersion = this.revision + 1;
    stored.metadata.resourceVersion = String(resourceVersion);
    const event: StoreEvent = { type, storageKey, resourceVersion, object: stored, previous };
    this.writeAhead?.(event);
    this.revision = resourceVersion;
    if (!previous) this.orderedKeys.delete(storageKey);
    table.set(key, stored);
    this.record(event);
    return stored;
  }

  remove(storageKey: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const table = this.tables.get(storageKey);
    const key = objectKey(namespace, name);
    const existing = table?.get(key);
    if (!table || !existing) return undefined;
    const resourceVersion = this.revision + 1;
    const removed = { ...existing, metadata: { ...existing.metadata, resourceVersion: String(resourceVersion) } };
    const event: StoreEvent = { type: 'DELETED', storageKey, resourceVersion, object: removed };
    this.writeAhead?.(event);
    this.revision = resourceVersion;
    table.delete(key);
    this.orderedKeys.delete(storageKey);
    this.record(event);
    return removed;
  }

  private record(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length > this.historySize) this.history.splice(0, this.history.length - this.historySize);
    for (const listener of this.listeners) listener(event);
  }

  /** Changes after `resourceVersion`, oldest first; throws when they are no longer kept. */
  eventsSince(resourceVersion: number): StoreEvent[] {
    if (resourceVersion < this.oldestWatchableVersion) {
      throw new TooOldResourceVersionError(resourceVersion, this.oldestWatchableVersion + 1);
    }
    const start = this.history.findIndex((event) => event.resourceVersion > resourceVersion);
    return start === -1 ? [] : this.history.slice(start);
  }

  /** One hook at most: a change it refuses (throws) is neither stored, nor counted, nor watched. */
  setWriteAhead(hook: WriteAhead | undefined): void {
    this.writeAhead = hook;
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Puts back an object saved earlier, keeping its resourceVersion; no watch event (nobody watches yet). */
  restore(storageKey: string, object: KubeObject, resourceVersion: number): void {
    this.table(storageKey).set(objectKey(object.metadata.namespace, object.metadata.name!), clone(object));
    this.orderedKeys.delete(storageKey);
    this.advanceTo(resourceVersion);
  }

  /** Moves the resourceVersion counter forward (never back), e.g. to where a saved cluster stopped. */
  advanceTo(resourceVersion: number): void {
    this.revision = Math.max(this.revision, resourceVersion);
  }

  /** Every object, for persistence. */
  *entries(): IterableIterator<[string, KubeObject]> {
    for (const [storageKey, table] of this.tables) {
      for (const object of table.values()) yield [storageKey, object];
    }
  }
}
