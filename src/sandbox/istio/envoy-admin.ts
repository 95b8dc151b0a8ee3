// Envoy's admin interface in a pod with an `istio-proxy` container: 127.0.0.1:15000, so reachable
// from the pod's own containers (`curl localhost:15000/stats`) and through a port-forward, never from
// other pods (istio/istio tools/packaging/common/envoy_bootstrap*.json binds admin to 127.0.0.1).
// Serves /stats (text, `?filter=`, `?format=json|prometheus`), /stats/prometheus, /clusters,
// /listeners, /config_dump, /server_info, /ready and /help, built from the cluster's Services and
// Endpoints as Pilot would push them. Nothing here is a real Envoy's state: text answers open with a
// comment line saying so, JSON answers carry the note in the bootstrap node's free-form metadata, and
// /server_info in its version string. Envoy 1.11's admin.v2alpha types for Istio before 1.5, admin.v3 after.
import type { KubeObject } from '../apimachinery/kube-object';
import type { ClusterView } from './cluster-view';
import { serviceHostname } from './pilot-registry';

/** The part of simulated-containers' request and answer this file reads and makes (kept here: that file imports this one). */
interface AdminRequest {
  readonly path: string;
  readonly query: URLSearchParams;
  readonly cluster: ClusterView;
  readonly fromLoopback?: boolean;
}
interface ContainerResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export const ENVOY_ADMIN_PORT = 15000;
const NOTE =
  "Simulated by Istio Lab's sandbox: no Envoy runs here; these values are made up from the cluster's Services and Endpoints.";

interface ProxyContainer {
  name: string;
  image?: string;
}

/** The pod's `istio-proxy` container (sidecar or gateway), if it has one. */
function proxyOf(pod: KubeObject): ProxyContainer | undefined {
  return ((pod.spec as { containers?: ProxyContainer[] } | undefined)?.containers ?? []).find(
    (container) => container.name === 'istio-proxy',
  );
}

/** Whether Envoy's admin listens at this pod's port: on the pod's 127.0.0.1 only, so other pods are refused. */
export function servesEnvoyAdmin(pod: KubeObject, port: number): boolean {
  return port === ENVOY_ADMIN_PORT && proxyOf(pod) !== undefined;
}

function istioMinor(image: string | undefined): number {
  const match = /:v?1\.(\d+)/.exec(image ?? '');
  return match ? Number(match[1]) : 99;
}

const text = (body: string, status = 200): ContainerResponse => ({
  status,
  contentType: 'text/plain; charset=UTF-8',
  body,
});
const json = (value: unknown): ContainerResponse => ({
  status: 200,
  contentType: 'application/json',
  body: `${JSON.stringify(value, null, 1)}\n`,
});

interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
}

interface Subset {
  addresses?: { ip: string; targetRef?: { name?: string } }[];
  ports?: { name?: string; port: number }[];
}

interface EnvoyCluster {
  name: string;
  kind: 'EDS' | 'STATIC' | 'STRICT_DNS' | 'ORIGINAL_DST';
  hosts: string[];
}

interface EnvoyListener {
  name: string;
  address: string;
  port: number;
}

/** What Pilot pushes to this proxy: outbound clusters per service port, inbound ones for its own pod, and Istio's fixed ones. */
class ProxyModel {
  readonly clusters: EnvoyCluster[] = [];
  readonly listeners: EnvoyListener[] = [];
  readonly routes: { name: string; hosts: string[] }[] = [];
  readonly modern: boolean;
  readonly envoyVersion: string;

