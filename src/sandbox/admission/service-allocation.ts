// What the server gives a new Service (pkg/registry/core/service/storage alloc.go): a cluster IP,
// node ports for NodePort and LoadBalancer Services, and an empty load balancer status.
import type { ObjectStorage } from '../storage/storage';
import type { AdmissionPlugin } from './admission';

export class ServiceAllocation implements AdmissionPlugin {
  readonly name = 'ServiceAllocation';
  readonly operations = ['CREATE'] as const;
  private nextClusterIp = 10;

  constructor(private readonly store: ObjectStorage) {}

  admit({ req, object }: Parameters<AdmissionPlugin['admit']>[0]): void {
    if (req.type.kind !== 'Service' || req.group !== '') return;
    const spec = object.spec as Record<string, unknown>;
    if (spec.type !== 'ExternalName' && spec.clusterIP !== 'None' && !spec.clusterIP) {
      spec.clusterIP = this.allocateClusterIp();
    }
    if (spec.clusterIP && !spec.clusterIPs) spec.clusterIPs = [spec.clusterIP];
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
      const used = new Set(this.usedNodePorts());
      for (const port of (spec.ports as Record<string, unknown>[] | undefined) ?? []) {
        if (port.nodePort === undefined) {
          let candidate = 30000 + Math.floor(Math.random() * 2768);
          while (used.has(candidate)) candidate = 30000 + ((candidate - 30000 + 1) % 2768);
          port.nodePort = candidate;
          used.add(candidate);
        }
      }
      if (spec.type === 'LoadBalancer') object.status = { loadBalancer: {} };
      spec.externalTrafficPolicy ??= 'Cluster';
    }
  }

  private allocateClusterIp(): string {
    const used = new Set(
      this.store.list('/services').map((service) => (service.spec as Record<string, unknown>)?.clusterIP),
    );
    for (;;) {
      const n = this.nextClusterIp++;
      const ip = `10.3.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`;
      if (!used.has(ip)) return ip;
    }
  }

  private usedNodePorts(): number[] {
    return this.store
      .list('/services')
      .flatMap(
        (service) => ((service.spec as Record<string, unknown>)?.ports as Record<string, unknown>[] | undefined) ?? [],
      )
      .map((port) => Number(port.nodePort))
      .filter(Boolean);
  }
}
