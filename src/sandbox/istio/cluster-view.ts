// The cluster as a simulated container sees it: the objects Pilot's Kubernetes registry watches. One
// type for the containers' answers, a gateway's routing and Envoy's admin pages, which all read it.
import type { KubeObject } from '../apimachinery/kube-object';

export interface ClusterView {
  readonly services: readonly KubeObject[];
  readonly endpoints: readonly KubeObject[];
  readonly pods: readonly KubeObject[];
  /** Istio configuration objects (networking, authentication, rbac), for `/debug/configz` and gateway routes. */
  readonly configs?: readonly KubeObject[];
}