  constructor(
    readonly pod: KubeObject,
    readonly cluster: ClusterView,
  ) {
    const minor = istioMinor(proxyOf(pod)?.image);
    this.modern = minor >= 5;
    // Istio 1.2 ships Envoy 1.11, 1.3 → 1.12, 1.4 → 1.13; 1.26 ships Envoy 1.34.
    this.envoyVersion = `1.${minor + (minor < 10 ? 9 : 8)}.0`;
    const podIp = (pod.status as { podIP?: string } | undefined)?.podIP ?? '';
    const routeHosts = new Map<string, string[]>();
    for (const service of cluster.services) {
      const spec = (service.spec ?? {}) as { clusterIP?: string; ports?: ServicePort[] };
      if (service.metadata.namespace === 'kube-system') continue;
      const host = serviceHostname(service);
      const endpoints = cluster.endpoints.find(
        (e) => e.metadata.namespace === service.metadata.namespace && e.metadata.name === service.metadata.name,
      );
      for (const port of spec.ports ?? []) {
        const addresses = ((endpoints?.subsets as Subset[] | undefined) ?? []).flatMap((subset) => {
          const endpointPort = (subset.ports ?? []).find((candidate) => (candidate.name ?? '') === (port.name ?? ''));
          return endpointPort ? (subset.addresses ?? []).map((address) => `${address.ip}:${endpointPort.port}`) : [];
        });
        this.clusters.push({ name: `outbound|${port.port}||${host}`, kind: 'EDS', hosts: addresses });
        const own = ((endpoints?.subsets as Subset[] | undefined) ?? []).some((subset) =>
          (subset.addresses ?? []).some((address) => address.targetRef?.name === pod.metadata.name),
        );
        if (own)
          this.clusters.push({
            name: `inbound|${port.port}|${port.name ?? ''}|${host}`,
            kind: 'STATIC',
            hosts: [`127.0.0.1:${addresses.find((a) => a.startsWith(`${podIp}:`))?.split(':')[1] ?? port.port}`],
          });
        const http = /^(http|grpc)/.test(port.name ?? '');
        if (http) routeHosts.set(String(port.port), [...(routeHosts.get(String(port.port)) ?? []), host]);
        else if (spec.clusterIP && spec.clusterIP !== 'None')
          this.listeners.push({ name: `${spec.clusterIP}_${port.port}`, address: spec.clusterIP, port: port.port });
      }
    }
    for (const [port, hosts] of routeHosts) {
      this.listeners.push({ name: `0.0.0.0_${port}`, address: '0.0.0.0', port: Number(port) });
      this.routes.push({ name: port, hosts });
    }
    this.listeners.push({ name: 'virtualOutbound', address: '0.0.0.0', port: 15001 });
    if (this.modern) this.listeners.push({ name: 'virtualInbound', address: '0.0.0.0', port: 15006 });
    this.clusters.push(
      { name: 'BlackHoleCluster', kind: 'STATIC', hosts: [] },
      { name: 'PassthroughCluster', kind: 'ORIGINAL_DST', hosts: [] },
      { name: 'prometheus_stats', kind: 'STATIC', hosts: [`127.0.0.1:${ENVOY_ADMIN_PORT}`] },
      {
        name: 'xds-grpc',
        kind: 'STRICT_DNS',
        hosts: [this.modern ? 'istiod.istio-system.svc:15012' : 'istio-pilot.istio-system:15010'],
      },
    );
    this.clusters.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  get nodeId(): string {
    const podIp = (this.pod.status as { podIP?: string } | undefined)?.podIP ?? '';
    const ns = this.pod.metadata.namespace;
    const type = this.pod.metadata.labels?.istio?.includes('gateway') ? 'router' : 'sidecar';
    return `${type}~${podIp}~${this.pod.metadata.name}.${ns}~${ns}.svc.cluster.local`;
  }

  get version(): string {
    return `000000000000000000000000000000000000simu/${this.envoyVersion}${this.modern ? '' : '-dev'}/Clean/RELEASE/BoringSSL (${NOTE})`;
  }
}

/** Envoy's counters and gauges that Istio's stats inclusion list keeps, sorted as /stats prints them. */
function stats(model: ProxyModel, uptime: number): [string, number][] {
  const dynamic = model.clusters.filter(
    (cluster) => cluster.kind === 'EDS' || cluster.name.startsWith('inbound|'),
  ).length;
  const updates = 1 + (model.cluster.services.length % 7);
  const all: [string, number][] = [
    ['cluster.xds-grpc.assignment_stale', 0],
    ['cluster.xds-grpc.bind_errors', 0],
    ['cluster.xds-grpc.lb_healthy_panic', 0],
    ['cluster.xds-grpc.membership_change', 1],
    ['cluster.xds-grpc.membership_healthy', 1],
    ['cluster.xds-grpc.membership_total', 1],
    ['cluster.xds-grpc.update_attempt', updates],
    ['cluster.xds-grpc.upstream_cx_active', 1],
    ['cluster.xds-grpc.upstream_cx_connect_fail', 0],
    ['cluster.xds-grpc.upstream_cx_total', 1],
    ['cluster.xds-grpc.upstream_rq_active', 1],
    ['cluster.xds-grpc.upstream_rq_total', 1],
    ['cluster_manager.active_clusters', model.clusters.length],
    ['cluster_manager.cds.update_attempt', updates + 1],
    ['cluster_manager.cds.update_failure', 0],
    ['cluster_manager.cds.update_rejected', 0],
    ['cluster_manager.cds.update_success', updates],
    ['cluster_manager.cluster_added', model.clusters.length],
    ['cluster_manager.cluster_modified', 0],
    ['cluster_manager.cluster_removed', 0],
    ['cluster_manager.warming_clusters', 0],
    ['listener_manager.lds.update_attempt', updates + 1],
    ['listener_manager.lds.update_failure', 0],
    ['listener_manager.lds.update_rejected', 0],
    ['listener_manager.lds.update_success', updates],
    ['listener_manager.listener_added', model.listeners.length],
    ['listener_manager.listener_create_success', model.listeners.length * 2],
    ['listener_manager.listener_removed', 0],
    ['listener_manager.total_listeners_active', model.listeners.length],
    ['listener_manager.total_listeners_draining', 0],
    ['listener_manager.total_listeners_warming', 0],
    ['server.concurrency', 2],
    ['server.days_until_first_cert_expiring', model.modern ? 0 : 89],
    ['server.hot_restart_epoch', 0],
    ['server.live', 1],
    ['server.memory_allocated', 6_000_000 + dynamic * 40_000],
    ['server.memory_heap_size', 10_485_760],
    ['server.parent_connections', 0],
    ['server.state', 0],
    ['server.total_connections', 0],
    ['server.uptime', uptime],
    ['server.watchdog_mega_miss', 0],
    ['server.watchdog_miss', 0],
  ];
  return all;
}

function clustersText(model: ProxyModel): string {
  const lines: string[] = [`# ${NOTE}`];
  for (const cluster of model.clusters) {
    const name = cluster.name;
    for (const [priority, value] of [
      ['max_connections', 4294967295],
      ['max_pending_requests', 4294967295],
      ['max_requests', 4294967295],
      ['max_retries', 4294967295],
    ] as const) {
      lines.push(`${name}::default_priority::${priority}::${value}`);
      lines.push(`${name}::high_priority::${priority}::${priority === 'max_retries' ? 3 : 1024}`);
    }
    lines.push(
      `${name}::added_via_api::${cluster.kind === 'EDS' || name.startsWith('inbound|') || name === 'BlackHoleCluster' || name === 'PassthroughCluster'}`,
    );
    for (const host of cluster.hosts) {
      for (const stat of [
        'cx_active',
        'cx_connect_fail',
        'cx_total',
        'rq_active',
        'rq_error',
        'rq_success',
        'rq_timeout',
        'rq_total',
      ])
        lines.push(`${name}::${host}::${stat}::0`);
      lines.push(
        `${name}::${host}::hostname::`,
        `${name}::${host}::health_flags::healthy`,
        `${name}::${host}::weight::1`,
        `${name}::${host}::region::`,
        `${name}::${host}::zone::`,
      );
      lines.push(
        `${name}::${host}::sub_zone::`,
        `${name}::${host}::canary::false`,
        `${name}::${host}::priority::0`,
        `${name}::${host}::success_rate::-1`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

const socketAddress = (address: string, port: number): unknown => ({ socket_address: { address, port_value: port } });

function configDump(model: ProxyModel, now: string): unknown {
  const admin = model.modern ? 'envoy.admin.v3' : 'envoy.admin.v2alpha';
  const type = (name: string): string => `type.googleapis.com/${admin}.${name}`;
  const inner = (v3Type: string, value: Record<string, unknown>): Record<string, unknown> =>
    model.modern ? { '@type': `type.googleapis.com/${v3Type}`, ...value } : value;
  const version = now.replace(/\..*$/, 'Z');
  const bootstrap = {
    node: {
      id: model.nodeId,
      cluster: model.pod.metadata.labels?.app ?? model.pod.metadata.name,
      metadata: {
        ISTIO_LAB_SANDBOX: NOTE,
        ISTIO_VERSION: /:([^:]+)$/.exec(proxyOf(model.pod)?.image ?? '')?.[1] ?? '',
        POD_NAME: model.pod.metadata.name,
        POD_NAMESPACE: model.pod.metadata.namespace,
        INSTANCE_IPS: (model.pod.status as { podIP?: string } | undefined)?.podIP ?? '',
        ...(model.pod.metadata.labels ? { LABELS: model.pod.metadata.labels } : {}),
      },
      build_version: model.version,
    },
    static_resources: {
      clusters: model.clusters
        .filter((cluster) => ['prometheus_stats', 'xds-grpc'].includes(cluster.name))
        .map((cluster) => ({ name: cluster.name, type: cluster.kind, connect_timeout: '0.250s' })),
    },
    dynamic_resources: {
      lds_config: { ads: {} },
      cds_config: { ads: {} },
      ads_config: { api_type: 'GRPC', grpc_services: [{ envoy_grpc: { cluster_name: 'xds-grpc' } }] },
    },
    admin: { access_log_path: '/dev/null', address: socketAddress('127.0.0.1', ENVOY_ADMIN_PORT) },
  };
  const dynamicClusters = model.clusters.filter((cluster) => !['prometheus_stats', 'xds-grpc'].includes(cluster.name));
  return {
    configs: [
      { '@type': type('BootstrapConfigDump'), bootstrap, last_updated: now },
      {
        '@type': type('ClustersConfigDump'),
        version_info: version,
        static_clusters: bootstrap.static_resources.clusters.map((cluster) => ({
          cluster: inner('envoy.config.cluster.v3.Cluster', cluster),
          last_updated: now,
        })),
        dynamic_active_clusters: dynamicClusters.map((cluster) => ({
          version_info: version,
          cluster: inner('envoy.config.cluster.v3.Cluster', {
            name: cluster.name,
            type: cluster.kind,
            ...(cluster.kind === 'EDS'
              ? { eds_cluster_config: { eds_config: { ads: {} }, service_name: cluster.name } }
              : {}),
            connect_timeout: '10s',
          }),
          last_updated: now,
        })),
      },
      {
        '@type': type('ListenersConfigDump'),
        version_info: version,
        dynamic_active_listeners: model.listeners.map((listener) => ({
          version_info: version,
          listener: inner('envoy.config.listener.v3.Listener', {
            name: listener.name,
            address: socketAddress(listener.address, listener.port),
          }),
          last_updated: now,
        })),
      },
      {
        '@type': type('RoutesConfigDump'),
        dynamic_route_configs: model.routes.map((route) => ({
          version_info: version,
          route_config: inner('envoy.config.route.v3.RouteConfiguration', {
            name: route.name,
            virtual_hosts: route.hosts.map((host) => ({
              name: `${host}:${route.name}`,
              domains: [host, `${host}:${route.name}`],
              routes: [
                { match: { prefix: '/' }, route: { cluster: `outbound|${route.name}||${host}`, timeout: '0s' } },
              ],
            })),
            validate_clusters: false,
          }),
          last_updated: now,
        })),
      },
    ],
  };
}

const COMMANDS: [string, string][] = [
  ['/', 'Admin home page'],
  ['/clusters', 'upstream cluster status'],
  ['/config_dump', 'dump current Envoy configs (experimental)'],
  ['/help', 'print out list of admin commands'],
  ['/listeners', 'print listener info'],
  ['/ready', 'print server state, return 200 if LIVE, otherwise return 503'],
  ['/server_info', 'print server version/status information'],
  ['/stats', 'print server stats'],
  ['/stats/prometheus', 'print server stats in prometheus format'],
];

function prometheus(entries: readonly [string, number][]): string {
  const lines = [`# ${NOTE}`];
  for (const [name, value] of entries) {
    const metric = `envoy_${name.replace(/^cluster\.xds-grpc\./, 'cluster_').replace(/[^A-Za-z0-9_]/g, '_')}`;
    const labels = name.startsWith('cluster.xds-grpc.') ? '{cluster_name="xds-grpc"}' : '';
    lines.push(
      `# TYPE ${metric} ${/active|live|state|uptime|memory|concurrency|membership_(healthy|total)|warming|epoch|days/.test(name) ? 'gauge' : 'counter'}`,
      `${metric}${labels} ${value}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The admin interface's answer to a caller inside the pod, or undefined: no istio-proxy, another port, or a caller from outside (other pods, the API server's proxy). */
export function envoyAdminAnswer(pod: KubeObject, port: number, request: AdminRequest): ContainerResponse | undefined {
  if (port !== ENVOY_ADMIN_PORT || !proxyOf(pod) || request.fromLoopback !== true) return undefined;
  const model = new ProxyModel(pod, request.cluster);
  const started = Date.parse((pod.status as { startTime?: string } | undefined)?.startTime ?? '') || Date.now();
  const uptime = Math.max(0, Math.floor((Date.now() - started) / 1000));
  const now = new Date().toISOString();
  const entries = stats(model, uptime);
  switch (request.path) {
    case '/stats': {
      const filter = request.query.get('filter');
      let matcher: RegExp | undefined;
      try {
        matcher = filter ? new RegExp(filter) : undefined;
      } catch {
        return text('Invalid regex: "' + filter + '"\n', 400);
      }
      const shown = entries.filter(([name]) => !matcher || matcher.test(name));
      const format = request.query.get('format');
      if (format === 'json') return json({ stats: shown.map(([name, value]) => ({ name, value })) });
      if (format === 'prometheus') return text(prometheus(shown));
      return text(`# ${NOTE}\n${shown.map(([name, value]) => `${name}: ${value}\n`).join('')}`);
    }
    case '/stats/prometheus':
      return text(prometheus(entries));
    case '/clusters':
      return text(clustersText(model));
    case '/listeners':
      return text(
        `# ${NOTE}\n${model.listeners.map((listener) => `${listener.name}::${listener.address}:${listener.port}\n`).join('')}`,
      );
    case '/config_dump':
      return json(configDump(model, now));
    case '/server_info':
      return json({
        version: model.version,
        state: 'LIVE',
        hot_restart_version: 'disabled',
        command_line_options: {
          base_id: '0',
          concurrency: 2,
          config_path: '/etc/istio/proxy/envoy-rev0.json',
          mode: 'Serve',
          service_cluster: model.pod.metadata.labels?.app ?? '',
          service_node: model.nodeId,
          drain_time: '45s',
          parent_shutdown_time: '60s',
        },
        uptime_current_epoch: `${uptime}s`,
        uptime_all_epochs: `${uptime}s`,
        ...(model.modern ? { node: { id: model.nodeId, metadata: { ISTIO_LAB_SANDBOX: NOTE } } } : {}),
      });
    case '/ready':
      return text('LIVE\n');
    case '/':
    case '/help':
      return text(`admin commands are:\n${COMMANDS.map(([path, help]) => `  ${path}: ${help}\n`).join('')}`);
    default:
      return text(
        `invalid path. admin commands are:\n${COMMANDS.map(([path, help]) => `  ${path}: ${help}\n`).join('')}`,
        404,
      );
  }
}
