// The scheduler and the kubelets: binds pending pods to the least busy ready node (or reports
// FailedScheduling), then walks each pod through the stages of pod-stages.ts (ContainerCreating →
// Running (ready) after a simulated image pull), writing each stage's status and recording its
// events. A started pod's containers then exit, back off and restart as their image and command
// say (container-lifecycle.ts); an image that is no valid reference waits in InvalidImageName
// (image-reference.ts). Pods a workload fault holds go through pod-faults.ts, and readiness that
// waits on another component through readiness.ts; pods being deleted through pod-termination.ts.
import type { Faults } from '../faults/faults';
import type { KubeObject } from '../apimachinery/kube-object';
import type { ControllerClient } from '../client/client';
import type { KubeletClock } from './kubelet-clock';
import { NODES, PODS } from '../client/client';
import type { EventMessages, EventRecorder } from './events';
import { failedSchedulingMessage, isNodeReady, isNodeSchedulable } from './node-health';
import { faultyPodStatus, isFaultyPod } from './pod-faults';
import { syncTerminatingPod } from './pod-termination';
import { statusWithReadiness, unreadyByDependency } from './readiness';
import type { ContainerRun, ContainerShell } from './container-exit';
import { startedPodStatus, stoppedContainers } from './container-lifecycle';
import { imageReferenceError, invalidImageMessage } from './image-reference';
import { waitsForAttach } from '../streams/exec-attach';
import { hexId } from './naming';
import type { PodStage, StageStatus } from './pod-stages';
import { BASE_PULL_DELAY_MS, POD_STAGES, containerPhaseOf, nextStage, stageDelayMs } from './pod-stages';
import type { NodeAddressing } from './nodes';
import { nodeAddressings } from './nodes';
import { podQosClass } from './qos';
import type { Json } from '../apimachinery/objects';
import { asJson, asList, isPodTerminated } from '../apimachinery/objects';

/** What the scheduler and kubelets report to, and the faults they obey. */
export type { KubeletClock } from './kubelet-clock';

export interface KubeletEnvironment {
  readonly recorder: EventRecorder;
  readonly messages: EventMessages;
  readonly kubeVersion: string;
  readonly faults?: Faults;
  readonly speed: number;
  readonly pullAttempts: Map<string, number>;
  /** Pods whose kill has started, by uid (pod-termination.ts). */
  readonly killing: Set<string>;
  /** Runs a container's command in the simulated shell. */
  readonly shell: ContainerShell;
  /** What each container run does, by `<pod uid>/<container>/<restartCount>` (container-lifecycle.ts). */
  readonly runs: Map<string, ContainerRun>;
}

