// istiod's (and Pilot's) `/debug/registryz` services joined with `/debug/endpointz` endpoints,
// normalised into the registry model. Handles every shape of FORMATS.md §2–3: the hand-written
// streams of 1.0–1.11 (arrays closed by an empty `{}`), the `{svc, ep}` array of 1.12–1.19 and
// the endpointShardz object 1.20+ serves under the old name.
import type { RegistryEndpoint, RegistryPort, RegistryService, RegistrySnapshot } from '../../shared/registry-messages';
import { parseJsonText, RegistryFormatError } from './json-text';
import { sortServices, splitHostname, unknownFields } from './registry-model';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isEmptyObject = (value: unknown): boolean => isObject(value) && Object.keys(value).length === 0;
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const number = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** Fields the model reads from a registryz service; the rest (Attributes, VIPs, …) stays as `extra`. */
const SERVICE_FIELDS = new Set(['hostname', 'ports', 'address', 'defaultAddress', 'MeshExternal']);

interface PortSpec {
  name: string;
  port?: number;
  protocol?: string;
}

function portsOf(service: Json): PortSpec[] {
  const ports = Array.isArray(service.ports) ? service.ports : [];
  return ports
    .filter(isObject)
    .map((port) => ({ name: text(port.name) ?? '', port: number(port.port), protocol: text(port.protocol) }));
}

function firstVip(service: Json): string | undefined {
  const modern =
    isObject(service.clusterVIPs) && isObject(service.clusterVIPs.Addresses)
      ? service.clusterVIPs.Addresses
      : undefined;
  for (const list of Object.values(modern ?? {}))
    if (Array.isArray(list) && typeof list[0] === 'string') return list[0];
  return undefined;
}

function serviceFrom(value: Json, index: number): RegistryService & { ports: RegistryPort[] } {
  const hostname = text(value.hostname);
  if (!hostname)
    throw new RegistryFormatError('unexpected-shape', `Service ${index + 1} of /debug/registryz has no "hostname".`);
  const attributes = isObject(value.Attributes) ? value.Attributes : {};
  const split = splitHostname(hostname);
  const namespace = text(attributes.Namespace) ?? split.namespace;
  const name = text(attributes.Name) ?? split.name;
  const address = text(value.defaultAddress) ?? text(value.address) ?? firstVip(value);
  const extra = unknownFields(value, SERVICE_FIELDS);
  return {
    hostname,
    name,
    namespace,
    ...(address && address !== '0.0.0.0' ? { address } : {}),
    ...(typeof value.MeshExternal === 'boolean' ? { meshExternal: value.MeshExternal } : {}),
    ports: portsOf(value).map((port) => ({
      key: port.name ? `${hostname}|${port.name}` : hostname,
      name: port.name,
      ...(port.port !== undefined ? { port: port.port } : {}),
      ...(port.protocol ? { protocol: port.protocol } : {}),
      endpoints: [],
    })),
    ...(extra ? { extra } : {}),
  };
}

interface FoundEndpoint {
  hostname: string;
  portName: string;
  endpoint: RegistryEndpoint;
}

/** Fields of an endpoint record the model reads; others are kept. */
const ENDPOINT_FIELDS = new Set(['Address', 'Addresses', 'EndpointPort', 'Port', 'ServicePortName', 'ServicePort']);

function endpointFrom(record: Json): RegistryEndpoint | undefined {
  const ip = text(record.Address) ?? (Array.isArray(record.Addresses) ? text(record.Addresses[0]) : undefined);
  const port = number(record.EndpointPort) ?? number(record.Port);
  if (!ip || port === undefined) return undefined;
  const extra = unknownFields(record, ENDPOINT_FIELDS);
  return { ip, port, ...(extra ? { extra } : {}) };
}

/** `<hostname>:<port name>` (the `svc` of endpointz) → hostname and port name. */
function splitSvc(svc: string): { hostname: string; portName: string } {
  const colon = svc.lastIndexOf(':');
  return colon < 0
    ? { hostname: svc, portName: '' }
    : { hostname: svc.slice(0, colon), portName: svc.slice(colon + 1) };
}

/** Every endpoint of an endpointz body, whichever era wrote it. */
export function endpointsOf(value: unknown): FoundEndpoint[] {
  const found: FoundEndpoint[] = [];
  if (Array.isArray(value)) {
    // 1.0–1.19: [{svc, ep: [instance…]}] (≤ 1.11 closes each list with {})
    for (const group of value) {
      if (!isObject(group) || isEmptyObject(group)) continue;
      const svc = text(group.svc);
      if (svc === undefined)
        throw new RegistryFormatError('unexpected-shape', 'An element of /debug/endpointz has no "svc".');
      const { hostname, portName } = splitSvc(svc);
      for (const instance of Array.isArray(group.ep) ? group.ep : []) {
        if (!isObject(instance) || !isObject(instance.endpoint)) continue;
        const endpoint = endpointFrom(instance.endpoint);
        if (endpoint) found.push({ hostname, portName, endpoint });
      }
    }
    return found;
  }
  if (isObject(value)) {
    // 1.20+: {hostname: {namespace: {Shards: {"<provider>/<cluster>": [IstioEndpoint…]}}}}
    for (const [hostname, namespaces] of Object.entries(value)) {
      if (!isObject(namespaces)) continue;
      for (const shards of Object.values(namespaces)) {
        if (!isObject(shards) || !isObject(shards.Shards)) continue;
        for (const list of Object.values(shards.Shards)) {
          for (const record of Array.isArray(list) ? list : []) {
            if (!isObject(record)) continue;
            const endpoint = endpointFrom(record);
            if (endpoint) found.push({ hostname, portName: text(record.ServicePortName) ?? '', endpoint });
          }
        }
      }
    }
    return found;
  }
  throw new RegistryFormatError('unexpected-shape', 'Expected /debug/endpointz to be a JSON array or object.');
}

/** Normalises parsed registryz and (optionally) endpointz JSON. */
export function istiodSnapshot(registryz: unknown, endpointz?: unknown): RegistrySnapshot {
  if (!Array.isArray(registryz))
    throw new RegistryFormatError('unexpected-shape', 'Expected /debug/registryz to be a JSON array of services.');
  const services = new Map<string, RegistryService & { ports: RegistryPort[] }>();
  registryz.forEach((value, index) => {
    if (!isObject(value) || isEmptyObject(value)) return;
    const service = serviceFrom(value, index);
    services.set(service.hostname, service);
  });
  if (endpointz !== undefined) {
    for (const { hostname, portName, endpoint } of endpointsOf(endpointz)) {
      const service = services.get(hostname);
      const port = service?.ports.find((candidate) => candidate.name === portName);
      if (port) (port.endpoints as RegistryEndpoint[]).push(endpoint);
    }
  }
  return { format: 'istiod-debug', services: sortServices([...services.values()]) };
}

/** Parses and normalises the two bodies; malformed JSON throws with line and column (and which body). */
export function parseIstiodDebug(registryzText: string, endpointzText?: string): RegistrySnapshot {
  const registryz = parseJsonText(registryzText);
  let endpointz: unknown;
  if (endpointzText !== undefined) {
    try {
      endpointz = parseJsonText(endpointzText);
    } catch (error) {
      if (error instanceof RegistryFormatError) {
        throw new RegistryFormatError(
          error.problem,
          `/debug/endpointz: ${error.message}`,
          error.line ? { line: error.line, column: error.column!, excerpt: error.excerpt ?? '' } : undefined,
          { cause: error },
        );
      }
      throw error;
    }
  }
  return istiodSnapshot(registryz, endpointz);
}
