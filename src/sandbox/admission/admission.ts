// Admission as a chain of plugins (k8s.io/apiserver pkg/admission): each write of an object, after
// defaulting and before storage, goes through the plugins that handle its operation, in order.
// A plugin may change the object (mutating) or throw a Status error (validating). plugins.ts
// lists the chain; a new check or webhook is one more plugin there.
import type { KubeObject } from '../apimachinery/kube-object';
import type { ResourceRequest } from '../apimachinery/request-info';

export type AdmissionOperation = 'CREATE' | 'UPDATE';

export interface AdmissionAttributes {
  readonly operation: AdmissionOperation;
  readonly req: Pick<ResourceRequest, 'group' | 'version' | 'type'> & { readonly subresource?: string };
  /** The object to be stored, in the version of the request; plugins may change it. */
  readonly object: KubeObject;
}

export interface AdmissionPlugin {
  readonly name: string;
  readonly operations: readonly AdmissionOperation[];
  admit(attributes: AdmissionAttributes): void;
}

export class AdmissionChain {
  constructor(readonly plugins: readonly AdmissionPlugin[]) {}

  admit(operation: AdmissionOperation, req: AdmissionAttributes['req'], object: KubeObject): void {
    for (const plugin of this.plugins) {
      if (plugin.operations.includes(operation)) plugin.admit({ operation, req, object });
    }
  }
}
