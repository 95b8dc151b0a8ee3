// The life of an object after a write, as the API server's generic store, the garbage collector,
// the namespace controller and apiextensions do it: graceful deletion with finalizers
// (deletionTimestamp until they are gone), propagation to dependents (background, foreground,
// orphan), Terminating namespaces emptied before they go, a deleted CRD's custom resources
// cleaned up, and what follows a stored write (discovery of CRDs, a namespace's default
// ServiceAccount). Sources: k8s.io/apiserver pkg/registry/generic/registry/store.go (Delete,
// deletionFinalizersForGarbageCollection), pkg/controller/namespace/deletion.
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../apimachinery/kube-object';
import { clone, timestamp } from '../apimachinery/kube-object';
import type { ResourceRegistry } from '../apimachinery/resource-registry';
import { resourceTypeFromCrd } from '../apimachinery/resource-registry';
import type { ResourceType } from '../apimachinery/resource-types';
import { storageKey } from '../apimachinery/resource-types';
import { CRD_CLEANUP_FINALIZER } from '../admission/crd-names';
import type { DeleteOptions, DeleteResult, ObjectStorage } from '../storage/storage';
import {
  beforeDelete,
  finalizersForPropagation,
  FOREGROUND_FINALIZER,
  markAsDeleting,
  ORPHAN_FINALIZER,
} from './graceful-deletion';
import { dependentsOf, findByUid } from './owner-references';

export interface ObjectLifecycleOptions {
  readonly store: ObjectStorage;
  readonly registry: ResourceRegistry;
  readonly now: () => Date;
  /** How long a deleted namespace stays Terminating before its contents go (default 3 s). */
  readonly namespaceFinalizeDelayMs?: number;
  /** How long a deleted CRD keeps serving its custom resources before they are cleaned up (default 1 s). */
  readonly crdCleanupDelayMs?: number;
}

export class ObjectLifecycle {
  private closed = false;

  constructor(private readonly options: ObjectLifecycleOptions) {}

  /** Stops the deferred work (namespace and CRD finalization) of a closed server. */
  close(): void {
    this.closed = true;
  }

  /**
   * Deletes an object as the API server and garbage collector do (store.go Delete): a pod is marked
   * (deletionTimestamp, deletionGracePeriodSeconds) and stays until its kubelet deletes it with
   * grace 0; with finalizers an object is only marked until they are gone; namespaces terminate
   * first; dependents follow their owner (background), go before it (foreground), or are orphaned.
   * A dry run answers the same without writing.
   */
  deleteObject(type: ResourceType, current: KubeObject, options: DeleteOptions = {}): DeleteResult {
    const { store } = this.options;
    const key = storageKey(type);
    if (type.kind === 'Namespace' && type.group === '')
      return { object: this.terminateNamespace(current, options.dryRun === true), deleted: false };
    const now = this.options.now();
    const decision = beforeDelete(type, current, options.gracePeriodSeconds, now);
    // Finalizers cannot change through DeleteOptions while a grace period runs.
    if (decision.kind === 'pending') return { object: current, deleted: false };
    const marked = decision.kind === 'graceful' ? decision.object : clone(current);
    const finalizers = finalizersForPropagation(current.metadata.finalizers ?? [], options.propagationPolicy);
    if (finalizers.length > 0) marked.metadata.finalizers = finalizers;
    else delete marked.metadata.finalizers;
    const waits = finalizers.length > 0 || (decision.kind === 'graceful' && decision.seconds > 0);
    if (decision.kind === 'immediate' && finalizers.length > 0) markAsDeleting(marked, now);
    if (options.dryRun) return { object: decision.kind === 'immediate' && !waits ? current : marked, deleted: !waits };
    if (decision.kind === 'graceful' || waits) {
      // The update that marks the object: watchers see it MODIFIED with its deletionTimestamp.
      const stored = JSON.stringify(marked) === JSON.stringify(current) ? current : store.put(key, marked);
      if (waits) {
        // Finalizers are worked on when they are set, not again on each repeated delete.
        if (stored !== current) this.processFinalizers(type, stored);
        return { object: store.get(key, stored.metadata.namespace, stored.metadata.name!) ?? stored, deleted: false };
      }
    }
    const removed = store.remove(key, current.metadata.namespace, current.metadata.name!);
    if (removed) this.afterRemove(type, removed);
    return { object: removed ?? marked, deleted: true };
  }

