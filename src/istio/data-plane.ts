// Which pods outside the control-plane namespace are Istio's: the data plane, which the shared pod
// watch keeps beside the control plane (the Istio Pods tree shows it, the registry panel names
// endpoint pods from it), and which annotations of a pod are Istio's. src/kube watches pods and
// knows nothing of Istio; this is the selection it is given (`PodStoreScope.otherNamespaces`).
import type { PodObject, PodSelection } from '../kube/pod-summary';
import type { PodStoreScope } from '../kube/pod-store';

type ContainerSpec = NonNullable<NonNullable<PodObject['spec']>['containers']>[number];

/** Istio's data plane: a pod with an injected sidecar (container `istio-proxy`, native sidecar
 *  included, or the `sidecar.istio.io/status` annotation), ztunnel, or a waypoint proxy. */
export function isDataPlanePod(pod: PodObject): boolean {
  const metadata = pod.metadata ?? {};
  if (metadata.annotations?.['sidecar.istio.io/status']) return true;
  const labels = metadata.labels ?? {};
  if (labels.app === 'ztunnel' || labels['gateway.istio.io/managed'] === 'istio.io-mesh-controller') return true;
  const isProxy = (container: ContainerSpec): boolean => container.name === 'istio-proxy';
  return (pod.spec?.containers ?? []).some(isProxy) || (pod.spec?.initContainers ?? []).some(isProxy);
}

/** Istio's own annotations (injection status and request, revision, ambient, proxy config): what the tree and the diagnosis read. */
export const isIstioAnnotation = (key: string): boolean => /^(sidecar\.istio\.io|istio\.io|ambient\.istio\.io|proxy\.istio\.io)\//.test(key);

/** The data plane as a pod selection for the pod watch, with Istio's annotations. */
export const ISTIO_DATA_PLANE: PodSelection = { name: 'istio-data-plane', keeps: isDataPlanePod, keepsAnnotation: isIstioAnnotation };

/** What the lab watches: the control-plane namespace in full, and Istio's data plane everywhere. */
export function istioPodScope(namespace: string): PodStoreScope {
  return { namespace, otherNamespaces: ISTIO_DATA_PLANE };
}
