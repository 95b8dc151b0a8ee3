// Containers that exit, as real kubectl shows them on a real cluster: a command's exit code makes
// the pod Completed or Error; restartPolicy Always/OnFailure restarts it with the kubelet's back-off
// (CrashLoopBackOff, RESTARTS, lastState, BackOff events, `logs --previous`); an image reference
// that cannot exist waits in InvalidImageName; an Istio 1.2 sidecar keeps a finished pod 1/2.
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createIstioDemo } from './istio-demo';
import type { KubectlSandbox } from './kubectl';
import { whenStored } from './when-stored';
import { startKubectlSandbox } from './kubectl';

interface ContainerStatus {
  name: string;
  restartCount: number;
  ready: boolean;
  state: {
    waiting?: { reason: string; message?: string };
    running?: unknown;
    terminated?: { exitCode: number; reason: string };
  };
  lastState: { terminated?: { exitCode: number; reason: string } };
}

interface Pod {
  metadata: { name: string };
  status: { phase: string; containerStatuses: ContainerStatus[] };
}

const podYaml = (name: string, image: string, restartPolicy = 'Never') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: lab}
spec:
  restartPolicy: ${restartPolicy}
  containers:
  - {name: main, image: "${image}"}
`;

describe('sandbox containers exit, fail and restart as their command says', () => {
  let cluster: KubectlSandbox;
  const kubectl = (...args: string[]): Promise<string> => cluster.kubectlOk(args);
  const getPod = async (name: string, namespace = 'lab'): Promise<Pod> =>
    JSON.parse(await kubectl('get', 'po', name, '-n', namespace, '-o', 'json')) as Pod;
  /** Waits for a `kubectl get po -w` row of the pod (or of the pods `-l` picks) matching the pattern. */
  const watchUntil = async (target: string[], pattern: RegExp, namespace = 'lab'): Promise<RegExpExecArray> => {
    const watch = cluster.followKubectl(['get', 'po', ...target, '-n', namespace, '-w', '--no-headers']);
    try {
      return await watch.until(pattern, 60_000);
    } finally {
      watch.kill();
    }
  };

  before(async () => {
    cluster = await startKubectlSandbox({ nodes: 1, speed: 0 });
    await kubectl('create', 'namespace', 'lab');
  });
  after(() => cluster.close());

  test("kubectl run --restart=Never -- sh -c 'exit 1' ends Error with exit code 1; exit 0 ends Completed", async () => {
    await kubectl('run', 'fails', '-n', 'lab', '--restart=Never', '--image=busybox', '--', 'sh', '-c', 'exit 1');
    await kubectl('run', 'succeeds', '-n', 'lab', '--restart=Never', '--image=busybox', '--', 'sh', '-c', 'exit 0');
    await watchUntil(['fails'], /^fails\s+0\/1\s+Error\s+0\s/m);
    await watchUntil(['succeeds'], /^succeeds\s+0\/1\s+Completed\s+0\s/m);
    const failed = await getPod('fails');
    assert.equal(failed.status.phase, 'Failed');
    assert.deepEqual(
      [
        failed.status.containerStatuses[0].state.terminated?.exitCode,
        failed.status.containerStatuses[0].state.terminated?.reason,
      ],
      [1, 'Error'],
    );
    assert.equal((await getPod('succeeds')).status.phase, 'Succeeded');
  });

  test('a script that sleeps, prints and exits 4 ends Error with its output in kubectl logs', async () => {
    await kubectl(
      'run',
      'script',
      '-n',
      'lab',
      '--restart=Never',
      '--image=alpine:3.10',
      '--',
      'sh',
      '-c',
      'sleep 2; echo checked the config; exit 4',
    );
    await watchUntil(['script'], /^script\s+0\/1\s+Error\s+0\s/m);
    const logs = await kubectl('logs', 'script', '-n', 'lab');
    assert.match(logs, /^checked the config$/m);
    assert.match(logs, /exited with code 4 \(Error\)/);
  });

  test('kubectl create deploy --image=busybox crash-loops: RESTARTS grow, back-off doubles, lastState is Completed', async () => {
    await kubectl('create', 'deploy', 'crash', '-n', 'lab', '--image=busybox');
    await watchUntil(['-l', 'app=crash'], /^crash-\S+\s+0\/1\s+CrashLoopBackOff\s+([3-9]|\d\d+)\b/m);
    // The pod while it backs off (it crash-loops on): the message names the back-off, 10 s doubling to 5 min, in v1.13's words.
    const pod = await whenStored(cluster.sandbox, () => {
      const found = cluster.sandbox.store
        .list('/pods', 'lab')
        .find((candidate) => candidate.metadata.labels?.app === 'crash');
      const status = (found?.status as Pod['status'] | undefined)?.containerStatuses?.[0];
      return status?.state.waiting?.reason === 'CrashLoopBackOff' && status.restartCount >= 3 ? found : undefined;
    });
    const name = pod.metadata.name!;
    const [status] = (pod.status as Pod['status']).containerStatuses;
    assert.equal((pod.status as Pod['status']).phase, 'Running');
    assert.deepEqual(
      status.lastState.terminated && [status.lastState.terminated.exitCode, status.lastState.terminated.reason],
      [0, 'Completed'],
    );
    assert.equal(status.ready, false);
    const backOff = ['40s', '1m20s', '2m40s'][status.restartCount - 3] ?? '5m0s';
    assert.equal(
      status.state.waiting?.message,
      `Back-off ${backOff} restarting failed container=busybox pod=${name}_lab(${pod.metadata.uid})`,
    );
    const events = JSON.parse(
      await kubectl(
        'get',
        'events',
        '-n',
        'lab',
        '--field-selector',
        `involvedObject.name=${name},reason=BackOff`,
        '-o',
        'json',
      ),
    ) as { items: { type: string; message: string; count: number; involvedObject: { fieldPath: string } }[] };
    assert.ok(events.items.length > 0, 'a BackOff event');
    assert.deepEqual(
      [events.items[0].type, events.items[0].message, events.items[0].involvedObject.fieldPath],
      ['Warning', 'Back-off restarting failed container', 'spec.containers{busybox}'],
    );
    assert.ok(events.items[0].count >= 2, `BackOff counted on each back-off (${events.items[0].count})`);
  });

  test('restartPolicy OnFailure restarts a failing command, and kubectl logs --previous shows the last run', async () => {
    await kubectl(
      'run',
      'retry',
      '-n',
      'lab',
      '--restart=OnFailure',
      '--image=busybox',
      '--',
      'sh',
      '-c',
      'echo attempt failed; exit 2',
    );
    await watchUntil(['retry'], /^retry\s+0\/1\s+CrashLoopBackOff\s+[1-9]/m);
    const previous = await kubectl('logs', 'retry', '-n', 'lab', '--previous');
    assert.match(previous, /^attempt failed$/m);
    assert.match(previous, /exited with code 2 \(Error\)/);
    const { state, lastState } = (await getPod('retry')).status.containerStatuses[0];
    assert.equal(lastState.terminated?.exitCode, 2);
    assert.ok(state.waiting?.reason === 'CrashLoopBackOff' || state.running || state.terminated, JSON.stringify(state));
  });

  test('a pod that runs for ever and a server image keep running', async () => {
    await kubectl('run', 'sleeper', '-n', 'lab', '--restart=Never', '--image=busybox', '--', 'sleep', 'infinity');
    await kubectl('run', 'server', '-n', 'lab', '--restart=Never', '--image=nginx:1.17');
    // A Never pod that exits is written after it runs; these two were written running and stay so while a later pod finishes.
    await kubectl('run', 'marker', '-n', 'lab', '--restart=Never', '--image=busybox', '--', 'true');
    await watchUntil(['marker'], /^marker\s+0\/1\s+Completed\s/m);
    await watchUntil(['sleeper'], /^sleeper\s+1\/1\s+Running\s+0\s/m);
    await watchUntil(['server'], /^server\s+1\/1\s+Running\s+0\s/m);
  });

  test("an image reference that cannot exist waits in InvalidImageName with the kubelet's message", async () => {
    for (const [name, image, error] of [
      ['spaced', 'nginx:bad tag', 'invalid reference format'],
      ['upper', 'UPPER/case', 'invalid reference format: repository name must be lowercase'],
    ]) {
      await cluster
        .kubectl(['create', '-f', '-'], { stdin: podYaml(name, image) })
        .then(({ code, stderr }) => assert.equal(code, 0, stderr));
      await watchUntil([name], new RegExp(`^${name}\\s+0/1\\s+InvalidImageName\\s+0\\s`, 'm'));
      const [status] = (await getPod(name)).status.containerStatuses;
      assert.equal(
        status.state.waiting?.message,
        `Failed to apply default image tag "${image}": couldn't parse image reference "${image}": ${error}`,
      );
      const events = await kubectl(
        'get',
        'events',
        '-n',
        'lab',
        '--field-selector',
        `involvedObject.name=${name}`,
        '-o',
        'jsonpath={range .items[*]}{.reason}:{.message}{"\\n"}{end}',
      );
      assert.match(events, /^InspectFailed:Failed to apply default image tag/m);
      assert.match(events, /^Failed:Error: InvalidImageName$/m);
    }
  });
});

