// Whether a release's install is on a cluster, absent, or interrupted: some of its objects exist
// but workloads are missing (a window reload, a crash or a cancel in the middle of the install).
// Works from the planned objects and the ones found on the cluster (src/kube/apply/object-presence.ts).

export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

export type InstallPresence =
  | { readonly state: 'absent'; readonly total: number }
  | { readonly state: 'complete'; readonly total: number }
  | { readonly state: 'interrupted'; readonly present: number; readonly total: number };

/** The kinds whose objects run the control plane: without them nothing comes up. */
const WORKLOADS = new Set(['Deployment', 'DaemonSet', 'StatefulSet', 'Job']);

const group = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');
const key = (object: ObjectRef) =>
  `${object.kind}.${group(object.apiVersion)}/${object.namespace ?? ''}/${object.name}`;

/**
 * Absent when none of the planned objects exists; interrupted when some do and a workload does
 * not; complete otherwise (a ConfigMap deleted by hand does not make an install interrupted).
 * The version in apiVersion does not matter: the API serves an object under each of its versions.
 */
export function installPresence(planned: readonly ObjectRef[], present: readonly ObjectRef[]): InstallPresence {
  const found = new Set(present.map(key));
  const existing = planned.filter((object) => found.has(key(object)));
  if (existing.length === 0) return { state: 'absent', total: planned.length };
  const workloadMissing = planned.some((object) => WORKLOADS.has(object.kind) && !found.has(key(object)));
  return workloadMissing
    ? { state: 'interrupted', present: existing.length, total: planned.length }
    : { state: 'complete', total: planned.length };
}
