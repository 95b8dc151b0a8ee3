// The admission chain of the sandbox, in the order a real server runs it (v1.13
// pkg/kubeapiserver/options/plugins.go AllOrderedPlugins): ServiceAccount, DefaultTolerationSeconds,
// mutating webhooks (Istio's sidecar injector), validation, then what the storage of Services and CRDs fills in.
import type { ObjectStorage } from '../storage/storage';
import { AdmissionChain } from './admission';
import { crdNames } from './crd-names';
import { defaultTolerationSeconds } from './default-toleration-seconds';
import { objectValidation } from './object-validation';
import { serviceAccountAdmission } from './service-account';
import { ServiceAllocation } from './service-allocation';
import { sidecarInjector } from './sidecar-injection';

export function admissionChain(store: ObjectStorage, kubeVersion: string, now: () => Date): AdmissionChain {
  return new AdmissionChain([
    serviceAccountAdmission(store),
    defaultTolerationSeconds(),
    sidecarInjector(store, kubeVersion),
    objectValidation(store),
    new ServiceAllocation(store),
    crdNames(now),
  ]);
}
