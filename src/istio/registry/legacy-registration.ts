// Legacy Pilot's `GET /v1/registration` (Istio 0.8–1.4): an array of
// `{"service-key": "<hostname>|<port name>", "hosts": [{"ip_address", "port"}]}`, one entry per
// service port, normalised into the registry model. Also accepts 0.x's per-key answer
// `{"hosts": […]}` when the key is given. See test/fixtures/istio/registry/FORMATS.md §1.
import type { RegistryEndpoint, RegistryPort, RegistryService, RegistrySnapshot } from '../../shared/registry-messages';
import { parseJsonText, RegistryFormatError } from './json-text';
import { sortServices, splitHostname, unknownFields } from './registry-model';

const ENTRY_FIELDS = new Set(['service-key', 'hosts']);
const HOST_FIELDS = new Set(['ip_address', 'port']);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function shapeError(message: string): RegistryFormatError {
  return new RegistryFormatError('unexpected-shape', message);
}

function hostsOf(value: unknown, key: string): RegistryEndpoint[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw shapeError(`"hosts" of "${key}" is not an array.`);
  return value.map((host, index) => {
    if (!isObject(host) || typeof host.ip_address !== 'string' || typeof host.port !== 'number') {
      throw shapeError(`Host ${index + 1} of "${key}" has no "ip_address" and numeric "port".`);
    }
    const extra = unknownFields(host, HOST_FIELDS);
    return { ip: host.ip_address, port: host.port, ...(extra ? { extra } : {}) };
  });
}

/** `<hostname>|<port name>` → hostname and port name ('' when the port is unnamed). */
export function splitServiceKey(key: string): { hostname: string; portName: string } {
  const bar = key.indexOf('|');
  return bar < 0 ? { hostname: key, portName: '' } : { hostname: key.slice(0, bar), portName: key.slice(bar + 1) };
}

/** Normalises parsed `/v1/registration` JSON. `key` names the service of a per-key (0.x) answer. */
export function registrationSnapshot(value: unknown, key?: string): RegistrySnapshot {
  const entries: unknown[] = Array.isArray(value)
    ? value
    : isObject(value) && key !== undefined
      ? [{ ...value, 'service-key': key }]
      : [];
  if (!Array.isArray(value) && entries.length === 0)
    throw shapeError('Expected a JSON array of {"service-key", "hosts"} entries.');
  const services = new Map<string, RegistryService & { ports: RegistryPort[] }>();
  entries.forEach((entry, index) => {
    if (!isObject(entry) || typeof entry['service-key'] !== 'string')
      throw shapeError(`Entry ${index + 1} has no "service-key".`);
    const serviceKey = entry['service-key'];
    const { hostname, portName } = splitServiceKey(serviceKey);
    let service = services.get(hostname);
    if (!service) {
      service = { hostname, ...splitHostname(hostname), ports: [] };
      services.set(hostname, service);
    }
    const extra = unknownFields(entry, ENTRY_FIELDS);
    service.ports.push({
      key: serviceKey,
      name: portName,
      endpoints: hostsOf(entry.hosts, serviceKey),
      ...(extra ? { extra } : {}),
    });
  });
  return { format: 'legacy-registration', services: sortServices([...services.values()]) };
}

/** Parses and normalises a `/v1/registration` body; malformed JSON throws with line and column. */
export function parseRegistration(text: string, key?: string): RegistrySnapshot {
  return registrationSnapshot(parseJsonText(text), key);
}
