// The storage interface (k8s.io/apiserver pkg/storage Interface, much reduced): objects by storage
// key and namespace/name, one resourceVersion counter, and the history watches replay from.
// ObjectStore is its one, in-memory implementation. RestStorage is the write path with the API's
// rules (defaulting, admission, managedFields, graceful deletion) that controllers and streams use,
// so they never import the server.
import type { KubeObject } from '../apimachinery/kube-object';
import type { ResourceRequest } from '../apimachinery/request-info';
import type { ResourceType } from '../apimachinery/resource-types';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  readonly type: WatchEventType;
  readonly storageKey: string;
  readonly resourceVersion: number;
  /** The object after the change (for DELETED: as it was, with the deletion's resourceVersion). */
  readonly object: KubeObject;
  /** The object before a MODIFIED change, for watches that filter by selector. */
  readonly previous?: KubeObject;
}

export type StoreListener = (event: StoreEvent) => void;

export class TooOldResourceVersionError extends Error {
  constructor(
    readonly requested: number,
    readonly oldest: number,
  ) {
    super(`too old resource version: ${requested} (${oldest})`);
  }
}

export interface ObjectStorage {
  /** The resourceVersion of the latest change. */
  readonly resourceVersion: number;
  /** The oldest resourceVersion a watch can start from. */
  readonly oldestWatchableVersion: number;
  get(storageKey: string, namespace: string | undefined, name: string): KubeObject | undefined;
  list(storageKey: string, namespace?: string): KubeObject[];
  count(storageKey: string): number;
  put(storageKey: string, object: KubeObject): KubeObject;
  remove(storageKey: string, namespace: string | undefined, name: string): KubeObject | undefined;
  /** The changes after `resourceVersion`; throws TooOldResourceVersionError past the history. */
  eventsSince(resourceVersion: number): StoreEvent[];
  subscribe(listener: StoreListener): () => void;
}

/** What a delete asks for (metav1.DeleteOptions): how dependents go, the grace period, dry run. */
export interface DeleteOptions {
  /** Orphan, Background or Foreground; unset: the resource's default (Background). */
  readonly propagationPolicy?: string;
  /** Unset: the object's own (a pod's spec.terminationGracePeriodSeconds). */
  readonly gracePeriodSeconds?: number;
  readonly dryRun?: boolean;
}

/** The object a delete leaves (marked with deletionTimestamp) or removed, and whether it is gone. */
export interface DeleteResult {
  readonly object: KubeObject;
  readonly deleted: boolean;
}

/** Writes through the API's rules, as a request would make them (pkg/registry/rest's Creater, Updater, GracefulDeleter). */
export interface RestStorage {
  create(req: ResourceRequest, object: KubeObject): KubeObject;
  update(req: ResourceRequest, object: KubeObject): [number, KubeObject];
  /** Deletes as the API server and garbage collector do (graceful deletion, finalizers, propagation). */
  deleteObject(type: ResourceType, object: KubeObject, options?: DeleteOptions): DeleteResult;
}
