// The registry as the rows of a grouped table (namespace → service → port → endpoint), with the
// search filter, the diagram's component filter, collapsed groups and the refresh highlights.
// Pure and DOM-free. 10,000 services make 90,000 rows, so rows are not objects until shown: the
// index is a flat table (a kind code and the model object per row, in expanded order) built once
// per registry message, a filter yields row numbers, and `at(i)` makes the one Row a view draws.
// What a registry message brings, and the model objects a row holds.
import type { ComponentId, RegistryDiff, RegistrySnapshot } from '../shared/registry-messages';
import type { RegistryEndpoint, RegistryPort, RegistryService, RemovedEndpoint } from '../shared/registry-messages';
import { endpointId } from '../shared/registry-messages';
import { ISTIO_NAMESPACE } from '../shared/istio-defaults';

export type Row =
  | {
      readonly kind: 'namespace';
      readonly id: string;
      readonly namespace: string;
      readonly services: number;
      readonly endpoints: number;
    }
  | {
      readonly kind: 'service';
      readonly id: string;
      readonly service: RegistryService;
      readonly endpoints: number;
      readonly removed: boolean;
    }
  | { readonly kind: 'port'; readonly id: string; readonly port: RegistryPort; readonly removed: boolean }
  | { readonly kind: 'endpoint'; readonly endpoint: RegistryEndpoint; readonly added: boolean }
  | { readonly kind: 'removed'; readonly removed: RemovedEndpoint }
  | { readonly kind: 'no-endpoints'; readonly port: RegistryPort };

export const ROW_LEVEL: Readonly<Record<Row['kind'], number>> = {
  namespace: 1,
  service: 2,
  port: 3,
  endpoint: 4,
  removed: 4,
  'no-endpoints': 4,
};

const SERVICE = 1;
const PORT = 2;
const ENDPOINT = 3;
const REMOVED = 4;
const NO_ENDPOINTS = 5;
const FLAG_ADDED = 1;
const FLAG_REMOVED = 2;

interface IndexedPort {
  /** Flat row of the port; its endpoint, removed and no-endpoint rows follow up to `end`. */
  readonly at: number;
  readonly end: number;
}

/** Lower-case search texts, built on the first search (or when the browser is idle), not before the first paint. */
interface SearchTexts {
  /** hostname, namespace, name and address: a match shows the whole service. */
  readonly head: string;
  /** head plus every port and endpoint text: no match here skips the service at once. */
  readonly all: string;
  /** One text per flat row of the service, from its first port row on. */
  readonly rows: readonly string[];
}

interface IndexedService {
  readonly service: RegistryService;
  /** Flat rows [at, end): the service row, then its ports with their endpoints. */
  readonly at: number;
  readonly end: number;
  readonly ports: readonly IndexedPort[];
  readonly endpoints: number;
  texts?: SearchTexts;
}

export interface RegistryIndex {
  readonly namespaces: readonly { readonly namespace: string; readonly services: readonly IndexedService[] }[];
  readonly serviceCount: number;
  readonly kinds: Uint8Array;
  readonly flags: Uint8Array;
  readonly items: readonly unknown[];
  /** The rows with no filter and nothing collapsed, kept once built (clearing a search is instant). */
  unfiltered?: VisibleRows;
  /** The last filters' rows, most recent last: backspacing is a lookup, typing on narrows them. */
  readonly recent: Map<string, VisibleRows>;
}

/** How many recent filters an index keeps (a query typed and deleted again is about 20). */
const RECENT_FILTERS = 48;

type ServiceGroups = readonly { readonly namespace: string; readonly services: readonly IndexedService[] }[];

function textOfRow(index: RegistryIndex, row: number): string {
  const item = index.items[row];
  switch (index.kinds[row]) {
    case PORT: {
      const port = item as RegistryPort;
      return `${port.key} ${port.name} ${port.port ?? ''} ${port.protocol ?? ''}`.toLowerCase();
    }
    case ENDPOINT: {
      const endpoint = item as RegistryEndpoint;
      const address = `${endpoint.ip}:${endpoint.port}`;
      return endpoint.pod
        ? `${address} ${endpoint.pod.namespace}/${endpoint.pod.name}`.toLowerCase()
        : address.toLowerCase();
    }
    case REMOVED: {
      const removed = item as RemovedEndpoint;
      return `${removed.ip}:${removed.port}`;
    }
    default:
      return '';
  }
}

