// What the containers behind a Service answer when reached through the API server's service
// proxy, chosen by image: Pilot (docker.io/istio/pilot) serves its registry and debug pages, any
// other image gives an answer that says it is simulated. Pure: a request and a view of the cluster in,
// a status, content type and body out.
import type { KubeObject } from '../kube-object';
import type { RegistryInput } from './pilot-registry';
import { endpointz, goMarshalIndent, legacyRegistrationBody, registryz, serviceHostname } from './pilot-registry';

/** The cluster as a container sees it: the objects Pilot's Kubernetes registry watches. */
export interface ClusterView {
  readonly services: readonly KubeObject[];
  readonly endpoints: readonly KubeObject[];
  readonly pods: readonly KubeObject[];
}

export interface ContainerRequest {
  readonly method: string;
  /** The container port the request reaches (the endpoint's port). */
  readonly port: number;
  /** Absolute path inside the container, starting with `/`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly cluster: ClusterView;
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

const text = (status: number, body: string): ContainerResponse => ({ status, contentType: 'text/plain; charset=utf-8', body });
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
    ports: (spec.ports ?? []).map((port) => ({ name: port.name ?? '', port: port.port, protocol: legacyProtocol(port.name) })),
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
  const prefix = (name ?? '').split('-')[0].toLowerCase();
  const known: Record<string, string> = { http: 'HTTP', http2: 'HTTP2', https: 'HTTPS', grpc: 'GRPC', 'grpc-web': 'GRPC-Web', tcp: 'TCP', tls: 'TLS', udp: 'UDP', mongo: 'Mongo', redis: 'Redis', mysql: 'MySQL' };
  return known[prefix] ?? 'TCP';
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
    const endpoints = cluster.endpoints.find((e) => e.metadata.namespace === service.metadata.namespace && e.metadata.name === service.metadata.name);
    for (const port of (service.spec as { ports?: { name?: string; port: number }[] } | undefined)?.ports ?? []) {
      body += `\n{"svc": "${serviceHostname(service)}:${port.name ?? ''}", "ep": [\n`;
      for (const subset of (endpoints?.subsets as LegacySubset[] | undefined) ?? []) {
        for (const endpointPort of subset.ports ?? []) {
          if ((endpointPort.name ?? '') !== (port.name ?? '')) continue;
          for (const address of subset.addresses ?? []) {
            const pod = cluster.pods.find((p) => p.metadata.namespace === service.metadata.namespace && p.metadata.name === address.targetRef?.name);
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
    }
    if (!legacy) {
      if (request.path === '/debug/registryz') {
        const services = registryz(input);
        return json(request.query.has('pretty') ? JSON.stringify(services, null, '  ') : JSON.stringify(services));
      }
      if (request.path === '/debug/endpointz') {
        return json(JSON.stringify(endpointz({ ...input, pods: request.cluster.pods })));
      }
    }
    // go-restful's router answers paths it has no route for.
    return text(404, '404: Page Not Found');
  },
};

const CONTAINERS: readonly SimulatedContainer[] = [PILOT, { ...PILOT, repository: 'gcr.io/istio-release/pilot' }];

/** The simulated behaviour of an image, or undefined when the sandbox has none for it. */
export function simulatedContainerFor(image: string): SimulatedContainer | undefined {
  const { repository } = parseImage(image);
  return CONTAINERS.find((container) => container.repository === repository);
}

/** What a container the sandbox does not model answers: a plain page that says so. */
export function genericAnswer(image: string, request: Pick<ContainerRequest, 'method' | 'port' | 'path'>): ContainerResponse {
  return text(200, `Simulated by Istio Lab's sandbox: ${image} would answer ${request.method} ${request.path} on port ${request.port} here; the sandbox does not run containers.\n`);
}
