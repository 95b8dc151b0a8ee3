// What the containers of a pod answer on their HTTP ports, chosen by image: Pilot
// (docker.io/istio/pilot) serves its registry and debug pages (istiod's only to local callers),
// Bookinfo's apps their pages (bookinfo-apps.ts), a gateway's Envoy routes to them
// (ingress-gateway.ts); any other image gives an answer that says it is simulated. Reached through the API server's service
// proxy, a port-forward or a simulated `curl`. Pure: a request and a view of the cluster in, a status,
// content type and body out.
import type { Faults } from '../faults/faults';
import type { KubeObject } from '../apimachinery/kube-object';
import type { ClusterView } from './cluster-view';
import type { RegistryInput } from './pilot-registry';
import {
  endpointz,
  goMarshalIndent,
  legacyRegistrationBody,
  portNameProtocol,
  registryz,
  serviceHostname,
} from './pilot-registry';
import type { AckDelay } from './istiod-debug';
import { istiodEndpointShardz, istiodSyncz, istiodVersion, legacyConfigz, legacySyncz } from './istiod-debug';
import { BOOKINFO_APPS } from './bookinfo-apps';
import { isGatewayTrafficPort, routeThroughGateway, UPSTREAM_REFUSED } from './ingress-gateway';
import { envoyAdminAnswer } from './envoy-admin';

export interface ContainerRequest {
  readonly method: string;
  /** The container port the request reaches (the endpoint's port). */
  readonly port: number;
  /** Absolute path inside the container, starting with `/`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly cluster: ClusterView;
  /** The caller is in the pod's own network namespace, as a port-forward or `curl localhost` is;
   *  the API server's proxy and other pods are not. istiod's debug pages answer only such callers. */
  readonly fromLoopback?: boolean;
  /** The pod the container runs in (a gateway routes by its labels; Pilot dates its pushes from its start). */
  readonly pod?: KubeObject;
  /** Envoys whose ACKs a fault delays, for Pilot's `/debug/syncz`. */
  readonly ackDelay?: AckDelay;
}

export interface ContainerResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export interface SimulatedContainer {
  /** Image repository this behaviour stands for, without tag. */
  readonly repository: string;
  /** Ports the container listens on for HTTP, given its image tag; others refuse connections. */
  httpPorts(tag: string): readonly number[];
  serve(tag: string, request: ContainerRequest): ContainerResponse;
}

export interface ImageReference {
  readonly repository: string;
  readonly tag: string;
}

/** `istio/pilot:1.2.2` and `docker.io/istio/pilot:1.2.2` name the same repository. */
export function parseImage(image: string): ImageReference {
  const at = image.indexOf('@');
  const withoutDigest = at >= 0 ? image.slice(0, at) : image;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const hasTag = colon > slash;
  let repository = hasTag ? withoutDigest.slice(0, colon) : withoutDigest;
  const tag = hasTag ? withoutDigest.slice(colon + 1) : 'latest';
  const first = repository.split('/')[0];
  const hasRegistry = repository.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) repository = `docker.io/${repository.includes('/') ? repository : `library/${repository}`}`;
  return { repository, tag };
}

function versionOf(tag: string): [number, number] {
  const match = /^v?(\d+)\.(\d+)/.exec(tag);
  return match ? [Number(match[1]), Number(match[2])] : [Number.POSITIVE_INFINITY, 0];
}

function isLegacyPilot(tag: string): boolean {
  const [major, minor] = versionOf(tag);
  return major === 1 && minor < 5;
}

/** istiod 1.20 registered /debug/endpointz as "Obsolete, use endpointShardz" and serves the shards under it. */
function servesEndpointShards(tag: string): boolean {
  const [major, minor] = versionOf(tag);
  return major > 1 || minor >= 20;
}

/** istiod 1.11 wrapped its debug handlers in `allowAuthenticatedOrLocalhost`. */
function debugNeedsLocalCaller(tag: string): boolean {
  const [major, minor] = versionOf(tag);
  return major > 1 || minor >= 11;
}

