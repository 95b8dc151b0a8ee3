// The debug pages of Pilot and istiod that are not about the service registry: `/debug/syncz` of
// Pilot 1.0–1.4 and of istiod (the proxies connected to it and the xDS nonces they acknowledged:
// NOT SENT before the first push, STALE under the `proxyAckDelay` fault), istiod's `/version`,
// and legacy Pilot's `/debug/configz` (the Istio configuration it read). Shapes follow Istio's
// `pilot/pkg/xds/debug.go` (SyncStatus), `pkg/version` (BuildInfo.String) and Pilot 1.2's
// hand-written configz stream. Pure: objects in, values or text out.
import { createHash } from 'node:crypto';
import type { KubeObject } from '../apimachinery/kube-object';
import { goMarshalIndent } from './pilot-registry';

/** Tag commits of the releases the fixtures name (see registry/FORMATS.md); others report `unknown` as dev builds do. */
const RELEASE_COMMITS: Record<string, string> = {
  '1.5.0': 'c3c353285578eb68b334fc8766746b754b6b3789',
  '1.11.0': '57d639a4fd19ee8c3559b9a4032f91e4d23c6f14',
  '1.12.0': '016bc46f4a5e0ef3fa135b3c5380ab7765467c1a',
  '1.16.0': '8f2e2dc5d57f6f1f7a453e03ec96ca72b2205783',
  '1.20.0': '6869a6c2371e21c847d216065cf5c59863d01b4c',
  '1.26.1': '2ce3ad897b984a045d9d5f80a8c1bb8eefdf88f5',
};

/** istiod's monitoring `/version`: `version.Info.String()`, `<version>-<revision>-<status>-<tag>-<go version>`. */
export function istiodVersion(tag: string): string {
  const commit = RELEASE_COMMITS[tag];
  return commit ? `${tag}-${commit}-Clean-${tag}-go1.24.3` : `${tag}-unknown-unknown-unknown-go1.24.3`;
}

interface Container {
  name?: string;
  image?: string;
  args?: string[];
}

