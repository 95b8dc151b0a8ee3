// What `kubectl get componentstatuses` lists: the control plane's health as the API server probes
// it (pkg/registry/core/componentstatus). The simulated control plane is always healthy; GKE 1.13
// answered with two etcd members (the main store and the events store):
//   scheduler Healthy ok, etcd-1 Healthy {"health": "true"}, controller-manager Healthy ok, etcd-0 Healthy {"health": "true"}.
import type { KubeObject } from '../apimachinery/kube-object';

const ETCD_HEALTHY = '{"health": "true"}';

export function componentStatuses(): KubeObject[] {
  return [
    ['controller-manager', 'ok'],
    ['scheduler', 'ok'],
    ['etcd-0', ETCD_HEALTHY],
    ['etcd-1', ETCD_HEALTHY],
  ].map(([name, message]) => ({
    apiVersion: 'v1',
    kind: 'ComponentStatus',
    metadata: { name },
    conditions: [{ type: 'Healthy', status: 'True', message }],
  }));
}
