// The CronJob controller against the sandbox's real API server and storage, with the clock in
// the test's hand: each sync is given its time, so schedules, deadlines and concurrency policies
// are judged without waiting. The Jobs' own controller does not run here (no nodes); a test
// finishes a Job by writing its status, as the Job controller would.
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';
import type { Sandbox } from '../../../src/sandbox';
import { startSandbox } from '../../../src/sandbox';
import type { Resource } from '../../../src/sandbox/client/client';
import { ControllerClient, JOBS } from '../../../src/sandbox/client/client';
import { CronJobController, cronScale } from '../../../src/sandbox/controllers/cronjobs';
import { EventRecorder } from '../../../src/sandbox/controllers/events';
import { WakeTimer } from '../../../src/sandbox/controllers/wake-timer';

const CRON_JOBS: Resource = { group: 'batch', version: 'v1beta1', resource: 'cronjobs' };
const EVENTS: Resource = { group: '', version: 'v1', resource: 'events' };
const MINUTE = 60_000;

describe('the CronJob controller (v1.13 syncOne, cleanupFinishedJobs)', () => {
  let sandbox: Sandbox;
  let client: ControllerClient;
  let namespaceCount = 0;
  let wake: WakeTimer;

  before(async () => {
    sandbox = await startSandbox({ nodes: 0 });
    client = new ControllerClient(sandbox.api, sandbox.store, sandbox.registry, 'cron-jobs-test');
    wake = new WakeTimer(
      () => Date.now(),
      () => undefined,
    );
  });
  after(async () => {
    wake.close();
    await sandbox.close();
  });

  /** A CronJob in a namespace of its own, the controller that syncs it, and the first schedule after its creation. */
  function setUp(spec: Record<string, unknown>) {
    const namespace = `cron-${++namespaceCount}`;
    client.create(
      { group: '', version: 'v1', resource: 'namespaces' },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    );
    const cronJob = client.create(CRON_JOBS, {
      apiVersion: 'batch/v1beta1',
      kind: 'CronJob',
      metadata: { name: 'tick', namespace },
      spec: {
        schedule: '*/1 * * * *',
        jobTemplate: {
          metadata: { labels: { app: 'tick' } },
          spec: {
            template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox:1.31' }] } },
          },
        },
        ...spec,
      },
    });
    const recorder = new EventRecorder(
      client,
      () => new Date(),
      false,
      (error) => assert.fail(String(error)),
    );
    const controller = new CronJobController({ client, recorder, kubeVersion: 'v1.13.7-gke.8', wake, speed: 1 });
    const first = Math.floor(Date.parse(cronJob.metadata.creationTimestamp!) / MINUTE) * MINUTE + MINUTE;
    const sync = (atMs: number) => {
      controller.sync(new Date(atMs), (error) => assert.fail(String(error)));
      recorder.flush();
    };
    const jobs = () =>
      client
        .list(JOBS, namespace)
        .filter((job) => !job.metadata.deletionTimestamp)
        .map((job) => job.metadata.name)
        .sort();
    const stored = () => client.get(CRON_JOBS, namespace, 'tick')!;
    const events = () =>
      client.list(EVENTS, namespace).map((event) => `${String(event.reason)}: ${String(event.message)}`);
    const finish = (name: string, type: 'Complete' | 'Failed', startTime: string) => {
      const job = client.get(JOBS, namespace, name)!;
      client.updateStatus(JOBS, { ...job, status: { startTime, conditions: [{ type, status: 'True' }] } });
    };
    return { namespace, first, sync, jobs, stored, events, finish };
  }

  const active = (cronJob: KubeObject) =>
    ((cronJob.status as { active?: { name: string }[] } | undefined)?.active ?? []).map((ref) => ref.name);

  test('starts a Job named by the scheduled second at each schedule, once, and records it', () => {
    const cron = setUp({});
    cron.sync(cron.first - 1000);
    assert.deepEqual(cron.jobs(), []);
    cron.sync(cron.first);
    cron.sync(cron.first + 1000);
    const name = `tick-${cron.first / 1000}`;
    assert.deepEqual(cron.jobs(), [name]);
    const job = client.get(JOBS, cron.namespace, name)!;
    assert.equal(job.metadata.labels?.app, 'tick');
    assert.deepEqual(
      job.metadata.ownerReferences?.map((ref) => [ref.apiVersion, ref.kind, ref.name, ref.controller]),
      [['batch/v1beta1', 'CronJob', 'tick', true]],
    );
    assert.deepEqual(active(cron.stored()), [name]);
    assert.equal(
      (cron.stored().status as { lastScheduleTime: string }).lastScheduleTime,
      new Date(cron.first).toISOString().replace('.000Z', 'Z'),
    );
    assert.deepEqual(cron.events(), [`SuccessfulCreate: Created job ${name}`]);
  });

  test('Allow runs Jobs side by side; a finished one leaves status.active with SawCompletedJob', () => {
    const cron = setUp({});
    cron.sync(cron.first);
    cron.sync(cron.first + MINUTE);
    assert.deepEqual(active(cron.stored()), [`tick-${cron.first / 1000}`, `tick-${(cron.first + MINUTE) / 1000}`]);
    cron.finish(`tick-${cron.first / 1000}`, 'Complete', new Date(cron.first).toISOString());
    cron.sync(cron.first + MINUTE + 1000);
    assert.deepEqual(active(cron.stored()), [`tick-${(cron.first + MINUTE) / 1000}`]);
    assert.ok(
      cron.events().includes(`SawCompletedJob: Saw completed job: tick-${cron.first / 1000}`),
      cron.events().join('\n'),
    );
  });

  test('Forbid skips while a Job runs and starts the missed one when it is done', () => {
    const cron = setUp({ concurrencyPolicy: 'Forbid' });
    cron.sync(cron.first);
    cron.sync(cron.first + MINUTE);
    assert.deepEqual(cron.jobs(), [`tick-${cron.first / 1000}`]);
    cron.finish(`tick-${cron.first / 1000}`, 'Complete', new Date(cron.first).toISOString());
    cron.sync(cron.first + MINUTE + 5000);
    assert.deepEqual(cron.jobs(), [`tick-${cron.first / 1000}`, `tick-${(cron.first + MINUTE) / 1000}`]);
  });

  test('Replace deletes the running Job for the new one', () => {
    const cron = setUp({ concurrencyPolicy: 'Replace' });
    cron.sync(cron.first);
    cron.sync(cron.first + MINUTE);
    assert.deepEqual(cron.jobs(), [`tick-${(cron.first + MINUTE) / 1000}`]);
    assert.deepEqual(active(cron.stored()), [`tick-${(cron.first + MINUTE) / 1000}`]);
    assert.ok(
      cron.events().includes(`SuccessfulDelete: Deleted job tick-${cron.first / 1000}`),
      cron.events().join('\n'),
    );
  });

  test('a suspended CronJob starts nothing', () => {
    const cron = setUp({ suspend: true });
    cron.sync(cron.first + 10 * MINUTE);
    assert.deepEqual(cron.jobs(), []);
    assert.equal(cron.stored().status, undefined);
  });

  test('past startingDeadlineSeconds a schedule is skipped; within it, it starts late', () => {
    const cron = setUp({ startingDeadlineSeconds: 10 });
    // v1.13 looks for missed starts only within the deadline, so one older is dropped without an event.
    cron.sync(cron.first + 30_000);
    assert.deepEqual(cron.jobs(), []);
    assert.deepEqual(cron.events(), []);
    cron.sync(cron.first + MINUTE + 5000);
    assert.deepEqual(cron.jobs(), [`tick-${(cron.first + MINUTE) / 1000}`]);
  });

  test('keeps successfulJobsHistoryLimit finished Jobs, the newest', () => {
    const cron = setUp({ successfulJobsHistoryLimit: 1 });
    cron.sync(cron.first);
    cron.sync(cron.first + MINUTE);
    cron.finish(`tick-${cron.first / 1000}`, 'Complete', new Date(cron.first).toISOString());
    cron.finish(`tick-${(cron.first + MINUTE) / 1000}`, 'Complete', new Date(cron.first + MINUTE).toISOString());
    cron.sync(cron.first + MINUTE + 1000);
    assert.deepEqual(cron.jobs(), [`tick-${(cron.first + MINUTE) / 1000}`]);
  });

  test("an unparseable schedule is reported once, in robfig/cron's words", () => {
    const cron = setUp({ schedule: '61 * * * *' });
    cron.sync(cron.first);
    cron.sync(cron.first + MINUTE);
    assert.deepEqual(cron.events(), [
      'FailedNeedsStart: Cannot determine if job needs to be started: unparseable schedule: 61 * * * * : End of range (61) above maximum (59): 61',
    ]);
  });

  test('a cron minute lasts 60 s × --speed, and never less than a second', () => {
    assert.deepEqual(
      [1, 0.5, 0.1, 0].map((speed) => cronScale(speed) * MINUTE),
      [60_000, 30_000, 6000, 1000],
    );
  });
});
