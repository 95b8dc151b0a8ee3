// The one registry model both formats normalise into (service → ports → endpoints), and what is
// done with it regardless of the source: ordering, the pods behind endpoint IPs, the difference
// between two fetches, and CSV export. Pure.
import type {
  EndpointPod,
  RegistryDiff,
  RegistryEndpoint,
  RegistryPort,
  RegistryService,
  RegistrySnapshot,
  RemovedEndpoint,
} from '../../shared/registry-messages';
import { endpointId } from '../../shared/registry-messages';

/** `<name>.<namespace>.svc.<domain>` → name and namespace; other hosts (ServiceEntries) keep the hostname and ''. */
export function splitHostname(hostname: string): { name: string; namespace: string } {
  const parts = hostname.split('.');
  if (parts.length >= 4 && parts[2] === 'svc' && parts[0] && parts[1]) return { name: parts[0], namespace: parts[1] };
  return { name: hostname, namespace: '' };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Services by namespace then hostname, ports by name then number, endpoints by IP then port. */
export function sortServices(services: RegistryService[]): RegistryService[] {
  for (const service of services) {
    (service.ports as RegistryPort[]).sort((a, b) => compare(a.name, b.name) || (a.port ?? 0) - (b.port ?? 0));
    for (const port of service.ports)
      (port.endpoints as RegistryEndpoint[]).sort((a, b) => compareIp(a.ip, b.ip) || a.port - b.port);
  }
  return services.sort((a, b) => compare(a.namespace, b.namespace) || compare(a.hostname, b.hostname));
}

function compareIp(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  if (left.length === 4 && right.length === 4 && left.every(Number.isFinite) && right.every(Number.isFinite)) {
    for (let k = 0; k < 4; k++) if (left[k] !== right[k]) return left[k] - right[k];
    return 0;
  }
  return compare(a, b);
}

/** The facts of a pod the registry needs (a subset of the pod store's PodSummary). */
export interface PodFacts {
  readonly namespace: string;
  readonly name: string;
  readonly podIP?: string;
  readonly readyContainers: number;
  readonly totalContainers: number;
  readonly phase: string;
  readonly deleting: boolean;
}

export function isPodReady(pod: PodFacts): boolean {
  return (
    pod.phase === 'Running' && !pod.deleting && pod.totalContainers > 0 && pod.readyContainers === pod.totalContainers
  );
}

/**
 * The snapshot with each endpoint's pod (by pod IP), when a pod has that IP. Run again on an
 * annotated snapshot as the pods change: an endpoint whose pod is gone keeps the pod's name, marked
 * gone and not ready. The same snapshot object when no annotation changed.
 */
export function withPods(snapshot: RegistrySnapshot, pods: readonly PodFacts[]): RegistrySnapshot {
  const byIp = new Map<string, EndpointPod>();
  for (const pod of pods) {
    if (pod.podIP && !pod.deleting)
      byIp.set(pod.podIP, { namespace: pod.namespace, name: pod.name, ready: isPodReady(pod) });
  }
  const annotate = (endpoint: RegistryEndpoint): RegistryEndpoint => {
    const pod =
      byIp.get(endpoint.ip) ??
      (endpoint.pod && { namespace: endpoint.pod.namespace, name: endpoint.pod.name, ready: false, gone: true });
    if (!pod) return endpoint;
    const known = endpoint.pod;
    if (
      known &&
      known.namespace === pod.namespace &&
      known.name === pod.name &&
      known.ready === pod.ready &&
      known.gone === pod.gone
    )
      return endpoint;
    return { ...endpoint, pod };
  };
  let changed = false;
  const services = snapshot.services.map((service) => {
    let serviceChanged = false;
    const ports = service.ports.map((port) => {
      const endpoints = port.endpoints.map(annotate);
      if (endpoints.every((endpoint, at) => endpoint === port.endpoints[at])) return port;
      serviceChanged = true;
      return { ...port, endpoints };
    });
    if (!serviceChanged) return service;
    changed = true;
    return { ...service, ports };
  });
  return changed ? { ...snapshot, services } : snapshot;
}

/** Endpoints added and removed between two fetches (by service key, IP and port). */
export function diffSnapshots(before: RegistrySnapshot, after: RegistrySnapshot): RegistryDiff {
  const previous = new Map<string, RemovedEndpoint>();
  for (const service of before.services) {
    for (const port of service.ports) {
      for (const endpoint of port.endpoints) {
        previous.set(endpointId(port.key, endpoint), {
          namespace: service.namespace,
          hostname: service.hostname,
          portKey: port.key,
          portName: port.name,
          ip: endpoint.ip,
          port: endpoint.port,
        });
      }
    }
  }
  const added: string[] = [];
  for (const service of after.services) {
    for (const port of service.ports) {
      for (const endpoint of port.endpoints) {
        const id = endpointId(port.key, endpoint);
        if (!previous.delete(id)) added.push(id);
      }
    }
  }
  return { added, removed: [...previous.values()] };
}

export function countEndpoints(snapshot: RegistrySnapshot): { services: number; ports: number; endpoints: number } {
  let ports = 0;
  let endpoints = 0;
  for (const service of snapshot.services) {
    ports += service.ports.length;
    for (const port of service.ports) endpoints += port.endpoints.length;
  }
  return { services: snapshot.services.length, ports, endpoints };
}

function csvField(value: string | number | boolean | undefined): string {
  const text = value === undefined ? '' : String(value);
  // Quote what needs it; a leading = + - @ would run as a formula in a spreadsheet, so it is prefixed with '.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One row per endpoint (a port without endpoints gets one row with empty endpoint columns). */
export function registryCsv(snapshot: RegistrySnapshot): string {
  const rows = [
    [
      'namespace',
      'service',
      'hostname',
      'service_key',
      'port_name',
      'service_port',
      'protocol',
      'endpoint_ip',
      'endpoint_port',
      'pod',
      'pod_ready',
    ],
  ];
  for (const service of snapshot.services) {
    for (const port of service.ports) {
      const head = [
        service.namespace,
        service.name,
        service.hostname,
        port.key,
        port.name,
        port.port,
        port.protocol,
      ] as const;
      if (port.endpoints.length === 0) rows.push([...head, '', '', '', ''].map(csvField));
      for (const endpoint of port.endpoints) {
        rows.push(
          [
            ...head,
            endpoint.ip,
            endpoint.port,
            endpoint.pod ? `${endpoint.pod.namespace}/${endpoint.pod.name}` : '',
            endpoint.pod?.ready,
          ].map(csvField),
        );
      }
    }
  }
  return `${rows.map((row) => row.join(',')).join('\r\n')}\r\n`;
}

/** Keys of `value` not in `known`, or undefined when there are none. */
export function unknownFields(
  value: Record<string, unknown>,
  known: ReadonlySet<string>,
): Record<string, unknown> | undefined {
  let extra: Record<string, unknown> | undefined;
  for (const [key, field] of Object.entries(value)) {
    if (known.has(key)) continue;
    (extra ??= {})[key] = field;
  }
  return extra;
}
