// The checks a real server's validation makes that the lab's manifests can trip over
// (pkg/apis/apps/validation, pkg/apis/core/validation): workloads need a selector, pods containers.
import { invalid } from '../apimachinery/status-error';
import type { AdmissionPlugin } from './admission';

export const objectValidation: AdmissionPlugin = {
  name: 'ObjectValidation',
  operations: ['CREATE', 'UPDATE'],
  admit({ req, object }) {
    const spec = (object.spec ?? {}) as Record<string, unknown>;
    const name = object.metadata.name;
    if (['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet'].includes(req.type.kind) && req.group === 'apps' && req.version === 'v1') {
      if (!spec.selector) {
        throw invalid(req.group, req.type.kind, name!, [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' }]);
      }
    }
    if (req.type.kind === 'Pod' && !Array.isArray(spec.containers)) {
      throw invalid('', 'Pod', name!, [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' }]);
    }
  },
};
