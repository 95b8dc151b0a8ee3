// ControllerRevisions, the history of StatefulSets and DaemonSets that `kubectl rollout history`
// lists and `rollout undo` patches back: each holds the owner's pod template as a patch
// (`{"spec":{"template":{…,"$patch":"replace"}}}`) and a revision number. Ported from kubernetes
// v1.13 pkg/controller/history/controller_history.go (NewControllerRevision,
// HashControllerRevision, FindEqualRevisions), statefulset/stateful_set_utils.go (getPatch,
// newRevision) and daemon/update.go (constructHistory, snapshot, cleanupHistory).
import type { KubeObject } from '../apimachinery/kube-object';
import type { Json } from '../apimachinery/objects';
import { asJson, controllerRef, isControlledBy } from '../apimachinery/objects';
import type { ControllerClient, Resource } from '../client/client';
import { safeEncodeString, sortedJson } from './naming';

export const CONTROLLER_REVISIONS: Resource = { group: 'apps', version: 'v1', resource: 'controllerrevisions' };

/** history.ControllerRevisionHashLabel, on every revision a StatefulSet makes. */
const HASH_LABEL = 'controller.kubernetes.io/hash';

/** FNV-1 32 (hash/fnv.New32, not the 1a variant ComputeHash uses), as HashControllerRevision takes it. */
export function fnv32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash = Math.imul(hash, 0x01000193) >>> 0;
    hash ^= byte;
  }
  return hash >>> 0;
}

/** getPatch: the owner's template, marked to replace the whole template when applied. */
export function templatePatch(owner: KubeObject): Json {
  return { spec: { template: { ...structuredClone(asJson(asJson(owner.spec).template)), $patch: 'replace' } } };
}

/** HashControllerRevision: FNV-1 over the data's bytes, then the collision count, safe-encoded. */
export function revisionHash(data: Json, collisionCount = 0): string {
  return safeEncodeString(String(fnv32(sortedJson(data) + (collisionCount ? String(collisionCount) : ''))));
}

export const revisionNumber = (revision: KubeObject): number => Number(revision.revision ?? 0);

/** The owner's revisions, oldest revision first (history.SortControllerRevisions). */
export function ownedRevisions(client: ControllerClient, owner: KubeObject): KubeObject[] {
  return client
    .list(CONTROLLER_REVISIONS, owner.metadata.namespace)
    .filter((revision) => isControlledBy(revision, owner))
    .sort(
      (a, b) => revisionNumber(a) - revisionNumber(b) || String(a.metadata.name).localeCompare(String(b.metadata.name)),
    );
}

/** nextRevision: one more than the highest. */
export const nextRevision = (revisions: readonly KubeObject[]): number =>
  Math.max(0, ...revisions.map(revisionNumber)) + 1;

export const isSameData = (revision: KubeObject, data: Json): boolean => sortedJson(revision.data) === sortedJson(data);

/** A revision to create: the template's labels (plus `extraLabels`), the owner's annotations, the patch. */
export function newControllerRevision(
  owner: KubeObject,
  name: string,
  data: Json,
  revision: number,
  extraLabels: Record<string, string>,
): KubeObject {
  const templateLabels = asJson(asJson(asJson(owner.spec).template).metadata).labels as
    Record<string, string> | undefined;
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name,
      namespace: owner.metadata.namespace,
      labels: { ...templateLabels, ...extraLabels },
      ...(owner.metadata.annotations ? { annotations: { ...owner.metadata.annotations } } : {}),
      ownerReferences: [controllerRef(owner)],
    },
    data,
    revision,
  };
}

/**
 * The StatefulSet's update revision (getStatefulSetRevisions): an equal revision is reused, its
 * number raised to the next one unless it already is the latest; otherwise a new revision named
 * `<set>-<hash>`.
 */
export function statefulSetUpdateRevision(
  client: ControllerClient,
  set: KubeObject,
  revisions: readonly KubeObject[],
): KubeObject {
  const data = templatePatch(set);
  const equal = revisions.filter((revision) => isSameData(revision, data));
  const latest = revisions.at(-1);
  if (equal.length > 0) {
    const found = equal.at(-1)!;
    if (latest && found.metadata.uid === latest.metadata.uid) return found;
    return client.update(CONTROLLER_REVISIONS, { ...found, revision: nextRevision(revisions) });
  }
  const hash = revisionHash(data, Number(asJson(set.status).collisionCount ?? 0));
  return client.create(
    CONTROLLER_REVISIONS,
    newControllerRevision(set, `${set.metadata.name}-${hash}`, data, nextRevision(revisions), { [HASH_LABEL]: hash }),
  );
}

/**
 * The DaemonSet's current revision (constructHistory): the one whose data matches the template,
 * raised to the next number when an older one is reused, or a new `<ds>-<pod-template-hash>`.
 */
export function daemonSetRevision(
  client: ControllerClient,
  ds: KubeObject,
  hash: string,
  revisions: readonly KubeObject[],
): KubeObject {
  const data = templatePatch(ds);
  const current = revisions.filter((revision) => isSameData(revision, data)).at(-1);
  const next = Math.max(0, ...revisions.filter((revision) => revision !== current).map(revisionNumber)) + 1;
  if (!current)
    return client.create(
      CONTROLLER_REVISIONS,
      newControllerRevision(ds, `${ds.metadata.name}-${hash}`, data, next, { 'controller-revision-hash': hash }),
    );
  if (revisionNumber(current) < next) return client.update(CONTROLLER_REVISIONS, { ...current, revision: next });
  return current;
}

/**
 * Deletes the oldest revisions beyond revisionHistoryLimit that no live revision or pod uses
 * (truncateHistory, cleanupHistory).
 */
export function truncateHistory(
  client: ControllerClient,
  owner: KubeObject,
  revisions: readonly KubeObject[],
  inUse: ReadonlySet<string>,
): void {
  const limit = Number(asJson(owner.spec).revisionHistoryLimit ?? 10);
  const old = revisions.filter((revision) => !inUse.has(revision.metadata.name!));
  for (const revision of old.slice(0, Math.max(0, old.length - limit))) client.delete(CONTROLLER_REVISIONS, revision);
}
