// The API server's service proxy (`/api/v1/namespaces/{ns}/services/{[scheme:]name[:port]}/proxy/…`):
// resolves the Service port and a ready endpoint the way the real apiserver's ResourceLocation does,
// then answers from the simulated container in the pod behind that endpoint.
import type { KubeObject } from '../apimachinery/kube-object';
import type { ClusterView } from './cluster-view';
import type { ContainerFaults, ContainerResponse } from './simulated-containers';
import { answerFromPod } from './simulated-containers';
import { badRequest, notFound, StatusError } from '../apimachinery/status-error';

/** Reads the objects the proxy needs; the API server passes its object store. */
export interface ProxyObjects {
  get(resource: 'services' | 'endpoints' | 'pods', namespace: string, name: string): KubeObject | undefined;
  /** `configs`: the Istio configuration objects Pilot reads (see PILOT_CONFIG_GROUPS). */
  list(resource: 'services' | 'endpoints' | 'pods' | 'configs'): KubeObject[];
}

export interface ServiceProxyRequest {
  readonly namespace: string;
  /** The name segment: `name`, `name:port` or `scheme:name:port`. */
  readonly id: string;
  /** Path segments after `proxy`. */
  readonly rest: readonly string[];
  readonly query: URLSearchParams;
  readonly method: string;
}

interface Location {
  readonly scheme: string;
  readonly ip: string;
  readonly port: number;
  readonly pod: KubeObject;
}

interface EndpointSubset {
  addresses?: { ip: string; targetRef?: { kind?: string; name?: string; namespace?: string } }[];
  ports?: { name?: string; port: number }[];
}

const serviceUnavailable = (message: string): StatusError => new StatusError(503, 'ServiceUnavailable', message);

/** utilnet.SplitSchemeNamePort: `name`, `name:port`, `scheme:name:port` with scheme http, https or empty. */
export function splitSchemeNamePort(id: string): { scheme: string; name: string; port: string } | undefined {
  const parts = id.split(':');
  let scheme = '';
  let name: string;
  let port = '';
  if (parts.length === 1) [name] = parts;
  else if (parts.length === 2) [name, port] = parts;
  else if (parts.length === 3) [scheme, name, port] = parts;
  else return undefined;
  if (name.length === 0 || !['', 'http', 'https'].includes(scheme)) return undefined;
  return { scheme, name, port };
}

function podIps(pod: KubeObject): string[] {
  const status = (pod.status ?? {}) as { podIP?: string; podIPs?: { ip: string }[] };
  return [...(status.podIPs ?? []).map((p) => p.ip), ...(status.podIP ? [status.podIP] : [])];
}

/** The service REST storage's ResourceLocation, minus its random choice (the first valid address wins). */
export function resolveServiceLocation(objects: ProxyObjects, namespace: string, id: string): Location {
  const parsed = splitSchemeNamePort(id);
  if (!parsed) throw badRequest(`invalid service request "${id}"`);
  let portName = parsed.port;
  if (/^\d+$/.test(portName)) {
    const service = objects.get('services', namespace, parsed.name);
    if (!service) throw notFound('', 'services', parsed.name);
    const number = Number(portName);
    const match = ((service.spec as { ports?: { name?: string; port: number }[] } | undefined)?.ports ?? []).find(
      (p) => p.port === number,
    );
    if (!match) throw serviceUnavailable(`no service port ${number} found for service "${parsed.name}"`);
    portName = match.name ?? '';
  }
  const endpoints = objects.get('endpoints', namespace, parsed.name);
  if (!endpoints) throw notFound('', 'endpoints', parsed.name);
  const subsets = (endpoints.subsets as EndpointSubset[] | undefined) ?? [];
  if (subsets.length === 0) throw serviceUnavailable(`no endpoints available for service "${parsed.name}"`);
  for (const subset of subsets) {
    if (!subset.addresses?.length) continue;
    for (const port of subset.ports ?? []) {
      if ((port.name ?? '') !== portName) continue;
      for (const address of subset.addresses) {
        // isValidAddress: only addresses that point at an existing pod with that IP are proxied to.
        if (address.targetRef?.kind !== 'Pod' || !address.targetRef.name) continue;
        const pod = objects.get('pods', address.targetRef.namespace ?? namespace, address.targetRef.name);
        if (!pod || !podIps(pod).includes(address.ip)) continue;
        return { scheme: parsed.scheme || 'http', ip: address.ip, port: port.port, pod };
      }
    }
  }
  throw serviceUnavailable(`no endpoints available for service "${id}"`);
}

/** What a container answering a proxied request sees of the cluster. */
export function clusterViewOf(objects: ProxyObjects): ClusterView {
  return {
    services: objects.list('services'),
    endpoints: objects.list('endpoints'),
    pods: objects.list('pods'),
    configs: objects.list('configs'),
  };
}

/** Proxies one request to a Service: the status error the apiserver would give, or the container's answer. */
export function proxyToService(
  objects: ProxyObjects,
  request: ServiceProxyRequest,
  faults?: ContainerFaults,
): ContainerResponse {
  const location = resolveServiceLocation(objects, request.namespace, request.id);
  const path = `/${request.rest.join('/')}`;
  const answer = answerFromPod(
    location.pod,
    location.port,
    { method: request.method, path, query: request.query, cluster: clusterViewOf(objects) },
    faults,
  );
  if (answer) return answer;
  // Nothing in the pod listens on that port: the dial fails, as through the real proxy.
  return {
    status: 503,
    contentType: 'text/plain; charset=utf-8',
    body: `Error: 'dial tcp ${location.ip}:${location.port}: connect: connection refused'\nTrying to reach: '${location.scheme}://${location.ip}:${location.port}${path}'`,
  };
}
