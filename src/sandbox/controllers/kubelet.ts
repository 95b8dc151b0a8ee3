// The scheduler and the kubelets: binds pending pods to the least busy node, then walks each pod
// through ContainerCreating → Running (ready) after a simulated image pull; pods that do not
// restart (Jobs) exit 0 with reason Completed a moment later.
import type { KubeObject } from '../kube-object';
import type { ControllerClient } from './client';
import { PODS } from './client';
import { hexId } from './naming';
import type { NodeAddressing } from './nodes';
import { nodeAddressings } from './nodes';
import type { Json } from './objects';
import { asJson, asList, isPodTerminated } from './objects';

export interface KubeletClock {
  now(): Date;
  /** When a pod's current step is due (ms since epoch); schedules a pass at that time. */
  dueAt(uid: string, step: string, delayMs: number): number;
}

function podCondition(type: string, status: boolean, time: string, reason?: string, message?: string): Json {
  return { type, status: status ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: time, ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
}

function imageId(image: string): string {
  const repository = image.replace(/:[^/:]+$/, '');
  return `docker-pullable://${repository}@sha256:${hexId(`image/${image}`)}`;
}

type ContainerState = 'creating' | 'running' | 'completed';

function containerStatuses(pod: KubeObject, state: ContainerState, time: string): Json[] {
  return asList(asJson(pod.spec).containers).map((container) => {
    const name = String(container.name);
    const image = String(container.image);
    const base: Json = { name, image, imageID: state === 'creating' ? '' : imageId(image) };
    if (state === 'creating') return { ...base, state: { waiting: { reason: 'ContainerCreating' } }, lastState: {}, ready: false, restartCount: 0, started: false };
    const containerID = `docker://${hexId(`container/${pod.metadata.uid}/${name}`)}`;
    const startedAt = String(asJson(asJson(asList(asJson(pod.status).containerStatuses).find((entry) => entry.name === name)?.state).running).startedAt ?? time);
    if (state === 'running') return { ...base, containerID, state: { running: { startedAt } }, lastState: {}, ready: true, restartCount: 0, started: true };
    return { ...base, containerID, state: { terminated: { exitCode: 0, reason: 'Completed', startedAt, finishedAt: time, containerID } }, lastState: {}, ready: false, restartCount: 0, started: false };
  });
}

export function podStatus(pod: KubeObject, node: NodeAddressing, podIp: string | undefined, state: ContainerState, time: string): Json {
  const previous = asJson(pod.status);
  const scheduled = asList(previous.conditions).find((entry) => entry.type === 'PodScheduled');
  const since = (type: string) => String(asList(previous.conditions).find((entry) => entry.type === type)?.lastTransitionTime ?? time);
  const names = asList(asJson(pod.spec).containers).map((container) => String(container.name));
  const ready = state === 'running';
  const notReady = state === 'completed' ? 'PodCompleted' : 'ContainersNotReady';
  const message = state === 'completed' ? undefined : `containers with unready status: [${names.join(' ')}]`;
  const conditions = [
    podCondition('Initialized', true, since('Initialized'), state === 'completed' ? 'PodCompleted' : undefined),
    ready ? podCondition('Ready', true, time) : podCondition('Ready', false, time, notReady, message),
    ready ? podCondition('ContainersReady', true, time) : podCondition('ContainersReady', false, time, notReady, message),
    scheduled ?? podCondition('PodScheduled', true, time),
  ];
  return {
    phase: state === 'creating' ? 'Pending' : state === 'running' ? 'Running' : 'Succeeded',
    conditions,
    hostIP: node.internalIp,
    ...(podIp ? { podIP: podIp, podIPs: [{ ip: podIp }] } : {}),
    startTime: previous.startTime ?? time,
    containerStatuses: containerStatuses(pod, state, time),
    qosClass: previous.qosClass ?? 'BestEffort',
  };
}

function freeIp(node: NodeAddressing, used: Set<string>): string {
  const prefix = node.podCidr.replace(/0\/24$/, '');
  for (let host = 2; host < 255; host++) if (!used.has(`${prefix}${host}`)) return `${prefix}${host}`;
  throw new Error(`node ${node.name} has no free pod IP in ${node.podCidr}`);
}

const stateOf = (pod: KubeObject): ContainerState | undefined => {
  const status = asJson(pod.status);
  if (!asList(status.containerStatuses).length) return undefined;
  if (status.phase === 'Running') return 'running';
  if (status.phase === 'Succeeded') return 'completed';
  return 'creating';
};

export function syncPods(client: ControllerClient, clock: KubeletClock, pullDelayMs: number, onError: (error: unknown) => void): void {
  const nodes = nodeAddressings(client);
  if (nodes.length === 0) return;
  const pods = client.list(PODS);
  const load = new Map(nodes.map((node) => [node.name, 0]));
  for (const pod of pods) {
    const nodeName = String(asJson(pod.spec).nodeName ?? '');
    if (load.has(nodeName)) load.set(nodeName, load.get(nodeName)! + 1);
  }
  const usedIps = new Set(pods.map((pod) => String(asJson(pod.status).podIP ?? '')));
  const time = clock.now().toISOString().replace(/\.\d+Z$/, 'Z');
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp || isPodTerminated(pod)) continue;
    try {
      syncPod(pod);
    } catch (error) {
      onError(error);
    }
  }

  function syncPod(pod: KubeObject): void {
    const uid = pod.metadata.uid!;
    let nodeName = String(asJson(pod.spec).nodeName ?? '');
    if (!nodeName) {
      nodeName = [...load.entries()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))[0][0];
      load.set(nodeName, load.get(nodeName)! + 1);
      const bound = client.update(PODS, { ...pod, spec: { ...asJson(pod.spec), nodeName } });
      client.updateStatus(PODS, { ...bound, status: { phase: 'Pending', conditions: [podCondition('PodScheduled', true, time)] } });
      return;
    }
    const node = nodes.find((candidate) => candidate.name === nodeName);
    if (!node) return;
    const state = stateOf(pod);
    if (state === undefined) {
      client.updateStatus(PODS, { ...pod, status: podStatus(pod, node, undefined, 'creating', time) });
    } else if (state === 'creating' && clock.dueAt(uid, 'start', pullDelayMs) <= clock.now().getTime()) {
      const ip = asJson(pod.spec).hostNetwork ? node.internalIp : freeIp(node, usedIps);
      usedIps.add(ip);
      client.updateStatus(PODS, { ...pod, status: podStatus(pod, node, ip, 'running', time) });
    } else if (state === 'running' && asJson(pod.spec).restartPolicy !== 'Always' && clock.dueAt(uid, 'exit', pullDelayMs / 2) <= clock.now().getTime()) {
      client.updateStatus(PODS, { ...pod, status: podStatus(pod, node, String(asJson(pod.status).podIP), 'completed', time) });
    }
  }
}
