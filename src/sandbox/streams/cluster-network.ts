// The cluster network as a simulated container sees it: cluster DNS (`svc`, `svc.ns`,
// `svc.ns.svc[.cluster.local]` through the pod's search path), Service ClusterIPs that kube-proxy
// sends to a ready endpoint, pod IPs, and loopback inside the pod itself. What answers at the end is
// the simulated container listening there (answerFromPod), with the debug-endpoint faults applied.
import type { Faults } from '../faults/faults';
import type { KubeObject } from '../apimachinery/kube-object';
import type { ObjectStorage } from '../storage/storage';
import type { ResourceRegistry } from '../apimachinery/resource-registry';
import { storageKey } from '../apimachinery/resource-types';
import { servesEnvoyAdmin } from '../istio/envoy-admin';
import { PILOT_CONFIG_GROUPS } from '../istio/istiod-debug';
import type { ProxyObjects } from '../istio/service-proxy';
import type { ClusterView } from '../istio/cluster-view';
import type { ContainerRequest, ContainerResponse } from '../istio/simulated-containers';
import { answerFromPod } from '../istio/simulated-containers';

export const CLUSTER_DOMAIN = 'cluster.local';
const LOOPBACK = '127.0.0.1';

/** Where a connection to `ip:port` lands: a pod and the container port, or nowhere (refused). */
export interface Destination {
  readonly pod: KubeObject;
  readonly port: number;
  readonly fromLoopback: boolean;
}

interface ServicePort {
  name?: string;
  port: number;
}

interface EndpointSubset {
  addresses?: { ip: string; targetRef?: { kind?: string; name?: string; namespace?: string } }[];
  ports?: { name?: string; port: number }[];
}

const isIpv4 = (host: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(host);

export class ClusterNetwork {
  /** The objects the API server's service proxy reads. */
  readonly objects: ProxyObjects;

  constructor(
    private readonly store: ObjectStorage,
    private readonly registry: ResourceRegistry,
    private readonly faults: Faults,
  ) {
    this.objects = {
      get: (resource, namespace, name) => this.store.get(this.key(resource), namespace, name),
      list: (resource) => (resource === 'configs' ? this.configs() : this.store.list(this.key(resource))),
    };
  }

  private key(resource: 'services' | 'endpoints' | 'pods'): string {
    return storageKey(this.registry.find('', 'v1', resource)!);
  }

  /** The Istio configuration objects Pilot's config store would list, in API group order. */
  private configs(): KubeObject[] {
    const keys = new Set(
      this.registry
        .all()
        .filter((type) => PILOT_CONFIG_GROUPS.includes(type.group))
        .map((type) => storageKey(type)),
    );
    return [...keys].flatMap((key) => this.store.list(key));
  }

  view(): ClusterView {
    return {
      services: this.objects.list('services'),
      endpoints: this.objects.list('endpoints'),
      pods: this.objects.list('pods'),
      configs: this.configs(),
    };
  }

  pod(namespace: string, name: string): KubeObject | undefined {
    return this.objects.get('pods', namespace, name);
  }

  /**
   * The address cluster DNS gives `host` for a pod in `namespace` (resolv.conf `search <ns>.svc.cluster.local
   * svc.cluster.local cluster.local`, ndots 5), or undefined: NXDOMAIN. Headless services resolve to a ready pod.
   */
  resolve(host: string, namespace: string): string | undefined {
    const name = host.replace(/\.$/, '').toLowerCase();
    if (name === 'localhost') return LOOPBACK;
    if (isIpv4(name)) return name;
    const candidates = host.endsWith('.')
      ? [name]
      : [
          `${name}.${namespace}.svc.${CLUSTER_DOMAIN}`,
          `${name}.svc.${CLUSTER_DOMAIN}`,
          `${name}.${CLUSTER_DOMAIN}`,
          name,
        ];
    const suffix = `.svc.${CLUSTER_DOMAIN}`;
    for (const candidate of candidates) {
      if (!candidate.endsWith(suffix)) continue;
      const parts = candidate.slice(0, -suffix.length).split('.');
      if (parts.length !== 2) continue;
      const service = this.objects.get('services', parts[1], parts[0]);
      if (!service) continue;
      const clusterIp = (service.spec as { clusterIP?: string } | undefined)?.clusterIP;
      if (clusterIp && clusterIp !== 'None') return clusterIp;
      const endpoints = this.objects.get('endpoints', parts[1], parts[0]);
      const address = ((endpoints?.subsets as EndpointSubset[] | undefined) ?? []).flatMap(
        (subset) => subset.addresses ?? [],
      )[0];
      if (address) return address.ip;
    }
    return undefined;
  }

  /** Where a TCP connection from `source` (a pod, for loopback) to `ip:port` ends up; undefined when it is refused. */
  connect(ip: string, port: number, source: KubeObject | undefined): Destination | undefined {
    if (ip === LOOPBACK) return source ? { pod: source, port, fromLoopback: true } : undefined;
    const destination = this.remote(ip, port);
    // Envoy's admin port listens on the pod's 127.0.0.1 only.
    return destination && !servesEnvoyAdmin(destination.pod, destination.port) ? destination : undefined;
  }

  private remote(ip: string, port: number): Destination | undefined {
    const service = this.objects
      .list('services')
      .find((candidate) => (candidate.spec as { clusterIP?: string } | undefined)?.clusterIP === ip);
    if (service) return this.viaKubeProxy(service, port);
    const pod = this.objects.list('pods').find((candidate) => {
      const status = (candidate.status ?? {}) as { podIP?: string; phase?: string };
      return status.podIP === ip && status.phase === 'Running';
    });
    return pod ? { pod, port, fromLoopback: false } : undefined;
  }

  /** kube-proxy's choice: the service port, then the first ready endpoint address of that port name. */
  private viaKubeProxy(service: KubeObject, port: number): Destination | undefined {
    const servicePort = ((service.spec as { ports?: ServicePort[] } | undefined)?.ports ?? []).find(
      (candidate) => candidate.port === port,
    );
    if (!servicePort) return undefined;
    const endpoints = this.objects.get('endpoints', service.metadata.namespace!, service.metadata.name!);
    for (const subset of (endpoints?.subsets as EndpointSubset[] | undefined) ?? []) {
      const endpointPort = (subset.ports ?? []).find(
        (candidate) => (candidate.name ?? '') === (servicePort.name ?? ''),
      );
      if (!endpointPort) continue;
      for (const address of subset.addresses ?? []) {
        const pod = address.targetRef?.name
          ? this.pod(address.targetRef.namespace ?? service.metadata.namespace!, address.targetRef.name)
          : undefined;
        if (pod) return { pod, port: endpointPort.port, fromLoopback: false };
      }
    }
    return undefined;
  }

  /** One HTTP exchange with whatever listens at the destination; undefined when nothing does (refused). */
  request(
    destination: Destination,
    request: Pick<ContainerRequest, 'method' | 'path' | 'query'>,
  ): ContainerResponse | undefined {
    return answerFromPod(
      destination.pod,
      destination.port,
      { ...request, cluster: this.view(), fromLoopback: destination.fromLoopback },
      this.faults,
    );
  }
}