function textsOf(index: RegistryIndex, indexed: IndexedService): SearchTexts {
  if (indexed.texts) return indexed.texts;
  const { service } = indexed;
  const head = `${service.hostname} ${service.namespace} ${service.name} ${service.address ?? ''}`.toLowerCase();
  const rows: string[] = [];
  for (let row = indexed.at + 1; row < indexed.end; row++) rows.push(textOfRow(index, row));
  indexed.texts = { head, all: `${head} ${rows.join(' ')}`, rows };
  return indexed.texts;
}

/** Builds every service's search texts now (the viewer calls it once the table is painted). */
export function prepareSearch(index: RegistryIndex): void {
  for (const group of index.namespaces) for (const indexed of group.services) textsOf(index, indexed);
}

const NONE_REMOVED: readonly RemovedEndpoint[] = [];

/** Builds the flat table, with the endpoints a refresh removed put back under their ports. */
export function indexRegistry(snapshot: RegistrySnapshot, diff?: RegistryDiff): RegistryIndex {
  const added = new Set(diff?.added ?? []);
  const removedByPort = new Map<string, RemovedEndpoint[]>();
  for (const removed of diff?.removed ?? []) {
    const list = removedByPort.get(removed.portKey) ?? [];
    list.push(removed);
    removedByPort.set(removed.portKey, list);
  }
  // Ports (or whole services) that are gone keep their removed endpoints in a struck-through service.
  // Without removed endpoints (the first registry, and most refreshes) there is nothing to look up.
  const anyRemoved = removedByPort.size > 0;
  const ghosts = new Map<string, RegistryService & { ports: RegistryPort[] }>();
  if (anyRemoved) {
    const present = new Set<string>();
    for (const service of snapshot.services) for (const port of service.ports) present.add(port.key);
    for (const [portKey, list] of removedByPort) {
      if (present.has(portKey)) continue;
      const first = list[0];
      let ghost = ghosts.get(first.hostname);
      if (!ghost) {
        ghost = { hostname: first.hostname, name: first.hostname.split('.')[0], namespace: first.namespace, ports: [] };
        ghosts.set(first.hostname, ghost);
      }
      ghost.ports.push({ key: portKey, name: first.portName, endpoints: [] });
    }
  }
  const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const services: readonly RegistryService[] = snapshot.services;
  const ghostRows = new Set<RegistryService>();
  let ordered = services;
  if (ghosts.size > 0) {
    for (const ghost of ghosts.values()) ghostRows.add(ghost);
    ordered = [...services, ...ghostRows].sort(
      (a, b) => compare(a.namespace, b.namespace) || compare(a.hostname, b.hostname),
    );
  }
  const goneOf = (port: RegistryPort): readonly RemovedEndpoint[] =>
    (anyRemoved && removedByPort.get(port.key)) || NONE_REMOVED;
  let size = 0;
  for (const service of ordered) {
    size++;
    for (const port of service.ports) size += 1 + Math.max(1, port.endpoints.length + goneOf(port).length);
  }
  const kinds = new Uint8Array(size);
  const flags = new Uint8Array(size);
  const items: unknown[] = new Array(size);
  let row = 0;
  const put = (kind: number, item: unknown, flag = 0): void => {
    kinds[row] = kind;
    items[row] = item;
    flags[row] = flag;
    row++;
  };
  const anyAdded = added.size > 0;
  const namespaces: { namespace: string; services: IndexedService[] }[] = [];
  let last: { namespace: string; services: IndexedService[] } | undefined;
  for (const service of ordered) {
    const at = row;
    const removed = ghostRows.has(service);
    put(SERVICE, service, removed ? FLAG_REMOVED : 0);
    let endpoints = 0;
    const ports: IndexedPort[] = [];
    for (const port of service.ports) {
      const portAt = row;
      put(PORT, port, removed ? FLAG_REMOVED : 0);
      endpoints += port.endpoints.length;
      for (const endpoint of port.endpoints)
        put(ENDPOINT, endpoint, anyAdded && added.has(endpointId(port.key, endpoint)) ? FLAG_ADDED : 0);
      const gone = goneOf(port);
      for (const entry of gone) put(REMOVED, entry);
      if (port.endpoints.length === 0 && gone.length === 0) put(NO_ENDPOINTS, port);
      ports.push({ at: portAt, end: row });
    }
    const indexed: IndexedService = { service, at, end: row, ports, endpoints };
    if (last && last.namespace === service.namespace) last.services.push(indexed);
    else namespaces.push((last = { namespace: service.namespace, services: [indexed] }));
  }
  return { namespaces, serviceCount: snapshot.services.length, kinds, flags, items, recent: new Map() };
}

