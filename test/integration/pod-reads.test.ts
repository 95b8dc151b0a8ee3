// The pod tree's reads of one pod through src/kube (pod-reads.ts, describe-pod.ts) against the
// sandbox, judged by the real kubectl: the one events query (by uid, so a deleted pod of the same
// name is not mixed in), and the Events table of "Describe" beside `kubectl describe pod`'s.
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ClusterConnection } from '../../src/kube/connection';
import { openConnection } from '../../src/kube/connection';
import { describePod } from '../../src/kube/describe-pod';
import { listPodEvents, readPod } from '../../src/kube/pod-reads';
import type { KubectlSandbox } from './kubectl';
import { startKubectlSandbox } from './kubectl';

const pod = `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: lab
spec:
  containers:
  - name: nginx
    image: nginx:1.15
`;

/** The Events rows of a describe text as [type, reason, from] (columns are two or more spaces apart). */
function eventRows(text: string): string[][] {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.startsWith('Events:'));
  return lines
    .slice(start + 1)
    .filter((line) => line.startsWith('  ') && !/^\s+(Type|----)\s/.test(line))
    .map((line) => line.trim().split(/ {2,}/))
    .map(([type, reason, , from]) => [type, reason, from]);
}

describe('reading one pod through src/kube', () => {
  let cluster: KubectlSandbox;
  let connection: ClusterConnection;

  /** Waits (on the store's events, not timers) until the pod of this uid has a Started event. */
  const started = (uid: string): Promise<void> =>
    new Promise((resolve) => {
      const check = (): boolean =>
        cluster.sandbox.store
          .list('/events')
          .some((event) => event.reason === 'Started' && (event.involvedObject as { uid: string }).uid === uid);
      if (check()) return resolve();
      const unsubscribe = cluster.sandbox.store.subscribe(() => {
        if (!check()) return;
        unsubscribe();
        resolve();
      });
    });
  const createPod = async (): Promise<string> => {
    const created = await cluster.kubectl(['create', '-f', '-', '-o', 'jsonpath={.metadata.uid}'], { stdin: pod });
    assert.equal(created.code, 0, created.stderr);
    await started(created.stdout);
    return created.stdout;
  };

  before(async () => {
    cluster = await startKubectlSandbox({ nodes: 1, speed: 0 });
    connection = await openConnection({ kubeconfig: cluster.kubeconfigPath });
    assert.equal((await cluster.kubectl(['create', 'namespace', 'lab'])).code, 0);
  });
  after(() => cluster?.close());

  test('lists the events of this pod only, by uid, oldest first, with their source', async () => {
    const first = await createPod();
    assert.equal((await cluster.kubectl(['delete', 'pod', 'web', '-n', 'lab', '--wait=true'])).code, 0);
    const second = await createPod();
    assert.notEqual(first, second);

    const events = await listPodEvents(connection, 'lab', second);
    const kubectl = await cluster.kubectl([
      'get',
      'events',
      '-n',
      'lab',
      '--field-selector',
      `involvedObject.uid=${second}`,
      '-o',
      'jsonpath={.items[*].reason}',
    ]);
    assert.deepEqual(events.map((event) => event.reason).sort(), kubectl.stdout.split(' ').sort());
    assert.equal(events[0].reason, 'Scheduled');
    assert.equal(events[0].source, 'default-scheduler');
    assert.ok(
      events.some((event) => event.reason === 'Started' && event.source.startsWith('kubelet')),
      JSON.stringify(events),
    );
    assert.ok(!events.some((event) => event.reason === 'Killing'), "the first pod's Killing event is not this pod's");
    const seen = events.map((event) => event.lastSeen ?? 0);
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => a - b),
    );
  });

  test('"Describe" lists the same events, with the same reasons and sources, as kubectl describe pod', async () => {
    const current = await readPod(connection, 'lab', 'web');
    const text = describePod(current, await listPodEvents(connection, 'lab', current.metadata!.uid!), Date.now());
    const kubectl = await cluster.kubectl(['describe', 'pod', 'web', '-n', 'lab']);
    assert.equal(kubectl.code, 0, kubectl.stderr);
    assert.match(text, /^Events:$/m);
    assert.deepEqual(
      eventRows(text).sort((a, b) => a.join().localeCompare(b.join())),
      eventRows(kubectl.stdout).sort((a, b) => a.join().localeCompare(b.join())),
    );
  });
});
