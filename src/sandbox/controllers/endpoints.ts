// The endpoints and endpointslice controllers: each selector Service gets an Endpoints object (and
// one EndpointSlice) listing its pods' IPs, named targetPorts resolved against container ports.
import type { KubeObject } from '../apimachinery/kube-object';
import type { ControllerClient } from '../client/client';
import { ENDPOINT_SLICES, ENDPOINTS, PODS, SERVICES } from '../client/client';
import type { Json } from '../apimachinery/objects';
import {
  asJson,
  asList,
  controllerRef,
  isPodReady,
  isPodTerminated,
  mapSelectorMatches,
  sameJson,
} from '../apimachinery/objects';

interface EndpointPort {
  name?: string;
  port: number;
  protocol: string;
}

/** The service's ports as this pod serves them; a named targetPort the pod lacks drops that port. */
export function resolvePorts(service: KubeObject, pod: KubeObject): EndpointPort[] {
  const containerPorts = asList(asJson(pod.spec).containers).flatMap((container) => asList(container.ports));
  const ports: EndpointPort[] = [];
  for (const port of asList(asJson(service.spec).ports)) {
    const target = port.targetPort ?? port.port;
    const protocol = String(port.protocol ?? 'TCP');
    const number =
      typeof target === 'number'
        ? target
        : /^\d+$/.test(String(target))
          ? Number(target)
          : containerPorts.find((entry) => entry.name === target && (entry.protocol ?? 'TCP') === protocol)
              ?.containerPort;
    if (number === undefined) continue;
    ports.push({ ...(port.name ? { name: String(port.name) } : {}), port: Number(number), protocol });
  }
  return ports;
}

const address = (pod: KubeObject): Json => ({
  ip: asJson(pod.status).podIP,
  nodeName: asJson(pod.spec).nodeName,
  targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
});

export function endpointSubsets(service: KubeObject, pods: KubeObject[]): Json[] {
  const groups = new Map<string, { ports: EndpointPort[]; ready: Json[]; notReady: Json[] }>();
  for (const pod of pods) {
    const ports = resolvePorts(service, pod);
    const key = JSON.stringify(ports);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ports, ready: [], notReady: [] }));
    (isPodReady(pod) ? group.ready : group.notReady).push(address(pod));
  }
  return [...groups.values()].map((group) => ({
    ...(group.ready.length ? { addresses: group.ready } : {}),
    ...(group.notReady.length ? { notReadyAddresses: group.notReady } : {}),
    ports: group.ports,
  }));
}

function syncService(client: ControllerClient, service: KubeObject): void {
  const { namespace, name } = service.metadata;
  const selector = asJson(service.spec).selector;
  const pods = client
    .list(PODS, namespace)
    .filter(
      (pod) =>
        mapSelectorMatches(selector, pod.metadata.labels) &&
        asJson(pod.status).podIP &&
        !isPodTerminated(pod) &&
        !pod.metadata.deletionTimestamp,
    );
  const subsets = endpointSubsets(service, pods);
  const labels = service.metadata.labels;
  const existing = client.get(ENDPOINTS, namespace, name!);
  if (!existing) {
    client.create(ENDPOINTS, {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name, namespace, ...(labels ? { labels } : {}) },
      ...(subsets.length ? { subsets } : {}),
    });
  } else if (!sameJson(existing.subsets ?? [], subsets)) {
    const next: KubeObject = { ...existing };
    if (subsets.length) next.subsets = subsets;
    else delete next.subsets;
    client.update(ENDPOINTS, next);
  }
  const slice = client
    .list(ENDPOINT_SLICES, namespace)
    .find((entry) => entry.metadata.labels?.['kubernetes.io/service-name'] === name);
  const endpoints = pods.map((pod) => ({
    addresses: [asJson(pod.status).podIP],
    conditions: { ready: isPodReady(pod), serving: isPodReady(pod), terminating: false },
    nodeName: asJson(pod.spec).nodeName,
    targetRef: { kind: 'Pod', namespace, name: pod.metadata.name, uid: pod.metadata.uid },
  }));
  const ports = pods.length ? resolvePorts(service, pods[0]) : [];
  if (!slice) {
    client.create(ENDPOINT_SLICES, {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        generateName: `${name}-`,
        namespace,
        labels: {
          ...labels,
          'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
          'kubernetes.io/service-name': name!,
        },
        ownerReferences: [controllerRef(service)],
      },
      addressType: 'IPv4',
      endpoints,
      ports,
    });
  } else if (!sameJson(slice.endpoints, endpoints) || !sameJson(slice.ports, ports)) {
    client.update(ENDPOINT_SLICES, { ...slice, endpoints, ports });
  }
}

export function syncEndpoints(client: ControllerClient, managed: Set<string>, onError: (error: unknown) => void): void {
  const services = new Set<string>();
  for (const service of client.list(SERVICES)) {
    if (service.metadata.deletionTimestamp || Object.keys(asJson(asJson(service.spec).selector)).length === 0) continue;
    const key = `${service.metadata.namespace}/${service.metadata.name}`;
    services.add(key);
    managed.add(key);
    try {
      syncService(client, service);
    } catch (error) {
      onError(error);
    }
  }
  for (const key of [...managed]) {
    if (services.has(key)) continue;
    managed.delete(key);
    const [namespace, name] = key.split('/');
    const endpoints = client.get(ENDPOINTS, namespace, name);
    if (endpoints) client.delete(ENDPOINTS, endpoints);
  }
}
