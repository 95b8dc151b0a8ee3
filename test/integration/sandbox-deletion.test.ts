// Deletion as kube-apiserver 1.13 does it, judged by the real kubectl and @kubernetes/client-node
// watches: a server dry run changes nothing (the option in the query or only in the body), a pod
// stays Terminating for its grace period until its kubelet deletes it, `--grace-period`, `--now`
// and `--force --grace-period=0`, foreground cascading, the 409 for a name still being deleted, and
// what the controllers make of Terminating pods (replaced at once, out of the endpoints), and a
// Terminating pod kept in --state across a restart.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import type { KubectlSandbox } from './kubectl';
import { startSandbox } from '../../src/sandbox';
import { startKubectlSandbox } from './kubectl';
import { deploymentYaml } from './manifests';

interface Seen {
  readonly type: string;
  readonly object: k8s.KubernetesObject & { status?: Record<string, unknown>; subsets?: k8s.V1EndpointSubset[] };
}

interface Watched {
  readonly events: Seen[];
  /** The first event (from the start) that matches; fails after `timeoutMs` instead of waiting for ever. */
  until(matches: (seen: Seen) => boolean, what: string, timeoutMs?: number): Promise<Seen>;
  stop(): void;
}

/** A client-node watch on `path` that keeps every event. */
async function watchPath(kc: k8s.KubeConfig, path: string): Promise<Watched> {
  const events: Seen[] = [];
  const checks = new Set<() => void>();
  const controller = await new k8s.Watch(kc).watch(
    path,
    {},
    (type: string, object: Seen['object']) => {
      events.push({ type, object });
      checks.forEach((check) => check());
    },
    () => undefined,
  );
  const until = (matches: (seen: Seen) => boolean, what: string, timeoutMs = 30_000) =>
    new Promise<Seen>((resolve, reject) => {
      const timer = setTimeout(() => {
        checks.delete(check);
        reject(
          new Error(
            `no watch event on ${path} for ${what}; saw:\n${events.map((seen) => `${seen.type} ${seen.object.metadata?.name}`).join('\n')}`,
          ),
        );
      }, timeoutMs);
      const check = () => {
        const found = events.find(matches);
        if (!found) return;
        clearTimeout(timer);
        checks.delete(check);
        resolve(found);
      };
      checks.add(check);
      check();
    });
  return { events, until, stop: () => controller.abort() };
}

const named = (name: string, type?: string) => (seen: Seen) =>
  seen.object.metadata?.name === name && (type === undefined || seen.type === type);
const rv = (seen: Seen): number => Number(seen.object.metadata?.resourceVersion);

const podYaml = (name: string, grace: number, labels = `app: ${name}`) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: lab
  labels:
    ${labels}
spec:
  terminationGracePeriodSeconds: ${grace}
  containers:
  - name: web
    image: docker.io/library/nginx:1.15
