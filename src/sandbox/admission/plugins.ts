// The admission chain of the sandbox, in the order a real server runs it: mutating webhooks
// (Istio's sidecar injector), validation, then what the storage of Services and CRDs fills in.
import type { ObjectStorage } from '../storage/storage';
import { AdmissionChain } from './admission';
import { crdNames } from './crd-names';
import { objectValidation } from './object-validation';
import { ServiceAllocation } from './service-allocation';
import { sidecarInjector } from './sidecar-injection';

export function admissionChain(store: ObjectStorage, kubeVersion: string, now: () => Date): AdmissionChain {
  return new AdmissionChain([sidecarInjector(store, kubeVersion), objectValidation(store), new ServiceAllocation(store), crdNames(now)]);
}
