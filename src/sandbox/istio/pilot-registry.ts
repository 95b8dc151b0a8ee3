// What Istio's Pilot and istiod report about the service registry they built from Kubernetes
// Services and Endpoints: the legacy `/v1/registration` (Istio 1.0–1.4) and the `/debug/registryz`
// and `/debug/endpointz` JSON of istiod 1.12+. Pure: objects in, text or JSON values out.
// Shapes follow test/fixtures/istio/registry/FORMATS.md and Istio's source of each era.
import type { KubeObject } from '../apimachinery/kube-object';

export const DEFAULT_DOMAIN = 'cluster.local';

/** The cluster objects a registry is computed from. */
export interface RegistryInput {
  readonly services: readonly KubeObject[];
  readonly endpoints: readonly KubeObject[];
  readonly domain?: string;
}

export interface RegistrationHost {
  ip_address: string;
  port: number;
}

export interface RegistrationEntry {
  'service-key': string;
  hosts: RegistrationHost[];
}

interface ServicePortSpec {
  name?: string;
  port: number;
  protocol?: string;
}

interface EndpointAddress {
  ip: string;
  targetRef?: { kind?: string; name?: string; namespace?: string };
}

interface EndpointSubset {
  addresses?: EndpointAddress[];
  ports?: { name?: string; port: number; protocol?: string }[];
}

function servicePorts(service: KubeObject): ServicePortSpec[] {
  return ((service.spec as { ports?: ServicePortSpec[] } | undefined)?.ports ?? []).filter(
    (port) => typeof port.port === 'number',
  );
}

function subsetsOf(endpoints: KubeObject | undefined): EndpointSubset[] {
  return (endpoints?.subsets as EndpointSubset[] | undefined) ?? [];
}

/** `<svc>.<ns>.svc.<domain>`, Pilot's hostname for a Kubernetes Service. */
export function serviceHostname(service: KubeObject, domain = DEFAULT_DOMAIN): string {
  return `${service.metadata.name}.${service.metadata.namespace}.svc.${domain}`;
}

/** `model.ServiceKey(hostname, PortList{port}, nil)`: `<hostname>|<port name>`, or the bare hostname for an unnamed port. */
export function serviceKey(hostname: string, portName: string | undefined): string {
  return portName ? `${hostname}|${portName}` : hostname;
}

/** ExternalName services become MeshExternal in Pilot's Kubernetes registry, and ListAllEndpoints skips those. */
function isMeshExternal(service: KubeObject): boolean {
  return (service.spec as { type?: string } | undefined)?.type === 'ExternalName';
}

function endpointsFor(input: RegistryInput, service: KubeObject): KubeObject | undefined {
  return input.endpoints.find(
    (e) => e.metadata.name === service.metadata.name && e.metadata.namespace === service.metadata.namespace,
  );
}

/** The ready addresses behind one service port, as Pilot's `Instances(hostname, [portName])` lists them. */
function instancesFor(endpoints: KubeObject | undefined, portName: string | undefined): RegistrationHost[] {
  const hosts: RegistrationHost[] = [];
  for (const subset of subsetsOf(endpoints)) {
    for (const port of subset.ports ?? []) {
      if ((port.name ?? '') !== (portName ?? '')) continue;
      for (const address of subset.addresses ?? []) hosts.push({ ip_address: address.ip, port: port.port });
    }
  }
  return hosts;
}

