// The workload controllers of kube-controller-manager, level-triggered: each pass compares what
// is stored with what should be and writes the difference (Deployment → ReplicaSet → Pods,
// StatefulSet, DaemonSet, Job, and the HorizontalPodAutoscaler's status).
import type { KubeObject } from '../apimachinery/kube-object';
import type { ControllerClient } from '../client/client';
import { DAEMON_SETS, DEPLOYMENTS, HPAS, NODES, PODS, REPLICA_SETS, STATEFUL_SETS } from '../client/client';
import type { EventMessages, EventRecorder } from './events';
import { podTemplateHash } from './naming';
import type { Json } from '../apimachinery/objects';
import { asJson, asList, condition, controllerRef, isControlledBy, isPodActive, isPodReady, sameJson } from '../apimachinery/objects';

const REVISION = 'deployment.kubernetes.io/revision';

function podFromTemplate(owner: KubeObject, template: Json, metadata: Partial<KubeObject['metadata']>): KubeObject {
  const templateMeta = asJson(template.metadata);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...metadata,
      namespace: owner.metadata.namespace,
      labels: { ...(templateMeta.labels as Record<string, string> | undefined), ...metadata.labels },
      ...(templateMeta.annotations ? { annotations: templateMeta.annotations as Record<string, string> } : {}),
      ownerReferences: [controllerRef(owner)],
    },
    spec: structuredClone(template.spec),
  };
}

function ownedPods(client: ControllerClient, owner: KubeObject): KubeObject[] {
  return client.list(PODS, owner.metadata.namespace).filter((pod) => isControlledBy(pod, owner));
}

/** Writes status when it changed; returns whether it wrote. */
function writeStatus(client: ControllerClient, resource: Parameters<ControllerClient['updateStatus']>[0], object: KubeObject, status: Json): void {
  if (sameJson(object.status, status)) return;
  client.updateStatus(resource, { ...object, status });
}

/** What the workload controllers report, each under its own component name. */
interface Reporter {
  readonly recorder: EventRecorder;
  readonly messages: EventMessages;
  readonly createBackoff: CreateBackoff;
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

/** Keeps `replicas` active pods, creating from the template or deleting the least ready first. */
function syncReplicaSet(client: ControllerClient, rs: KubeObject, time: string, { recorder, createBackoff }: Reporter): void {
  const spec = asJson(rs.spec);
  const replicas = Number(spec.replicas ?? 1);
  const pods = ownedPods(client, rs).filter(isPodActive);
  const source = { component: 'replicaset-controller' };
  let createError: string | undefined;
  for (let i = pods.length; i < replicas && !createBackoff.isWaiting(rs.metadata.uid!); i++) {
    try {
      const pod = client.create(PODS, podFromTemplate(rs, asJson(spec.template), { generateName: `${rs.metadata.name}-` }));
      createBackoff.succeeded(rs.metadata.uid!);
      recorder.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, source);
    } catch (error) {
      createError = error instanceof Error ? error.message : String(error);
      createBackoff.failed(rs.metadata.uid!);
      recorder.record(rs, 'Warning', 'FailedCreate', `Error creating: ${createError}`, source);
    }
  }
  if (pods.length > replicas) {
    const surplus = [...pods].sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b))).slice(0, pods.length - replicas);
    for (const pod of surplus) {
      client.delete(PODS, pod);
      recorder.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, source);
    }
  }
  const current = ownedPods(client, rs).filter(isPodActive);
  const ready = current.filter(isPodReady).length;
  const status: Json = { replicas: current.length, fullyLabeledReplicas: current.length };
  if (ready > 0) Object.assign(status, { readyReplicas: ready, availableReplicas: ready });
  status.observedGeneration = rs.metadata.generation;
  const failure = asList(asJson(rs.status).conditions).find((entry) => entry.type === 'ReplicaFailure');
  if (createError !== undefined || (failure && createBackoff.isWaiting(rs.metadata.uid!))) {
    status.conditions = [{ type: 'ReplicaFailure', status: 'True', lastTransitionTime: failure?.lastTransitionTime ?? time, reason: 'FailedCreate', message: createError ?? failure?.message }];
  }
  writeStatus(client, REPLICA_SETS, rs, status);
}

