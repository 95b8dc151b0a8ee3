// Puts the bootstrap policy (bootstrap-policy.ts) in storage at every start, as the RBAC post-start
// hook of kubernetes/kubernetes v1.13 pkg/registry/rbac/rest/storage_rbac.go does: a missing role
// or binding is created; one that is there and not annotated `autoupdate: "false"` gets back the
// rules or subjects it lacks, and keeps what was added to it. A state saved before the sandbox had
// RBAC starts with the policy, and a deleted cluster-admin binding returns on restart.
import type { KubeObject } from '../apimachinery/kube-object';
import { asList } from '../apimachinery/objects';
import type { ResourceRequest } from '../apimachinery/request-info';
import { BUILTIN_RESOURCE_TYPES, storageKey } from '../apimachinery/resource-types';
import type { ObjectStorage, RestStorage } from '../storage/storage';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from './bootstrap-policy';

const AUTOUPDATE = 'rbac.authorization.kubernetes.io/autoupdate';

function request(resource: 'clusterroles' | 'clusterrolebindings', verb: string, name?: string): ResourceRequest {
  const type = BUILTIN_RESOURCE_TYPES.find(
    (candidate) => candidate.group === 'rbac.authorization.k8s.io' && candidate.resource === resource,
  )!;
  return { group: type.group, version: 'v1', type, name, rest: [], verb };
}

/** The entries of `wanted` that `current` lacks, compared as JSON. */
function missing(current: unknown, wanted: unknown): unknown[] {
  const have = new Set(asList(current).map((item) => JSON.stringify(item)));
  return asList(wanted).filter((item) => !have.has(JSON.stringify(item)));
}

function reconcile(
  rest: RestStorage,
  store: ObjectStorage,
  resource: 'clusterroles' | 'clusterrolebindings',
  field: 'rules' | 'subjects',
  objects: KubeObject[],
): void {
  const key = storageKey(request(resource, 'get').type);
  for (const object of objects) {
    const current = store.get(key, undefined, object.metadata.name!);
    if (!current) {
      rest.create(request(resource, 'create'), object);
      continue;
    }
    if (current.metadata.annotations?.[AUTOUPDATE] === 'false') continue;
    const added = missing(current[field], object[field]);
    if (added.length === 0) continue;
    rest.update(request(resource, 'update', object.metadata.name), {
      ...current,
      [field]: [...asList(current[field]), ...added],
    });
  }
}

export function reconcileBootstrapPolicy(rest: RestStorage, store: ObjectStorage): void {
  reconcile(rest, store, 'clusterroles', 'rules', bootstrapClusterRoles());
  reconcile(rest, store, 'clusterrolebindings', 'subjects', bootstrapClusterRoleBindings());
}
