// The kubelet's way with containers that fail (the workload faults): an image that cannot be
// pulled goes ErrImagePull → ImagePullBackOff and is retried with back-off; a container that
// crashes runs, exits, waits in CrashLoopBackOff (10 s doubling to 5 min, scaled by --speed) and
// restarts, its restartCount growing and the last run kept in lastState. Each step records the
// kubelet's events (pkg/kubelet/images/image_manager.go, kuberuntime_container.go, kubelet_pods.go).
import type { KubeObject } from '../apimachinery/kube-object';
import type { Faults } from '../faults/faults';
import type { EventMessages, EventRecorder, EventSource } from './events';
import type { KubeletClock } from './kubelet-clock';
import { hexId } from './naming';
import { backOffMs, crashLoopMessage } from './container-lifecycle';
import type { Json } from '../apimachinery/objects';
import { asJson, asList } from '../apimachinery/objects';
import { podQosClass } from './qos';

export interface FaultyPodContext {
  readonly faults: Faults;
  readonly recorder: EventRecorder;
  readonly messages: EventMessages;
  readonly clock: KubeletClock;
  /** The sandbox's --speed: 1 is real time; back-offs keep a floor at 0 so a crash loop does not spin. */
  readonly speed: number;
  readonly pullDelayMs: number;
  readonly time: string;
  /** Pull attempts of containers failing to pull, by `<pod uid>/<container>` (the kubelet keeps them in memory too). */
  readonly pullAttempts: Map<string, number>;
  readonly kubeVersion: string;
}

type ContainerPhase = 'creating' | 'pullFailed' | 'pullBackOff' | 'running' | 'crashBackOff';

/** A pull a fault failed: this module retries it. A crash loop left when its fault goes is container-lifecycle.ts's. */
const FAULT_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff']);

function phaseOf(status: Json | undefined): ContainerPhase {
  const state = asJson(status?.state);
  if (state.running) return 'running';
  const reason = asJson(state.waiting).reason;
  if (reason === 'ErrImagePull') return 'pullFailed';
  if (reason === 'ImagePullBackOff') return 'pullBackOff';
  if (reason === 'CrashLoopBackOff') return 'crashBackOff';
  return 'creating';
}

function imageId(image: string): string {
  return `docker-pullable://${image.replace(/:[^/:]+$/, '')}@sha256:${hexId(`image/${image}`)}`;
}

/** Whether a fault has, or had, a hand in this pod: then this module runs it, not the plain kubelet path. */
export function isFaultyPod(pod: KubeObject, faults: Faults): boolean {
  const containers = asList(asJson(pod.spec).containers);
  if (
    containers.some(
      (c) =>
        faults.imagePullErrorFor(String(c.image)) !== undefined ||
        faults.crashLoopFor(pod.metadata.namespace, pod.metadata.name!, String(c.name)),
    )
  )
    return true;
  return asList(asJson(pod.status).containerStatuses).some((status) =>
    FAULT_REASONS.has(String(asJson(asJson(status.state).waiting).reason)),
  );
}

/**
 * One kubelet step for a faulty pod: each container moves on when its step is due. Returns the
 * new status, or undefined when nothing is due yet.
 */
