// The kubelet's half of graceful pod deletion (k8s.io/kubernetes v1.13 pkg/kubelet: killPod when a
// pod has a deletionTimestamp, then the status manager's delete with grace 0 once its containers
// are stopped): Killing events when the kill starts, the containers terminated and the pod not
// ready when the grace period (deletionGracePeriodSeconds, times --speed) is over, then the pod
// deleted for good. A shorter grace period given later (`kubectl delete --now`) restarts the wait
// with the new one, as the kubelet's kill does.
import type { KubeObject } from '../apimachinery/kube-object';
import type { Json } from '../apimachinery/objects';
import { asJson, asList, sameJson } from '../apimachinery/objects';
import type { ControllerClient } from '../client/client';
import { PODS } from '../client/client';
import type { EventMessages, EventRecorder } from './events';
import type { KubeletClock } from './kubelet-clock';

export interface TerminationEnvironment {
  readonly recorder: EventRecorder;
  readonly messages: EventMessages;
  readonly speed: number;
  /** Pods whose kill has started (their Killing events are recorded), by uid. */
  readonly killing: Set<string>;
}

/** The pod's status once its containers are stopped: each terminated (exit 0, as on SIGTERM), the pod not ready. Its phase stays. */
export function stoppedStatus(pod: KubeObject, time: string): Json {
  const status = asJson(pod.status);
  const names = asList(asJson(pod.spec).containers).map((container) => String(container.name));
  const containerStatuses = asList(status.containerStatuses).map((entry) => {
    const running = asJson(asJson(entry.state).running);
    if (!running.startedAt) return { ...entry, ready: false, started: false };
    const terminated = {
      exitCode: 0,
      reason: 'Completed',
      startedAt: running.startedAt,
      finishedAt: time,
      ...(entry.containerID ? { containerID: entry.containerID } : {}),
    };
    return { ...entry, state: { terminated }, ready: false, started: false };
  });
  const notReady = {
    status: 'False',
    reason: 'ContainersNotReady',
    message: `containers with unready status: [${names.join(' ')}]`,
  };
  const conditions = asList(status.conditions).map((entry) =>
    (entry.type === 'Ready' || entry.type === 'ContainersReady') && entry.status !== 'False'
      ? { ...entry, ...notReady, lastTransitionTime: time }
      : entry,
  );
  return { ...status, conditions, containerStatuses };
}

/** One kubelet pass over a pod with a deletionTimestamp on this node. */
export function syncTerminatingPod(
  client: ControllerClient,
  pod: KubeObject,
  clock: KubeletClock,
  environment: TerminationEnvironment,
  time: string,
): void {
  const uid = pod.metadata.uid!;
  const host = String(asJson(pod.spec).nodeName ?? '');
  const grace = pod.metadata.deletionGracePeriodSeconds ?? 0;
  if (!environment.killing.has(uid)) {
    environment.killing.add(uid);
    for (const entry of asList(asJson(pod.status).containerStatuses)) {
      if (!asJson(asJson(entry.state).running).startedAt) continue;
      const name = String(entry.name);
      environment.recorder.record(
        pod,
        'Normal',
        'Killing',
        environment.messages.killing(name),
        { component: 'kubelet', host },
        `spec.containers{${name}}`,
      );
    }
  }
  // No jitter: the grace period is a deadline, not a simulated duration.
  if (clock.dueAt(uid, `pod-terminate/${grace}`, grace * 1000 * environment.speed, false) > clock.now().getTime())
    return;
  let current = pod;
  const status = stoppedStatus(pod, time);
  if (!sameJson(status, pod.status)) current = client.updateStatus(PODS, { ...pod, status });
  client.delete(PODS, current, 0);
}
