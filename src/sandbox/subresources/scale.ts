// The scale subresource (autoscaling/v1 Scale) of Deployments, ReplicaSets and StatefulSets:
// reading it from the object, and the object a Scale write asks for.
import type { KubeObject } from '../apimachinery/kube-object';
import { clone } from '../apimachinery/kube-object';
import { invalid } from '../apimachinery/status-error';

/** The Scale of an object, as GET .../scale answers. */
export function scaleOf(object: KubeObject): KubeObject {
  const spec = (object.spec ?? {}) as Record<string, unknown>;
  const status = (object.status ?? {}) as Record<string, unknown>;
  const selector = (spec.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: object.metadata.name,
      namespace: object.metadata.namespace,
      uid: object.metadata.uid,
      resourceVersion: object.metadata.resourceVersion,
      creationTimestamp: object.metadata.creationTimestamp,
    },
    spec: { replicas: spec.replicas ?? 0 },
    status: {
      replicas: status.replicas ?? 0,
      ...(selector
        ? {
            selector: Object.entries(selector)
              .map(([k, v]) => `${k}=${v}`)
              .join(','),
          }
        : {}),
    },
  };
}

/** The object with the replicas a Scale write asks for; 422 for a negative or fractional count. */
export function scaledObject(current: KubeObject, scale: KubeObject, name: string): KubeObject {
  const replicas = Number((scale.spec as Record<string, unknown> | undefined)?.replicas);
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw invalid('autoscaling', 'Scale', name, [
      {
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${replicas}: must be greater than or equal to 0`,
        field: 'spec.replicas',
      },
    ]);
  }
  const next = clone(current);
  next.spec = { ...(next.spec as Record<string, unknown>), replicas };
  return next;
}