const text = (status: number, body: string): ContainerResponse => ({
  status,
  contentType: 'text/plain; charset=utf-8',
  body,
});
/** `allowAuthenticatedOrLocalhost` of istiod 1.11+: a caller that is neither local nor authenticated gets a bare 401. */
const unauthorized: ContainerResponse = { status: 401, contentType: 'text/plain; charset=utf-8', body: '' };
const json = (body: string): ContainerResponse => ({ status: 200, contentType: 'application/json', body });

function registryInput(cluster: ClusterView): RegistryInput {
  return { services: cluster.services, endpoints: cluster.endpoints };
}

/** `model.Service` as Pilot 1.2–1.3 serializes it (field order of the Go struct). */
function legacyService(service: KubeObject): Record<string, unknown> {
  const spec = (service.spec ?? {}) as { clusterIP?: string; type?: string; ports?: { name?: string; port: number }[] };
  const headless = spec.clusterIP === 'None';
  const exportTo = service.metadata.annotations?.['networking.istio.io/exportTo'];
  return {
    hostname: serviceHostname(service),
    address: spec.clusterIP && !headless ? spec.clusterIP : '0.0.0.0',
    Mutex: {},
    'cluster-vips': {},
    ports: (spec.ports ?? []).map((port) => ({
      name: port.name ?? '',
      port: port.port,
      protocol: legacyProtocol(port.name),
    })),
    MeshExternal: spec.type === 'ExternalName',
    Resolution: spec.type === 'ExternalName' ? 1 : headless ? 2 : 0,
    creationTime: service.metadata.creationTimestamp,
    Attributes: {
      Name: service.metadata.name,
      Namespace: service.metadata.namespace,
      UID: `istio://${service.metadata.namespace}/services/${service.metadata.name}`,
      ExportTo: exportTo ? Object.fromEntries(exportTo.split(',').map((v) => [v.trim(), true])) : null,
      ClusterExternalAddresses: null,
    },
  };
}

/** Pilot 1.2 treats unrecognised port names as TCP. */
function legacyProtocol(name: string | undefined): string {
  return portNameProtocol(name, 'TCP');
}

/** Pilot 1.0–1.11's hand-written `/debug/registryz` stream: every element, then a closing `{}`. */
function legacyRegistryz(cluster: ClusterView): string {
  let body = '[\n';
  for (const service of cluster.services) body += `${goMarshalIndent(legacyService(service), '', '  ')},\n`;
  return `${body}{}]\n`;
}

interface LegacySubset {
  addresses?: { ip: string; targetRef?: { kind?: string; name?: string } }[];
  ports?: { name?: string; port: number }[];
}

