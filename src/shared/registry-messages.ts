// The registry viewer's message contract: the normalised registry model (service → ports →
// endpoints) and the messages between the extension and its webview, as discriminated unions with
// validators that both sides run on whatever they receive. No DOM, no Node, no 'vscode'.

/** Which endpoint the registry came from: legacy Pilot's `/v1/registration` or istiod's debug pages. */
export type RegistryFormat = 'legacy-registration' | 'istiod-debug';

/** The control-plane generation: 1.0–1.4 (Pilot, Mixer, Citadel, Galley, injector) or 1.5+ (istiod). */
export type IstioEra = 'legacy' | 'istiod';

export interface EndpointPod {
  readonly namespace: string;
  readonly name: string;
  readonly ready: boolean;
  /** The pod was behind this IP when the registry was fetched and is gone now (ready is then false). */
  readonly gone?: boolean;
}

/** An endpoint, port or service of the registry, as much of its source as the model reads. */
interface RegistryEntry {
  /** Fields of the source the model does not interpret, kept for the raw view. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

export interface RegistryEndpoint extends RegistryEntry {
  readonly ip: string;
  readonly port: number;
  /** The pod behind the IP, when the pod list knows it. */
  readonly pod?: EndpointPod;
}

export interface RegistryPort extends RegistryEntry {
  /** Pilot's service key: `<hostname>|<port name>` (or the hostname alone for an unnamed port). */
  readonly key: string;
  /** Port name; empty for an unnamed port. */
  readonly name: string;
  /** Service port number (istiod reports it; legacy `/v1/registration` only has endpoint ports). */
  readonly port?: number;
  readonly protocol?: string;
  readonly endpoints: readonly RegistryEndpoint[];
}

export interface RegistryService extends RegistryEntry {
  readonly hostname: string;
  /** Kubernetes name and namespace when the hostname is `<name>.<namespace>.svc.<domain>`; else hostname and ''. */
  readonly name: string;
  readonly namespace: string;
  readonly address?: string;
  readonly meshExternal?: boolean;
  readonly ports: readonly RegistryPort[];
}

export interface RegistrySnapshot {
  readonly format: RegistryFormat;
  /** Sorted by namespace, then hostname; ports by name. */
  readonly services: readonly RegistryService[];
}

/** An endpoint's identity across refreshes. */
export function endpointId(portKey: string, endpoint: Pick<RegistryEndpoint, 'ip' | 'port'>): string {
  return `${portKey} ${endpoint.ip}:${endpoint.port}`;
}

export interface RemovedEndpoint {
  readonly namespace: string;
  readonly hostname: string;
  readonly portKey: string;
  readonly portName: string;
  readonly ip: string;
  readonly port: number;
}

export interface RegistryDiff {
  /** endpointId()s present now and not before. */
  readonly added: readonly string[];
  /** Endpoints present before and gone now, shown struck through. */
  readonly removed: readonly RemovedEndpoint[];
}

/** The diagram's components; the webview draws one box per id of the era. */
export const COMPONENT_IDS = [
  'pilot',
  'mixer-policy',
  'mixer-telemetry',
  'citadel',
  'galley',
  'sidecar-injector',
  'istiod',
  'ingressgateway',
  'egressgateway',
  'sidecars',
  'prometheus',
  'grafana',
  'kiali',
  'tracing',
] as const;
export type ComponentId = (typeof COMPONENT_IDS)[number];

export interface ComponentHealth {
  readonly id: ComponentId;
  /** Pods of the component that are ready. */
  readonly ready: number;
  /** Pods of the component that exist (0: missing). */
  readonly desired: number;
  /** Display name (Istio's own, untranslated) and one line on what it does, in the learner's language. */
  readonly title?: string;
  readonly role?: string;
}

export interface EquivalentCommand {
  /** What it does, as a message id of the webview's string table. */
  readonly label: 'commandCurlPod' | 'commandGetRaw' | 'commandIstioctl' | 'commandPortForward';
  readonly command: string;
}

/** How far a proxy is behind Pilot, worst of its four xDS types. */
export type XdsState = 'synced' | 'not-sent' | 'stale';

