// kube-controller-manager's Job controller (v1.13 pkg/controller/job/job_controller.go), level-
// triggered: runs a Job's pods until `completions` succeeded, `parallelism` at a time, and fails
// the Job once more than `backoffLimit` pods failed or it ran past `activeDeadlineSeconds`. The
// pods' labels come from the template, where the API server put `controller-uid` and `job-name`
// (apimachinery/defaults.ts, generateSelector). A finished Job is left as it is, as upstream does.
import type { KubeObject } from '../apimachinery/kube-object';
import type { ControllerClient } from '../client/client';
import { JOBS, PODS } from '../client/client';
import type { EventRecorder } from './events';
import { minorVersion } from './events';
import type { WakeTimer } from './wake-timer';
import type { Json } from '../apimachinery/objects';
import { asJson, asList, isControlledBy, isPodActive, sameJson } from '../apimachinery/objects';
import { podFromTemplate } from './workloads';

const SOURCE = { component: 'job-controller' };

export interface JobContext {
  readonly client: ControllerClient;
  readonly recorder: EventRecorder;
  readonly kubeVersion: string;
  /** Wakes the controller manager when an `activeDeadlineSeconds` runs out. */
  readonly wake: WakeTimer;
}

/** The finished condition (`Complete` or `Failed`), if the Job has one. */
export function jobFinishedType(job: KubeObject): string | undefined {
  const finished = asList(asJson(job.status).conditions).find(
    (entry) => (entry.type === 'Complete' || entry.type === 'Failed') && entry.status === 'True',
  );
  return finished ? String(finished.type) : undefined;
}

/** pastBackoffLimitOnFailure: with `OnFailure`, the restarts in running pods count against the limit. */
function isPastBackoffLimitOnFailure(job: KubeObject, pods: KubeObject[], backoffLimit: number): boolean {
  if (asJson(asJson(asJson(job.spec).template).spec).restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const pod of pods.filter((entry) => asJson(entry.status).phase === 'Running')) {
    const status = asJson(pod.status);
    for (const container of [...asList(status.initContainerStatuses), ...asList(status.containerStatuses)])
      restarts += Number(container.restartCount ?? 0);
  }
  return backoffLimit === 0 ? restarts > 0 : restarts >= backoffLimit;
}

function failure(
  job: KubeObject,
  pods: KubeObject[],
  failed: number,
  startTime: string,
  nowMs: number,
  wake: WakeTimer,
): [reason: string, message: string] | undefined {
  const spec = asJson(job.spec);
  const backoffLimit = Number(spec.backoffLimit ?? 6);
  if (failed > backoffLimit || isPastBackoffLimitOnFailure(job, pods, backoffLimit))
    return ['BackoffLimitExceeded', 'Job has reached the specified backoff limit'];
  if (spec.activeDeadlineSeconds === undefined) return undefined;
  const deadlineMs = Date.parse(startTime) + Number(spec.activeDeadlineSeconds) * 1000;
  if (nowMs >= deadlineMs) return ['DeadlineExceeded', 'Job was active longer than specified deadline'];
  wake.at(deadlineMs);
  return undefined;
}

function syncJob({ client, recorder, kubeVersion, wake }: JobContext, job: KubeObject, time: string): void {
  if (jobFinishedType(job)) return;
  const spec = asJson(job.spec);
  const previous = asJson(job.status);
  const pods = client.list(PODS, job.metadata.namespace).filter((pod) => isControlledBy(pod, job));
  const succeeded = pods.filter((pod) => asJson(pod.status).phase === 'Succeeded').length;
  let failed = pods.filter((pod) => asJson(pod.status).phase === 'Failed').length;
  const activePods = pods.filter(isPodActive);
  let active = activePods.length;
  const status: Json = { ...previous, startTime: previous.startTime ?? time };
  const failedBecause = failure(job, pods, failed, String(status.startTime), Date.parse(time), wake);
  if (failedBecause) {
    // The controller deletes the active pods and counts them as failed.
    for (const pod of activePods) client.delete(PODS, pod);
    failed += active;
    active = 0;
    status.conditions = [
      ...asList(previous.conditions),
      {
        type: 'Failed',
        status: 'True',
        lastProbeTime: time,
        lastTransitionTime: time,
        reason: failedBecause[0],
        message: failedBecause[1],
      },
    ];
    recorder.record(job, 'Warning', failedBecause[0], failedBecause[1], SOURCE);
  } else {
    // Without `completions` (a work queue), the first success completes the Job once none runs.
    const completions = spec.completions === undefined ? undefined : Number(spec.completions);
    const isComplete = completions === undefined ? succeeded > 0 && active === 0 : succeeded >= completions;
    if (isComplete) {
      status.conditions = [
        ...asList(previous.conditions),
        { type: 'Complete', status: 'True', lastProbeTime: time, lastTransitionTime: time },
      ];
      status.completionTime = time;
      // The "Completed" event came with a later job controller (v1.19); v1.13 records none.
      if (minorVersion(kubeVersion) >= 19) recorder.record(job, 'Normal', 'Completed', 'Job completed', SOURCE);
    } else {
      const parallelism = Number(spec.parallelism ?? 1);
      const wanted = Math.min(parallelism, completions === undefined ? parallelism : completions - succeeded) - active;
      for (let i = 0; i < wanted; i++) {
        const pod = client.create(
          PODS,
          podFromTemplate(job, asJson(asJson(job.spec).template), { generateName: `${job.metadata.name}-` }),
        );
        recorder.record(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, SOURCE);
        active++;
      }
    }
  }
  if (active > 0) status.active = active;
  else delete status.active;
  if (succeeded > 0) status.succeeded = succeeded;
  else delete status.succeeded;
  if (failed > 0) status.failed = failed;
  if (sameJson(job.status, status)) return;
  client.updateStatus(JOBS, { ...job, status });
}

/** Syncs every Job on its own: one that cannot be written (a terminating namespace) does not stop the rest. */
export function syncJobs(context: JobContext, time: string, onError: (error: unknown) => void): void {
  for (const job of context.client.list(JOBS)) {
    if (job.metadata.deletionTimestamp) continue;
    try {
      syncJob(context, job, time);
    } catch (error) {
      onError(error);
    }
  }
}
