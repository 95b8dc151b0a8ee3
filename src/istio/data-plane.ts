// Which pods outside the control-plane namespace are Istio's: the data plane, which the shared pod
// watch keeps beside the control plane (the Istio Pods tree shows it, the registry panel names
// endpoint pods from it), with the sample app's pods even without a sidecar, what the sidecar
// injector did to a pod, and which annotations of a pod are Istio's. src/kube watches pods and
// knows nothing of Istio; this is the selection it is given (`PodStoreScope.otherNamespaces`).
import type { PodObject, PodSelection, PodSummary } from '../kube/pod-summary';
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
export const isIstioAnnotation = (key: string): boolean =>
  /^(sidecar\.istio\.io|istio\.io|ambient\.istio\.io|proxy\.istio\.io)\//.test(key);

/** The `app` labels of Bookinfo's pods, the lab's sample app (the release's samples/bookinfo/platform/kube/bookinfo.yaml). */
export const BOOKINFO_APPS: readonly string[] = ['details', 'ratings', 'reviews', 'productpage'];

/** A pod of the lab's sample app, with or without its sidecar. */
export function isBookinfoPod(pod: { readonly labels?: Readonly<Record<string, string>> }): boolean {
  return BOOKINFO_APPS.includes(pod.labels?.app ?? '');
}

/**
 * The data plane as a pod selection for the pod watch, with Istio's annotations; Bookinfo's pods too
 * when they run without istio-proxy, so that the tree shows them and says why (pod-diagnosis.ts, `namespaceNotLabelled`).
 */
export const ISTIO_DATA_PLANE: PodSelection = {
  name: 'istio-data-plane',
  keeps: (pod) => isDataPlanePod(pod) || isBookinfoPod({ labels: pod.metadata?.labels }),
  keepsAnnotation: isIstioAnnotation,
};

/** What the lab watches: the control-plane namespace in full, and Istio's data plane everywhere. */
export function istioPodScope(namespace: string): PodStoreScope {
  return { namespace, otherNamespaces: ISTIO_DATA_PLANE };
}

/** How the sidecar injector came to change a pod, for the pod's tooltip. */
export interface InjectionFacts {
  /** The containers the pod's own spec asked for (the app). */
  readonly appContainers: readonly string[];
  /** The istio-proxy container's image: what the injector's template put in. */
  readonly proxyImage: string;
  /** The namespace label that asked for injection: `istio-injection=enabled`, or `istio.io/rev=<rev>` for a revision. */
  readonly namespaceLabel: string;
  /** The MutatingWebhookConfiguration and its webhook, as Istio 1.2's istio-demo.yaml names them. */
  readonly webhookConfiguration: 'istio-sidecar-injector';
  readonly webhook: 'sidecar-injector.istio.io';
}

/** The injector's work on a pod with istio-proxy; undefined for a pod without one. */
export function injectionFacts(
  pod: Pick<PodSummary, 'containers' | 'initContainers' | 'labels' | 'annotations'>,
): InjectionFacts | undefined {
  const proxy = [...pod.containers, ...pod.initContainers].find((container) => container.name === 'istio-proxy');
  if (!proxy) return undefined;
  const revision = pod.labels['istio.io/rev'] ?? pod.annotations['istio.io/rev'];
  return {
    appContainers: pod.containers
      .filter((container) => container.name !== 'istio-proxy')
      .map((container) => container.name),
    proxyImage: proxy.image,
    namespaceLabel: revision && revision !== 'default' ? `istio.io/rev=${revision}` : 'istio-injection=enabled',
    webhookConfiguration: 'istio-sidecar-injector',
    webhook: 'sidecar-injector.istio.io',
  };
}