`;

const labDeployment = (name: string, replicas: number, grace: number) =>
  deploymentYaml({
    name,
    namespace: 'lab',
    image: 'docker.io/library/nginx:1.15',
    replicas,
    terminationGracePeriodSeconds: grace,
    containerPort: 80,
  });

// A grace period no test waits out: at --speed 0.05 it still lasts three minutes.
const LONG = 3600;

describe('deletion in the sandbox, as a 1.13 API server and its kubelets do it', () => {
  let cluster: KubectlSandbox;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  const kubectl = async (args: string[], stdin?: string) => {
    const result = await cluster.kubectl(args, { stdin });
    assert.equal(result.code, 0, `kubectl ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  const startPod = async (name: string, grace: number) => {
    await kubectl(['create', '-f', '-'], podYaml(name, grace));
    await kubectl(['wait', '--for=condition=Ready', `pod/${name}`, '-n', 'lab', '--timeout=30s']);
  };

  before(async () => {
    // Delays are real but short: an image pull takes about 150 ms, a 2 s grace period 100 ms.
    cluster = await startKubectlSandbox({ nodes: 1, speed: 0.05 });
    kc = new k8s.KubeConfig();
    kc.loadFromString(cluster.sandbox.kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);
    await kubectl(['create', 'namespace', 'lab']);
  });
  after(() => cluster.close());

  test('a server dry run deletes nothing: kubectl delete, delete --all, and DeleteOptions.dryRun only in the body', async () => {
    for (const name of ['one', 'two']) await kubectl(['create', 'configmap', name, '-n', 'lab', '--from-literal=k=v']);
    const before = await kubectl([
      'get',
      'configmaps',
      '-n',
      'lab',
      '-o',
      'jsonpath={.items[*].metadata.resourceVersion}',
    ]);
    assert.match(
      await kubectl(['delete', 'configmap', 'one', '-n', 'lab', '--dry-run=server']),
      /configmap "one" deleted \(server dry run\)/,
    );
    assert.match(
      await kubectl(['delete', 'configmaps', '--all', '-n', 'lab', '--dry-run=server']),
      /configmap "two" deleted \(server dry run\)/,
    );
    await core.deleteNamespacedConfigMap({ namespace: 'lab', name: 'one', body: { dryRun: ['All'] } });
    await core.deleteCollectionNamespacedConfigMap({ namespace: 'lab', body: { dryRun: ['All'] } });
    assert.match(
      await kubectl(['delete', 'namespace', 'lab', '--dry-run=server']),
      /namespace "lab" deleted \(server dry run\)/,
    );
    assert.equal(
      await kubectl(['get', 'configmaps', '-n', 'lab', '-o', 'jsonpath={.items[*].metadata.resourceVersion}']),
      before,
    );
    assert.equal(await kubectl(['get', 'namespace', 'lab', '-o', 'jsonpath={.status.phase}']), 'Active');
  });

  test('a dry-run pod delete answers the pod as it would be marked, and leaves it running', async () => {
    await startPod('dry', 45);
    const answer = (await core.deleteNamespacedPod({
      namespace: 'lab',
      name: 'dry',
      body: { dryRun: ['All'] },
    })) as k8s.V1Pod;
    assert.equal(answer.metadata?.deletionGracePeriodSeconds, 45);
    assert.ok(answer.metadata?.deletionTimestamp, 'the answer carries the deletionTimestamp the delete would set');
    const stored = await core.readNamespacedPod({ namespace: 'lab', name: 'dry' });
    assert.equal(stored.metadata?.deletionTimestamp, undefined);
    assert.equal(stored.status?.phase, 'Running');
  });

  test('a deleted pod is MODIFIED with its deletionTimestamp, shows Terminating, is killed by its kubelet, then DELETED', async () => {
    const watch = await watchPath(kc, '/api/v1/namespaces/lab/pods?fieldSelector=metadata.name%3Dquick');
    const printed = cluster.followKubectl(['get', 'pods', '-n', 'lab', '-w', '--output-watch-events']);
    try {
      await startPod('quick', 2);
      // kubectl delete waits until the pod is gone, as it does on a real cluster.
      await kubectl(['delete', 'pod', 'quick', '-n', 'lab']);
      const deleted = await watch.until(named('quick', 'DELETED'), 'the pod deleted');
      const marked = await watch.until(
        (seen) => seen.type === 'MODIFIED' && seen.object.metadata?.deletionTimestamp !== undefined,
        'the pod marked for deletion',
      );
      assert.equal(marked.object.metadata?.deletionGracePeriodSeconds, 2);
      assert.ok(rv(marked) < rv(deleted), 'marked before deleted');
      // The kubelet stopped the containers before it deleted the pod.
      const stopped = watch.events.find(
        (seen) =>
          seen.type === 'MODIFIED' &&
          (seen.object.status?.containerStatuses as k8s.V1ContainerStatus[] | undefined)?.[0]?.state?.terminated,
      );
      assert.ok(
        stopped && rv(marked) < rv(stopped) && rv(stopped) < rv(deleted),
        'containers terminated between the mark and the deletion',
      );
      await printed.until(/MODIFIED\s+quick\s+\S+\s+Terminating/);
      await printed.until(/DELETED\s+quick\s/);
      const killing = await kubectl([
        'get',
        'events',
        '-n',
        'lab',
        '--field-selector',
        'involvedObject.name=quick,reason=Killing',
        '-o',
        'jsonpath={.items[*].message}',
      ]);
      assert.match(killing, /Killing container with id docker:\/\/web:Need to kill Pod/);
    } finally {
      printed.kill();
      watch.stop();
    }
  });

  test("the grace period is the pod's own, or --grace-period; a later shorter one and --now shorten it", async () => {
    const grace = (name: string) =>
      kubectl(['get', 'pod', name, '-n', 'lab', '-o', 'jsonpath={.metadata.deletionGracePeriodSeconds}']);
    await startPod('slow', LONG);
    await kubectl(['delete', 'pod', 'slow', '-n', 'lab', '--wait=false']);
    assert.equal(await grace('slow'), String(LONG));
    assert.match(await kubectl(['get', 'pod', 'slow', '-n', 'lab', '--no-headers']), /^slow\s+1\/1\s+Terminating\s/);
    await kubectl(['delete', 'pod', 'slow', '-n', 'lab', '--grace-period=1800', '--wait=false']);
    assert.equal(await grace('slow'), '1800');
    // A longer one does not lengthen it.
    await kubectl(['delete', 'pod', 'slow', '-n', 'lab', '--grace-period=2400', '--wait=false']);
    assert.equal(await grace('slow'), '1800');
    await kubectl(['delete', 'pod', 'slow', '-n', 'lab', '--now']);
    assert.equal((await cluster.kubectl(['get', 'pod', 'slow', '-n', 'lab'])).code, 1);

    await startPod('explicit', 30);
    await kubectl(['delete', 'pod', 'explicit', '-n', 'lab', '--grace-period=4000', '--wait=false']);
    assert.equal(await grace('explicit'), '4000');
    await kubectl(['delete', 'pod', 'explicit', '-n', 'lab', '--force', '--grace-period=0']);
  });

  test('--force --grace-period=0 deletes at once, still as a MODIFIED then a DELETED', async () => {
    await startPod('stuck', LONG);
    const watch = await watchPath(kc, '/api/v1/namespaces/lab/pods?fieldSelector=metadata.name%3Dstuck');
    try {
      const { code, stderr } = await cluster.kubectl([
        'delete',
        'pod',
        'stuck',
        '-n',
        'lab',
        '--force',
        '--grace-period=0',
      ]);
      assert.equal(code, 0, stderr);
      assert.match(stderr, /Immediate deletion does not wait for confirmation/);
      const gone = await cluster.kubectl(['get', 'pod', 'stuck', '-n', 'lab']);
      assert.match(gone.stderr, /NotFound.*pods "stuck" not found/);
      const deleted = await watch.until(named('stuck', 'DELETED'), 'the pod deleted');
      const marked = await watch.until(
        (seen) => seen.type === 'MODIFIED' && seen.object.metadata?.deletionTimestamp !== undefined,
        'the pod marked',
      );
      assert.equal(marked.object.metadata?.deletionGracePeriodSeconds, 0);
      assert.ok(rv(marked) < rv(deleted));
    } finally {
      watch.stop();
    }
  });

  test('creating a pod under the name of one still Terminating is 409 AlreadyExists, "object is being deleted"', async () => {
    await startPod('again', LONG);
    await kubectl(['delete', 'pod', 'again', '-n', 'lab', '--wait=false']);
    const refused = await cluster.kubectl(['create', '-f', '-'], { stdin: podYaml('again', LONG) });
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /Error from server \(AlreadyExists\): error when creating "STDIN": object is being deleted: pods "again" already exists/,
    );
    await kubectl(['delete', 'pod', 'again', '-n', 'lab', '--force', '--grace-period=0']);
    await kubectl(['create', '-f', '-'], podYaml('again', LONG));
    await kubectl(['delete', 'pod', 'again', '-n', 'lab', '--force', '--grace-period=0']);
  });

  test('--cascade=foreground keeps the Deployment and its ReplicaSet until their pods are gone, then they go in that order', async () => {
    await kubectl(['create', '-f', '-'], labDeployment('fg', 2, LONG));
    await kubectl(['wait', '--for=condition=Available', 'deployment/fg', '-n', 'lab', '--timeout=30s']);
    const deployments = await watchPath(kc, '/apis/apps/v1/namespaces/lab/deployments');
    const replicaSets = await watchPath(kc, '/apis/apps/v1/namespaces/lab/replicasets');
    const pods = await watchPath(kc, '/api/v1/namespaces/lab/pods?labelSelector=app%3Dfg');
    try {
      await kubectl(['delete', 'deployment', 'fg', '-n', 'lab', '--cascade=foreground', '--wait=false']);
      const waiting = await kubectl([
        'get',
        'deployment',
        'fg',
        '-n',
        'lab',
        '-o',
        'jsonpath={.metadata.finalizers[*]} {.metadata.deletionTimestamp}',
      ]);
      assert.match(waiting, /^foregroundDeletion \d{4}-/);
      assert.match(
        await kubectl([
          'get',
          'replicasets',
          '-n',
          'lab',
          '-l',
          'app=fg',
          '-o',
          'jsonpath={.items[*].metadata.finalizers[*]}',
        ]),
        /^foregroundDeletion$/,
      );
      const terminating = (await kubectl(['get', 'pods', '-n', 'lab', '-l', 'app=fg', '--no-headers']))
        .trim()
        .split('\n');
      assert.equal(terminating.length, 2);
      for (const line of terminating) assert.match(line, /\sTerminating\s/);
      // The pods' kubelet would wait an hour; force them, and the owners follow.
      await kubectl(['delete', 'pods', '-n', 'lab', '-l', 'app=fg', '--force', '--grace-period=0']);
      await kubectl(['wait', '--for=delete', 'deployment/fg', '-n', 'lab', '--timeout=30s']);
      const podsGone = await Promise.all(
        terminating.map((line) => pods.until(named(line.split(/\s+/)[0], 'DELETED'), 'a pod deleted')),
      );
      const rsGone = await replicaSets.until((seen) => seen.type === 'DELETED', 'the ReplicaSet deleted');
      const deploymentMarked = await deployments.until(
        (seen) => seen.type === 'MODIFIED' && (seen.object.metadata?.finalizers ?? []).includes('foregroundDeletion'),
        'the Deployment marked',
      );
      const deploymentGone = await deployments.until(named('fg', 'DELETED'), 'the Deployment deleted');
      assert.ok(
        podsGone.every((seen) => rv(deploymentMarked) < rv(seen) && rv(seen) < rv(rsGone)),
        'the pods go after the owner is marked, before the ReplicaSet',
      );
      assert.ok(rv(rsGone) < rv(deploymentGone), 'the ReplicaSet goes before the Deployment');
    } finally {
      for (const watch of [deployments, replicaSets, pods]) watch.stop();
    }
  });

  test('a Terminating pod is replaced at once, counts for nothing in the ReplicaSet, and leaves the endpoints', async () => {
    await kubectl(['create', '-f', '-'], labDeployment('rs', 2, LONG));
    await kubectl(['expose', 'deployment', 'rs', '-n', 'lab', '--port=80']);
    await kubectl(['wait', '--for=condition=Available', 'deployment/rs', '-n', 'lab', '--timeout=30s']);
    const victim = (
      await kubectl(['get', 'pods', '-n', 'lab', '-l', 'app=rs', '-o', 'jsonpath={.items[0].metadata.name}'])
    ).trim();
    const endpoints = await watchPath(kc, '/api/v1/namespaces/lab/endpoints?fieldSelector=metadata.name%3Drs');
    try {
      await kubectl(['delete', 'pod', victim, '-n', 'lab', '--wait=false']);
      const addresses = (seen: Seen) =>
        (seen.object.subsets ?? [])
          .flatMap((subset) => subset.addresses ?? [])
          .map((address) => address.targetRef?.name);
      // Two ready pods again, neither of them the Terminating one.
      await endpoints.until(
        (seen) => addresses(seen).length === 2 && !addresses(seen).includes(victim),
        'two ready addresses without the Terminating pod',
      );
      await kubectl([
        'wait',
        '--for=jsonpath={.status.readyReplicas}=2',
        'replicaset',
        '-n',
        'lab',
        '-l',
        'app=rs',
        '--timeout=30s',
      ]);
      const rows = (await kubectl(['get', 'pods', '-n', 'lab', '-l', 'app=rs', '--no-headers'])).trim().split('\n');
      assert.equal(rows.length, 3);
      assert.match(rows.find((row) => row.startsWith(`${victim} `)) ?? '', /\sTerminating\s/);
      assert.equal(
        await kubectl(['get', 'replicaset', '-n', 'lab', '-l', 'app=rs', '-o', 'jsonpath={.items[0].status.replicas}']),
        '2',
      );
    } finally {
      endpoints.stop();
    }
  });
});