  /** The garbage collector's and namespace controller's work for the finalizers they own. */
  private processFinalizers(type: ResourceType, object: KubeObject): void {
    const { store, registry } = this.options;
    const finalizers = object.metadata.finalizers ?? [];
    if (finalizers.includes(CRD_CLEANUP_FINALIZER) && type.kind === 'CustomResourceDefinition') {
      setTimeout(() => this.cleanUpCustomResources(object), this.options.crdCleanupDelayMs ?? 1000).unref();
    }
    if (finalizers.includes(ORPHAN_FINALIZER)) {
      for (const [depType, dependent] of dependentsOf(store, registry, object)) {
        const next = clone(dependent);
        next.metadata.ownerReferences = (next.metadata.ownerReferences ?? []).filter(
          (ref) => ref.uid !== object.metadata.uid,
        );
        store.put(storageKey(depType), next);
      }
      this.removeFinalizer(type, object, ORPHAN_FINALIZER);
    } else if (finalizers.includes(FOREGROUND_FINALIZER)) {
      // Dependents that have dependents of their own go in the foreground too (garbagecollector.go attemptToDeleteItem).
      for (const [depType, dependent] of dependentsOf(store, registry, object)) {
        this.deleteObject(depType, dependent, {
          propagationPolicy: dependentsOf(store, registry, dependent).length > 0 ? 'Foreground' : 'Background',
        });
      }
      // Only dependents that block their owner's deletion hold it (processDeletingDependentsItem).
      const blocking = dependentsOf(store, registry, object).filter(([, dependent]) =>
        (dependent.metadata.ownerReferences ?? []).some(
          (ref) => ref.uid === object.metadata.uid && ref.blockOwnerDeletion === true,
        ),
      );
      if (blocking.length === 0) this.removeFinalizer(type, object, FOREGROUND_FINALIZER);
    }
  }

  /** After a restart from saved state: finish the namespace and CRD deletions that were under way. */
  resumeDeletions(): void {
    for (const namespace of this.options.store.list('/namespaces')) {
      if (namespace.metadata.deletionTimestamp)
        setTimeout(
          () => this.finalizeNamespace(namespace.metadata.name!),
          this.options.namespaceFinalizeDelayMs ?? 3000,
        ).unref();
    }
    const crdType = this.options.registry.find('apiextensions.k8s.io', 'v1', 'customresourcedefinitions')!;
    for (const crd of this.options.store.list(storageKey(crdType))) {
      if (crd.metadata.deletionTimestamp) this.processFinalizers(crdType, crd);
    }
  }

  /** The apiextensions controller: deletes a Terminating CRD's custom resources, then lets the CRD go. */
  private cleanUpCustomResources(crd: KubeObject): void {
    if (this.closed) return;
    const crdType = resourceTypeFromCrd(crd);
    if (crdType) {
      for (const object of this.options.store.list(storageKey(crdType)))
        this.deleteObject(crdType, object, { propagationPolicy: 'Background' });
    }
    const type = this.options.registry.find('apiextensions.k8s.io', 'v1', 'customresourcedefinitions')!;
    this.removeFinalizer(type, crd, CRD_CLEANUP_FINALIZER);
  }

  private removeFinalizer(type: ResourceType, object: KubeObject, finalizer: string): void {
    const key = storageKey(type);
    const current = this.options.store.get(key, object.metadata.namespace, object.metadata.name!);
    if (!current) return;
    const next = clone(current);
    next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    if (next.metadata.finalizers.length === 0) delete next.metadata.finalizers;
    const stored = this.options.store.put(key, next);
    this.afterWrite(type, stored, current);
  }

