// What apiextensions gives a new CustomResourceDefinition (apiextensions-apiserver pkg/controller/
// status and the customresourcecleanup finalizer): accepted names, Established at once, and the
// finalizer under which its custom resources are cleaned up when it is deleted.
import { timestamp } from '../apimachinery/kube-object';
import { resourceTypeFromCrd } from '../apimachinery/resource-registry';
import type { AdmissionPlugin } from './admission';

export const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

export function crdNames(now: () => Date): AdmissionPlugin {
  return {
    name: 'CustomResourceDefinitionNames',
    operations: ['CREATE'],
    admit({ req, object }) {
      if (req.type.kind !== 'CustomResourceDefinition') return;
      const spec = (object.spec ?? {}) as Record<string, unknown>;
      const names = (spec.names ?? {}) as Record<string, unknown>;
      const acceptedNames = {
        ...names,
        singular: names.singular ?? String(names.kind ?? '').toLowerCase(),
        listKind: names.listKind ?? `${String(names.kind)}List`,
      };
      const time = timestamp(now());
      object.status = {
        conditions: [
          {
            type: 'NamesAccepted',
            status: 'True',
            lastTransitionTime: time,
            reason: 'NoConflicts',
            message: 'no conflicts found',
          },
          {
            type: 'Established',
            status: 'True',
            lastTransitionTime: time,
            reason: 'InitialNamesAccepted',
            message: 'the initial names have been accepted',
          },
        ],
        acceptedNames,
        storedVersions: [resourceTypeFromCrd(object)?.storageVersion ?? spec.version],
      };
      object.metadata.finalizers = [...new Set([...(object.metadata.finalizers ?? []), CRD_CLEANUP_FINALIZER])];
    },
  };
}