function byName(a: KubeObject, b: KubeObject): number {
  const left = `${a.metadata.namespace}/${a.metadata.name}`;
  const right = `${b.metadata.namespace}/${b.metadata.name}`;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** `ListAllEndpoints` of Pilot 1.0–1.4: one entry per (service, port), `hosts: []` when none, sorted by key. */
export function legacyRegistration(input: RegistryInput): RegistrationEntry[] {
  const domain = input.domain ?? DEFAULT_DOMAIN;
  const entries: RegistrationEntry[] = [];
  for (const service of [...input.services].sort(byName)) {
    if (isMeshExternal(service)) continue;
    const endpoints = endpointsFor(input, service);
    const hostname = serviceHostname(service, domain);
    for (const port of servicePorts(service)) {
      entries.push({ 'service-key': serviceKey(hostname, port.name), hosts: instancesFor(endpoints, port.name) });
    }
  }
  // sort.Slice compares Go strings byte-wise; keys are ASCII, so code-unit order is the same.
  return entries.sort((a, b) =>
    a['service-key'] < b['service-key'] ? -1 : a['service-key'] > b['service-key'] ? 1 : 0,
  );
}

/** Go's `json.MarshalIndent(v, prefix, indent)`, HTML-escaped like encoding/json, without a trailing newline. */
export function goMarshalIndent(value: unknown, prefix: string, indent: string): string {
  const text = JSON.stringify(value, null, indent) ?? 'null';
  return text
    .replace(/\n/g, `\n${prefix}`)
    .replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The body Pilot's go-restful container writes: pretty-printed with prefix and indent of one space each. */
export function legacyRegistrationBody(input: RegistryInput): string {
  return goMarshalIndent(legacyRegistration(input), ' ', ' ');
}

// ── istiod 1.12+ debug shapes ──────────────────────────────────────────────────────────────

/** `protocol.Parse`'s names: a port name's prefix before `-`, lower-cased, to Istio's protocol. */
const PORT_NAME_PROTOCOLS: Readonly<Record<string, string>> = {
  http: 'HTTP',
  http2: 'HTTP2',
  https: 'HTTPS',
  grpc: 'GRPC',
  'grpc-web': 'GRPC-Web',
  tcp: 'TCP',
  tls: 'TLS',
  udp: 'UDP',
  mongo: 'Mongo',
  redis: 'Redis',
  mysql: 'MySQL',
};

/** The protocol a port name's prefix names, or `fallback` (istiod: UnsupportedProtocol; Pilot 1.2: TCP). */
export function portNameProtocol(name: string | undefined, fallback: string): string {
  return PORT_NAME_PROTOCOLS[(name ?? '').split('-')[0].toLowerCase()] ?? fallback;
}

/** Istio's protocol sniffing by port name (`protocol.Parse` of the name prefix before `-`). */
export function protocolFromPortName(name: string | undefined): string {
  if (!name) return 'UnsupportedProtocol';
  if (name.toLowerCase().startsWith('grpc-web')) return 'GRPC-Web';
  return portNameProtocol(name, 'UnsupportedProtocol');
}

function registryPort(port: ServicePortSpec): Record<string, unknown> {
  const protocol = protocolFromPortName(port.name);
  return port.name ? { name: port.name, port: port.port, protocol } : { port: port.port, protocol };
}

/** One `model.Service` as istiod 1.12–1.13 serializes it in `/debug/registryz` (field order as in Go). */
export function registryzService(
  service: KubeObject,
  domain = DEFAULT_DOMAIN,
  clusterId = 'Kubernetes',
): Record<string, unknown> {
  const spec = (service.spec ?? {}) as { clusterIP?: string; selector?: Record<string, string>; type?: string };
  const headless = spec.clusterIP === 'None';
  const address = spec.clusterIP && !headless ? spec.clusterIP : '0.0.0.0';
  return {
    Attributes: {
      ServiceRegistry: 'Kubernetes',
      Name: service.metadata.name,
      Namespace: service.metadata.namespace,
      Labels: service.metadata.labels ?? null,
      ExportTo: null,
      LabelSelectors: spec.selector ?? null,
      ClusterExternalAddresses: { Addresses: null },
      ClusterExternalPorts: null,
    },
    ports: servicePorts(service).map(registryPort),
    creationTime: service.metadata.creationTimestamp,
    hostname: serviceHostname(service, domain),
    clusterVIPs: { Addresses: { [clusterId]: [address] } },
    defaultAddress: address,
    // 0 ClientSideLB, 1 DNSLB, 2 Passthrough (headless)
    Resolution: spec.type === 'ExternalName' ? 1 : headless ? 2 : 0,
    MeshExternal: spec.type === 'ExternalName',
    ResourceVersion: service.metadata.resourceVersion,
  };
}

/** `/debug/registryz` of istiod 1.12+: the services as a JSON array (compact unless `?pretty`). */
export function registryz(input: RegistryInput): Record<string, unknown>[] {
  return [...input.services].sort(byName).map((service) => registryzService(service, input.domain));
}

/** `/debug/endpointz` of istiod 1.12–1.19: `[{svc: "<hostname>:<port name>", ep: [ServiceInstance…]}]`. */
export function endpointz(
  input: RegistryInput & { readonly pods?: readonly KubeObject[] },
): { svc: string; ep: Record<string, unknown>[] }[] {
  const domain = input.domain ?? DEFAULT_DOMAIN;
  const result: { svc: string; ep: Record<string, unknown>[] }[] = [];
  for (const service of [...input.services].sort(byName)) {
    if (isMeshExternal(service)) continue;
    const model = registryzService(service, domain);
    const endpoints = endpointsFor(input, service);
    for (const port of servicePorts(service)) {
      const instances: Record<string, unknown>[] = [];
      for (const subset of subsetsOf(endpoints)) {
        for (const endpointPort of subset.ports ?? []) {
          if ((endpointPort.name ?? '') !== (port.name ?? '')) continue;
          for (const address of subset.addresses ?? []) {
            const pod = input.pods?.find(
              (p) => p.metadata.namespace === service.metadata.namespace && p.metadata.name === address.targetRef?.name,
            );
            const serviceAccount = ((pod?.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName ??
              'default') as string;
            instances.push({
              service: model,
              servicePort: registryPort(port),
              endpoint: {
                Labels: {
                  ...(pod?.metadata.labels ?? {}),
                  'istio-locality': '',
                  'topology.istio.io/cluster': 'Kubernetes',
                  'topology.istio.io/network': '',
                },
                Address: address.ip,
                ServicePortName: port.name ?? '',
                EnvoyEndpoint: null,
                ServiceAccount: `spiffe://${domain}/ns/${service.metadata.namespace}/sa/${serviceAccount}`,
                Network: '',
                Locality: { Label: '', ClusterID: 'Kubernetes' },
                EndpointPort: endpointPort.port,
                LbWeight: 0,
                TLSMode: 'disabled',
                Namespace: service.metadata.namespace,
                WorkloadName: pod?.metadata.labels?.app ?? pod?.metadata.name ?? '',
                HostName: '',
                SubDomain: '',
                TunnelAbility: 0,
              },
            });
          }
        }
      }
      result.push({ svc: `${serviceHostname(service, domain)}:${port.name ?? ''}`, ep: instances });
    }
  }
  return result;
}
