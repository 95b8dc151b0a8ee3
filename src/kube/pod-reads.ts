// What the pod tree reads about one pod on demand, beside the watch: the whole pod (describe, the
// ports to forward), its events (one query for the tooltip and describe: involvedObject.uid), the
// previous run's last log lines, and a followed log stream.
import type { Writable } from 'node:stream';
import type { V1Pod } from '@kubernetes/client-node';
import type { ClusterConnection } from './connection';
import { kubernetesClient } from './connection';

/** An event about a pod, as `kubectl describe pod` lists it. */
export interface PodEventRecord {
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  /** How often it happened (series and deduplicated events). */
  readonly count?: number;
  /** Epoch ms of the first and the last time it happened. */
  readonly firstSeen?: number;
  readonly lastSeen?: number;
  /** Who reported it, as kubectl describe's From column: the component (kubelet, default-scheduler), without the host. */
  readonly source: string;
}

export type { V1Pod };

const epochMs = (value: Date | string | undefined): number | undefined =>
  value ? new Date(value).getTime() : undefined;

/** The pod as the API server has it now (GET pods/<name>). */
export async function readPod(connection: ClusterConnection, namespace: string, name: string): Promise<V1Pod> {
  const k8s = await kubernetesClient();
  return connection.kubeConfig.makeApiClient(k8s.CoreV1Api).readNamespacedPod({ name, namespace });
}

/** The events whose involvedObject is the pod (by uid, so a pod of the same name before it is not mixed in), oldest first. */
export async function listPodEvents(
  connection: ClusterConnection,
  namespace: string,
  uid: string,
): Promise<PodEventRecord[]> {
  const k8s = await kubernetesClient();
  const list = await connection.kubeConfig
    .makeApiClient(k8s.CoreV1Api)
    .listNamespacedEvent({ namespace, fieldSelector: `involvedObject.uid=${uid}` });
  return list.items
    .map((event) => ({
      type: event.type ?? '',
      reason: event.reason ?? '',
      message: event.message ?? '',
      count: event.count,
      firstSeen: epochMs(event.firstTimestamp),
      // events.k8s.io/v1 events set eventTime and no lastTimestamp.
      lastSeen: epochMs(event.lastTimestamp ?? event.eventTime ?? event.metadata?.creationTimestamp),
      // DescribeEvents of kubernetes/kubernetes staging/src/k8s.io/kubectl/pkg/describe/describe.go
      // (v1.32.0): Source.Component, else ReportingController; the host is not shown.
      source: event.source?.component || event.reportingComponent || '',
    }))
    .sort((a, b) => (a.lastSeen ?? 0) - (b.lastSeen ?? 0));
}

/** The last lines of a container's previous run (`kubectl logs --previous --tail`); undefined when there is none yet. */
export async function readPreviousLog(
  connection: ClusterConnection,
  namespace: string,
  name: string,
  container: string,
  tailLines: number,
): Promise<string | undefined> {
  const k8s = await kubernetesClient();
  try {
    return await connection.kubeConfig
      .makeApiClient(k8s.CoreV1Api)
      .readNamespacedPodLog({ name, namespace, container, previous: true, tailLines });
  } catch {
    // No previous run to read yet (the kubelet answers 400).
    return undefined;
  }
}

/** `kubectl logs -f --tail`: writes the container's log into `output` until the returned controller aborts or the container ends. */
export async function followPodLog(
  connection: ClusterConnection,
  namespace: string,
  name: string,
  container: string,
  output: Writable,
  tailLines: number,
): Promise<AbortController> {
  const k8s = await kubernetesClient();
  return new k8s.Log(connection.kubeConfig).log(namespace, name, container, output, { follow: true, tailLines });
}
