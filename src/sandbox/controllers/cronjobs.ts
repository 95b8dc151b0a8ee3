// kube-controller-manager's CronJob controller (v1.13 pkg/controller/cronjob/cronjob_controller.go
// syncOne and cleanupFinishedJobs, utils.go): keeps `status.active` in step with the CronJob's
// Jobs, starts a Job `<cronjob>-<scheduled unix seconds>` at each schedule unless suspended,
// too late (`startingDeadlineSeconds`) or forbidden (`concurrencyPolicy`), and deletes finished
// Jobs beyond the history limits.
//
// Time runs `1 / --speed` times as fast for schedules as for the wall clock, so that a cron
// minute lasts 60 s × speed (at least MIN_CRON_MINUTE_MS; `--speed 0` cannot make it last
// nothing). Job names count the schedule's own (scaled) seconds, so they step by 60 per minute as
// a real cluster's do; `lastScheduleTime` is the wall time the schedule came, so `kubectl get
// cronjob` shows a recent LAST SCHEDULE rather than a time in the future.
import type { KubeObject } from '../apimachinery/kube-object';
import type { ControllerClient, Resource } from '../client/client';
import { JOBS } from '../client/client';
import type { EventRecorder } from './events';
import { minorVersion } from './events';
import type { WakeTimer } from './wake-timer';
import type { CronSchedule } from './cron-schedule';
import { parseCronSchedule } from './cron-schedule';
import { jobFinishedType } from './jobs';
import type { Json } from '../apimachinery/objects';
import { asJson, asList, isControlledBy, sameJson } from '../apimachinery/objects';
import { metadataFromTemplate } from './workloads';

const CRON_JOBS: Resource = { group: 'batch', version: 'v1', resource: 'cronjobs' };
const SOURCE = { component: 'cronjob-controller' };
/** The shortest a cron minute lasts, whatever the speed. */
export const MIN_CRON_MINUTE_MS = 1000;
/** getRecentUnmetScheduleTimes gives up beyond this many missed starts. */
const MAX_MISSED_STARTS = 100;

/** Wall milliseconds per schedule millisecond at a speed: the speed, but a cron minute lasts at least MIN_CRON_MINUTE_MS. */
export function cronScale(speed: number): number {
  return Math.max(speed, MIN_CRON_MINUTE_MS / 60_000);
}

export interface CronJobContext {
  readonly client: ControllerClient;
  readonly recorder: EventRecorder;
  readonly kubeVersion: string;
  readonly wake: WakeTimer;
  /** The controller manager's `--speed`: a cron minute lasts 60 s × speed. */
  readonly speed: number;
}

const timestamp = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

export class CronJobController {
  /** Wall and schedule time agree at this instant (the controller's first pass). */
  private epochMs: number | undefined;
  /** Wall milliseconds per schedule millisecond. */
  private readonly scale: number;
  /** The latest schedule time (scaled ms) each CronJob has acted on, so a pass never acts twice. */
  private readonly handled = new Map<string, number>();
  /** The schedule text each CronJob last reported as unusable, so the event is not repeated every pass. */
  private readonly reported = new Map<string, string>();

  constructor(private readonly context: CronJobContext) {
    this.scale = cronScale(context.speed);
  }

  /** Wall time → schedule time. */
  private toSchedule(wallMs: number): number {
    const epochMs = this.epochMs ?? wallMs;
    return epochMs + (wallMs - epochMs) / this.scale;
  }

  /** Schedule time → wall time. */
  private toWall(scheduleMs: number): number {
    const epochMs = this.epochMs ?? scheduleMs;
    return epochMs + (scheduleMs - epochMs) * this.scale;
  }

  sync(now: Date, onError: (error: unknown) => void): void {
    this.epochMs ??= now.getTime();
    const cronJobs = this.context.client.list(CRON_JOBS);
    const uids = new Set(cronJobs.map((cronJob) => cronJob.metadata.uid!));
    for (const map of [this.handled, this.reported]) for (const uid of map.keys()) if (!uids.has(uid)) map.delete(uid);
    // A Job's owner reference and the events name the CronJob in the version the release serves.
    const apiVersion = minorVersion(this.context.kubeVersion) >= 21 ? 'batch/v1' : 'batch/v1beta1';
    for (const stored of cronJobs) {
      try {
        const cronJob = { ...stored, apiVersion };
        const jobs = this.context.client
          .list(JOBS, cronJob.metadata.namespace)
          .filter((job) => isControlledBy(job, cronJob));
        this.syncOne(cronJob, jobs, now.getTime());
        this.cleanupFinishedJobs(cronJob);
      } catch (error) {
        onError(error);
      }
    }
  }