export function faultyPodStatus(
  pod: KubeObject,
  hostIp: string,
  podIp: string,
  source: EventSource,
  context: FaultyPodContext,
): Json | undefined {
  const { faults, recorder, messages, clock, speed, pullDelayMs, time } = context;
  const uid = pod.metadata.uid!;
  const previous = asJson(pod.status);
  const previousStatuses = new Map(asList(previous.containerStatuses).map((status) => [String(status.name), status]));
  // Compared with the clock at each step: a step due now (delay 0 at --speed 0) gets no timer of its own.
  const isDue = (step: string, delayMs: number): boolean => clock.dueAt(uid, step, delayMs) <= clock.now().getTime();
  let changed = false;
  const event = (container: string, type: 'Normal' | 'Warning', reason: string, message: string) =>
    recorder.record(pod, type, reason, message, source, `spec.containers{${container}}`);

  const statuses = asList(asJson(pod.spec).containers).map((container): Json => {
    const name = String(container.name);
    const image = String(container.image);
    const prev = previousStatuses.get(name) ?? {};
    const restartCount = Number(prev.restartCount ?? 0);
    const pulls = context.pullAttempts.get(`${uid}/${name}`) ?? 0;
    const pullError = faults.imagePullErrorFor(image);
    const crash = faults.crashLoopFor(pod.metadata.namespace, pod.metadata.name!, name);
    const containerID = `docker://${hexId(`container/${uid}/${name}/${restartCount}`)}`;
    const base: Json = { name, image, imageID: prev.imageID ?? '' };
    const running = (startedAt: string, restarts: number, lastState: Json): Json => ({
      ...base,
      imageID: imageId(image),
      containerID: `docker://${hexId(`container/${uid}/${name}/${restarts}`)}`,
      state: { running: { startedAt } },
      lastState,
      ready: !crash,
      restartCount: restarts,
      started: true,
    });
    const start = (pulled: boolean, restarts: number, lastState: Json): Json => {
      event(
        name,
        'Normal',
        'Pulled',
        pulled ? messages.pulled(image, pullDelayMs / 1000) : messages.alreadyPresent(image),
      );
      event(name, 'Normal', 'Created', messages.created(name));
      event(name, 'Normal', 'Started', messages.started(name));
      changed = true;
      return running(time, restarts, lastState);
    };
    const pullFailed = (attempt: number): Json => {
      event(name, 'Warning', 'Failed', messages.failedPull(image, pullError!));
      event(name, 'Warning', 'Failed', 'Error: ErrImagePull');
      changed = true;
      context.pullAttempts.set(`${uid}/${name}`, attempt);
      return {
        ...base,
        state: { waiting: { reason: 'ErrImagePull', message: pullError } },
        lastState: {},
        ready: false,
        restartCount,
        started: false,
      };
    };
    switch (phaseOf(prev)) {
      case 'creating':
        if (!isDue(`${name}/pull-0`, pullDelayMs)) return prev;
        return pullError ? pullFailed(1) : start(true, 0, {});
      case 'pullFailed':
        if (!isDue(`${name}/pull-failed-${pulls}`, backOffMs(0, speed) / 10)) return prev;
        event(name, 'Normal', 'BackOff', messages.backOffPull(image));
        event(name, 'Warning', 'Failed', 'Error: ImagePullBackOff');
        changed = true;
        return { ...prev, state: { waiting: { reason: 'ImagePullBackOff', message: messages.backOffPull(image) } } };
      case 'pullBackOff':
        if (!isDue(`${name}/pull-retry-${pulls}`, backOffMs(pulls - 1, speed))) return prev;
        event(name, 'Normal', 'Pulling', messages.pulling(image));
        return pullError ? pullFailed(pulls + 1) : start(true, 0, {});
      case 'running': {
        const startedAt = String(asJson(asJson(prev.state).running).startedAt ?? time);
        if (!crash) {
          if (prev.ready === true) return prev;
          changed = true;
          return { ...prev, ready: true };
        }
        if (!isDue(`${name}/exit-${restartCount}`, Math.max(pullDelayMs / 2, 50))) return prev;
        event(name, 'Warning', 'BackOff', messages.backOffRestart(pod, name));
        changed = true;
        return {
          ...base,
          imageID: imageId(image),
          containerID,
          state: {
            waiting: {
              reason: 'CrashLoopBackOff',
              message: crashLoopMessage(pod, name, restartCount + 1, context.kubeVersion),
            },
          },
          lastState: {
            terminated: { exitCode: crash.exitCode ?? 1, reason: 'Error', startedAt, finishedAt: time, containerID },
          },
          ready: false,
          restartCount: restartCount + 1,
          started: false,
        };
      }
      case 'crashBackOff':
        if (!isDue(`${name}/restart-${restartCount}`, backOffMs(restartCount - 1, speed))) return prev;
        return start(false, restartCount, prev.lastState as Json);
    }
  });
  if (!changed) return undefined;
  const isPending = statuses.some(
    (status) =>
      ['creating', 'pullFailed', 'pullBackOff'].includes(phaseOf(status)) && Number(status.restartCount ?? 0) === 0,
  );
  const unready = statuses.filter((status) => status.ready !== true).map((status) => String(status.name));
  const since = (type: string) =>
    String(asList(previous.conditions).find((entry) => entry.type === type)?.lastTransitionTime ?? time);
  const readiness = (type: string): Json => {
    const wasReady = asList(previous.conditions).find((entry) => entry.type === type)?.status === 'True';
    const isReady = unready.length === 0;
    const transition = wasReady === isReady ? since(type) : time;
    return isReady
      ? { type, status: 'True', lastProbeTime: null, lastTransitionTime: transition }
      : {
          type,
          status: 'False',
          lastProbeTime: null,
          lastTransitionTime: transition,
          reason: 'ContainersNotReady',
          message: `containers with unready status: [${unready.join(' ')}]`,
        };
  };
  return {
    phase: isPending ? 'Pending' : 'Running',
    conditions: [
      { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: since('Initialized') },
      readiness('Ready'),
      readiness('ContainersReady'),
      asList(previous.conditions).find((entry) => entry.type === 'PodScheduled') ?? {
        type: 'PodScheduled',
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: time,
      },
    ],
    hostIP: hostIp,
    podIP: podIp,
    podIPs: [{ ip: podIp }],
    startTime: previous.startTime ?? time,
    containerStatuses: statuses,
    qosClass: previous.qosClass ?? podQosClass(pod),
  };
}