/** Pilot 1.0–1.11's hand-written `/debug/endpointz` stream: a group per service port, each closed by `{}`. */
function legacyEndpointz(cluster: ClusterView): string {
  let body = '[\n';
  for (const service of cluster.services) {
    if ((service.spec as { type?: string } | undefined)?.type === 'ExternalName') continue;
    const model = legacyService(service);
    const endpoints = cluster.endpoints.find(
      (e) => e.metadata.namespace === service.metadata.namespace && e.metadata.name === service.metadata.name,
    );
    for (const port of (service.spec as { ports?: { name?: string; port: number }[] } | undefined)?.ports ?? []) {
      body += `\n{"svc": "${serviceHostname(service)}:${port.name ?? ''}", "ep": [\n`;
      for (const subset of (endpoints?.subsets as LegacySubset[] | undefined) ?? []) {
        for (const endpointPort of subset.ports ?? []) {
          if ((endpointPort.name ?? '') !== (port.name ?? '')) continue;
          for (const address of subset.addresses ?? []) {
            const pod = cluster.pods.find(
              (p) => p.metadata.namespace === service.metadata.namespace && p.metadata.name === address.targetRef?.name,
            );
            const account = (pod?.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName ?? 'default';
            const labels = pod?.metadata.labels;
            const instance = {
              endpoint: {
                Family: 0,
                Address: address.ip,
                Port: endpointPort.port,
                ServicePort: { name: port.name ?? '', port: port.port, protocol: legacyProtocol(port.name) },
                UID: pod ? `kubernetes://${pod.metadata.name}.${pod.metadata.namespace}` : '',
                Network: '',
                Locality: '',
                LbWeight: 0,
              },
              service: model,
              ...(labels && Object.keys(labels).length > 0 ? { labels } : {}),
              serviceaccount: `spiffe://cluster.local/ns/${service.metadata.namespace}/sa/${account}`,
            };
            body += `${goMarshalIndent(instance, '  ', '  ')},\n`;
          }
        }
      }
      body += '\n{}]},';
    }
  }
  return `${body}\n{}]\n`;
}

const PILOT: SimulatedContainer = {
  repository: 'docker.io/istio/pilot',
  httpPorts: () => [8080, 15014],
  serve(tag, request) {
    if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, '405: Method Not Allowed');
    const legacy = isLegacyPilot(tag);
    const input = registryInput(request.cluster);
    if (legacy && request.port === 8080) {
      // Pilot 1.2 mounts the legacy REST routes and the debug handlers on its HTTP mux (:8080).
      if (request.path === '/v1/registration') return json(legacyRegistrationBody(input));
      if (request.path === '/debug/registryz') return json(legacyRegistryz(request.cluster));
      if (request.path === '/debug/endpointz') return json(legacyEndpointz(request.cluster));
      if (request.path === '/debug/configz') return json(legacyConfigz(request.cluster.configs ?? []));
      if (request.path === '/debug/syncz')
        return json(legacySyncz(request.cluster.pods, startedAt(request.pod), request.ackDelay));
    }
    if (!legacy) {
      if (request.path === '/version' && request.port === 15014) return text(200, istiodVersion(tag));
      if (request.path.startsWith('/debug/') && !request.fromLoopback && debugNeedsLocalCaller(tag))
        return unauthorized;
      if (request.path === '/debug/registryz') {
        const services = registryz(input);
        return json(request.query.has('pretty') ? JSON.stringify(services, null, '  ') : JSON.stringify(services));
      }
      if (request.path === '/debug/endpointz') {
        const body = servesEndpointShards(tag)
          ? istiodEndpointShardz({ ...input, pods: request.cluster.pods })
          : endpointz({ ...input, pods: request.cluster.pods });
        return json(request.query.has('pretty') ? JSON.stringify(body, null, '  ') : JSON.stringify(body));
      }
      if (request.path === '/debug/syncz') {
        const syncz = istiodSyncz(request.cluster.pods, request.query.get('namespace') ?? undefined, request.ackDelay);
        return json(request.query.has('pretty') ? JSON.stringify(syncz, null, '  ') : JSON.stringify(syncz));
      }
    }
    // go-restful's router answers paths it has no route for.
    return text(404, '404: Page Not Found');
  },
};

/** When the pod's first container started (Pilot's process start, for the monotonic part of its nonces). */
function startedAt(pod: KubeObject | undefined): number {
  const statuses =
    (pod?.status as { containerStatuses?: { state?: { running?: { startedAt?: string } } }[] } | undefined)
      ?.containerStatuses ?? [];
  const started = statuses
    .map((status) => Date.parse(status.state?.running?.startedAt ?? ''))
    .filter((time) => !Number.isNaN(time));
  return started.length ? Math.min(...started) : Date.parse(pod?.metadata.creationTimestamp ?? '') || 0;
}

/** A gateway's Envoy on a traffic port: routes through the Gateways and VirtualServices to an app's pod. */
const GATEWAY_ENVOY: SimulatedContainer = {
  repository: 'docker.io/istio/proxyv2',
  httpPorts: () => [],
  serve(_tag, request) {
    if (!request.pod) return text(404, '');
    const route = routeThroughGateway(request.pod, request.port, request.path, request.cluster);
    if (!('pod' in route)) return text(route.status, route.body);
    const upstream = {
      method: request.method,
      path: request.path,
      query: request.query,
      cluster: request.cluster,
      ackDelay: request.ackDelay,
    };
    return answerFromPod(route.pod, route.port, upstream) ?? text(UPSTREAM_REFUSED.status, UPSTREAM_REFUSED.body);
  },
};

