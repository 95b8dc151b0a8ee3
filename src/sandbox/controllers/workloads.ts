// The workload controllers of kube-controller-manager, level-triggered: each pass compares what
// is stored with what should be and writes the difference (Deployment → ReplicaSet → Pods,
// StatefulSet, DaemonSet, and the HorizontalPodAutoscaler's status).
import type { KubeObject, ObjectMeta } from '../apimachinery/kube-object';
import type { ControllerClient } from '../client/client';
import { DEPLOYMENTS, HPAS, PODS } from '../client/client';
import type { EventMessages, EventRecorder } from './events';
import type { Json } from '../apimachinery/objects';
import { asJson, controllerRef, isControlledBy, sameJson } from '../apimachinery/objects';

/**
 * The metadata of an object a controller makes from its template (controller_utils.go
 * GetPodFromTemplate, cronjob/utils.go getJobFromTemplate): `metadata` and the template's labels
 * and annotations, copied, in the owner's namespace under the owner as controller. An empty label
 * set is left out, as Go's omitempty leaves it out.
 */
export function metadataFromTemplate(owner: KubeObject, template: Json, metadata: ObjectMeta): ObjectMeta {
  const templateMeta = asJson(template.metadata);
  const labels = { ...(templateMeta.labels as Record<string, string> | undefined), ...metadata.labels };
  const annotations = templateMeta.annotations as Record<string, string> | undefined;
  return {
    ...metadata,
    namespace: owner.metadata.namespace,
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
    ...(annotations ? { annotations: { ...annotations } } : {}),
    ownerReferences: [controllerRef(owner)],
  };
}

/** A pod of `owner` made from its pod template. */
export function podFromTemplate(owner: KubeObject, template: Json, metadata: ObjectMeta): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: metadataFromTemplate(owner, template, metadata),
    spec: structuredClone(template.spec),
  };
}

export function ownedPods(client: ControllerClient, owner: KubeObject): KubeObject[] {
  return client.list(PODS, owner.metadata.namespace).filter((pod) => isControlledBy(pod, owner));
}

/** Writes status when it changed; returns whether it wrote. */
export function writeStatus(
  client: ControllerClient,
  resource: Parameters<ControllerClient['updateStatus']>[0],
  object: KubeObject,
  status: Json,
): void {
  if (sameJson(object.status, status)) return;
  client.updateStatus(resource, { ...object, status });
}

/** What the workload controllers report, each under its own component name. */
export interface Reporter {
  readonly recorder: EventRecorder;
  readonly messages: EventMessages;
  readonly createBackoff: CreateBackoff;
}

/** What one pass of the controller manager hands each workload controller. */
export interface WorkloadPass {
  readonly client: ControllerClient;
  /** The pass's time, RFC 3339 to the second. */
  readonly time: string;
  /** Hears why an object could not be synced; the others are synced all the same. */
  readonly onError: (error: unknown) => void;
  readonly reporter: Reporter;
}

/**
 * The ReplicaSet controller's requeue after a refused pod create (an admission webhook that cannot
 * be called, a quota): exponential back-off per ReplicaSet as client-go's workqueue does it (5 ms
 * doubling), capped at 30 s rather than 1000 s so a learner is not kept waiting; `wake` runs a
 * controller pass when the wait is over.
 */
export class CreateBackoff {
  private readonly failures = new Map<string, { count: number; retryAt: number }>();

  constructor(
    private readonly now: () => number,
    private readonly wake: (delayMs: number) => void,
  ) {}

  isWaiting(uid: string): boolean {
    const failure = this.failures.get(uid);
    return failure !== undefined && this.now() < failure.retryAt;
  }

  failed(uid: string): void {
    const count = (this.failures.get(uid)?.count ?? 0) + 1;
    const delayMs = Math.min(5 * 2 ** count, 30_000);
    this.failures.set(uid, { count, retryAt: this.now() + delayMs });
    this.wake(delayMs);
  }

  succeeded(uid: string): void {
    this.failures.delete(uid);
  }
}

/** Status only: the target's replicas, never a scaling decision (no metrics in the sandbox). */
function syncHpa(client: ControllerClient, hpa: KubeObject): void {
  const target = asJson(asJson(hpa.spec).scaleTargetRef);
  if (target.kind !== 'Deployment') return;
  const deployment = client.get(DEPLOYMENTS, hpa.metadata.namespace, String(target.name));
  const replicas = Number(asJson(deployment?.status).replicas ?? 0);
  const previous = asJson(hpa.status);
  writeStatus(client, HPAS, hpa, { ...previous, currentReplicas: replicas, desiredReplicas: replicas });
}

/** Syncs each object on its own: one that cannot be written (a terminating namespace) does not stop the rest. */
export function each(
  objects: KubeObject[],
  sync: (object: KubeObject) => void,
  onError: (error: unknown) => void,
): void {
  for (const object of objects) {
    if (object.metadata.deletionTimestamp) continue;
    try {
      sync(object);
    } catch (error) {
      onError(error);
    }
  }
}

/** The HorizontalPodAutoscalers' status (the other workloads have files of their own). */
export function syncWorkloads({ client, onError }: WorkloadPass): void {
  each(client.list(HPAS), (hpa) => syncHpa(client, hpa), onError);
}
