// A started pod's containers over time, as the kubelet runs them: a container exits when its
// process does (container-exit.ts), terminated with its exit code (reason Completed or Error); the
// pod's restartPolicy decides whether it starts again. The first restart is at once, later ones
// after a back-off of 10 s doubling to 5 min (kubernetes v1.13 pkg/kubelet/kubelet.go
// backOffPeriod, MaxContainerBackOff; kuberuntime_manager.go doBackOff), scaled by --speed, waiting
// in CrashLoopBackOff with the last run in lastState. The pod's phase follows getPhase
// (kubelet_pods.go): a pod whose containers all stopped is Succeeded or Failed unless it restarts.
import type { KubeObject } from '../apimachinery/kube-object';
import type { Json } from '../apimachinery/objects';
import { asJson, asList } from '../apimachinery/objects';
import type { ContainerRun, ContainerShell } from './container-exit';
import { containerRun } from './container-exit';
import type { EventMessages, EventRecorder, EventSource } from './events';
import { minorVersion } from './events';
import type { KubeletClock } from './kubelet-clock';
import { hexId } from './naming';
import { BASE_PULL_DELAY_MS } from './pod-stages';
import { readyCondition } from './readiness';

export interface LifecycleContext {
  readonly recorder: EventRecorder;
  readonly messages: EventMessages;
  readonly kubeVersion: string;
  readonly clock: KubeletClock;
  readonly speed: number;
  readonly time: string;
  readonly source: EventSource;
  readonly shell: ContainerShell;
  /** What each container's current run does, by `<pod uid>/<container>/<restartCount>`: the shell runs a command once per run. */
  readonly runs: Map<string, ContainerRun>;
}

/** How long a process that exits at once takes, start to exit, at --speed 1. */
const RUN_MS = BASE_PULL_DELAY_MS / 2;

/** The kubelet's back-off: 10 s doubling to 5 min (real time × speed, at least 0.1 s doubling to 3.2 s so a crash loop at --speed 0 keeps its order and does not spin). */
export function backOffMs(attempt: number, speed: number): number {
  const real = Math.min(10_000 * 2 ** attempt, 300_000) * speed;
  return Math.max(real, 100 * 2 ** Math.min(attempt, 5));
}

/** The back-off after the nth restart, as the kubelet prints it (Go's Duration: `10s`, `1m20s`, `5m0s`). */
export function backOffText(restartCount: number): string {
  const seconds = Math.min(10 * 2 ** Math.max(restartCount - 1, 0), 300);
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m${seconds % 60}s` : `${seconds}s`;
}

/**
 * The CrashLoopBackOff waiting message (kuberuntime_manager.go doBackOff). v1.13's error began with
 * a capital; later releases' (since the klog-era lint fixes, taken here as 1.15) do not.
 */
export function crashLoopMessage(
  pod: KubeObject,
  container: string,
  restartCount: number,
  kubeVersion: string,
): string {
  const backOff = minorVersion(kubeVersion) >= 15 ? 'back-off' : 'Back-off';
  return `${backOff} ${backOffText(restartCount)} restarting failed container=${container} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
}

/** Whether the kubelet starts a container again after it exited with this code. */
function restarts(restartPolicy: string, exitCode: number): boolean {
  return restartPolicy === 'Always' || (restartPolicy === 'OnFailure' && exitCode !== 0);
}

/** getPhase of kubelet_pods.go for a pod whose containers have all been started once. */
export function podPhase(
  restartPolicy: string,
  statuses: readonly Json[],
): 'Pending' | 'Running' | 'Succeeded' | 'Failed' {
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const status of statuses) {
    const state = asJson(status.state);
    if (state.running) running++;
    else if (state.terminated) {
      stopped++;
      if (Number(asJson(state.terminated).exitCode ?? 0) === 0) succeeded++;
    } else if (asJson(status.lastState).terminated) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (restartPolicy === 'Always') return 'Running';
  if (stopped === succeeded) return 'Succeeded';
  return restartPolicy === 'Never' ? 'Failed' : 'Running';
}

/**
 * One kubelet step for a started pod: each container that is due exits, backs off or starts again.
 * Returns the new status, or undefined when nothing is due.
 */