  private syncOne(cronJob: KubeObject, jobs: KubeObject[], nowMs: number): void {
    const { client, recorder } = this.context;
    const spec = asJson(cronJob.spec);
    const status: Json = { ...asJson(cronJob.status) };
    let active = asList(status.active);
    for (const job of jobs) {
      const isActive = active.some((ref) => ref.uid === job.metadata.uid);
      const finished = jobFinishedType(job);
      if (!isActive && !finished) {
        recorder.record(
          cronJob,
          'Warning',
          'UnexpectedJob',
          `Saw a job that the controller did not create or forgot: ${job.metadata.name}`,
          SOURCE,
        );
        active = [...active, jobReference(job)];
      } else if (isActive && finished) {
        recorder.record(cronJob, 'Normal', 'SawCompletedJob', `Saw completed job: ${job.metadata.name}`, SOURCE);
        active = active.filter((ref) => ref.uid !== job.metadata.uid);
      }
    }
    for (const ref of active) {
      if (jobs.some((job) => job.metadata.uid === ref.uid)) continue;
      recorder.record(cronJob, 'Normal', 'MissingJob', `Active job went missing: ${String(ref.name)}`, SOURCE);
      active = active.filter((entry) => entry.uid !== ref.uid);
    }
    if (cronJob.metadata.deletionTimestamp || spec.suspend === true) return this.writeStatus(cronJob, status, active);

    let schedule: CronSchedule;
    try {
      schedule = parseCronSchedule(String(spec.schedule ?? ''));
    } catch (error) {
      const schedule = String(spec.schedule ?? '');
      if (this.reported.get(cronJob.metadata.uid!) !== schedule) {
        this.reported.set(cronJob.metadata.uid!, schedule);
        recorder.record(
          cronJob,
          'Warning',
          'FailedNeedsStart',
          `Cannot determine if job needs to be started: unparseable schedule: ${schedule} : ${(error as Error).message}`,
          SOURCE,
        );
      }
      return this.writeStatus(cronJob, status, active);
    }
    const now = this.toSchedule(nowMs);
    const deadlineSeconds =
      spec.startingDeadlineSeconds === undefined ? undefined : Number(spec.startingDeadlineSeconds);
    const unmet = this.unmetScheduleTimes(cronJob, schedule, now, deadlineSeconds);
    const next = schedule.next(new Date(now));
    if (next) this.context.wake.at(this.toWall(next.getTime()));
    if (unmet === 'too-many') {
      this.reportOnce(cronJob, 'too-many', () =>
        recorder.record(
          cronJob,
          'Warning',
          'FailedNeedsStart',
          'Cannot determine if job needs to be started: Too many missed start time (> 100). Set or decrease .spec.startingDeadlineSeconds or check clock skew.',
          SOURCE,
        ),
      );
      return this.writeStatus(cronJob, status, active);
    }
    const scheduled = unmet.at(-1);
    if (scheduled === undefined) return this.writeStatus(cronJob, status, active);
    // Forbid waits: the missed start runs when the active Job is done, if still within the deadline.
    if (spec.concurrencyPolicy === 'Forbid' && active.length > 0) return this.writeStatus(cronJob, status, active);
    if (spec.concurrencyPolicy === 'Replace') {
      for (const ref of active) {
        const job = client.get(JOBS, cronJob.metadata.namespace, String(ref.name));
        if (job) this.deleteJob(cronJob, job);
      }
      active = [];
    }
    const name = `${cronJob.metadata.name}-${Math.floor(scheduled / 1000)}`;
    this.handled.set(cronJob.metadata.uid!, scheduled);
    let job = client.get(JOBS, cronJob.metadata.namespace, name);
    if (!job || !isControlledBy(job, cronJob)) {
      try {
        job = client.create(JOBS, jobFromTemplate(cronJob, name));
      } catch (error) {
        recorder.record(cronJob, 'Warning', 'FailedCreate', `Error creating job: ${(error as Error).message}`, SOURCE);
        return this.writeStatus(cronJob, status, active);
      }
      recorder.record(cronJob, 'Normal', 'SuccessfulCreate', `Created job ${name}`, SOURCE);
    }
    if (!active.some((ref) => ref.uid === job.metadata.uid) && !jobFinishedType(job))
      active = [...active, jobReference(job)];
    status.lastScheduleTime = timestamp(this.toWall(scheduled));
    this.writeStatus(cronJob, status, active);
  }

