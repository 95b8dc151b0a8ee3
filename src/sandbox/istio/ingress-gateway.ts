// What an Istio gateway's Envoy (`istio-proxy` running `proxy router`, e.g. istio-ingressgateway)
// does with an HTTP request on one of its traffic ports: the Gateways whose selector picks the pod
// and that open a server on that port, the VirtualServices bound to them, the first HTTP route whose
// `match` (uri exact, prefix or regex) takes the path, and a ready endpoint of its destination
// Service. Follows Istio 1.2's pilot/pkg/networking/core/v1alpha3/gateway.go and
// route/route.go (translateRouteMatch) in outline; hosts, headers and weights are not looked at
// (the first destination wins). Pure: pod, port, path and the cluster's objects in, where the
// request goes (or Envoy's answer when it goes nowhere) out.
import type { KubeObject } from '../apimachinery/kube-object';
import { selectorMatches } from '../apimachinery/objects';
import type { ClusterView } from './cluster-view';

/** Where the request goes: a pod and the container port of the chosen endpoint. */
export interface Upstream {
  readonly pod: KubeObject;
  readonly port: number;
}

/** What Envoy answers by itself when no upstream takes the request. */
export interface EnvoyAnswer {
  readonly status: number;
  readonly body: string;
}

interface Container {
  name?: string;
  image?: string;
  args?: string[];
  ports?: { containerPort?: number }[];
}

interface StringMatch {
  exact?: string;
  prefix?: string;
  regex?: string;
}

interface HttpRoute {
  match?: { uri?: StringMatch }[];
  route?: { destination?: { host?: string; port?: { number?: number } } }[];
}

interface EndpointSubset {
  addresses?: { ip: string; targetRef?: { name?: string; namespace?: string } }[];
  ports?: { name?: string; port: number }[];
}

/** Envoy's answer when no route matches (an empty 404) and when no endpoint is ready. */
export const NO_ROUTE: EnvoyAnswer = { status: 404, body: '' };
export const NO_HEALTHY_UPSTREAM: EnvoyAnswer = { status: 503, body: 'no healthy upstream' };
export const UPSTREAM_REFUSED: EnvoyAnswer = {
  status: 503,
  body: 'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
};

/** Whether `port` is a traffic port of a gateway's Envoy: declared by its `proxy router` container, outside Istio's own 15000–15999. */
export function isGatewayTrafficPort(pod: KubeObject, port: number): boolean {
  if (port >= 15000 && port <= 15999) return false;
  const containers = (pod.spec as { containers?: Container[] } | undefined)?.containers ?? [];
  return containers.some(
    (c) =>
      c.name === 'istio-proxy' &&
      c.args?.includes('router') === true &&
      (c.ports ?? []).some((p) => p.containerPort === port),
  );
}

const isKind = (object: KubeObject, kind: string): boolean =>
  object.kind === kind && object.apiVersion.startsWith('networking.istio.io/');

/** The Gateways (`<ns>/<name>`) whose selector picks the pod and that have a server on `port`. */
function gatewaysOn(pod: KubeObject, port: number, configs: readonly KubeObject[]): Set<string> {
  const names = new Set<string>();
  for (const gateway of configs.filter((config) => isKind(config, 'Gateway'))) {
    const spec =
      (gateway as { spec?: { selector?: Record<string, string>; servers?: { port?: { number?: number } }[] } }).spec ??
      {};
    if (!selectorMatches({ matchLabels: spec.selector ?? {} }, pod.metadata.labels, { emptySelects: 'all' })) continue;
    if ((spec.servers ?? []).some((server) => server.port?.number === port))
      names.add(`${gateway.metadata.namespace}/${gateway.metadata.name}`);
  }
  return names;
}

/** A VirtualService's `gateways` entry as Pilot resolves it: `name` in the VirtualService's namespace, or `ns/name`. */
function gatewayKey(entry: string, namespace: string): string {
  if (entry.includes('/')) return entry;
  const [name, ns] = entry.split('.');
  return `${ns ?? namespace}/${name}`;
}

function uriMatches(match: StringMatch | undefined, path: string): boolean {
  if (!match) return true;
  if (match.exact !== undefined) return path === match.exact;
  if (match.prefix !== undefined) return path.startsWith(match.prefix);
  if (match.regex !== undefined) return new RegExp(`^(?:${match.regex})$`).test(path);
  return true;
}

/** The destination host of the first route of the bound VirtualServices that takes the path. */
function routeFor(
  gateways: Set<string>,
  path: string,
  configs: readonly KubeObject[],
): { namespace: string; host: string; port?: number } | undefined {
  const services = configs.filter((config) => isKind(config, 'VirtualService'));
  for (const service of services) {
    const namespace = service.metadata.namespace ?? 'default';
    const spec = (service as { spec?: { gateways?: string[]; http?: HttpRoute[] } }).spec ?? {};
    if (!(spec.gateways ?? []).some((entry) => gateways.has(gatewayKey(entry, namespace)))) continue;
    for (const route of spec.http ?? []) {
      if (route.match?.length && !route.match.some((match) => uriMatches(match.uri, path))) continue;
      const destination = route.route?.[0]?.destination;
      if (destination?.host) return { namespace, host: destination.host, port: destination.port?.number };
    }
  }
  return undefined;
}

/** A destination host as Pilot reads it: a short name is in the VirtualService's namespace. */
function serviceOf(host: string, namespace: string, services: readonly KubeObject[]): KubeObject | undefined {
  const [name, ns] = host.replace(/\.svc\.cluster\.local$/, '').split('.');
  return services.find((service) => service.metadata.name === name && service.metadata.namespace === (ns ?? namespace));
}

/** The first ready endpoint of the service port, as the cluster's EDS gives it to Envoy. */
function endpointOf(service: KubeObject, port: number | undefined, objects: ClusterView): Upstream | undefined {
  const ports = (service.spec as { ports?: { name?: string; port: number }[] } | undefined)?.ports ?? [];
  const servicePort = port === undefined ? ports[0] : ports.find((candidate) => candidate.port === port);
  if (!servicePort) return undefined;
  const endpoints = objects.endpoints.find(
    (e) => e.metadata.namespace === service.metadata.namespace && e.metadata.name === service.metadata.name,
  );
  for (const subset of (endpoints?.subsets as EndpointSubset[] | undefined) ?? []) {
    const endpointPort = (subset.ports ?? []).find((candidate) => (candidate.name ?? '') === (servicePort.name ?? ''));
    if (!endpointPort) continue;
    for (const address of subset.addresses ?? []) {
      const pod = objects.pods.find(
        (p) =>
          p.metadata.namespace === (address.targetRef?.namespace ?? service.metadata.namespace) &&
          p.metadata.name === address.targetRef?.name,
      );
      if (pod) return { pod, port: endpointPort.port };
    }
  }
  return undefined;
}

/** Where a gateway pod sends a request that arrived on `port` for `path`, or what Envoy answers itself. */
export function routeThroughGateway(
  pod: KubeObject,
  port: number,
  path: string,
  objects: ClusterView,
): Upstream | EnvoyAnswer {
  const configs = objects.configs ?? [];
  const route = routeFor(gatewaysOn(pod, port, configs), path, configs);
  if (!route) return NO_ROUTE;
  const service = serviceOf(route.host, route.namespace, objects.services);
  const upstream = service && endpointOf(service, route.port, objects);
  return upstream ?? NO_HEALTHY_UPSTREAM;
}
