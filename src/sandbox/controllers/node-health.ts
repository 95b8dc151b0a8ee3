// The node lifecycle controller and the scheduler's view of nodes. A node whose kubelet stops
// posting status (the `notReadyNodes` fault) turns Unknown with the node controller's reason
// and message, gets the `node.kubernetes.io/unreachable` taints, and nothing new is scheduled
// there; when the kubelet is back it reports KubeletReady again (pkg/controller/nodelifecycle,
// pkg/scheduler predicates of release-1.13, and the taint message of later releases).
import type { KubeObject } from '../apimachinery/kube-object';
import type { Faults } from '../faults/faults';
import type { ControllerClient } from '../client/client';
import { NODES } from '../client/client';
import type { EventRecorder } from './events';
import { minorVersion } from './events';
import type { Json } from '../apimachinery/objects';
import { asJson, asList } from '../apimachinery/objects';

const UNREACHABLE = 'node.kubernetes.io/unreachable';
/** The conditions the node controller sets Unknown when the kubelet goes quiet. */
const KUBELET_CONDITIONS = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'];
const HEALTHY: Record<string, [string, string, string]> = {
  MemoryPressure: ['False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
  DiskPressure: ['False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
  PIDPressure: ['False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
  Ready: ['True', 'KubeletReady', 'kubelet is posting ready status. AppArmor enabled'],
};

export function isNodeReady(node: KubeObject): boolean {
  return asList(asJson(node.status).conditions).some((entry) => entry.type === 'Ready' && entry.status === 'True');
}

/** Ready, not cordoned, and without a NoSchedule taint (the sandbox's pods carry no tolerations for them). */
export function isNodeSchedulable(node: KubeObject): boolean {
  const spec = asJson(node.spec);
  return (
    isNodeReady(node) &&
    spec.unschedulable !== true &&
    !asList(spec.taints).some((taint) => taint.effect === 'NoSchedule')
  );
}

/** The scheduler's FailedScheduling message when no node fits, in the words of the release. */
export function failedSchedulingMessage(nodes: KubeObject[], kubeVersion: string): string {
  const minor = minorVersion(kubeVersion);
  const total = nodes.length;
  if (total === 0) return minor >= 24 ? 'no nodes available to schedule pods' : '0/0 nodes are available: .';
  const notReady = nodes.filter((node) => !isNodeReady(node)).length;
  const cordoned = nodes.filter((node) => isNodeReady(node) && asJson(node.spec).unschedulable === true).length;
  const reasons: string[] = [];
  if (minor >= 18) {
    if (notReady) reasons.push(`${notReady} node(s) had taint {${UNREACHABLE}: }, that the pod didn't tolerate`);
    if (cordoned) reasons.push(`${cordoned} node(s) were unschedulable`);
  } else {
    if (notReady) reasons.push(`${notReady} node(s) were not ready`);
    if (cordoned) reasons.push(`${cordoned} node(s) were unschedulable`);
  }
  const message = `0/${total} nodes are available: ${reasons.sort().join(', ')}.`;
  return minor >= 24
    ? `${message} preemption: 0/${total} nodes are available: ${total} Preemption is not helpful for scheduling.`
    : message;
}

/** Node status as the fault wants it: Unknown while the kubelet is "down", healthy again after. */
export function syncNodeHealth(client: ControllerClient, faults: Faults, recorder: EventRecorder, time: string): void {
  for (const node of client.list(NODES)) {
    const name = node.metadata.name!;
    const down = faults.isNodeNotReady(name);
    if (down === !isNodeReady(node)) continue;
    const conditions = asList(asJson(node.status).conditions).map((entry): Json => {
      const type = String(entry.type);
      if (!KUBELET_CONDITIONS.includes(type)) return entry;
      if (down)
        return {
          ...entry,
          status: 'Unknown',
          lastTransitionTime: time,
          reason: 'NodeStatusUnknown',
          message: 'Kubelet stopped posting node status.',
        };
      const [status, reason, message] = HEALTHY[type];
      return { ...entry, status, lastHeartbeatTime: time, lastTransitionTime: time, reason, message };
    });
    const spec = asJson(node.spec);
    const otherTaints = asList(spec.taints).filter((taint) => taint.key !== UNREACHABLE);
    const taints = down
      ? [
          ...otherTaints,
          { key: UNREACHABLE, effect: 'NoSchedule', timeAdded: time },
          { key: UNREACHABLE, effect: 'NoExecute', timeAdded: time },
        ]
      : otherTaints;
    const nextSpec: Json = { ...spec, taints };
    if (taints.length === 0) delete nextSpec.taints;
    const tainted = client.update(NODES, { ...node, spec: nextSpec });
    const updated = client.updateStatus(NODES, { ...tainted, status: { ...asJson(tainted.status), conditions } });
    if (down)
      recorder.record(updated, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`, {
        component: 'node-controller',
      });
    else
      recorder.record(updated, 'Normal', 'NodeReady', `Node ${name} status is now: NodeReady`, {
        component: 'kubelet',
        host: name,
      });
  }
}
