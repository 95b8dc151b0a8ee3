// Owner references (the garbage collector's graph, k8s.io/kubernetes pkg/controller/garbagecollector):
// the dependents of an owner, and an object found by uid.
import type { KubeObject } from '../apimachinery/kube-object';
import type { ResourceRegistry } from '../apimachinery/resource-registry';
import type { ResourceType } from '../apimachinery/resource-types';
import { storageKey } from '../apimachinery/resource-types';
import type { ObjectStorage } from '../storage/storage';

/** Objects whose ownerReferences name `owner`, with their resource types. */
export function dependentsOf(
  store: ObjectStorage,
  registry: ResourceRegistry,
  owner: KubeObject,
): [ResourceType, KubeObject][] {
  const uid = owner.metadata.uid;
  const found: [ResourceType, KubeObject][] = [];
  const seen = new Set<string>();
  for (const type of registry.all()) {
    const key = storageKey(type);
    if (seen.has(key) || type.isReview) continue;
    seen.add(key);
    const scope = type.namespaced && owner.metadata.namespace ? owner.metadata.namespace : undefined;
    if (owner.metadata.namespace && !type.namespaced) continue;
    for (const object of store.list(key, scope)) {
      if (object.metadata.ownerReferences?.some((ref) => ref.uid === uid)) found.push([type, object]);
    }
  }
  return found;
}

/** The object with this uid (in `namespace`, or cluster-scoped), with its resource type. */
export function findByUid(
  store: ObjectStorage,
  registry: ResourceRegistry,
  uid: string,
  namespace: string | undefined,
): [ResourceType, KubeObject] | undefined {
  const seen = new Set<string>();
  for (const type of registry.all()) {
    const key = storageKey(type);
    if (seen.has(key) || type.isReview) continue;
    seen.add(key);
    const candidates = type.namespaced ? store.list(key, namespace) : store.list(key);
    const found = candidates.find((object) => object.metadata.uid === uid);
    if (found) return [type, found];
  }
  return undefined;
}
