// What happened to each object of an install or uninstall, as data, and the line kubectl would
// print for it. The UI localises the summaries; these lines stay in kubectl's own words because
// they are what the learner compares with a terminal.
import type { ManifestObject } from './manifest';
import { groupOf, kubectlName } from './manifest';

/** What a create or delete needed and was refused (from the 403 of RBAC). */
export interface Permission {
  readonly verb: string;
  readonly group: string;
  /** Plural, as RBAC rules name it. */
  readonly resource: string;
  /** Undefined for the cluster scope. */
  readonly namespace?: string;
}

export interface ObjectFailure {
  /** The Kubernetes Status reason (Forbidden, Invalid, NotFound…), or NoKindMatch when discovery has no such kind. */
  readonly reason: string;
  readonly code?: number;
  /** The server's message (or kubectl's, for NoKindMatch). */
  readonly message: string;
  readonly permission?: Permission;
}

export type ApplyOutcome =
  | 'created'
  | 'unchanged'
  /** Dry run only: not sent, because what it needs (its namespace or CRD) would only be created by this install. */
  | 'unverified'
  | 'failed'
  | 'cancelled';

export type DeleteOutcome = 'deleted' | 'absent' | 'failed' | 'cancelled';

export interface ObjectResult<Outcome extends string = ApplyOutcome> {
  readonly object: ManifestObject;
  /** kubectl's name for it: `deployment.apps/istio-pilot`. */
  readonly name: string;
  readonly outcome: Outcome;
  readonly failure?: ObjectFailure;
  /** Epoch milliseconds when the outcome was known. */
  readonly at: number;
}

export const resultName = (object: ManifestObject): string => kubectlName(object.kind, object.apiVersion, object.name);

/** `group/resource` as RBAC and kubectl's errors write it: `clusterroles.rbac.authorization.k8s.io`. */
export function qualifiedResource(permission: Pick<Permission, 'group' | 'resource'>): string {
  return permission.group ? `${permission.resource}.${permission.group}` : permission.resource;
}

/** One line per object, as `kubectl create -f` / `kubectl apply -f` print them. */
export function applyLine(result: ObjectResult, source: string, dryRun = false): string {
  const suffix = dryRun ? ' (server dry run)' : '';
  switch (result.outcome) {
    case 'created':
      return `${result.name} created${suffix}`;
    case 'unchanged':
      return `${result.name} unchanged${suffix}`;
    case 'unverified':
      return `${result.name} created${suffix} (not checked: needs an object this install creates first)`;
    case 'cancelled':
      return `${result.name} not created (cancelled)`;
    case 'failed':
      return failureLine(result, source, 'creating');
  }
}

/** `kubectl delete -f` lines: `deployment.apps "istio-pilot" deleted`. */
export function deleteLine(result: ObjectResult<DeleteOutcome>, source: string): string {
  const [kindGroup] = result.name.split('/');
  const quoted = `${kindGroup} "${result.object.name}"`;
  switch (result.outcome) {
    case 'deleted':
      return `${quoted} deleted`;
    case 'absent':
      return `${quoted} not found (already gone)`;
    case 'cancelled':
      return `${quoted} not deleted (cancelled)`;
    case 'failed':
      return failureLine(result, source, 'deleting');
  }
}

function failureLine(result: ObjectResult<string>, source: string, verb: 'creating' | 'deleting'): string {
  const failure = result.failure!;
  if (failure.reason === 'NoKindMatch') {
    const namespace = result.object.namespace ? ` namespace: "${result.object.namespace}"` : '';
    return `error: resource mapping not found for name: "${result.object.name}"${namespace} from "${source}": ${failure.message}`;
  }
  if (failure.code === undefined) return `error when ${verb} "${source}": ${failure.message}`;
  return `Error from server (${failure.reason}): error when ${verb} "${source}": ${failure.message}`;
}

/** kubectl's message when discovery has no such kind. */
export function noKindMatchMessage(object: ManifestObject): string {
  return `no matches for kind "${object.kind}" in version "${object.apiVersion}"`;
}

/** Counts of outcomes, for summaries (`created: 125, unchanged: 28`). */
export function countOutcomes<Outcome extends string>(
  results: readonly ObjectResult<Outcome>[],
): Partial<Record<Outcome, number>> {
  const counts: Partial<Record<Outcome, number>> = {};
  for (const result of results) counts[result.outcome] = (counts[result.outcome] ?? 0) + 1;
  return counts;
}

/** Objects by kind (`Deployment (apps): 12`), in first-appearance order: the dry-run preview. */
export function objectsByKind(objects: readonly ManifestObject[]): { kind: string; group: string; count: number }[] {
  const byKind = new Map<string, { kind: string; group: string; count: number }>();
  for (const object of objects) {
    const group = groupOf(object.apiVersion);
    const key = `${object.kind}.${group}`;
    const entry = byKind.get(key) ?? { kind: object.kind, group, count: 0 };
    entry.count++;
    byKind.set(key, entry);
  }
  return [...byKind.values()];
}
