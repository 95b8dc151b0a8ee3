// Graceful deletion as kube-apiserver 1.13 decides it: k8s.io/apiserver pkg/registry/rest/delete.go
// (BeforeDelete) with the pod strategy's CheckGracefulDelete (pkg/registry/core/pod/strategy.go),
// and the store's finalizers for the garbage collector (pkg/registry/generic/registry/store.go,
// deletionFinalizersForGarbageCollection, markAsDeleting). Pure: it says what the deleted object
// becomes; object-lifecycle.ts writes it.
import type { KubeObject } from '../apimachinery/kube-object';
import { clone, timestamp } from '../apimachinery/kube-object';
import { asJson } from '../apimachinery/objects';
import type { ResourceType } from '../apimachinery/resource-types';

export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

/**
 * What a delete does to the object, before finalizers: `immediate` for types without graceful
 * deletion; `pending` when a grace period already runs and the request does not shorten it;
 * `graceful` with the object marked (deletionTimestamp = now + grace, deletionGracePeriodSeconds).
 */
export type GracefulDecision =
  | { readonly kind: 'immediate' }
  | { readonly kind: 'pending' }
  | { readonly kind: 'graceful'; readonly object: KubeObject; readonly seconds: number };

/** Only pods delete gracefully (the one RESTGracefulDeleteStrategy of 1.13's core API). */
function isGraceful(type: ResourceType): boolean {
  return type.group === '' && type.kind === 'Pod';
}

/** CheckGracefulDelete: the requested period, else spec.terminationGracePeriodSeconds; 0 for a pod never scheduled or already finished. */
function podGracePeriod(pod: KubeObject, requested: number | undefined): number {
  const spec = asJson(pod.spec);
  const phase = asJson(pod.status).phase;
  if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
  return requested ?? Number(spec.terminationGracePeriodSeconds ?? 0);
}

/** rest.BeforeDelete: mark the object for graceful deletion, shorten a running grace period, or leave it. */
export function beforeDelete(
  type: ResourceType,
  current: KubeObject,
  requested: number | undefined,
  now: Date,
): GracefulDecision {
  if (!isGraceful(type)) return { kind: 'immediate' };
  const meta = current.metadata;
  if (meta.deletionTimestamp) {
    const running = meta.deletionGracePeriodSeconds;
    // Already deleting: only a shorter grace period changes anything; none at all deletes now.
    if (running === undefined || running === 0) return { kind: 'immediate' };
    if (requested === undefined || requested >= running) return { kind: 'pending' };
    const marked = clone(current);
    const deadline = Date.parse(meta.deletionTimestamp) - running * 1000 + requested * 1000;
    marked.metadata.deletionTimestamp = timestamp(new Date(deadline));
    marked.metadata.deletionGracePeriodSeconds = requested;
    return { kind: 'graceful', object: marked, seconds: requested };
  }
  const seconds = podGracePeriod(current, requested);
  const marked = clone(current);
  marked.metadata.deletionTimestamp = timestamp(new Date(now.getTime() + seconds * 1000));
  marked.metadata.deletionGracePeriodSeconds = seconds;
  // The first graceful deletion bumps generation: controllers of the object see it change.
  if ((meta.generation ?? 0) > 0) marked.metadata.generation = meta.generation! + 1;
  return { kind: 'graceful', object: marked, seconds };
}

/** deletionFinalizersForGarbageCollection: the orphan and foregroundDeletion finalizers follow the propagation policy. */
export function finalizersForPropagation(
  finalizers: readonly string[],
  propagationPolicy: string | undefined,
): string[] {
  const kept = finalizers.filter((finalizer) => finalizer !== ORPHAN_FINALIZER && finalizer !== FOREGROUND_FINALIZER);
  if (propagationPolicy === 'Orphan') kept.push(ORPHAN_FINALIZER);
  else if (propagationPolicy === 'Foreground') kept.push(FOREGROUND_FINALIZER);
  // Without a policy the finalizers a deletion already under way set stay.
  else if (propagationPolicy === undefined) return [...finalizers];
  return kept;
}

/** markAsDeleting: an object that cannot delete gracefully but has finalizers waits with grace 0. */
export function markAsDeleting(object: KubeObject, now: Date): void {
  const meta = object.metadata;
  if (!meta.deletionTimestamp && (meta.generation ?? 0) > 0) meta.generation = meta.generation! + 1;
  if (!meta.deletionTimestamp || Date.parse(meta.deletionTimestamp) > now.getTime())
    meta.deletionTimestamp = timestamp(now);
  meta.deletionGracePeriodSeconds = 0;
}
