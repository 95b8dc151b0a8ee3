// Validation of the object about to be stored, where a real server's registry runs it: after the
// mutating admission plugins, before the validating ones and what storage fills in
// (k8s.io/apiserver pkg/registry/rest/create.go BeforeCreate, update.go BeforeUpdate). Built-in
// kinds get the ported checks of ../validation/builtin-validation.ts, custom resources their CRD's
// openAPIV3Schema; what fails is a 422 Invalid with one cause per error.
import type { KubeObject } from '../apimachinery/kube-object';
import { customResourceVersions } from '../openapi/crd-versions';
import type { ObjectStorage } from '../storage/storage';
import { validateBuiltin, validateObjectMeta } from '../validation/builtin-validation';
import { invalidObject } from '../validation/field-error';
import { validateCustomResource } from '../validation/schema-validation';
import type { AdmissionPlugin } from './admission';

const CRDS = 'apiextensions.k8s.io/customresourcedefinitions';

export function objectValidation(store: ObjectStorage): AdmissionPlugin {
  const schemaOf = (crdName: string, version: string) => {
    const crd = store.get(CRDS, undefined, crdName);
    return crd ? customResourceVersions(crd).find((served) => served.version === version)?.schema : undefined;
  };
  return {
    name: 'ObjectValidation',
    operations: ['CREATE', 'UPDATE'],
    admit({ req, object }) {
      // A built-in kind's status update validates only its status (ValidateDeploymentStatusUpdate
      // and the like); a custom resource's is held to the whole schema, as apiextensions does at 1.13.
      if (req.subresource === 'status' && !req.type.crd) return;
      const content = object as KubeObject & Record<string, unknown>;
      const errors = req.type.crd
        ? [...validateObjectMeta(content), ...validateCustomResource(content, schemaOf(req.type.crd, req.version))]
        : validateBuiltin(req.group, req.type.kind, content);
      if (errors.length > 0) throw invalidObject(req.group, req.type.kind, object.metadata.name ?? '', errors);
    },
  };
}