export function startedPodStatus(pod: KubeObject, context: LifecycleContext): Json | undefined {
  const { recorder, messages, clock, speed, time, source } = context;
  const uid = pod.metadata.uid!;
  const spec = asJson(pod.spec);
  const restartPolicy = String(spec.restartPolicy ?? 'Always');
  const previous = asJson(pod.status);
  const byName = new Map(asList(previous.containerStatuses).map((status) => [String(status.name), status]));
  const isDue = (step: string, delayMs: number, jitter = true) =>
    clock.dueAt(uid, step, delayMs, jitter) <= clock.now().getTime();
  const event = (container: string, type: 'Normal' | 'Warning', reason: string, message: string) =>
    recorder.record(pod, type, reason, message, source, `spec.containers{${container}}`);
  let changed = false;

  const statuses = asList(spec.containers).map((container): Json => {
    const name = String(container.name);
    const status = byName.get(name);
    if (!status) return {};
    const state = asJson(status.state);
    const restartCount = Number(status.restartCount ?? 0);
    const containerID = (count: number) => `docker://${hexId(`container/${uid}/${name}${count ? `/${count}` : ''}`)}`;
    if (state.running) {
      const key = `${uid}/${name}/${restartCount}`;
      const run = context.runs.get(key) ?? containerRun(pod, container, context.shell);
      context.runs.set(key, run);
      if (run.runs === 'forever') return status;
      const runMs = (RUN_MS + run.sleepSeconds * 1000) * speed;
      if (!isDue(`${name}/exit-${restartCount}`, runMs, run.sleepSeconds === 0)) return status;
      changed = true;
      const startedAt = String(asJson(state.running).startedAt ?? time);
      const id = String(status.containerID ?? containerID(restartCount));
      const terminated = {
        exitCode: run.exitCode,
        reason: run.exitCode === 0 ? 'Completed' : 'Error',
        startedAt,
        finishedAt: time,
        containerID: id,
      };
      return {
        ...status,
        state: { terminated },
        ready: false,
        ...(status.started === undefined ? {} : { started: false }),
      };
    }
    const terminated = asJson(state.terminated);
    if (state.terminated && !restarts(restartPolicy, Number(terminated.exitCode ?? 0))) return status;
    const waiting = asJson(state.waiting);
    const start = (): Json => {
      event(name, 'Normal', 'Pulled', messages.alreadyPresent(String(container.image)));
      event(name, 'Normal', 'Created', messages.created(name));
      event(name, 'Normal', 'Started', messages.started(name));
      changed = true;
      const lastState = state.terminated ? { terminated } : asJson(status.lastState);
      return {
        ...status,
        containerID: containerID(restartCount + 1),
        state: { running: { startedAt: time } },
        lastState,
        ready: true,
        restartCount: restartCount + 1,
        ...(status.started === undefined ? {} : { started: true }),
      };
    };
    if (state.terminated) {
      // The kubelet's back-off for a container starts at its first exit: that restart is at once.
      if (restartCount === 0) return start();
      changed = true;
      event(name, 'Warning', 'BackOff', messages.backOffRestart(pod, name));
      return {
        ...status,
        state: {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: crashLoopMessage(pod, name, restartCount, context.kubeVersion),
          },
        },
        lastState: { terminated },
        ready: false,
      };
    }
    if (
      waiting.reason === 'CrashLoopBackOff' &&
      isDue(`${name}/restart-${restartCount}`, backOffMs(restartCount - 1, speed), false)
    )
      return start();
    return status;
  });
  if (!changed) return undefined;
  return startedStatus(
    previous,
    asList(spec.containers).map((container) => String(container.name)),
    statuses,
    podPhase(restartPolicy, statuses),
    time,
  );
}

/** The pod status around new container statuses: phase, and Ready / ContainersReady as GeneratePodReadyCondition words them. */
function startedStatus(previous: Json, names: readonly string[], statuses: Json[], phase: string, time: string): Json {
  const unready = names.filter((_, index) => statuses[index].ready !== true);
  const conditions = asList(previous.conditions).map((entry) => {
    if (entry.type === 'Initialized') return phase === 'Succeeded' ? { ...entry, reason: 'PodCompleted' } : entry;
    if (entry.type !== 'Ready' && entry.type !== 'ContainersReady') return entry;
    return readyCondition(entry, unready, time, phase === 'Succeeded');
  });
  return { ...previous, phase, conditions, containerStatuses: statuses };
}

/** Containers of a started pod that are not running (exited or backing off): never ready, whatever their probes. */
export function stoppedContainers(pod: KubeObject): string[] {
  return asList(asJson(pod.status).containerStatuses)
    .filter((status) => !asJson(status.state).running)
    .map((status) => String(status.name));
}
