// The service controller of a cloud cluster: a LoadBalancer Service gets an external address after
// the time a cloud takes to build the load balancer (about a minute on GKE, scaled by --speed), with
// the events of kubernetes v1.13.7 pkg/controller/service/service_controller.go
// (EnsuringLoadBalancer, EnsuredLoadBalancer; DeletingLoadBalancer, DeletedLoadBalancer when the
// Service stops being one). The addresses are simulated: they come from 203.0.113.0/24 (TEST-NET-3,
// RFC 5737, reserved for documentation), so nothing real is ever named. Without a cloud
// (`--no-load-balancer`) nothing runs and EXTERNAL-IP stays `<pending>`, as on minikube or kind.
import type { KubeObject } from '../apimachinery/kube-object';
import type { ControllerClient } from '../client/client';
import { SERVICES } from '../client/client';
import { asJson, asList } from '../apimachinery/objects';
import type { EventRecorder } from './events';
import type { KubeletClock } from './kubelet-clock';

/** How long a cloud takes to give a LoadBalancer Service its address, at --speed 1. */
export const LOAD_BALANCER_DELAY_MS = 60_000;
/** TEST-NET-3: documentation addresses, never routed, so clearly not a real load balancer's. */
export const LOAD_BALANCER_PREFIX = '203.0.113.';

const SOURCE = { component: 'service-controller' };

const ingressIps = (service: KubeObject): string[] =>
  asList(asJson(asJson(service.status).loadBalancer).ingress).map((entry) => String(entry.ip ?? entry.hostname ?? ''));
const wantsLoadBalancer = (service: KubeObject): boolean => asJson(service.spec).type === 'LoadBalancer';

/** The first address of the range no Service has, or the one the Service asks for (spec.loadBalancerIP, as GCE honours a reserved address). */
function addressFor(service: KubeObject, used: Set<string>): string {
  const requested = asJson(service.spec).loadBalancerIP;
  if (typeof requested === 'string' && requested) return requested;
  for (let host = 1; host < 255; host++)
    if (!used.has(`${LOAD_BALANCER_PREFIX}${host}`)) return `${LOAD_BALANCER_PREFIX}${host}`;
  throw new Error(`no free simulated load balancer address in ${LOAD_BALANCER_PREFIX}0/24`);
}

export class ServiceLoadBalancers {
  /** When each Service's load balancer being built is ready (ms), by uid. */
  private readonly ensuring = new Map<string, number>();

  constructor(
    private readonly speed: number,
    private readonly recorder: EventRecorder,
  ) {}

  sync(client: ControllerClient, clock: KubeletClock): void {
    const now = clock.now().getTime();
    const services = client.list(SERVICES);
    const used = new Set(services.flatMap(ingressIps));
    const present = new Set(services.map((service) => service.metadata.uid!));
    for (const uid of this.ensuring.keys()) if (!present.has(uid)) this.ensuring.delete(uid);
    for (const service of services) {
      const uid = service.metadata.uid!;
      const hasAddress = ingressIps(service).length > 0;
      if (!wantsLoadBalancer(service)) {
        this.ensuring.delete(uid);
        if (hasAddress) this.remove(client, service);
        continue;
      }
      if (hasAddress || service.metadata.deletionTimestamp) continue;
      let readyAt = this.ensuring.get(uid);
      if (readyAt === undefined) {
        readyAt = now + LOAD_BALANCER_DELAY_MS * this.speed;
        this.ensuring.set(uid, readyAt);
        this.recorder.record(service, 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer', SOURCE);
        // A pass when the load balancer is ready.
        clock.dueAt(`load-balancer/${uid}`, String(readyAt), readyAt - now, false);
      }
      if (readyAt > now) continue;
      const ip = addressFor(service, used);
      used.add(ip);
      this.ensuring.delete(uid);
      const updated = client.updateStatus(SERVICES, {
        ...service,
        status: { ...asJson(service.status), loadBalancer: { ingress: [{ ip }] } },
      });
      this.recorder.record(updated, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer', SOURCE);
    }
  }

  /** A Service that is no longer of type LoadBalancer loses its load balancer and address. */
  private remove(client: ControllerClient, service: KubeObject): void {
    this.recorder.record(service, 'Normal', 'DeletingLoadBalancer', 'Deleting load balancer', SOURCE);
    const updated = client.updateStatus(SERVICES, {
      ...service,
      status: { ...asJson(service.status), loadBalancer: {} },
    });
    this.recorder.record(updated, 'Normal', 'DeletedLoadBalancer', 'Deleted load balancer', SOURCE);
  }
}
