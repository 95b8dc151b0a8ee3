// The fields and write paths that came after the claimed release, left out below it: a
// kube-apiserver decodes every write into its own Go types, so a field they did not have is dropped.
// - Server-side apply and metadata.managedFields: the ServerSideApply gate, alpha in 1.14 and beta,
//   on by default, from 1.16 (kubernetes/kubernetes v1.16.0
//   `staging/src/k8s.io/apiserver/pkg/features/kube_features.go`); before it a PATCH accepts only
//   JSON, merge and strategic merge patches (v1.13.7 `staging/src/k8s.io/apiserver/pkg/endpoints/installer.go`).
// - Pod status.podIPs and containerStatuses[].started: v1.16.0 `pkg/apis/core/types.go`.
import type { KubeObject } from './kube-object';
import { kubeMinor, OLDEST_DESCRIBED_MINOR } from './served-apis';

export const SERVER_SIDE_APPLY_SINCE = 16;
export const POD_IPS_AND_STARTED_SINCE = 16;

/** What of the later API the claimed release has. */
export interface ReleaseFields {
  /** application/apply-patch+yaml is accepted and managedFields are kept. */
  readonly serverSideApply: boolean;
  /** Pods carry status.podIPs and containers' `started`. */
  readonly podIpsAndStarted: boolean;
}

/** The fields of `kubeVersion` (older claims are taken as 1.13; a version that is not `1.x` has them all). */
export function releaseFields(kubeVersion: string): ReleaseFields {
  const claimed = kubeMinor(kubeVersion);
  const minor = claimed === undefined ? Infinity : Math.max(claimed, OLDEST_DESCRIBED_MINOR);
  return { serverSideApply: minor >= SERVER_SIDE_APPLY_SINCE, podIpsAndStarted: minor >= POD_IPS_AND_STARTED_SINCE };
}

type Json = Record<string, unknown>;

const isMap = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function withoutStarted(statuses: unknown): unknown {
  if (!Array.isArray(statuses)) return statuses;
  return statuses.map((entry) => {
    if (!isMap(entry) || !('started' in entry)) return entry;
    const copy = { ...entry };
    delete copy.started;
    return copy;
  });
}

/** The object as a server of the release would store it: what its types lacked is dropped. */
export function withoutLaterFields(object: KubeObject, group: string, kind: string, fields: ReleaseFields): KubeObject {
  let result = object;
  if (!fields.serverSideApply && 'managedFields' in object.metadata) {
    const metadata = { ...object.metadata };
    delete metadata.managedFields;
    result = { ...result, metadata };
  }
  if (!fields.podIpsAndStarted && group === '' && kind === 'Pod' && isMap(result.status)) {
    const status: Json = { ...result.status };
    delete status.podIPs;
    for (const list of ['containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses']) {
      if (list in status) status[list] = withoutStarted(status[list]);
    }
    result = { ...result, status };
  }
  return result;
}