/** A nonce as istiod sends it: stable per proxy and type, so sent equals acked on a synced proxy. */
function nonce(proxyId: string, type: string): string {
  const hex = createHash('sha256').update(`${proxyId}/${type}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Where a proxy's xDS stream stands: nothing pushed yet, every push acknowledged, or the last push not acknowledged. */
export type ProxySync = 'not-sent' | 'synced' | 'stale' | 'never-acked';

/** An Envoy holding an xDS stream to Pilot: a sidecar, or a gateway's `proxy router`. */
export interface ConnectedProxy {
  readonly pod: KubeObject;
  readonly type: 'sidecar' | 'router';
  readonly version: string;
  /** When `istio-proxy` started: the stream opened then (ms since the epoch). */
  readonly connectedAt: number;
  readonly sync: ProxySync;
}

/** Which proxies have their ACKs delayed (the `proxyAckDelay` fault): `never` when none came back at all. */
export type AckDelay = (pod: KubeObject) => 'delayed' | 'never' | undefined;

interface ContainerStatus {
  name?: string;
  ready?: boolean;
  state?: { running?: { startedAt?: string } };
}

/**
 * The Envoy of a running pod, if it would hold an xDS stream. pilot-agent reports ready only once
 * Envoy has its first listeners (Istio 1.2 pilot/cmd/pilot-agent/status/ready), so a running but
 * unready `istio-proxy` has connected and not been pushed to yet: NOT SENT.
 */
function connectedProxy(pod: KubeObject, ackDelay?: AckDelay): ConnectedProxy | undefined {
  if ((pod.status as { phase?: string } | undefined)?.phase !== 'Running' || pod.metadata.deletionTimestamp)
    return undefined;
  const spec = (pod.spec ?? {}) as { containers?: Container[]; initContainers?: Container[] };
  const all = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  const proxy = all.find((c) => c.name === 'istio-proxy' && /\/proxyv2:/.test(c.image ?? ''));
  // Istio 1.0–1.4's Pilot and Mixer sidecars boot from a static `--templateFile` and hold no xDS stream.
  if (!proxy || proxy.args?.includes('--templateFile')) return undefined;
  const status = ((pod.status as { containerStatuses?: ContainerStatus[] }).containerStatuses ?? []).find(
    (c) => c.name === 'istio-proxy',
  );
  const startedAt = status?.state?.running?.startedAt;
  if (!startedAt) return undefined;
  const delay = ackDelay?.(pod);
  const sync: ProxySync = !status.ready
    ? 'not-sent'
    : delay === 'never'
      ? 'never-acked'
      : delay === 'delayed'
        ? 'stale'
        : 'synced';
  const version = (proxy.image ?? '').replace(/^.*:/, '');
  return {
    pod,
    type: proxy.args?.includes('router') ? 'router' : 'sidecar',
    version,
    connectedAt: Date.parse(startedAt),
    sync,
  };
}

/** The proxies connected to Pilot, optionally of one namespace. */
export function connectedProxies(
  pods: readonly KubeObject[],
  ackDelay?: AckDelay,
  namespace?: string,
): ConnectedProxy[] {
  return pods.flatMap((pod) =>
    namespace && pod.metadata.namespace !== namespace ? [] : (connectedProxy(pod, ackDelay) ?? []),
  );
}

const XDS_FIELDS = [
  ['cluster', 'cds'],
  ['listener', 'lds'],
  ['route', 'rds'],
  ['endpoint', 'eds'],
] as const;

/**
 * The pushes Pilot made: one when each proxy connected (its endpoints changed every proxy's EDS),
 * so the last push followed the last connection. `count` numbers them as istiod's push versions do.
 */
function pushes(proxies: readonly ConnectedProxy[]): { last: number; count: number; rank(at: number): number } {
  const times = proxies
    .filter((proxy) => proxy.sync !== 'not-sent')
    .map((proxy) => proxy.connectedAt)
    .sort((a, b) => a - b);
  return {
    last: times.length ? times[times.length - 1] : 0,
    count: times.length,
    rank: (at) => times.filter((time) => time <= at).length,
  };
}

/** istiod's PushVersion, `time.Now().Format(time.RFC3339) + "/" + <push count>`, that prefixes its nonces. */
function pushVersion(at: number, count: number): string {
  return `${new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z')}/${count}`;
}

/**
 * `/debug/syncz` of istiod 1.5+: one SyncStatus per connected proxy (sorted like `SortedClients`);
 * nonces are `nonce(req.Push.PushVersion)`, the push version followed by a UUID (pilot/pkg/xds).
 */
export function istiodSyncz(
  pods: readonly KubeObject[],
  namespace?: string,
  ackDelay?: AckDelay,
): Record<string, string>[] {
  const all = connectedProxies(pods, ackDelay);
  const pushed = pushes(all);
  const result: Record<string, string>[] = [];
  for (const proxy of all.filter((candidate) => !namespace || candidate.pod.metadata.namespace === namespace)) {
    const id = `${proxy.pod.metadata.name}.${proxy.pod.metadata.namespace}`;
    const entry: Record<string, string> = {
      cluster_id: 'Kubernetes',
      proxy: id,
      proxy_type: proxy.type,
      istio_version: proxy.version,
    };
    const latest = pushVersion(pushed.last, pushed.count);
    const first = pushVersion(proxy.connectedAt, pushed.rank(proxy.connectedAt));
    // The push a delayed proxy has not acknowledged: the last one, or one after its own first.
    const unacknowledged =
      proxy.connectedAt + 1000 > pushed.last ? pushVersion(proxy.connectedAt + 1000, pushed.count + 1) : latest;
    // Fields are omitempty: a proxy not pushed to has no nonces, one never acknowledged no acked ones.
    for (const [field, type] of XDS_FIELDS) {
      if (proxy.sync === 'not-sent') continue;
      entry[`${field}_sent`] =
        proxy.sync === 'synced' ? `${latest}${nonce(id, type)}` : `${unacknowledged}${nonce(id, `${type}/next`)}`;
      if (proxy.sync !== 'never-acked')
        entry[`${field}_acked`] = proxy.sync === 'synced' ? entry[`${field}_sent`] : `${first}${nonce(id, type)}`;
    }
    result.push(entry);
  }
  return result.sort((a, b) => (a.proxy < b.proxy ? -1 : a.proxy > b.proxy ? 1 : 0));
}

/** Go's `time.Time.String()` in UTC with its monotonic reading: `2019-07-01 10:00:00.123456789 +0000 UTC m=+12.300000000`. */
export function goTimeString(epochMs: number, subMsNanos: number, monotonicNanos: number): string {
  const iso = new Date(epochMs).toISOString();
  const fraction = `${iso.slice(20, 23)}${String(subMsNanos).padStart(6, '0')}`.replace(/0+$/, '');
  const sign = monotonicNanos < 0 ? '-' : '+';
  const monotonic = Math.abs(Math.round(monotonicNanos));
  const seconds = Math.floor(monotonic / 1e9);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction ? `.${fraction}` : ''} +0000 UTC m=${sign}${seconds}.${String(monotonic - seconds * 1e9).padStart(9, '0')}`;
}

/** Pilot 1.2's nonce, `time.Now().String()` at the push: CDS first, then EDS, LDS and RDS a few milliseconds apart. */
function legacyNonce(proxyId: string, pushAt: number, type: string, pilotStartedAt: number): string {
  const order = ['cds', 'eds', 'lds', 'rds'].indexOf(type);
  const hash = createHash('sha256').update(`${proxyId}/${pushAt}/${type}`).digest();
  const at = pushAt + 120 + order * 3 + (hash[0] % 3);
  const nanos = hash.readUInt32BE(1) % 1_000_000;
  return goTimeString(at, nanos, (at - pilotStartedAt) * 1e6 + nanos);
}

/** Pilot 1.2's node ID: `<type>~<pod IP>~<pod>.<ns>~<ns>.svc.cluster.local`. */
export function legacyProxyId(proxy: ConnectedProxy): string {
  const { name, namespace } = proxy.pod.metadata;
  const ip = (proxy.pod.status as { podIP?: string } | undefined)?.podIP ?? '';
  return `${proxy.type}~${ip}~${name}.${namespace}~${namespace}.svc.cluster.local`;
}

/**
 * Pilot 1.0–1.4's `/debug/syncz` (istio/istio 1.2.2 pilot/pkg/proxy/envoy/v2/debug.go, Syncz):
 * `json.MarshalIndent(syncz, "", "    ")` of SyncStatus values, every field omitempty. Each proxy
 * got a push when it connected, and every proxy got one when the last of them connected (its
 * endpoints changed); a proxy whose ACK is delayed acknowledged only its first. Go ranges over a map
 * of clients (no order); the sandbox sorts by node ID so that answers are stable.
 */
export function legacySyncz(pods: readonly KubeObject[], pilotStartedAt: number, ackDelay?: AckDelay): string {
  const proxies = connectedProxies(pods, ackDelay);
  const lastPush = pushes(proxies).last;
  const entries = proxies.map((proxy) => {
    const id = legacyProxyId(proxy);
    const entry: Record<string, string | number> = { proxy: id, istio_version: proxy.version };
    if (proxy.sync === 'not-sent') return entry;
    const latest =
      proxy.sync === 'synced' ? Math.max(lastPush, proxy.connectedAt) : Math.max(lastPush, proxy.connectedAt + 1000);
    for (const [field, type] of XDS_FIELDS) {
      entry[`${field}_sent`] = legacyNonce(id, latest, type, pilotStartedAt);
      if (proxy.sync === 'synced') entry[`${field}_acked`] = entry[`${field}_sent`];
      else if (proxy.sync === 'stale')
        entry[`${field}_acked`] = legacyNonce(id, proxy.connectedAt, type, pilotStartedAt);
    }
    entry.endpoint_percent = 100;
    return entry;
  });
  entries.sort((a, b) => (a.proxy < b.proxy ? -1 : a.proxy > b.proxy ? 1 : 0));
  return JSON.stringify(entries, null, '    ');
}

/** Pilot 1.2's config type name: the kind in kebab case (`VirtualService` → `virtual-service`). */
function configType(kind: string): string {
  return kind.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** The Istio API groups Pilot 1.2's config store reads. */
export const PILOT_CONFIG_GROUPS = ['networking.istio.io', 'authentication.istio.io', 'rbac.istio.io'];

/** Pilot 1.2's `/debug/configz`: `model.Config` values (ConfigMeta inline, then `Spec`), each indented, closed by `{}`. */
export function legacyConfigz(configs: readonly KubeObject[]): string {
  let body = '\n[\n';
  for (const config of configs) {
    const [group, version] = config.apiVersion.split('/');
    const meta = config.metadata;
    const value = {
      type: configType(config.kind),
      group,
      version,
      name: meta.name,
      ...(meta.namespace ? { namespace: meta.namespace } : {}),
      domain: 'cluster.local',
      ...(meta.labels && Object.keys(meta.labels).length ? { labels: meta.labels } : {}),
      ...(meta.annotations && Object.keys(meta.annotations).length ? { annotations: meta.annotations } : {}),
      resourceVersion: meta.resourceVersion,
      creationTimestamp: meta.creationTimestamp,
      Spec: (config as { spec?: unknown }).spec ?? {},
    };
    body += `${goMarshalIndent(value, '  ', '  ')},\n`;
  }
  return `${body}\n{}]`;
}

interface ShardzInput {
  readonly services: readonly KubeObject[];
  readonly endpoints: readonly KubeObject[];
  readonly pods: readonly KubeObject[];
}

interface EndpointSubset {
  addresses?: { ip: string; targetRef?: { kind?: string; name?: string; namespace?: string } }[];
  ports?: { name?: string; port: number }[];
}

const sortedObject = <T>(entries: [string, T][]): Record<string, T> =>
  Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * `/debug/endpointz` of istiod 1.20+ (the endpointShardz handler): per service hostname and namespace,
 * the IstioEndpoints of the `Kubernetes/Kubernetes` shard and the service accounts behind them (maps
 * marshal with sorted keys, as Go's encoding/json does).
 */
export function istiodEndpointShardz(input: ShardzInput, domain = 'cluster.local'): Record<string, unknown> {
  const hosts: [string, unknown][] = [];
  for (const service of input.services) {
    if ((service.spec as { type?: string } | undefined)?.type === 'ExternalName') continue;
    const namespace = service.metadata.namespace!;
    const endpoints = input.endpoints.find(
      (e) => e.metadata.namespace === namespace && e.metadata.name === service.metadata.name,
    );
    const shard: Record<string, unknown>[] = [];
    const accounts = new Set<string>();
    for (const subset of (endpoints?.subsets as EndpointSubset[] | undefined) ?? []) {
      for (const port of subset.ports ?? []) {
        for (const address of subset.addresses ?? []) {
          const pod = input.pods.find(
            (p) => p.metadata.namespace === namespace && p.metadata.name === address.targetRef?.name,
          );
          const spec = (pod?.spec ?? {}) as {
            serviceAccountName?: string;
            nodeName?: string;
            containers?: Container[];
          };
          const account = `spiffe://${domain}/ns/${namespace}/sa/${spec.serviceAccountName ?? 'default'}`;
          accounts.add(account);
          const labels = sortedObject([
            ...Object.entries(pod?.metadata.labels ?? {}),
            ['topology.istio.io/cluster', 'Kubernetes'],
            ['topology.istio.io/network', ''],
          ]);
          shard.push({
            Labels: labels,
            Addresses: [address.ip],
            ServicePortName: port.name ?? '',
            LegacyClusterPortKey: 0,
            ServiceAccount: account,
            Network: '',
            Locality: { Label: '', ClusterID: 'Kubernetes' },
            EndpointPort: port.port,
            LbWeight: 0,
            TLSMode: (spec.containers ?? []).some((c) => c.name === 'istio-proxy') ? 'istio' : 'disabled',
            Namespace: namespace,
            WorkloadName: pod?.metadata.labels?.app ?? pod?.metadata.name ?? '',
            HostName: '',
            SubDomain: '',
            HealthStatus: 1,
            SendUnhealthyEndpoints: false,
            NodeName: spec.nodeName ?? '',
          });
        }
      }
    }
    const hostname = `${service.metadata.name}.${namespace}.svc.${domain}`;
    hosts.push([
      hostname,
      {
        [namespace]: {
          Shards: { 'Kubernetes/Kubernetes': shard },
          ServiceAccounts: sortedObject([...accounts].map((account) => [account, {}])),
        },
      },
    ]);
  }
  return sortedObject(hosts);
}