export function deploymentStatus(deployment: KubeObject, newRs: KubeObject | undefined, replicaSets: KubeObject[], time: string): Json {
  const spec = asJson(deployment.spec);
  const desired = Number(spec.replicas ?? 1);
  const sum = (field: string) => replicaSets.reduce((total, rs) => total + Number(asJson(rs.status)[field] ?? 0), 0);
  const replicas = sum('replicas');
  const updated = Number(asJson(newRs?.status).replicas ?? 0);
  const ready = sum('readyReplicas');
  const available = sum('availableReplicas');
  const maxUnavailableSpec = asJson(asJson(spec.strategy).rollingUpdate).maxUnavailable ?? '25%';
  const maxUnavailable = typeof maxUnavailableSpec === 'string' && maxUnavailableSpec.endsWith('%') ? Math.floor((desired * parseInt(maxUnavailableSpec, 10)) / 100) : Number(maxUnavailableSpec);
  const previous = asList(asJson(deployment.status).conditions);
  const isAvailable = available >= desired - maxUnavailable;
  const isComplete = updated === desired && replicas === updated && available === updated;
  const rsName = newRs?.metadata.name ?? '';
  const conditions = [
    condition('Available', isAvailable, isAvailable ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', isAvailable ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.', time, previous.find((c) => c.type === 'Available')),
    condition('Progressing', true, isComplete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated', isComplete ? `ReplicaSet "${rsName}" has successfully progressed.` : `ReplicaSet "${rsName}" is progressing.`, time, previous.find((c) => c.type === 'Progressing')),
  ];
  const status: Json = { observedGeneration: deployment.metadata.generation, replicas, updatedReplicas: updated };
  if (ready > 0) status.readyReplicas = ready;
  if (available > 0) status.availableReplicas = available;
  if (desired - available > 0) status.unavailableReplicas = desired - available;
  status.conditions = conditions;
  return status;
}

/** A new ReplicaSet per pod template; old ones scale to 0 once the new one is fully available. */
function syncDeployment(client: ControllerClient, deployment: KubeObject, time: string, { recorder, messages }: Reporter): void {
  const source = { component: 'deployment-controller' };
  const spec = asJson(deployment.spec);
  const desired = Number(spec.replicas ?? 1);
  const template = asJson(spec.template);
  const hash = podTemplateHash(template);
  const owned = client.list(REPLICA_SETS, deployment.metadata.namespace).filter((rs) => isControlledBy(rs, deployment));
  let newRs = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
  const revisions = owned.map((rs) => Number(rs.metadata.annotations?.[REVISION] ?? 0));
  const revision = String(newRs ? Number(newRs.metadata.annotations?.[REVISION] ?? 1) : Math.max(0, ...revisions) + 1);
  if (!newRs) {
    const templateMeta = asJson(template.metadata);
    const labels = { ...(templateMeta.labels as Record<string, string> | undefined), 'pod-template-hash': hash };
    const selector = asJson(spec.selector);
    newRs = client.create(REPLICA_SETS, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${deployment.metadata.name}-${hash}`,
        namespace: deployment.metadata.namespace,
        labels,
        annotations: { 'deployment.kubernetes.io/desired-replicas': String(desired), 'deployment.kubernetes.io/max-replicas': String(desired + 1), [REVISION]: revision },
        ownerReferences: [controllerRef(deployment)],
      },
      spec: {
        replicas: desired,
        selector: { ...selector, matchLabels: { ...asJson(selector.matchLabels), 'pod-template-hash': hash } },
        template: { ...template, metadata: { ...templateMeta, labels } },
      },
    });
    if (desired > 0) recorder.record(deployment, 'Normal', 'ScalingReplicaSet', messages.scaledUp(newRs.metadata.name!, desired, 0), source);
  } else if (Number(asJson(newRs.spec).replicas) !== desired) {
    const from = Number(asJson(newRs.spec).replicas);
    newRs = client.update(REPLICA_SETS, { ...newRs, spec: { ...asJson(newRs.spec), replicas: desired } });
    const message = desired > from ? messages.scaledUp(newRs.metadata.name!, desired, from) : messages.scaledDown(newRs.metadata.name!, desired, from);
    recorder.record(deployment, 'Normal', 'ScalingReplicaSet', message, source);
  }
  const isNewAvailable = Number(asJson(newRs.status).availableReplicas ?? 0) >= desired;
  for (const old of owned) {
    if (old.metadata.uid === newRs.metadata.uid || Number(asJson(old.spec).replicas) === 0 || !isNewAvailable) continue;
    client.update(REPLICA_SETS, { ...old, spec: { ...asJson(old.spec), replicas: 0 } });
    recorder.record(deployment, 'Normal', 'ScalingReplicaSet', messages.scaledDown(old.metadata.name!, 0, Number(asJson(old.spec).replicas)), source);
  }
  if (deployment.metadata.annotations?.[REVISION] !== revision) {
    deployment = client.update(DEPLOYMENTS, { ...deployment, metadata: { ...deployment.metadata, annotations: { ...deployment.metadata.annotations, [REVISION]: revision } } });
  }
  const replicaSets = client.list(REPLICA_SETS, deployment.metadata.namespace).filter((rs) => isControlledBy(rs, deployment));
  const current = replicaSets.find((rs) => rs.metadata.uid === newRs.metadata.uid);
  writeStatus(client, DEPLOYMENTS, deployment, deploymentStatus(deployment, current, replicaSets, time));
}

/** Ordinal pods `<name>-0…`, recreated when missing or when the template changed. */
function syncStatefulSet(client: ControllerClient, sts: KubeObject, { recorder }: Reporter): void {
  const spec = asJson(sts.spec);
  const source = { component: 'statefulset-controller' };
  const replicas = Number(spec.replicas ?? 1);
  const revision = `${sts.metadata.name}-${podTemplateHash(spec.template)}`;
  const pods = ownedPods(client, sts);
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const ordinal = Number(pod.metadata.name!.slice(sts.metadata.name!.length + 1));
    if (ordinal >= replicas || pod.metadata.labels?.['controller-revision-hash'] !== revision) {
      client.delete(PODS, pod);
      recorder.record(sts, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${sts.metadata.name} successful`, source);
    }
  }
  for (let i = 0; i < replicas; i++) {
    const name = `${sts.metadata.name}-${i}`;
    if (client.get(PODS, sts.metadata.namespace, name)) continue;
    const pod = podFromTemplate(sts, asJson(spec.template), { name, labels: { 'controller-revision-hash': revision, 'statefulset.kubernetes.io/pod-name': name } });
    asJson(pod.spec).hostname = name;
    if (spec.serviceName) asJson(pod.spec).subdomain = spec.serviceName;
    client.create(PODS, pod);
    recorder.record(sts, 'Normal', 'SuccessfulCreate', `create Pod ${name} in StatefulSet ${sts.metadata.name} successful`, source);
  }
  const current = ownedPods(client, sts).filter(isPodActive);
  const ready = current.filter(isPodReady).length;
  writeStatus(client, STATEFUL_SETS, sts, {
    observedGeneration: sts.metadata.generation,
    replicas: current.length,
    ...(ready > 0 ? { readyReplicas: ready } : {}),
    currentReplicas: current.length,
    updatedReplicas: current.length,
    currentRevision: revision,
    updateRevision: revision,
    collisionCount: 0,
    availableReplicas: ready,
  });
}