function podCondition(type: string, status: boolean, time: string, reason?: string, message?: string): Json {
  return {
    type,
    status: status ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: time,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
}

function imageId(image: string): string {
  const repository = image.replace(/:[^/:]+$/, '');
  return `docker-pullable://${repository}@sha256:${hexId(`image/${image}`)}`;
}

function containerStatuses(pod: KubeObject, stage: StageStatus, time: string): Json[] {
  const waiting = asList(asJson(pod.spec).initContainers).length
    ? 'PodInitializing'
    : (stage.reason ?? 'ContainerCreating');
  const state = stage.container;
  return asList(asJson(pod.spec).containers).map((container) => {
    const name = String(container.name);
    const image = String(container.image);
    const base: Json = { name, image, imageID: state === 'waiting' ? '' : imageId(image) };
    if (state === 'waiting')
      return {
        ...base,
        state: { waiting: { reason: waiting } },
        lastState: {},
        ready: false,
        restartCount: 0,
        started: false,
      };
    const containerID = `docker://${hexId(`container/${pod.metadata.uid}/${name}`)}`;
    const startedAt = String(
      asJson(asJson(asList(asJson(pod.status).containerStatuses).find((entry) => entry.name === name)?.state).running)
        .startedAt ?? time,
    );
    if (state === 'running')
      return {
        ...base,
        containerID,
        state: { running: { startedAt } },
        lastState: {},
        ready: stage.ready,
        restartCount: 0,
        started: true,
      };
    return {
      ...base,
      containerID,
      state: {
        terminated: {
          exitCode: stage.exitCode ?? 0,
          reason: stage.reason ?? 'Completed',
          startedAt,
          finishedAt: time,
          containerID,
        },
      },
      lastState: {},
      ready: false,
      restartCount: 0,
      started: false,
    };
  });
}

/** Init containers (Istio's injected `istio-init`) run to completion before the containers start. */
function initContainerStatuses(pod: KubeObject, state: StageStatus['container'], time: string): Json[] {
  return asList(asJson(pod.spec).initContainers).map((container) => {
    const name = String(container.name);
    const image = String(container.image);
    if (state === 'waiting')
      return {
        name,
        image,
        imageID: '',
        state: { waiting: { reason: 'PodInitializing' } },
        lastState: {},
        ready: false,
        restartCount: 0,
      };
    const containerID = `docker://${hexId(`container/${pod.metadata.uid}/${name}`)}`;
    const previous = asJson(
      asJson(asList(asJson(pod.status).initContainerStatuses).find((entry) => entry.name === name)?.state).terminated,
    );
    const terminated = {
      exitCode: 0,
      reason: 'Completed',
      startedAt: previous.startedAt ?? time,
      finishedAt: previous.finishedAt ?? time,
      containerID,
    };
    return {
      name,
      image,
      imageID: imageId(image),
      containerID,
      state: { terminated },
      lastState: {},
      ready: true,
      restartCount: 0,
    };
  });
}

/** Containers waiting in InvalidImageName. */
function invalidImages(pod: KubeObject): string[] {
  return asList(asJson(pod.status).containerStatuses)
    .filter((status) => asJson(asJson(status.state).waiting).reason === 'InvalidImageName')
    .map((status) => String(status.name));
}

/** A starting pod's status with the containers whose image is no valid reference waiting in InvalidImageName (the pod stays Pending). */
function withInvalidImages(pod: KubeObject): Json {
  const status = asJson(pod.status);
  let invalid = false;
  const containerStatuses = asList(status.containerStatuses).map((entry) => {
    const image = String(entry.image);
    const error = imageReferenceError(image);
    if (!error) return entry;
    invalid = true;
    return {
      name: entry.name,
      image,
      imageID: '',
      state: { waiting: { reason: 'InvalidImageName', message: invalidImageMessage(image, error) } },
      lastState: {},
      ready: false,
      restartCount: 0,
      ...(entry.started === undefined ? {} : { started: false }),
    };
  });
  return invalid ? { ...status, phase: 'Pending', containerStatuses } : status;
}

/** The status a stage writes on the pod. */
export function podStatus(
  pod: KubeObject,
  node: Pick<NodeAddressing, 'internalIp'>,
  podIp: string | undefined,
  stage: StageStatus,
  time: string,
): Json {
  const previous = asJson(pod.status);
  const scheduled = asList(previous.conditions).find((entry) => entry.type === 'PodScheduled');
  const names = asList(asJson(pod.spec).containers).map((container) => String(container.name));
  const state = stage.container;
  const ready = stage.ready;
  const notReady = state === 'terminated' ? 'PodCompleted' : 'ContainersNotReady';
  const message = state === 'terminated' ? undefined : `containers with unready status: [${names.join(' ')}]`;
  const initNames = asList(asJson(pod.spec).initContainers).map((container) => String(container.name));
  const isInitializing = state === 'waiting' && initNames.length > 0;
  const conditions = [
    isInitializing
      ? podCondition(
          'Initialized',
          false,
          time,
          'ContainersNotInitialized',
          `containers with incomplete status: [${initNames.join(' ')}]`,
        )
      : podCondition(
          'Initialized',
          true,
          String(
            asList(previous.conditions).find((entry) => entry.type === 'Initialized' && entry.status === 'True')
              ?.lastTransitionTime ?? time,
          ),
          state === 'terminated' ? 'PodCompleted' : undefined,
        ),
    ready ? podCondition('Ready', true, time) : podCondition('Ready', false, time, notReady, message),
    ready
      ? podCondition('ContainersReady', true, time)
      : podCondition('ContainersReady', false, time, notReady, message),
    scheduled ?? podCondition('PodScheduled', true, time),
  ];
  return {
    phase: stage.phase,
    conditions,
    hostIP: node.internalIp,
    ...(podIp ? { podIP: podIp, podIPs: [{ ip: podIp }] } : {}),
    startTime: previous.startTime ?? time,
    ...(initNames.length ? { initContainerStatuses: initContainerStatuses(pod, state, time) } : {}),
    containerStatuses: containerStatuses(pod, stage, time),
    qosClass: previous.qosClass ?? podQosClass(pod),
  };
}

function freeIp(node: NodeAddressing, used: Set<string>): string {
  const prefix = node.podCidr.replace(/0\/24$/, '');
  for (let host = 2; host < 255; host++) if (!used.has(`${prefix}${host}`)) return `${prefix}${host}`;
  throw new Error(`node ${node.name} has no free pod IP in ${node.podCidr}`);
}

export function syncPods(
  client: ControllerClient,
  clock: KubeletClock,
  onError: (error: unknown) => void,
  environment: KubeletEnvironment,
  stages: readonly PodStage[] = POD_STAGES,
): void {
  const nodes = nodeAddressings(client);
  if (nodes.length === 0) return;
  const pods = client.list(PODS);
  const nodeObjects = client.list(NODES);
  const schedulable = new Set(nodeObjects.filter(isNodeSchedulable).map((node) => node.metadata.name!));
  const { recorder, messages } = environment;
  const load = new Map(nodes.map((node) => [node.name, 0]));
  for (const pod of pods) {
    const nodeName = String(asJson(pod.spec).nodeName ?? '');
    if (load.has(nodeName)) load.set(nodeName, load.get(nodeName)! + 1);
  }
  const usedIps = new Set(pods.map((pod) => String(asJson(pod.status).podIP ?? '')));
  const time = clock
    .now()
    .toISOString()
    .replace(/\.\d+Z$/, 'Z');
  const pullDelayMs = BASE_PULL_DELAY_MS * environment.speed;
  for (const pod of pods) {
    try {
      if (pod.metadata.deletionTimestamp) terminate(pod);
      else if (!isPodTerminated(pod)) syncPod(pod);
    } catch (error) {
      onError(error);
    }
  }

  /** A deleted pod: its node's kubelet stops it and deletes it when the grace period is over; a kubelet that stopped reporting does nothing. */
  function terminate(pod: KubeObject): void {
    const nodeName = String(asJson(pod.spec).nodeName ?? '');
    const node = nodeObjects.find((candidate) => candidate.metadata.name === nodeName);
    if (node && isNodeReady(node)) syncTerminatingPod(client, pod, clock, environment, time);
  }

  function syncPod(pod: KubeObject): void {
    const uid = pod.metadata.uid!;
    let nodeName = String(asJson(pod.spec).nodeName ?? '');
    if (!nodeName) {
      const candidates = [...load.entries()].filter(([name]) => schedulable.has(name));
      if (candidates.length === 0) {
        markUnschedulable(pod);
        return;
      }
      nodeName = candidates.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))[0][0];
      load.set(nodeName, load.get(nodeName)! + 1);
      const bound = client.update(PODS, { ...pod, spec: { ...asJson(pod.spec), nodeName } });
      const scheduled = client.updateStatus(PODS, {
        ...bound,
        status: { phase: 'Pending', conditions: [podCondition('PodScheduled', true, time)] },
      });
      recorder.record(scheduled, 'Normal', 'Scheduled', messages.scheduled(pod, nodeName), {
        component: 'default-scheduler',
      });
      return;
    }
    const node = nodes.find((candidate) => candidate.name === nodeName);
    if (!node) return;
    // A node whose kubelet stopped reporting runs nothing new; the node controller marks its pods not ready.
    if (nodeObjects.some((candidate) => candidate.metadata.name === nodeName && !isNodeReady(candidate))) {
      markNotReady(pod);
      return;
    }
    const source = { component: 'kubelet', host: nodeName };
    // Init containers first, under their own field path (`spec.initContainers{istio-init}`).
    const containers: Json[] = [
      ...asList(asJson(pod.spec).initContainers).map((container) => ({ ...container, list: 'initContainers' })),
      ...asList(asJson(pod.spec).containers).map((container) => ({ ...container, list: 'containers' })),
    ];
    const containerEvent = (container: Json, reason: string, message: string) =>
      recorder.record(
        pod,
        'Normal',
        reason,
        message,
        source,
        `spec.${String(container.list)}{${String(container.name)}}`,
      );
    const stage = nextStage(pod, stages);
    const isDue = (due: PodStage) =>
      clock.dueAt(uid, due.name, stageDelayMs(due, environment.speed)) <= clock.now().getTime();
    const enter = (due: PodStage, unready: string[]): void => {
      let ip = asJson(pod.status).podIP as string | undefined;
      if (!ip && due.status.phase !== 'Pending') {
        ip = asJson(pod.spec).hostNetwork ? node.internalIp : freeIp(node, usedIps);
        usedIps.add(ip);
      }
      const started = { ...pod, status: podStatus(pod, node, ip, due.status, time) };
      const next = due.status.container === 'running' ? { ...started, status: withInvalidImages(started) } : started;
      client.updateStatus(PODS, {
        ...next,
        status:
          (due.status.ready &&
            statusWithReadiness(next, [...unready, ...stoppedContainers(next), ...invalidImages(next)], time)) ||
          next.status,
      });
      for (const container of containers) {
        const name = String(container.name);
        const image = String(container.image);
        const error = due.status.container === 'running' ? imageReferenceError(image) : undefined;
        if (error) {
          // image_manager.go EnsureImageExists, then kuberuntime_container.go startContainer.
          recorder.record(
            pod,
            'Warning',
            'InspectFailed',
            invalidImageMessage(image, error),
            source,
            `spec.${String(container.list)}{${name}}`,
          );
          recorder.record(
            pod,
            'Warning',
            'Failed',
            'Error: InvalidImageName',
            source,
            `spec.${String(container.list)}{${name}}`,
          );
          continue;
        }
        for (const event of due.events) {
          if (event === 'Pulling') containerEvent(container, 'Pulling', messages.pulling(image));
          else if (event === 'Pulled')
            containerEvent(container, 'Pulled', messages.pulled(image, stageDelayMs(due, environment.speed) / 1000));
          else if (event === 'Created') containerEvent(container, 'Created', messages.created(name));
          else containerEvent(container, 'Started', messages.started(name));
        }
      }
    };
    // The first stage is written at once, before any fault: the kubelet has seen the pod.
    if (stage?.selector.from === 'none') {
      enter(stage, []);
      return;
    }
    if (environment.faults && isFaultyPod(pod, environment.faults)) {
      let ip = String(asJson(pod.status).podIP ?? '');
      if (!ip) {
        ip = asJson(pod.spec).hostNetwork ? node.internalIp : freeIp(node, usedIps);
        usedIps.add(ip);
      }
      const context = {
        faults: environment.faults,
        recorder,
        messages,
        clock,
        speed: environment.speed,
        pullDelayMs,
        time,
        pullAttempts: environment.pullAttempts,
        kubeVersion: environment.kubeVersion,
      };
      const status = faultyPodStatus(pod, node.internalIp, ip, source, context);
      if (status) client.updateStatus(PODS, { ...pod, status });
      return;
    }
    // A container whose image is no valid reference never starts: the kubelet fails it on each sync.
    if (invalidImages(pod).length) return;
    // A started pod's containers exit, back off and restart as their image and command say.
    if (containerPhaseOf(pod) === 'running' && !stage && !waitsForAttach(pod)) {
      const lifecycle = { ...environment, clock, time, source };
      const status = startedPodStatus(pod, lifecycle);
      if (status) {
        client.updateStatus(PODS, { ...pod, status });
        return;
      }
    }
    // Readiness probes: ready, unless what a container waits for is not (pilot-agent's /healthz/ready
    // answers 503 until Envoy has its configuration); recorded as the prober does, on each change.
    const dependencies = unreadyByDependency(pod, client);
    const unready = [...dependencies, ...stoppedContainers(pod).filter((name) => !dependencies.includes(name))];
    const probeFailed = () => {
      for (const name of dependencies)
        recorder.record(
          pod,
          'Warning',
          'Unhealthy',
          'Readiness probe failed: HTTP probe failed with statuscode: 503',
          source,
          `spec.containers{${name}}`,
        );
    };
    if (asJson(pod.status).phase === 'Running') {
      // Also what makes a pod ready again after its node was not ready.
      const status = statusWithReadiness(pod, unready, time);
      if (status) {
        client.updateStatus(PODS, { ...pod, status });
        probeFailed();
        return;
      }
    }
    if (stage && isDue(stage)) {
      enter(stage, unready);
      if (stage.status.ready) probeFailed();
    }
  }

  /** The scheduler found no node: PodScheduled False and a FailedScheduling event, once per change of reason. */
  function markUnschedulable(pod: KubeObject): void {
    const message = failedSchedulingMessage(nodeObjects, environment.kubeVersion);
    const current = asList(asJson(pod.status).conditions).find((entry) => entry.type === 'PodScheduled');
    if (current?.status === 'False' && current.message === message) return;
    const updated = client.updateStatus(PODS, {
      ...pod,
      status: { phase: 'Pending', conditions: [podCondition('PodScheduled', false, time, 'Unschedulable', message)] },
    });
    recorder.record(updated, 'Warning', 'FailedScheduling', message, { component: 'default-scheduler' });
  }

  /** nodeutil.MarkPodsNotReady: the node controller sets Ready False on the pods of a node that stopped reporting. */
  function markNotReady(pod: KubeObject): void {
    const conditions = asList(asJson(pod.status).conditions);
    if (!conditions.some((entry) => entry.type === 'Ready' && entry.status === 'True')) return;
    const next = conditions.map((entry) =>
      entry.type === 'Ready' ? { ...entry, status: 'False', lastTransitionTime: time } : entry,
    );
    client.updateStatus(PODS, { ...pod, status: { ...asJson(pod.status), conditions: next } });
  }
}
