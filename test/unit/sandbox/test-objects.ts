// Objects the sandbox's unit tests build by hand: the apiVersion, kind and metadata every stored
// object starts with, so a test spells out only what it is about.
import type { KubeObject, ObjectMeta } from '../../../src/sandbox/apimachinery/kube-object';

/** An object of `kind` with the given metadata and top-level fields (spec, status, data…). */
export function apiObject(
  apiVersion: string,
  kind: string,
  metadata: ObjectMeta,
  fields: Record<string, unknown> = {},
): KubeObject {
  return { apiVersion, kind, metadata, ...fields };
}

/** A v1 Pod in `default` unless the metadata names another namespace. */
export function podObject(
  metadata: ObjectMeta,
  spec: Record<string, unknown>,
  status?: Record<string, unknown>,
): KubeObject {
  return apiObject('v1', 'Pod', { namespace: 'default', ...metadata }, { spec, ...(status ? { status } : {}) });
}
