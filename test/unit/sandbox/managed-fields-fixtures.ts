// What the managedFields tests (managed-fields.test.ts, patch-apply.test.ts) read alike: an
// object's entries, and the fields istio-demo.yaml sets on istio-pilot's istio-proxy container.
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';
import type { ManagedFieldsEntry } from '../../../src/sandbox/patch/managed-fields';

export const entries = (object: KubeObject): ManagedFieldsEntry[] =>
  (object.metadata.managedFields ?? []) as ManagedFieldsEntry[];

/** The keys of the istio-proxy container's entry in fieldsV1 when the manifest alone set it. */
export const PILOT_PROXY_MANIFEST_FIELDS = [
  '.',
  'f:args',
  'f:env',
  'f:image',
  'f:imagePullPolicy',
  'f:name',
  'f:ports',
  'f:resources',
  'f:volumeMounts',
];