const CONTAINERS: readonly SimulatedContainer[] = [
  PILOT,
  { ...PILOT, repository: 'gcr.io/istio-release/pilot' },
  ...BOOKINFO_APPS,
];

/** The simulated behaviour of an image, or undefined when the sandbox has none for it. */
export function simulatedContainerFor(image: string): SimulatedContainer | undefined {
  const { repository } = parseImage(image);
  return CONTAINERS.find((container) => container.repository === repository);
}

const isDebugPath = (path: string): boolean => path.startsWith('/debug/') || path === '/v1/registration';

interface ContainerSpec {
  image?: string;
  ports?: { containerPort?: number }[];
}

interface Listener {
  readonly image: string;
  readonly behaviour: SimulatedContainer | undefined;
}

/** The container that listens on a pod's port: a simulated one serving it, else one the sandbox does not model. */
export function listenerOn(pod: KubeObject, port: number): Listener | undefined {
  if (isGatewayTrafficPort(pod, port)) return { image: 'docker.io/istio/proxyv2', behaviour: GATEWAY_ENVOY };
  const containers = ((pod.spec as { containers?: ContainerSpec[] } | undefined)?.containers ?? []).filter(
    (c) => c.image,
  );
  for (const container of containers) {
    const behaviour = simulatedContainerFor(container.image!);
    if (behaviour?.httpPorts(parseImage(container.image!).tag).includes(port))
      return { image: container.image!, behaviour };
  }
  // One the sandbox does not model listens on the ports it declares, or anywhere when it declares none.
  const unknown =
    containers.find((c) => !simulatedContainerFor(c.image!) && c.ports?.some((p) => p.containerPort === port)) ??
    containers.find((c) => !simulatedContainerFor(c.image!) && !c.ports?.length);
  return unknown ? { image: unknown.image!, behaviour: undefined } : undefined;
}

/**
 * What a pod answers on one of its ports: the simulated container listening there, else a container
 * the sandbox does not model (which answers a page saying so), else undefined — nothing listens and
 * the connection is refused.
 */
/** The faults a simulated container answers to. */
export type ContainerFaults = Pick<Faults, 'debugEndpointFault' | 'proxyAckDelayFor'>;

export function answerFromPod(
  pod: KubeObject,
  port: number,
  request: Omit<ContainerRequest, 'port'>,
  faults?: ContainerFaults,
): ContainerResponse | undefined {
  const envoyAdmin = envoyAdminAnswer(pod, port, request);
  if (envoyAdmin) return envoyAdmin;
  const listener = listenerOn(pod, port);
  if (!listener) return undefined;
  if (!listener.behaviour) return genericAnswer(listener.image, { method: request.method, port, path: request.path });
  const ackDelay: AckDelay | undefined =
    faults &&
    ((proxy) => {
      const rule = faults.proxyAckDelayFor(proxy.metadata);
      return rule ? (rule.neverAcked ? 'never' : 'delayed') : undefined;
    });
  const answer = listener.behaviour.serve(parseImage(listener.image).tag, {
    ...request,
    port,
    pod,
    ackDelay: request.ackDelay ?? ackDelay,
  });
  const fault =
    answer.status === 200 && isDebugPath(request.path)
      ? faults?.debugEndpointFault(pod.metadata.labels?.app)
      : undefined;
  if (fault === 'error') return text(500, `Internal Server Error: injected fault on ${request.path}\n`);
  // A handler that dies mid-write: the client reads half a JSON document.
  if (fault === 'malformed') return { ...answer, body: answer.body.slice(0, Math.floor(answer.body.length / 2)) };
  return answer;
}

/** What a container the sandbox does not model answers: a plain page that says so. */
export function genericAnswer(
  image: string,
  request: Pick<ContainerRequest, 'method' | 'port' | 'path'>,
): ContainerResponse {
  return text(
    200,
    `Simulated by Istio Lab's sandbox: ${image} would answer ${request.method} ${request.path} on port ${request.port} here; the sandbox does not run containers.\n`,
  );
}