/** One line of `istioctl proxy-status`: what Pilot sent a proxy and what it acknowledged. */
export interface ProxySyncRow {
  /** `<pod>.<namespace>`, as istioctl prints it. */
  readonly name: string;
  readonly pod: string;
  readonly namespace: string;
  /** istioctl's cells, untranslated as the terminal shows them: `SYNCED`, `NOT SENT`, `STALE (…)`. */
  readonly cds: string;
  readonly lds: string;
  readonly eds: string;
  readonly rds: string;
  /** The Pilot (istiod) pod that answered. */
  readonly pilot: string;
  readonly version: string;
  readonly state: XdsState;
}

/** Pilot's `/debug/syncz` as rows, or why it could not be read (the registry still shows). */
export interface ProxySync {
  readonly rows: readonly ProxySyncRow[];
  /** The same table from a terminal, for the release (`istioctl proxy-status`). */
  readonly command: string;
  /** Set when syncz could not be read: why, in the learner's language. */
  readonly error?: string;
}

export type RegistryTab = 'table' | 'proxies' | 'raw';

/** What the panel remembers across reloads (WebviewPanelSerializer state). */
export interface RegistryViewState {
  readonly filter: string;
  readonly tab: RegistryTab;
  readonly component?: ComponentId;
}

export type ExtensionMessage =
  | { readonly type: 'init'; readonly state: RegistryViewState }
  | { readonly type: 'loading' }
  | {
      readonly type: 'registry';
      readonly era: IstioEra;
      readonly snapshot: RegistrySnapshot;
      /** The body as fetched, for the Raw JSON tab (cut at RAW_DISPLAY_LIMIT characters; export saves all). */
      readonly raw: string;
      readonly rawTruncated: boolean;
      readonly fetchedAt: number;
      /** How it was reached: `service-proxy` or `port-forward`. */
      readonly via: 'service-proxy' | 'port-forward';
      readonly diff?: RegistryDiff;
      readonly commands: readonly EquivalentCommand[];
      /** Set when a later refresh found no Pilot: why, in the learner's language. The table stays, greyed, as of fetchedAt. */
      readonly stale?: string;
      /** What every proxy received (the Proxies tab); absent before the first fetch that tried. */
      readonly proxies?: ProxySync;
    }
  | { readonly type: 'health'; readonly era: IstioEra; readonly components: readonly ComponentHealth[] }
  | { readonly type: 'error'; readonly message: string; readonly commands: readonly EquivalentCommand[] };

export type WebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'refresh' }
  | { readonly type: 'state'; readonly state: RegistryViewState }
  | { readonly type: 'export'; readonly format: 'json' | 'csv' }
  | { readonly type: 'copy'; readonly text: string }
  | { readonly type: 'component'; readonly id: ComponentId }
  | { readonly type: 'revealPod'; readonly namespace: string; readonly name: string };

// ── validation ─────────────────────────────────────────────────────────────────────────────

type Check = (value: unknown) => boolean;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isString: Check = (value) => typeof value === 'string';
const isNumber: Check = (value) => typeof value === 'number' && Number.isFinite(value);
const isBoolean: Check = (value) => typeof value === 'boolean';
const optional =
  (check: Check): Check =>
  (value) =>
    value === undefined || check(value);
const oneOf =
  (...values: readonly unknown[]): Check =>
  (value) =>
    values.includes(value);
const arrayOf =
  (check: Check): Check =>
  (value) => {
    if (!Array.isArray(value)) return false;
    for (let k = 0; k < value.length; k++) if (!check(value[k])) return false;
    return true;
  };
const shape = (fields: Record<string, Check>): Check => {
  const keys = Object.keys(fields);
  const checks = Object.values(fields);
  return (value) => {
    if (!isObject(value)) return false;
    for (let k = 0; k < keys.length; k++) if (!checks[k](value[keys[k]])) return false;
    return true;
  };
};
/** Whether `value` nests at most `max` objects and arrays deep (no recursion: any depth is safe to ask about). */
export function isWithinDepth(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth >= max) return false;
    for (const child of Object.values(next.value)) pending.push({ value: child, depth: next.depth + 1 });
  }
  return true;
}
// Fields the model does not know are kept as they came; a cluster can nest them at any depth.
const optionalRecord: Check = optional((value) => isObject(value) && isWithinDepth(value));

