// metrics-server, simulated (GKE runs metrics-server-v0.3.1, and so `kubectl top` works there):
// a PodMetrics for every running pod and a NodeMetrics for every node, served as
// metrics.k8s.io/v1beta1. Nothing is measured: each container's figures are made up from its
// pod's and container's names, steady from one read to the next, and every object carries the
// annotation below saying so.
import type { KubeObject } from '../apimachinery/kube-object';
import type { ControllerClient, Resource } from '../client/client';
import { NODES, PODS } from '../client/client';
import { asJson, asList } from '../apimachinery/objects';
import { fnv32a } from './naming';

export const NODE_METRICS: Resource = { group: 'metrics.k8s.io', version: 'v1beta1', resource: 'nodes' };
export const POD_METRICS: Resource = { group: 'metrics.k8s.io', version: 'v1beta1', resource: 'pods' };

/** Set on every metrics object: the figures are the sandbox's, not measurements. */
export const SIMULATED_ANNOTATION = 'istio-lab/simulated';
const SIMULATED = { [SIMULATED_ANNOTATION]: 'metrics are made up by the Istio Lab sandbox, nothing is measured' };

/** What the node's own daemons (kubelet, container runtime, system pods not modelled) use. */
const NODE_BASE = { milliCpu: 60, kib: 700 * 1024 };

interface Usage {
  milliCpu: number;
  kib: number;
}

/** A container's steady made-up usage: 1–15 millicores, 8–72 MiB. */
function containerUsage(pod: KubeObject, container: string): Usage {
  const hash = fnv32a(`${pod.metadata.namespace}/${pod.metadata.name}/${container}`);
  return { milliCpu: 1 + (hash % 15), kib: (8 + ((hash >>> 8) % 65)) * 1024 + ((hash >>> 16) % 1024) };
}

const usageJson = (usage: Usage) => ({ cpu: `${usage.milliCpu}m`, memory: `${usage.kib}Ki` });

function podMetrics(pod: KubeObject, time: string): KubeObject {
  const containers = asList(asJson(pod.spec).containers).map((container) => String(asJson(container).name));
  return {
    apiVersion: 'metrics.k8s.io/v1beta1',
    kind: 'PodMetrics',
    metadata: {
      name: pod.metadata.name,
      namespace: pod.metadata.namespace,
      labels: pod.metadata.labels,
      annotations: SIMULATED,
    },
    timestamp: time,
    window: '30s',
    containers: containers.map((name) => ({ name, usage: usageJson(containerUsage(pod, name)) })),
  };
}

function nodeMetrics(node: KubeObject, pods: KubeObject[], time: string): KubeObject {
  const usage = { ...NODE_BASE };
  for (const pod of pods) {
    for (const container of asList(asJson(pod.spec).containers)) {
      const used = containerUsage(pod, String(asJson(container).name));
      usage.milliCpu += used.milliCpu;
      usage.kib += used.kib;
    }
  }
  return {
    apiVersion: 'metrics.k8s.io/v1beta1',
    kind: 'NodeMetrics',
    metadata: { name: node.metadata.name, labels: node.metadata.labels, annotations: SIMULATED },
    timestamp: time,
    window: '30s',
    usage: usageJson(usage),
  };
}

const sameFigures = (a: KubeObject, b: KubeObject): boolean =>
  JSON.stringify([a.containers, a.usage]) === JSON.stringify([b.containers, b.usage]);

/** Level-triggered: writes the metrics that differ from what the running pods and nodes give, deletes the rest. */
export function syncMetrics(client: ControllerClient, time: string): void {
  const running = client
    .list(PODS)
    .filter((pod) => asJson(pod.status).phase === 'Running' && !pod.metadata.deletionTimestamp);
  reconcile(
    client,
    POD_METRICS,
    running.map((pod) => podMetrics(pod, time)),
  );
  const nodes = client.list(NODES);
  reconcile(
    client,
    NODE_METRICS,
    nodes.map((node) =>
      nodeMetrics(
        node,
        running.filter((pod) => asJson(pod.spec).nodeName === node.metadata.name),
        time,
      ),
    ),
  );
}

function reconcile(client: ControllerClient, resource: Resource, wanted: KubeObject[]): void {
  const key = (object: KubeObject) => `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
  const existing = new Map(client.list(resource).map((object) => [key(object), object]));
  for (const object of wanted) {
    const current = existing.get(key(object));
    existing.delete(key(object));
    if (!current) client.create(resource, object);
    else if (!sameFigures(current, object))
      client.update(resource, { ...object, metadata: { ...current.metadata, labels: object.metadata.labels } });
  }
  for (const stale of existing.values()) client.delete(resource, stale);
}