const ISTIO_SERVICES: Partial<Record<ComponentId, readonly string[]>> = {
  pilot: ['istio-pilot'],
  istiod: ['istiod'],
  'mixer-policy': ['istio-policy'],
  'mixer-telemetry': ['istio-telemetry'],
  citadel: ['istio-citadel'],
  galley: ['istio-galley'],
  'sidecar-injector': ['istio-sidecar-injector'],
  ingressgateway: ['istio-ingressgateway'],
  egressgateway: ['istio-egressgateway'],
  prometheus: ['prometheus'],
  grafana: ['grafana'],
  kiali: ['kiali'],
  tracing: ['tracing', 'zipkin', 'jaeger-query', 'jaeger-collector', 'jaeger-agent'],
};

/** Whether a service belongs to a diagram component: its own Services, or (sidecars) the services of the mesh's workloads. */
export function belongsTo(component: ComponentId, service: RegistryService, istioNamespace = ISTIO_NAMESPACE): boolean {
  if (component === 'sidecars')
    return service.namespace !== '' && service.namespace !== istioNamespace && service.namespace !== 'kube-system';
  return service.namespace === istioNamespace && (ISTIO_SERVICES[component] ?? []).includes(service.name);
}

export interface RowFilter {
  /** Free text, matched case-insensitively against hostnames, keys, ports, IPs and pod names. */
  readonly query: string;
  readonly component?: ComponentId;
  /** Ids of collapsed namespace, service and port rows. */
  readonly collapsed: ReadonlySet<string>;
}

interface NamespaceHeader {
  readonly namespace: string;
  services: number;
  endpoints: number;
}

/** The rows a filter shows: flat row numbers, and negative codes for the namespace headers. */
export class VisibleRows {
  constructor(
    private readonly index: RegistryIndex,
    private readonly codes: Int32Array,
    private readonly headers: readonly NamespaceHeader[],
    /** How many services the filter shows. */
    readonly services: number,
    /** The query and the services it matched, by namespace (collapsed or not): a longer query only looks among these. */
    readonly query: string,
    readonly matched: ServiceGroups,
  ) {}

  get length(): number {
    return this.codes.length;
  }

  /** The row at position `i`, made for drawing it. */
  at(i: number): Row {
    const code = this.codes[i];
    if (code < 0) {
      const header = this.headers[-code - 1];
      return {
        kind: 'namespace',
        id: `ns ${header.namespace}`,
        namespace: header.namespace,
        services: header.services,
        endpoints: header.endpoints,
      };
    }
    const { kinds, flags, items } = this.index;
    const item = items[code];
    switch (kinds[code]) {
      case SERVICE: {
        const service = item as RegistryService;
        let endpoints = 0;
        for (const port of service.ports) endpoints += port.endpoints.length;
        return {
          kind: 'service',
          id: serviceId(service),
          service,
          endpoints,
          removed: (flags[code] & FLAG_REMOVED) !== 0,
        };
      }
      case PORT:
        return {
          kind: 'port',
          id: portId(item as RegistryPort),
          port: item as RegistryPort,
          removed: (flags[code] & FLAG_REMOVED) !== 0,
        };
      case ENDPOINT:
        return { kind: 'endpoint', endpoint: item as RegistryEndpoint, added: (flags[code] & FLAG_ADDED) !== 0 };
      case REMOVED:
        return { kind: 'removed', removed: item as RemovedEndpoint };
      default:
        return { kind: 'no-endpoints', port: item as RegistryPort };
    }
  }

  /** The level (1 namespace … 4 endpoint) of the row at `i`, without making it. */
  levelAt(i: number): number {
    const code = this.codes[i];
    return code < 0 ? 1 : Math.min(4, this.index.kinds[code] + 1);
  }
}

const serviceId = (service: RegistryService): string => `svc ${service.hostname}`;
const portId = (port: RegistryPort): string => `port ${port.key}`;

/** Row codes being collected: a typed array as long as the whole table, so pushes never reallocate. */
class Codes {
  private readonly array: Int32Array;
  length = 0;
  constructor(capacity: number) {
    this.array = new Int32Array(capacity);
  }
  push(code: number): void {
    this.array[this.length++] = code;
  }
  pushRange(from: number, to: number): void {
    for (let row = from; row < to; row++) this.array[this.length++] = row;
  }
  pop(): void {
    this.length--;
  }
  /** The collected codes, copied to their own length (a narrow search keeps a small array). */
  done(): Int32Array {
    return this.array.slice(0, this.length);
  }
}