describe('an Istio 1.2 injected pod whose app completes', () => {
  let cluster: KubectlSandbox;
  before(async () => {
    cluster = await startKubectlSandbox({ nodes: 2, speed: 0 });
    await createIstioDemo(cluster);
    await cluster.kubectlOk([
      'rollout',
      'status',
      'deploy/istio-sidecar-injector',
      '-n',
      'istio-system',
      '--timeout=60s',
    ]);
  });
  after(() => cluster.close());

  test('stays 1/2 NotReady: the sidecar keeps running', async () => {
    await cluster.kubectlOk(['label', 'ns', 'default', 'istio-injection=enabled']);
    await cluster.kubectlOk(['run', 'once', '--restart=Never', '--image=busybox', '--', 'sh', '-c', 'exit 0']);
    const watch = cluster.followKubectl(['get', 'po', 'once', '-w', '--no-headers']);
    try {
      await watch.until(/^once\s+1\/2\s+NotReady\s+0\s/m, 60_000);
    } finally {
      watch.kill();
    }
    const pod = JSON.parse((await cluster.kubectl(['get', 'po', 'once', '-o', 'json'])).stdout) as Pod;
    assert.equal(pod.status.phase, 'Running');
    assert.deepEqual(
      pod.status.containerStatuses.map((status) => [
        status.name,
        status.state.terminated?.reason ?? Object.keys(status.state)[0],
      ]),
      [
        ['once', 'Completed'],
        ['istio-proxy', 'running'],
      ],
    );
  });
});