/** One pod per node, bound to it directly. */
function syncDaemonSet(client: ControllerClient, ds: KubeObject, { recorder }: Reporter): void {
  const spec = asJson(ds.spec);
  const source = { component: 'daemonset-controller' };
  const nodes = client.list(NODES).map((node) => node.metadata.name!);
  const pods = ownedPods(client, ds).filter(isPodActive);
  const hash = podTemplateHash(spec.template);
  for (const pod of pods) {
    if (!nodes.includes(String(asJson(pod.spec).nodeName)) || pod.metadata.labels?.['controller-revision-hash'] !== hash) {
      client.delete(PODS, pod);
      recorder.record(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, source);
    }
  }
  for (const node of nodes) {
    if (pods.some((pod) => asJson(pod.spec).nodeName === node && pod.metadata.labels?.['controller-revision-hash'] === hash)) continue;
    const pod = podFromTemplate(ds, asJson(spec.template), { generateName: `${ds.metadata.name}-`, labels: { 'controller-revision-hash': hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) } });
    asJson(pod.spec).nodeName = node;
    const created = client.create(PODS, pod);
    recorder.record(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`, source);
  }
  const current = ownedPods(client, ds).filter(isPodActive);
  const ready = current.filter(isPodReady).length;
  writeStatus(client, DAEMON_SETS, ds, {
    currentNumberScheduled: current.length,
    numberMisscheduled: 0,
    desiredNumberScheduled: nodes.length,
    numberReady: ready,
    observedGeneration: ds.metadata.generation,
    updatedNumberScheduled: current.length,
    numberAvailable: ready,
    ...(nodes.length - ready > 0 ? { numberUnavailable: nodes.length - ready } : {}),
  });
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
function each(objects: KubeObject[], sync: (object: KubeObject) => void, onError: (error: unknown) => void): void {
  for (const object of objects) {
    if (object.metadata.deletionTimestamp) continue;
    try {
      sync(object);
    } catch (error) {
      onError(error);
    }
  }
}

export function syncWorkloads(client: ControllerClient, time: string, onError: (error: unknown) => void, recorder: EventRecorder, messages: EventMessages, createBackoff: CreateBackoff): void {
  const reporter: Reporter = { recorder, messages, createBackoff };
  each(client.list(DEPLOYMENTS), (deployment) => syncDeployment(client, deployment, time, reporter), onError);
  each(client.list(REPLICA_SETS), (rs) => syncReplicaSet(client, rs, time, reporter), onError);
  each(client.list(STATEFUL_SETS), (sts) => syncStatefulSet(client, sts, reporter), onError);
  each(client.list(DAEMON_SETS), (ds) => syncDaemonSet(client, ds, reporter), onError);
  each(client.list(HPAS), (hpa) => syncHpa(client, hpa), onError);
}