describe('a Terminating pod in saved state', () => {
  test('is still Terminating after a restart, and the restarted kubelet deletes it', async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-deletion-'));
    try {
      // At this speed the hour's grace period lasts 7 s: long enough to watch it from either side of the restart.
      const speed = 0.002;
      const first = await startSandbox({ stateDir, nodes: 1, speed });
      const kc = new k8s.KubeConfig();
      kc.loadFromString(first.kubeconfig);
      const core = kc.makeApiClient(k8s.CoreV1Api);
      await core.createNamespace({ body: { metadata: { name: 'lab' } } });
      await core.createNamespacedPod({
        namespace: 'lab',
        body: {
          metadata: { name: 'kept' },
          spec: {
            terminationGracePeriodSeconds: LONG,
            containers: [{ name: 'web', image: 'docker.io/library/nginx:1.15' }],
          },
        },
      });
      const watch = await watchPath(kc, '/api/v1/namespaces/lab/pods');
      await watch.until((seen) => seen.object.status?.phase === 'Running', 'the pod running');
      watch.stop();
      await core.deleteNamespacedPod({ namespace: 'lab', name: 'kept' });
      await first.close();

      const second = await startSandbox({ stateDir, nodes: 1, speed });
      try {
        const config = new k8s.KubeConfig();
        config.loadFromString(second.kubeconfig);
        const restarted = await watchPath(config, '/api/v1/namespaces/lab/pods');
        const listed = await restarted.until(named('kept'), 'the pod listed after the restart');
        assert.equal(listed.object.metadata?.deletionGracePeriodSeconds, LONG);
        await restarted.until(named('kept', 'DELETED'), 'the pod deleted by the restarted kubelet');
        restarted.stop();
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
