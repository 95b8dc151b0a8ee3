// The ReplicaSet controller: keeps `spec.replicas` active pods from the template, creating with
// back-off after a refused create and deleting the least ready first; reports the counts the
// Deployment controller steps a rollout by (pkg/controller/replicaset/replica_set.go at v1.13).
import type { KubeObject } from '../apimachinery/kube-object';
import type { Json } from '../apimachinery/objects';
import { asJson, asList, isPodActive, isPodReady } from '../apimachinery/objects';
import type { ControllerClient } from '../client/client';
import { PODS, REPLICA_SETS } from '../client/client';
import type { Reporter, WorkloadPass } from './workloads';
import { each, ownedPods, podFromTemplate, writeStatus } from './workloads';

/** Keeps `replicas` active pods, creating from the template or deleting the least ready first. */
function syncReplicaSet(
  client: ControllerClient,
  rs: KubeObject,
  time: string,
  { recorder, createBackoff }: Reporter,
): void {
  const spec = asJson(rs.spec);
  const replicas = Number(spec.replicas ?? 1);
  const pods = ownedPods(client, rs).filter(isPodActive);
  const source = { component: 'replicaset-controller' };
  let createError: string | undefined;
  for (let i = pods.length; i < replicas && !createBackoff.isWaiting(rs.metadata.uid!); i++) {
    try {
      const pod = client.create(
        PODS,
        podFromTemplate(rs, asJson(spec.template), { generateName: `${rs.metadata.name}-` }),
      );
      createBackoff.succeeded(rs.metadata.uid!);
      recorder.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, source);
    } catch (error) {
      createError = error instanceof Error ? error.message : String(error);
      createBackoff.failed(rs.metadata.uid!);
      recorder.record(rs, 'Warning', 'FailedCreate', `Error creating: ${createError}`, source);
    }
  }
  if (pods.length > replicas) {
    const surplus = [...pods]
      .sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)))
      .slice(0, pods.length - replicas);
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
    status.conditions = [
      {
        type: 'ReplicaFailure',
        status: 'True',
        lastTransitionTime: failure?.lastTransitionTime ?? time,
        reason: 'FailedCreate',
        message: createError ?? failure?.message,
      },
    ];
  }
  writeStatus(client, REPLICA_SETS, rs, status);
}

export function syncReplicaSets({ client, time, onError, reporter }: WorkloadPass): void {
  each(client.list(REPLICA_SETS), (rs) => syncReplicaSet(client, rs, time, reporter), onError);
}