  private afterRemove(type: ResourceType, removed: KubeObject): void {
    // Background propagation: dependents whose owners are all gone follow.
    for (const [depType, dependent] of dependentsOf(this.options.store, this.options.registry, removed)) {
      const remainingOwners = (dependent.metadata.ownerReferences ?? []).filter(
        (ref) =>
          ref.uid !== removed.metadata.uid &&
          findByUid(this.options.store, this.options.registry, ref.uid, dependent.metadata.namespace) !== undefined,
      );
      if (remainingOwners.length === 0) this.deleteObject(depType, dependent, { propagationPolicy: 'Background' });
    }
    if (type.kind === 'CustomResourceDefinition') {
      const crdType = resourceTypeFromCrd(removed);
      if (crdType) {
        for (const object of this.options.store.list(storageKey(crdType)))
          this.options.store.remove(storageKey(crdType), object.metadata.namespace, object.metadata.name!);
      }
      this.options.registry.setCustom(removed.metadata.name!, undefined);
    }
    this.ownerDeleted(removed);
  }

  /** An owner finished deleting: owners waiting in foreground deletion for it may now go. */
  private ownerDeleted(removed: KubeObject): void {
    for (const ref of removed.metadata.ownerReferences ?? []) {
      const owner = findByUid(this.options.store, this.options.registry, ref.uid, removed.metadata.namespace);
      if (owner && owner[1].metadata.finalizers?.includes(FOREGROUND_FINALIZER))
        this.processFinalizers(owner[0], owner[1]);
    }
  }

  private terminateNamespace(current: KubeObject, dryRun: boolean): KubeObject {
    const { store } = this.options;
    if (current.metadata.deletionTimestamp) return current;
    const marked = clone(current);
    marked.metadata.deletionTimestamp = timestamp(this.options.now());
    marked.status = { ...((marked.status as Record<string, unknown>) ?? {}), phase: 'Terminating' };
    if (dryRun) return marked;
    const stored = store.put('/namespaces', marked);
    setTimeout(
      () => this.finalizeNamespace(stored.metadata.name!),
      this.options.namespaceFinalizeDelayMs ?? 3000,
    ).unref();
    return stored;
  }

  /** The namespace controller: deletes everything in a Terminating namespace, then the namespace. */
  private finalizeNamespace(name: string): void {
    if (this.closed) return;
    const { store, registry } = this.options;
    const seen = new Set<string>();
    let remaining = 0;
    for (const type of registry.all()) {
      const key = storageKey(type);
      if (!type.namespaced || seen.has(key) || type.isReview) continue;
      seen.add(key);
      for (const object of store.list(key, name)) {
        this.deleteObject(type, object, { propagationPolicy: 'Background' });
        if (store.get(key, name, object.metadata.name!)) remaining++;
      }
    }
    if (remaining > 0) {
      setTimeout(() => this.finalizeNamespace(name), 200).unref();
      return;
    }
    const removed = store.remove('/namespaces', undefined, name);
    if (removed) this.ownerDeleted(removed);
  }

  /** Follow-ups of a stored write: CRDs change discovery, namespaces get a default ServiceAccount, finalizers complete. */
  afterWrite(type: ResourceType, stored: KubeObject, previous: KubeObject | undefined): void {
    const { store, registry } = this.options;
    if (type.kind === 'CustomResourceDefinition' && !stored.metadata.deletionTimestamp) {
      registry.setCustom(stored.metadata.name!, resourceTypeFromCrd(stored));
    }
    if (type.kind === 'Namespace' && type.group === '' && !previous) {
      if (!store.get('/serviceaccounts', stored.metadata.name, 'default')) {
        store.put('/serviceaccounts', {
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: {
            name: 'default',
            namespace: stored.metadata.name,
            uid: randomUUID(),
            creationTimestamp: timestamp(this.options.now()),
          },
        });
      }
    }
    // The update that removes the last finalizer deletes the object, unless a grace period still runs (ShouldDeleteDuringUpdate).
    if (
      stored.metadata.deletionTimestamp &&
      !stored.metadata.deletionGracePeriodSeconds &&
      (stored.metadata.finalizers ?? []).length === 0 &&
      type.kind !== 'Namespace'
    ) {
      const removed = store.remove(storageKey(type), stored.metadata.namespace, stored.metadata.name!);
      if (removed) this.afterRemove(type, removed);
    }
  }
}