const isComponentId: Check = oneOf(...COMPONENT_IDS);
const isEra: Check = oneOf('legacy', 'istiod');
const isViewState = shape({
  filter: isString,
  tab: oneOf('table', 'proxies', 'raw'),
  component: optional(isComponentId),
});
const isCommand = shape({
  label: oneOf('commandCurlPod', 'commandGetRaw', 'commandIstioctl', 'commandPortForward'),
  command: isString,
});
const isEndpoint = shape({
  ip: isString,
  port: isNumber,
  pod: optional(shape({ namespace: isString, name: isString, ready: isBoolean, gone: optional(isBoolean) })),
  extra: optionalRecord,
});
const isPort = shape({
  key: isString,
  name: isString,
  port: optional(isNumber),
  protocol: optional(isString),
  endpoints: arrayOf(isEndpoint),
  extra: optionalRecord,
});
const isService = shape({
  hostname: isString,
  name: isString,
  namespace: isString,
  address: optional(isString),
  meshExternal: optional(isBoolean),
  ports: arrayOf(isPort),
  extra: optionalRecord,
});
const isSnapshot = shape({ format: oneOf('legacy-registration', 'istiod-debug'), services: arrayOf(isService) });
const isRemoved = shape({
  namespace: isString,
  hostname: isString,
  portKey: isString,
  portName: isString,
  ip: isString,
  port: isNumber,
});
const isDiff = shape({ added: arrayOf(isString), removed: arrayOf(isRemoved) });
const isProxyRow = shape({
  name: isString,
  pod: isString,
  namespace: isString,
  cds: isString,
  lds: isString,
  eds: isString,
  rds: isString,
  pilot: isString,
  version: isString,
  state: oneOf('synced', 'not-sent', 'stale'),
});
const isProxySync = shape({ rows: arrayOf(isProxyRow), command: isString, error: optional(isString) });
const isHealth = shape({
  id: isComponentId,
  ready: isNumber,
  desired: isNumber,
  title: optional(isString),
  role: optional(isString),
});

const extensionMessages: Record<ExtensionMessage['type'], Check> = {
  init: shape({ state: isViewState }),
  loading: () => true,
  registry: shape({
    era: isEra,
    snapshot: isSnapshot,
    raw: isString,
    rawTruncated: isBoolean,
    fetchedAt: isNumber,
    via: oneOf('service-proxy', 'port-forward'),
    diff: optional(isDiff),
    commands: arrayOf(isCommand),
    stale: optional(isString),
    proxies: optional(isProxySync),
  }),
  health: shape({ era: isEra, components: arrayOf(isHealth) }),
  error: shape({ message: isString, commands: arrayOf(isCommand) }),
};

const webviewMessages: Record<WebviewMessage['type'], Check> = {
  ready: () => true,
  refresh: () => true,
  state: shape({ state: isViewState }),
  export: shape({ format: oneOf('json', 'csv') }),
  copy: shape({ text: isString }),
  component: shape({ id: isComponentId }),
  revealPod: shape({ namespace: isString, name: isString }),
};

function validate<T extends { type: string }>(checks: Record<string, Check>, value: unknown): T | undefined {
  if (!isObject(value) || typeof value.type !== 'string' || !Object.hasOwn(checks, value.type)) return undefined;
  return checks[value.type](value) ? (value as T) : undefined;
}

/** The message when it is a well-formed ExtensionMessage (what the webview accepts), else undefined. */
export function asExtensionMessage(value: unknown): ExtensionMessage | undefined {
  return validate<ExtensionMessage>(extensionMessages, value);
}

/** The message when it is a well-formed WebviewMessage (what the extension accepts), else undefined. */
export function asWebviewMessage(value: unknown): WebviewMessage | undefined {
  return validate<WebviewMessage>(webviewMessages, value);
}

/** A persisted view state when it is well-formed (serializer state comes from disk). */
export function asViewState(value: unknown): RegistryViewState | undefined {
  return isViewState(value) ? (value as RegistryViewState) : undefined;
}

/**
 * The deepest nesting of objects and arrays a registry may have. Real ones nest under 10 levels;
 * JSON.stringify (postMessage) and the webview's readers recurse, and overflow at some thousands.
 */
export const MAX_JSON_DEPTH = 100;

/** The Raw JSON tab shows this many characters; beyond, it says so and export has the rest. */
export const RAW_DISPLAY_LIMIT = 1_000_000;

export const DEFAULT_VIEW_STATE: RegistryViewState = { filter: '', tab: 'table' };
