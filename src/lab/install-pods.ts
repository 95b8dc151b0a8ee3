// The pod store's projections as the few pod fields the install timeline and the lab's step checks
// read (PodLike, HintPod: subsets of a v1 Pod), so the install follows the shared pod watch
// instead of a watch of its own.
import type { PodSummary } from '../kube/pod-summary';
import type { PodLike } from './install-timeline';
import type { HintPod } from './step-hints';

export type InstallPod = PodLike & HintPod;

/** A container's state as the API writes it: running, or waiting/terminated with its reason. */
function containerState(container: PodSummary['containers'][number]): {
  running?: object;
  waiting?: { reason?: string };
  terminated?: { reason?: string };
} {
  switch (container.state) {
    case 'running':
      return { running: {} };
    case 'waiting':
      return { waiting: { reason: container.reason } };
    case 'terminated':
      return { terminated: { reason: container.reason } };
    case 'unknown':
      return {};
  }
}

export function installPod(pod: PodSummary): InstallPod {
  return {
    metadata: {
      name: pod.name,
      ...(pod.createdAt ? { creationTimestamp: new Date(pod.createdAt) } : {}),
      ...(pod.ownerKind || pod.ownerName ? { ownerReferences: [{ kind: pod.ownerKind, name: pod.ownerName }] } : {}),
    },
    spec: pod.nodeName ? { nodeName: pod.nodeName } : {},
    status: {
      phase: pod.phase,
      conditions: pod.conditions,
      containerStatuses: pod.containers.map((container) => ({ state: containerState(container) })),
    },
  };
}