/** The service's rows for a query (already known to occur in it somewhere) and the collapsed groups. */
function serviceRows(
  index: RegistryIndex,
  codes: Codes,
  indexed: IndexedService,
  query: string,
  collapsed: ReadonlySet<string>,
): void {
  const texts = query ? textsOf(index, indexed) : undefined;
  const whole = !texts || texts.head.includes(query);
  if (whole && collapsed.size === 0) return codes.pushRange(indexed.at, indexed.end);
  codes.push(indexed.at);
  if (collapsed.size > 0 && collapsed.has(serviceId(indexed.service))) return;
  const text = (row: number): string => texts!.rows[row - indexed.at - 1];
  for (const port of indexed.ports) {
    const portCollapsed = collapsed.size > 0 && collapsed.has(portId(index.items[port.at] as RegistryPort));
    if (whole || text(port.at).includes(query)) {
      codes.push(port.at);
      if (!portCollapsed) codes.pushRange(port.at + 1, port.end);
      continue;
    }
    // Only the matching endpoints, under their port's row (pushed at the first match).
    let shown = false;
    for (let row = port.at + 1; row < port.end; row++) {
      if (index.kinds[row] === NO_ENDPOINTS || !text(row).includes(query)) continue;
      if (!shown) {
        codes.push(port.at);
        shown = true;
        if (portCollapsed) break;
      }
      codes.push(row);
    }
  }
}

/** The visible rows for a filter. */
export function visibleRows(index: RegistryIndex, filter: RowFilter): VisibleRows {
  const query = filter.query.trim().toLowerCase();
  const unfiltered = !query && !filter.component && filter.collapsed.size === 0;
  if (unfiltered && index.unfiltered) return index.unfiltered;
  // Filters that differ only in the query share a scope; within it a query that extends an earlier
  // one can only match services that one matched.
  const scope = `${filter.component ?? ''}\n${[...filter.collapsed].sort().join('\n')}\n`;
  const known = index.recent.get(scope + query);
  if (known) {
    index.recent.delete(scope + query);
    index.recent.set(scope + query, known);
    return known;
  }
  let candidates: ServiceGroups = index.namespaces;
  let narrowedFrom = -1;
  for (const [key, rows] of index.recent) {
    if (key === scope + rows.query && query.startsWith(rows.query) && rows.query.length > narrowedFrom) {
      candidates = rows.matched;
      narrowedFrom = rows.query.length;
    }
  }
  const codes = new Codes(index.kinds.length + index.namespaces.length);
  const headers: NamespaceHeader[] = [];
  const matched: { namespace: string; services: IndexedService[] }[] = [];
  let shownServices = 0;
  for (const group of candidates) {
    // The namespace row goes first; its counts are known once its services are walked.
    const header: NamespaceHeader = { namespace: group.namespace, services: 0, endpoints: 0 };
    codes.push(-(headers.length + 1));
    const collapsedNamespace = filter.collapsed.size > 0 && filter.collapsed.has(`ns ${group.namespace}`);
    const services: IndexedService[] = [];
    for (const indexed of group.services) {
      if (narrowedFrom < 0 && filter.component && !belongsTo(filter.component, indexed.service)) continue;
      if (query && !textsOf(index, indexed).all.includes(query)) continue;
      services.push(indexed);
      header.endpoints += indexed.endpoints;
      if (!collapsedNamespace) serviceRows(index, codes, indexed, query, filter.collapsed);
    }
    header.services = services.length;
    if (services.length > 0) {
      headers.push(header);
      matched.push({ namespace: group.namespace, services });
      shownServices += services.length;
    } else codes.pop();
  }
  const result = new VisibleRows(index, codes.done(), headers, shownServices, query, matched);
  if (unfiltered) index.unfiltered = result;
  index.recent.set(scope + query, result);
  if (index.recent.size > RECENT_FILTERS) index.recent.delete(index.recent.keys().next().value!);
  return result;
}

/** The text a row copies: a service's hostname, a port's service key, an endpoint's `ip:port`. */
export function rowCopyText(row: Row): string {
  switch (row.kind) {
    case 'namespace':
      return row.namespace;
    case 'service':
      return row.service.hostname;
    case 'port':
    case 'no-endpoints':
      return row.port.key;
    case 'endpoint':
      return `${row.endpoint.ip}:${row.endpoint.port}`;
    case 'removed':
      return `${row.removed.ip}:${row.removed.port}`;
  }
}
