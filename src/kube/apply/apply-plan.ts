// The order an install runs in: kubectl's file order, relaxed to "start when what you need
// exists" so that independent objects go out together. An object waits for
//   - the Namespace it lives in, when the manifest creates it;
//   - the CustomResourceDefinition of its kind, when the manifest creates it (until Established:
//     the step that `kubectl create -f` skips and then fails with "no matches for kind");
//   - for objects that run pods, the ServiceAccounts, ConfigMaps and Secrets of their namespace
//     that come before them (their pods are admitted and started with those).
import type { ManifestObject } from './manifest';
import { groupOf } from './manifest';

/** Why an object waits: the server refuses it before a namespace or CRD exists; pods merely start late without their inputs. */
export type NeedReason = 'namespace' | 'crd' | 'pod-input';

export interface Need {
  /** Index of the earlier object waited for. */
  readonly index: number;
  readonly reason: NeedReason;
}

export interface PlannedObject {
  readonly object: ManifestObject;
  readonly needs: readonly Need[];
  /** This object is a CRD: later objects of its kind wait for it to be Established. */
  readonly isCrd: boolean;
}

export interface ApplyPlan {
  readonly objects: readonly PlannedObject[];
}

const POD_RUNNERS = new Set([
  'Deployment',
  'DaemonSet',
  'StatefulSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
  'Pod',
]);
const POD_INPUTS = new Set(['ServiceAccount', 'ConfigMap', 'Secret']);

export function isCrd(object: ManifestObject): boolean {
  return object.kind === 'CustomResourceDefinition' && groupOf(object.apiVersion) === 'apiextensions.k8s.io';
}

/** The group/kind pairs a CRD defines (one per CRD, any of its versions). */
function crdGroupKind(object: ManifestObject): string | undefined {
  const spec = object.body.spec as { group?: unknown; names?: { kind?: unknown } } | undefined;
  return typeof spec?.group === 'string' && typeof spec.names?.kind === 'string'
    ? `${spec.group}/${spec.names.kind}`
    : undefined;
}

export function planApply(objects: readonly ManifestObject[]): ApplyPlan {
  const namespaces = new Map<string, number>();
  const crds = new Map<string, number>();
  const podInputs = new Map<string, number[]>();
  const planned: PlannedObject[] = [];
  for (const object of objects) {
    const needs: Need[] = [];
    if (object.namespace && namespaces.has(object.namespace))
      needs.push({ index: namespaces.get(object.namespace)!, reason: 'namespace' });
    const crd = crds.get(`${groupOf(object.apiVersion)}/${object.kind}`);
    if (crd !== undefined) needs.push({ index: crd, reason: 'crd' });
    if (POD_RUNNERS.has(object.kind)) {
      for (const input of podInputs.get(object.namespace ?? '') ?? [])
        needs.push({ index: input, reason: 'pod-input' });
    }
    const crdObject = isCrd(object);
    planned.push({ object, needs, isCrd: crdObject });
    if (object.kind === 'Namespace' && object.apiVersion === 'v1') namespaces.set(object.name, object.index);
    if (crdObject) {
      const groupKind = crdGroupKind(object);
      if (groupKind) crds.set(groupKind, object.index);
    }
    if (POD_INPUTS.has(object.kind) && groupOf(object.apiVersion) === '') {
      const list = podInputs.get(object.namespace ?? '') ?? [];
      list.push(object.index);
      podInputs.set(object.namespace ?? '', list);
    }
  }
  return { objects: planned };
}

/** The order an uninstall deletes in: the reverse of the file, the Namespace last of all. */
export function deletionOrder(objects: readonly ManifestObject[]): ManifestObject[] {
  const reversed = [...objects].reverse();
  const isNamespace = (object: ManifestObject) => object.kind === 'Namespace' && object.apiVersion === 'v1';
  return [...reversed.filter((object) => !isNamespace(object)), ...reversed.filter(isNamespace)];
}
