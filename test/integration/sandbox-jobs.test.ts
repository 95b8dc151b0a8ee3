// Jobs and CronJobs judged by the real kubectl: a Job selects its own pods (`controller-uid`,
// `job-name`) as a v1.13 API server makes it, so `kubectl logs job/…` and `describe job` work;
// a CronJob, defaulted, starts Jobs on its schedule (time scaled by `--speed`) and keeps its history.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createIstioDemo, demoJobs } from './istio-demo';
import type { KubectlSandbox } from './kubectl';
import { startKubectlSandbox } from './kubectl';
import { useKubectlSandbox } from './suite-sandbox';

interface Job {
  metadata: { name: string; uid: string; labels?: Record<string, string> };
  spec: {
    selector?: { matchLabels?: Record<string, string> };
    template: { metadata: { labels?: Record<string, string> } };
    completions?: number;
    parallelism?: number;
    backoffLimit?: number;
  };
  status: {
    succeeded?: number;
    startTime?: string;
    completionTime?: string;
    conditions?: { type: string; status: string }[];
  };
}

async function json<T>(cluster: KubectlSandbox, args: string[]): Promise<T> {
  const result = await cluster.kubectl([...args, '-o', 'json']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as T;
}

/** The pod `kubectl logs <target>` read, from the request kubectl logs at -v=6. */
async function podLogsRead(cluster: KubectlSandbox, args: string[]): Promise<string> {
  const logs = await cluster.kubectl(['logs', ...args, '-v=6']);
  assert.equal(logs.code, 0, logs.stderr);
  assert.doesNotMatch(logs.stderr, /Found \d+ pods/);
  const read = /\/pods\/([a-z0-9.-]+)\/log/.exec(logs.stderr);
  assert.ok(read, logs.stderr);
  return read[1];
}

const cronJob = (name: string, extra: string) => `apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: ${name}
spec:
  schedule: '*/1 * * * *'
${extra}  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: hello
            image: busybox:1.31
            args: [sh, -c, 'echo hello']
`;

describe('Jobs on a v1.13 sandbox select their own pods', () => {
  const cluster = useKubectlSandbox({ nodes: 1, speed: 0 }, async (cluster) => {
    // Other pods in the namespace, which a Job without a selector would claim.
    const web = await cluster.kubectl(['create', 'deployment', 'web', '--image=nginx:1.17']);
    assert.equal(web.code, 0, web.stderr);
    const created = await cluster.kubectl([
      'create',
      'job',
      'pi',
      '--image=busybox:1.31',
      '--',
      'sh',
      '-c',
      'echo 3.14159',
    ]);
    assert.equal(created.code, 0, created.stderr);
    const waited = await cluster.kubectl(['wait', '--for=condition=Complete', 'job/pi', '--timeout=60s']);
    assert.equal(waited.code, 0, waited.stderr);
  });

  test('the server gives the Job a controller-uid selector, template labels and the v1 defaults', async () => {
    const job = await json<Job>(cluster, ['get', 'job', 'pi']);
    const uid = job.metadata.uid;
    assert.deepEqual(job.spec.selector, { matchLabels: { 'controller-uid': uid } });
    assert.deepEqual(job.spec.template.metadata.labels, { 'controller-uid': uid, 'job-name': 'pi' });
    assert.deepEqual(job.metadata.labels, { 'controller-uid': uid, 'job-name': 'pi' });
    assert.deepEqual([job.spec.completions, job.spec.parallelism, job.spec.backoffLimit], [1, 1, 6]);
  });

  test('the finished Job reports one success, its start and completion times and Complete', async () => {
    const { status } = await json<Job>(cluster, ['get', 'job', 'pi']);
    assert.equal(status.succeeded, 1);
    assert.ok(status.startTime && status.completionTime, JSON.stringify(status));
    assert.ok(Date.parse(status.completionTime) >= Date.parse(status.startTime));
    assert.deepEqual(
      status.conditions?.map((c) => [c.type, c.status]),
      [['Complete', 'True']],
    );
    const { stdout } = await cluster.kubectl(['get', 'job', 'pi', '--no-headers']);
    assert.match(stdout, /^pi\s+1\/1\s/);
  });

  test('its pod carries the labels, and kubectl logs job/pi reads that pod', async () => {
    const { uid } = (await json<Job>(cluster, ['get', 'job', 'pi'])).metadata;
    const pods = await json<{ items: { metadata: { name: string; labels: Record<string, string> } }[] }>(cluster, [
      'get',
      'pods',
      '-l',
      `controller-uid=${uid}`,
    ]);
    assert.equal(pods.items.length, 1);
    const [pod] = pods.items;
    assert.equal(pod.metadata.labels['job-name'], 'pi');
    assert.match(pod.metadata.name, /^pi-[a-z0-9]{5}$/);
    assert.equal(await podLogsRead(cluster, ['job/pi']), pod.metadata.name);
  });

  test('kubectl describe job shows the selector and the pod counts', async () => {
    const { uid } = (await json<Job>(cluster, ['get', 'job', 'pi'])).metadata;
    const { code, stdout, stderr } = await cluster.kubectl(['describe', 'job', 'pi']);
    assert.equal(code, 0, stderr);
    assert.match(stdout, new RegExp(`^Selector:\\s+controller-uid=${uid}$`, 'm'));
    assert.match(stdout, /^Parallelism:\s+1$/m);
    assert.match(stdout, /^Completions:\s+1$/m);
    assert.match(stdout, /^Pods Statuses:\s+0 Active (\(0 Ready\) )?\/ 1 Succeeded \/ 0 Failed$/m);
    assert.match(stdout, /SuccessfulCreate\s+.*Created pod: pi-[a-z0-9]{5}/);
  });
});

describe('CronJobs on a v1.13 sandbox (batch/v1beta1)', () => {
  // Below 1/60 a cron minute lasts its shortest, a second.
  const cluster = useKubectlSandbox({ nodes: 1, speed: 0 });

  test('a CronJob is defaulted as v1.13 defaults it, and kubectl get shows SUSPEND and ACTIVE', async () => {
    const created = await cluster.kubectl(['create', '-f', '-'], { stdin: cronJob('idle', '  suspend: true\n') });
    assert.equal(created.code, 0, created.stderr);
    const stored = await json<{ spec: Record<string, unknown> }>(cluster, ['get', 'cronjob', 'idle']);
    assert.equal(stored.spec.concurrencyPolicy, 'Allow');
    assert.equal(stored.spec.suspend, true);
    assert.equal(stored.spec.successfulJobsHistoryLimit, 3);
    assert.equal(stored.spec.failedJobsHistoryLimit, 1);
    const { stdout } = await cluster.kubectl(['get', 'cronjob', 'idle', '--no-headers']);
    assert.match(stdout, /^idle\s+\*\/1 \* \* \* \*\s+True\s+0\s+<none>\s/);
  });

  test('*/1 starts Jobs named by the scheduled second, and only three successful ones are kept', async () => {
    const watch = cluster.followKubectl(['get', 'jobs', '--watch', '--output-watch-events', '--no-headers']);
    try {
      const created = await cluster.kubectl(['create', '-f', '-'], { stdin: cronJob('hello', '') });
      assert.equal(created.code, 0, created.stderr);
      const first = await watch.until(/ADDED\s+hello-(\d+)\s/);
      assert.equal(Number(first[1]) % 60, 0, `${first[1]} is a whole minute`);
      // The fourth successful Job makes the controller delete the oldest.
      await watch.until(/DELETED\s+hello-\d+\s/, 60_000);
    } finally {
      watch.kill();
    }
    const { stdout } = await cluster.kubectl(['get', 'cronjob', 'hello', '--no-headers']);
    assert.match(stdout, /^hello\s+\*\/1 \* \* \* \*\s+False\s+\d+\s+\d+s\s/);
    const jobs = await json<{ items: Job[] }>(cluster, ['get', 'jobs']);
    const done = jobs.items.filter((job) => job.status.conditions?.some((c) => c.type === 'Complete'));
    assert.ok(done.length <= 3, jobs.items.map((job) => job.metadata.name).join(' '));
    const events = await cluster.kubectl([
      'get',
      'events',
      '--field-selector',
      'involvedObject.name=hello',
      '--no-headers',
    ]);
    assert.match(events.stdout, /SuccessfulCreate\s+cronjob\/hello\s+Created job hello-\d+/);
    assert.match(events.stdout, /SuccessfulDelete\s+cronjob\/hello\s+Deleted job hello-\d+/);
  });
});

test('kubectl create cronjob on a v1.25 sandbox (batch/v1) produces a Job', async () => {
  const cluster = await startKubectlSandbox({ kubeVersion: 'v1.25.16', nodes: 1, speed: 0 });
  try {
    const watch = cluster.followKubectl(['get', 'jobs', '--watch', '--no-headers']);
    try {
      const created = await cluster.kubectl([
        'create',
        'cronjob',
        'tick',
        '--image=busybox:1.31',
        '--schedule=*/1 * * * *',
        '--',
        'date',
      ]);
      assert.equal(created.code, 0, created.stderr);
      await watch.until(/^tick-\d+\s/m);
    } finally {
      watch.kill();
    }
    const { stdout } = await cluster.kubectl(['get', 'cronjob', 'tick', '--no-headers']);
    assert.match(stdout, /^tick\s+\*\/1 \* \* \* \*\s+False\s+\d+\s+\d+s\s/);
  } finally {
    await cluster.close();
  }
});

test("the book's istio-demo.yaml: the three Jobs complete and kubectl logs reads each one's own pod", async () => {
  const cluster = await startKubectlSandbox({ nodes: 3, speed: 0 });
  try {
    await createIstioDemo(cluster);
    for (const job of demoJobs) {
      await cluster.kubectlOk([
        'wait',
        '--for=condition=Complete',
        `job/${job}`,
        '-n',
        'istio-system',
        '--timeout=60s',
      ]);
      assert.match(
        await podLogsRead(cluster, [`job/${job}`, '-n', 'istio-system']),
        new RegExp(`^${job.replace(/\./g, '\\.')}-[a-z0-9]{5}$`),
      );
    }
    const { stdout } = await cluster.kubectl(['get', 'po', '-n', 'istio-system', '--no-headers']);
    const jobPods = stdout.split('\n').filter((line) => /post-install|cleanup-secrets/.test(line));
    assert.equal(jobPods.length, 3, stdout);
    for (const line of jobPods) assert.match(line, /\s0\/1\s+Completed\s/);
  } finally {
    await cluster.close();
  }
});
