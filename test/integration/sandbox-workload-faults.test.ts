// Workload faults, as kubectl shows them on a real cluster: a crash-looping workload, an image
// that cannot be pulled, a node whose kubelet stops reporting.
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KubeObject } from '../../src/sandbox/apimachinery/kube-object';
import type { KubectlSandbox } from './kubectl';
import { whenStored } from './when-stored';
import { startKubectlSandbox } from './kubectl';
import { deploymentYaml } from './manifests';

const deployment = (name: string, image: string, replicas = 1) =>
  deploymentYaml({ name, namespace: 'lab', image, container: 'main', replicas });

interface ContainerStatus {
  restartCount: number;
  ready: boolean;
  state: { waiting?: { reason: string; message?: string }; running?: unknown };
  lastState: { terminated?: { exitCode: number; reason: string } };
}

const statusOf = (pod: KubeObject): ContainerStatus | undefined =>
  (pod.status as { containerStatuses?: ContainerStatus[] } | undefined)?.containerStatuses?.[0];

describe('sandbox workload faults, as kubectl shows them', () => {
  let cluster: KubectlSandbox;
  /** Resolves with the first pod of `app` that satisfies `check`, waiting on store changes (no timers). */
  const podWhere = (app: string, check: (pod: KubeObject) => boolean): Promise<KubeObject> =>
    whenStored(cluster.sandbox, () =>
      cluster.sandbox.store
        .list('/pods', 'lab')
        .find((pod) => pod.metadata.labels?.app === app && !pod.metadata.deletionTimestamp && check(pod)),
    );
  /** Waits until the pods of `app` are Ready: how each fault, once cleared, must end. */
  const readyIn = (app: string): Promise<string> =>
    cluster.kubectlOk(['wait', '--for=condition=Ready', 'pod', '-l', `app=${app}`, '-n', 'lab', '--timeout=60s']);
  const eventsOf = async (pod: string): Promise<{ reason: string; message: string; type: string; count: number }[]> => {
    const { stdout } = await cluster.kubectl([
      'get',
      'events',
      '-n',
      'lab',
      '--field-selector',
      `involvedObject.name=${pod}`,
      '-o',
      'json',
    ]);
    return (JSON.parse(stdout) as { items: { reason: string; message: string; type: string; count: number }[] }).items;
  };

  before(async () => {
    cluster = await startKubectlSandbox({ nodes: 3, speed: 0 });
    await cluster.kubectlOk(['create', 'namespace', 'lab']);
  });
  after(() => cluster.close());

  test("a crash-looping workload restarts with back-off, shows CrashLoopBackOff and keeps the previous run's log", async () => {
    cluster.sandbox.faults.set({
      crashLoop: [
        { workload: 'galley', namespace: 'lab', log: ['Error: failed to read mesh configuration: connection refused'] },
      ],
    });
    try {
      await cluster.kubectlOk(['create', '-f', '-'], { stdin: deployment('galley', 'docker.io/istio/galley:1.2.2') });
      const pod = await podWhere(
        'galley',
        (candidate) =>
          (statusOf(candidate)?.restartCount ?? 0) >= 3 &&
          statusOf(candidate)?.state.waiting?.reason === 'CrashLoopBackOff',
      );
      const name = pod.metadata.name!;
      const status = statusOf(pod)!;
      assert.deepEqual(
        [status.lastState.terminated?.exitCode, status.lastState.terminated?.reason, status.ready],
        [1, 'Error', false],
      );
      assert.match(
        status.state.waiting!.message!,
        new RegExp(`^Back-off \\d+s restarting failed container=main pod=${name}_lab\\(`),
      );
      assert.equal((pod.status as { phase: string }).phase, 'Running');

      const row = await cluster.kubectl(['get', 'pod', name, '-n', 'lab', '--no-headers']);
      assert.match(row.stdout, new RegExp(`^${name}\\s+0/1\\s+(CrashLoopBackOff|Running)\\s+\\d+`));
      const previous = await cluster.kubectl(['logs', name, '-n', 'lab', '--previous']);
      assert.equal(previous.code, 0, previous.stderr);
      assert.match(
        previous.stdout,
        /Error: failed to read mesh configuration: connection refused\nexited with code 1 \(Error\)\n$/,
      );

      const events = await eventsOf(name);
      const backOff = events.find((event) => event.reason === 'BackOff')!;
      assert.deepEqual([backOff.type, backOff.message], ['Warning', 'Back-off restarting failed container']);
      assert.ok(backOff.count >= 3, `the BackOff event counts each restart (${backOff.count})`);
      assert.ok(events.find((event) => event.reason === 'Started')!.count >= 3);
      assert.ok(
        events.some(
          (event) =>
            event.reason === 'Pulled' &&
            event.message === 'Container image "docker.io/istio/galley:1.2.2" already present on machine',
        ),
      );
    } finally {
      cluster.sandbox.faults.clear();
    }
    await readyIn('galley');
  });

  test("an image that cannot be pulled goes ErrImagePull, then ImagePullBackOff, with the kubelet's events, and runs once it can be pulled", async () => {
    const image = 'example.com/lab/missing:1.0';
    cluster.sandbox.faults.set({ imagePull: [{ image: 'example.com/lab/*' }] });
    try {
      await cluster.kubectlOk(['create', '-f', '-'], { stdin: deployment('puller', image) });
      const pod = await podWhere(
        'puller',
        (candidate) => statusOf(candidate)?.state.waiting?.reason === 'ImagePullBackOff',
      );
      const name = pod.metadata.name!;
      assert.equal((pod.status as { phase: string }).phase, 'Pending');
      assert.equal(statusOf(pod)!.state.waiting!.message, `Back-off pulling image "${image}"`);
      const row = await cluster.kubectl(['get', 'pod', name, '-n', 'lab', '--no-headers']);
      assert.match(row.stdout, new RegExp(`^${name}\\s+0/1\\s+(ImagePullBackOff|ErrImagePull)\\s+0\\s`));
      await podWhere(
        'puller',
        (candidate) =>
          candidate.metadata.name === name &&
          statusOf(candidate)?.state.waiting?.reason === 'ErrImagePull' &&
          cluster.sandbox.store
            .list('/events', 'lab')
            .some((event) => event.reason === 'Pulling' && Number(event.count) >= 2),
      );
      const events = await eventsOf(name);
      const messages = events.map((event) => `${event.type} ${event.reason} ${event.message}`);
      assert.ok(
        messages.includes(
          `Warning Failed Failed to pull image "${image}": rpc error: code = Unknown desc = Error response from daemon: manifest for ${image} not found`,
        ),
        messages.join('\n'),
      );
      assert.ok(messages.includes('Warning Failed Error: ErrImagePull'));
      assert.ok(messages.includes(`Normal BackOff Back-off pulling image "${image}"`));
      assert.ok(messages.includes('Warning Failed Error: ImagePullBackOff'));
      assert.ok(events.find((event) => event.reason === 'Pulling')!.count >= 2, 'the pull is retried');
    } finally {
      cluster.sandbox.faults.clear();
    }
    await readyIn('puller');
  });

  test('a gateway whose discovery service has no ready endpoint stays NotReady until Pilot is ready', async () => {
    const gateway = `apiVersion: v1
kind: Service
metadata:
  name: pilot
  namespace: lab
spec:
  selector: { app: pilot }
  ports:
  - { name: grpc-xds, port: 15010 }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: gateway
  namespace: lab
spec:
  selector:
    matchLabels: { app: gateway }
  template:
    metadata:
      labels: { app: gateway }
    spec:
      containers:
      - name: istio-proxy
        image: docker.io/istio/proxyv2:1.2.2
        args: [proxy, router, --discoveryAddress, pilot:15010]
        readinessProbe:
          httpGet: { path: /healthz/ready, port: 15020 }
`;
    cluster.sandbox.faults.set({ crashLoop: [{ workload: 'pilot', namespace: 'lab' }] });
    try {
      await cluster.kubectlOk(['create', '-f', '-'], {
        stdin: `${gateway}---\n${deployment('pilot', 'docker.io/istio/pilot:1.2.2')}`,
      });
      await podWhere('pilot', (pod) => (statusOf(pod)?.restartCount ?? 0) >= 1);
      const waiting = await podWhere('gateway', (pod) => (pod.status as { phase?: string }).phase === 'Running');
      const ready = (
        waiting.status as { conditions: { type: string; status: string; message?: string }[] }
      ).conditions.find((entry) => entry.type === 'Ready')!;
      assert.deepEqual([ready.status, ready.message], ['False', 'containers with unready status: [istio-proxy]']);
      const row = await cluster.kubectl(['get', 'pod', waiting.metadata.name!, '-n', 'lab', '--no-headers']);
      assert.match(row.stdout, /\s0\/1\s+Running\s/);
      const described = await cluster.kubectl(['describe', 'pod', waiting.metadata.name!, '-n', 'lab']);
      assert.match(
        described.stdout,
        /Warning\s+Unhealthy\s+\S+\s+kubelet\s+Readiness probe failed: HTTP probe failed with statuscode: 503/,
      );
    } finally {
      cluster.sandbox.faults.clear();
    }
    await readyIn('gateway');
  });

  test('a node whose kubelet stops reporting turns NotReady, gets no new pods, and with no node left pods wait with FailedScheduling', async () => {
    const nodes = (await cluster.kubectl(['get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}'])).stdout.split(
      ' ',
    );
    const down = nodes[0];
    cluster.sandbox.faults.set({ notReadyNodes: [down] });
    try {
      const listed = await cluster.kubectl(['get', 'nodes', '--no-headers']);
      assert.match(listed.stdout, new RegExp(`^${down}\\s+NotReady\\s`, 'm'));
      assert.equal(listed.stdout.split('\n').filter((line) => /\sReady\s/.test(line)).length, 2);
      const ready = JSON.parse((await cluster.kubectl(['get', 'node', down, '-o', 'json'])).stdout) as {
        spec: { taints: { key: string; effect: string }[] };
        status: { conditions: { type: string; status: string; reason: string; message: string }[] };
      };
      const condition = ready.status.conditions.find((entry) => entry.type === 'Ready')!;
      assert.deepEqual(
        [condition.status, condition.reason, condition.message],
        ['Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'],
      );
      assert.deepEqual(
        ready.spec.taints.map((taint) => `${taint.key}:${taint.effect}`),
        ['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute'],
      );

      await cluster.kubectlOk(['create', '-f', '-'], { stdin: deployment('spread', 'nginx:1.15', 6) });
      await cluster.kubectlOk(['rollout', 'status', 'deploy/spread', '-n', 'lab', '--timeout=60s']);
      const nodeNames = ['get', 'pods', '-n', 'lab', '-l', 'app=spread', '-o', 'jsonpath={.items[*].spec.nodeName}'];
      const placed = (await cluster.kubectl(nodeNames)).stdout.split(' ');
      assert.equal(placed.length, 6);
      assert.ok(!placed.includes(down), `no pod went to ${down}: ${placed.join(' ')}`);

      cluster.sandbox.faults.set({ notReadyNodes: ['*'] });
      await cluster.kubectlOk(['create', '-f', '-'], { stdin: deployment('stuck', 'nginx:1.15') });
      const stuck = await podWhere('stuck', (pod) =>
        ((pod.status as { conditions?: { type: string; status: string }[] }).conditions ?? []).some(
          (entry) => entry.type === 'PodScheduled' && entry.status === 'False',
        ),
      );
      const described = await cluster.kubectl(['describe', 'pod', stuck.metadata.name!, '-n', 'lab']);
      assert.match(
        described.stdout,
        /Warning\s+FailedScheduling\s+\S+\s+default-scheduler\s+0\/3 nodes are available: 3 node\(s\) were not ready\./,
      );
    } finally {
      cluster.sandbox.faults.clear();
    }
    await readyIn('stuck');
    const back = await cluster.kubectl(['get', 'node', down, '--no-headers']);
    assert.match(back.stdout, /\sReady\s/);
  });
});
