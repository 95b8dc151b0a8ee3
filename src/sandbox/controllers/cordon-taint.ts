// The node lifecycle controller's taint for a cordoned node: with TaintNodesByCondition (beta and on
// by default from 1.12) a node whose spec.unschedulable is true gets
// `node.kubernetes.io/unschedulable:NoSchedule`, and loses it when uncordoned (kubernetes v1.13.7
// pkg/controller/nodelifecycle/node_lifecycle_controller.go doNoScheduleTaintingPass; the taint's
// timeAdded from pkg/controller/controller_utils.go SwapNodeControllerTaint).
import type { ControllerClient } from '../client/client';
import { NODES } from '../client/client';
import type { Json } from '../apimachinery/objects';
import { asJson, asList } from '../apimachinery/objects';

export const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';

export function syncCordonTaints(client: ControllerClient, time: string): void {
  for (const node of client.list(NODES)) {
    const spec = asJson(node.spec);
    const taints = asList(spec.taints);
    const isTainted = taints.some((taint) => taint.key === UNSCHEDULABLE_TAINT && taint.effect === 'NoSchedule');
    const isCordoned = spec.unschedulable === true;
    if (isTainted === isCordoned) continue;
    const others = taints.filter((taint) => !(taint.key === UNSCHEDULABLE_TAINT && taint.effect === 'NoSchedule'));
    const next: Json = {
      ...spec,
      taints: isCordoned ? [...others, { key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule', timeAdded: time }] : others,
    };
    if (asList(next.taints).length === 0) delete next.taints;
    client.update(NODES, { ...node, spec: next });
  }
}
