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
import type { ObjectStorage } from '../storage/storage';
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
   * Deletes an object as the API server and garbage collector do: with finalizers it is only
   * marked (deletionTimestamp) until they are gone; namespaces terminate first; dependents follow
   * their owner (background), go before it (foreground), or are orphaned.
   */
  deleteObject(type: ResourceType, current: KubeObject, propagationPolicy: string): KubeObject | undefined {
    const { store } = this.options;
    const key = storageKey(type);
    if (type.kind === 'Namespace' && type.group === '') return this.terminateNamespace(current);
    const finalizers = [...(current.metadata.finalizers ?? [])];
    if (propagationPolicy === 'Foreground' && !finalizers.includes('foregroundDeletion') && dependentsOf(this.options.store, this.options.registry, current).length > 0) finalizers.push('foregroundDeletion');
    if (propagationPolicy === 'Orphan' && !finalizers.includes('orphan') && dependentsOf(this.options.store, this.options.registry, current).length > 0) finalizers.push('orphan');
    if (finalizers.length > 0) {
      if (current.metadata.deletionTimestamp && JSON.stringify(finalizers) === JSON.stringify(current.metadata.finalizers)) return current;
      const marked = clone(current);
      marked.metadata.finalizers = finalizers;
      marked.metadata.deletionTimestamp ??= timestamp(this.options.now());
      marked.metadata.deletionGracePeriodSeconds ??= 0;
      const stored = store.put(key, marked);
      this.processFinalizers(type, stored);
      return store.get(key, stored.metadata.namespace, stored.metadata.name!) ?? stored;
    }
    const removed = store.remove(key, current.metadata.namespace, current.metadata.name!);
    if (removed) this.afterRemove(type, removed);
    return removed;
  }

  /** The garbage collector's and namespace controller's work for the finalizers they own. */
  private processFinalizers(type: ResourceType, object: KubeObject): void {
    const finalizers = object.metadata.finalizers ?? [];
    if (finalizers.includes(CRD_CLEANUP_FINALIZER) && type.kind === 'CustomResourceDefinition') {
      setTimeout(() => this.cleanUpCustomResources(object), this.options.crdCleanupDelayMs ?? 1000).unref();
    }
    if (finalizers.includes('orphan')) {
      for (const [depType, dependent] of dependentsOf(this.options.store, this.options.registry, object)) {
        const next = clone(dependent);
        next.metadata.ownerReferences = (next.metadata.ownerReferences ?? []).filter((ref) => ref.uid !== object.metadata.uid);
        this.options.store.put(storageKey(depType), next);
      }
      this.removeFinalizer(type, object, 'orphan');
    } else if (finalizers.includes('foregroundDeletion')) {
      for (const [depType, dependent] of dependentsOf(this.options.store, this.options.registry, object)) this.deleteObject(depType, dependent, 'Foreground');
      if (dependentsOf(this.options.store, this.options.registry, object).length === 0) this.removeFinalizer(type, object, 'foregroundDeletion');
    }
  }

  /** After a restart from saved state: finish the namespace and CRD deletions that were under way. */
  resumeDeletions(): void {
    for (const namespace of this.options.store.list('/namespaces')) {
      if (namespace.metadata.deletionTimestamp) setTimeout(() => this.finalizeNamespace(namespace.metadata.name!), this.options.namespaceFinalizeDelayMs ?? 3000).unref();
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
      for (const object of this.options.store.list(storageKey(crdType))) this.deleteObject(crdType, object, 'Background');
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
        (ref) => ref.uid !== removed.metadata.uid && findByUid(this.options.store, this.options.registry, ref.uid, dependent.metadata.namespace) !== undefined,
      );
      if (remainingOwners.length === 0) this.deleteObject(depType, dependent, 'Background');
    }
    if (type.kind === 'CustomResourceDefinition') {
      const crdType = resourceTypeFromCrd(removed);
      if (crdType) {
        for (const object of this.options.store.list(storageKey(crdType))) this.options.store.remove(storageKey(crdType), object.metadata.namespace, object.metadata.name!);
      }
      this.options.registry.setCustom(removed.metadata.name!, undefined);
    }
    this.ownerDeleted(removed);
  }

  /** An owner finished deleting: owners waiting in foreground deletion for it may now go. */
  private ownerDeleted(removed: KubeObject): void {
    for (const ref of removed.metadata.ownerReferences ?? []) {
      const owner = findByUid(this.options.store, this.options.registry, ref.uid, removed.metadata.namespace);
      if (owner && owner[1].metadata.finalizers?.includes('foregroundDeletion')) this.processFinalizers(owner[0], owner[1]);
    }
  }

  private terminateNamespace(current: KubeObject): KubeObject {
    const { store } = this.options;
    if (current.metadata.deletionTimestamp) return current;
    const marked = clone(current);
    marked.metadata.deletionTimestamp = timestamp(this.options.now());
    marked.status = { ...((marked.status as Record<string, unknown>) ?? {}), phase: 'Terminating' };
    const stored = store.put('/namespaces', marked);
    setTimeout(() => this.finalizeNamespace(stored.metadata.name!), this.options.namespaceFinalizeDelayMs ?? 3000).unref();
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
        this.deleteObject(type, object, 'Background');
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
          metadata: { name: 'default', namespace: stored.metadata.name, uid: randomUUID(), creationTimestamp: timestamp(this.options.now()) },
        });
      }
    }
    if (stored.metadata.deletionTimestamp && (stored.metadata.finalizers ?? []).length === 0 && type.kind !== 'Namespace') {
      const removed = store.remove(storageKey(type), stored.metadata.namespace, stored.metadata.name!);
      if (removed) this.afterRemove(type, removed);
    }
  }
}