  /** getRecentUnmetScheduleTimes: the starts since the last (or the CronJob's creation), oldest first. */
  private unmetScheduleTimes(
    cronJob: KubeObject,
    schedule: CronSchedule,
    now: number,
    deadlineSeconds: number | undefined,
  ): number[] | 'too-many' {
    const status = asJson(cronJob.status);
    const last = status.lastScheduleTime ?? cronJob.metadata.creationTimestamp;
    let earliest = this.toSchedule(Date.parse(String(last)));
    // A wall timestamp keeps whole seconds only: what this controller already did counts too.
    earliest = Math.max(earliest, this.handled.get(cronJob.metadata.uid!) ?? -Infinity);
    // Starts older than the deadline are not looked for, so v1.13's MissSchedule check after this never fires.
    if (deadlineSeconds !== undefined) earliest = Math.max(earliest, now - deadlineSeconds * 1000);
    const starts: number[] = [];
    for (let t = schedule.next(new Date(earliest)); t && t.getTime() <= now; t = schedule.next(t)) {
      starts.push(t.getTime());
      if (starts.length > MAX_MISSED_STARTS) return 'too-many';
    }
    return starts;
  }

  private reportOnce(cronJob: KubeObject, key: string, report: () => void): void {
    if (this.reported.get(cronJob.metadata.uid!) === key) return;
    this.reported.set(cronJob.metadata.uid!, key);
    report();
  }

  /** cleanupFinishedJobs: the oldest finished Jobs beyond `successfulJobsHistoryLimit` / `failedJobsHistoryLimit` go. */
  private cleanupFinishedJobs(cronJob: KubeObject): void {
    const spec = asJson(cronJob.spec);
    if (spec.successfulJobsHistoryLimit === undefined && spec.failedJobsHistoryLimit === undefined) return;
    const jobs = this.context.client
      .list(JOBS, cronJob.metadata.namespace)
      .filter((job) => isControlledBy(job, cronJob) && !job.metadata.deletionTimestamp);
    for (const [type, limit] of [
      ['Complete', spec.successfulJobsHistoryLimit],
      ['Failed', spec.failedJobsHistoryLimit],
    ] as const) {
      if (limit === undefined) continue;
      const finished = jobs.filter((job) => jobFinishedType(job) === type).sort(byStartTime);
      for (const job of finished.slice(0, Math.max(0, finished.length - Number(limit)))) this.deleteJob(cronJob, job);
    }
  }

  /** deleteJob: the Job goes (its pods with it, by garbage collection), and the event says so. */
  private deleteJob(cronJob: KubeObject, job: KubeObject): void {
    this.context.client.delete(JOBS, job);
    this.context.recorder.record(cronJob, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`, SOURCE);
  }

  private writeStatus(cronJob: KubeObject, status: Json, active: Json[]): void {
    const next: Json = { ...status };
    if (active.length) next.active = active;
    else delete next.active;
    if (sameJson(asJson(cronJob.status), next)) return;
    this.context.client.updateStatus(CRON_JOBS, {
      ...cronJob,
      apiVersion: `${CRON_JOBS.group}/${CRON_JOBS.version}`,
      status: next,
    });
  }
}

/** utils.go byJobStartTime: by start time (none last), then name. */
function byStartTime(a: KubeObject, b: KubeObject): number {
  const start = (job: KubeObject) => Date.parse(String(asJson(job.status).startTime ?? '')) || Infinity;
  return start(a) - start(b) || (a.metadata.name! < b.metadata.name! ? -1 : 1);
}

/** An ObjectReference in `status.active`, as getRef makes it. */
function jobReference(job: KubeObject): Json {
  return {
    kind: 'Job',
    namespace: job.metadata.namespace,
    name: job.metadata.name,
    uid: job.metadata.uid,
    apiVersion: 'batch/v1',
    resourceVersion: job.metadata.resourceVersion,
  };
}

/** utils.go getJobFromTemplate: the template's labels, annotations and spec; the CronJob controls it. */
function jobFromTemplate(cronJob: KubeObject, name: string): KubeObject {
  const template = asJson(asJson(cronJob.spec).jobTemplate);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: metadataFromTemplate(cronJob, template, { name }),
    spec: structuredClone(template.spec ?? {}),
  };
}
