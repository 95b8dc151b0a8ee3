// Events as kubectl shows them on a real cluster: the scheduler's Scheduled, the kubelet's
// Pulling/Pulled/Created/Started/Killing, the ReplicaSet's and Deployment's scaling, the Job's
// pods and completion, with counts and sources, in `kubectl get events` and `kubectl describe`.
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KubectlSandbox } from './kubectl';
import { startKubectlSandbox } from './kubectl';

interface EventItem {
  metadata: { name: string; namespace: string };
  involvedObject: { kind: string; name: string; namespace?: string; uid: string; fieldPath?: string };
  reason: string;
  message: string;
  type: string;
  count: number;
  source: { component: string; host?: string };
  firstTimestamp: string;
  lastTimestamp: string;
  reportingComponent: string;
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: lab
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
      - name: nginx
        image: nginx:1.15
`;

const job = `apiVersion: batch/v1
kind: Job
metadata:
  name: once
  namespace: lab
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox:1.30
`;

describe('sandbox events, as kubectl shows them', () => {
  let cluster: KubectlSandbox;
  const events = async (namespace: string, fieldSelector?: string): Promise<EventItem[]> => {
    const args = [
      'get',
      'events',
      '-n',
      namespace,
      '-o',
      'json',
      ...(fieldSelector ? ['--field-selector', fieldSelector] : []),
    ];
    const { code, stdout, stderr } = await cluster.kubectl(args);
    assert.equal(code, 0, stderr);
    return (JSON.parse(stdout) as { items: EventItem[] }).items;
  };
  /** Waits (on watch events, not timers) until an Event with this reason and object name exists. */
  const eventFor = (reason: string, name: RegExp): Promise<void> =>
    new Promise((resolve) => {
      const check = (): boolean =>
        cluster.sandbox.store
          .list('/events')
          .some(
            (event) => event.reason === reason && name.test(String((event.involvedObject as { name: string }).name)),
          );
      if (check()) return resolve();
      const unsubscribe = cluster.sandbox.store.subscribe(() => {
        if (!check()) return;
        unsubscribe();
        resolve();
      });
    });

  before(async () => {
    cluster = await startKubectlSandbox({ nodes: 3, speed: 0 });
    await cluster.kubectlOk(['create', 'namespace', 'lab']);
    await cluster.kubectlOk(['create', '-f', '-'], { stdin: `${deployment}---\n${job}` });
    await cluster.kubectlOk(['rollout', 'status', 'deploy/web', '-n', 'lab', '--timeout=60s']);
    await cluster.kubectlOk(['wait', '--for=condition=Complete', 'job/once', '-n', 'lab', '--timeout=60s']);
  });
  after(() => cluster.close());

  test('a pod has Scheduled from default-scheduler, then Pulling, Pulled, Created and Started from the kubelet of its node', async () => {
    const pod = (
      await cluster.kubectl([
        'get',
        'pods',
        '-n',
        'lab',
        '-l',
        'app=web',
        '-o',
        'jsonpath={.items[0].metadata.name} {.items[0].spec.nodeName}',
      ])
    ).stdout.split(' ');
    const [name, node] = pod;
    const own = (await events('lab', `involvedObject.name=${name}`)).sort((a, b) =>
      a.metadata.name.localeCompare(b.metadata.name),
    );
    assert.deepEqual(
      own.map((event) => event.reason),
      ['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started'],
    );
    const [scheduled, pulling, pulled, createdEvent, started] = own;
    assert.equal(scheduled.message, `Successfully assigned lab/${name} to ${node}`);
    assert.deepEqual(scheduled.source, { component: 'default-scheduler' });
    assert.equal(pulling.message, 'pulling image "nginx:1.15"', 'a 1.13 kubelet still wrote it in lower case');
    assert.equal(pulled.message, 'Successfully pulled image "nginx:1.15"');
    assert.equal(createdEvent.message, 'Created container');
    assert.equal(started.message, 'Started container');
    for (const event of own.slice(1)) {
      assert.deepEqual(event.source, { component: 'kubelet', host: node });
      assert.equal(event.involvedObject.fieldPath, 'spec.containers{nginx}');
    }
    for (const event of own) {
      assert.equal(event.type, 'Normal');
      assert.equal(event.count, 1);
      assert.equal(event.reportingComponent, '', 'a 1.13 recorder leaves the reporting fields empty');
      assert.match(event.metadata.name, new RegExp(`^${name}\\.[0-9a-f]{16,}$`));
      assert.ok(event.firstTimestamp && event.lastTimestamp === event.firstTimestamp);
    }
  });

  test('the ReplicaSet reports each pod it created, the Deployment its scaling, the Job its pod and completion', async () => {
    const all = await events('lab');
    const rs = all.filter((event) => event.involvedObject.kind === 'ReplicaSet');
    assert.equal(rs.length, 2);
    for (const event of rs) {
      assert.equal(event.reason, 'SuccessfulCreate');
      assert.match(
        event.message,
        /^Created pod: web-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/,
      );
      assert.deepEqual(event.source, { component: 'replicaset-controller' });
    }
    const scaling = all.filter((event) => event.involvedObject.kind === 'Deployment');
    assert.deepEqual(
      scaling.map((event) => [event.reason, event.source.component]),
      [['ScalingReplicaSet', 'deployment-controller']],
    );
    assert.match(scaling[0].message, /^Scaled up replica set web-[bcdfghjklmnpqrstvwxz2456789]{6,10} to 2$/);
    const jobEvents = all
      .filter((event) => event.involvedObject.kind === 'Job')
      .map((event) => [event.reason, event.message.replace(/once-\w{5}/, 'once-xxxxx')]);
    // v1.13's job controller records no Completed event (later releases do).
    assert.deepEqual(jobEvents.sort(), [['SuccessfulCreate', 'Created pod: once-xxxxx']]);
  });

  test("kubectl describe pod lists the pod's events in its Events table", async () => {
    const name = (
      await cluster.kubectl(['get', 'pods', '-n', 'lab', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}'])
    ).stdout;
    const { code, stdout, stderr } = await cluster.kubectl(['describe', 'pod', name, '-n', 'lab']);
    assert.equal(code, 0, stderr);
    const table = stdout.slice(stdout.indexOf('Events:'));
    assert.match(table, /Type\s+Reason\s+Age\s+From\s+Message/);
    assert.match(table, /Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned lab\//);
    // kubectl 1.32's describe names the component only (get events -o wide adds the node).
    assert.match(table, /Normal\s+Pulling\s+\S+\s+kubelet\s+pulling image "nginx:1\.15"/);
    assert.match(table, /Normal\s+Started\s+\S+\s+kubelet\s+Started container/);
  });

  test('kubectl describe deploy and rs show the scaling and the pods created', async () => {
    const deploy = await cluster.kubectl(['describe', 'deploy', 'web', '-n', 'lab']);
    assert.equal(deploy.code, 0, deploy.stderr);
    assert.match(
      deploy.stdout,
      /Normal\s+ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set web-\w+ to 2/,
    );
    const rs = await cluster.kubectl(['describe', 'rs', '-n', 'lab', '-l', 'app=web']);
    assert.equal(rs.code, 0, rs.stderr);
    assert.match(rs.stdout, /Normal\s+SuccessfulCreate\s+\S+\s+replicaset-controller\s+Created pod: web-/);
    const jobDescription = await cluster.kubectl(['describe', 'job', 'once', '-n', 'lab']);
    assert.match(jobDescription.stdout, /Normal\s+SuccessfulCreate\s+\S+\s+job-controller\s+Created pod: once-/);
  });

  test("scaling down kills the surplus pod's container and the ReplicaSet reports the deletion", async () => {
    const scaled = await cluster.kubectl(['scale', 'deploy/web', '-n', 'lab', '--replicas=1']);
    assert.equal(scaled.code, 0, scaled.stderr);
    await eventFor('Killing', /^web-/);
    await eventFor('SuccessfulDelete', /^web-/);
    const all = await events('lab');
    const killing = all.find((event) => event.reason === 'Killing')!;
    assert.equal(killing.message, 'Killing container with id docker://nginx:Need to kill Pod');
    assert.equal(killing.involvedObject.fieldPath, 'spec.containers{nginx}');
    assert.ok(all.some((event) => event.reason === 'ScalingReplicaSet' && / to 1$/.test(event.message)));
    const table = await cluster.kubectl(['get', 'events', '-n', 'lab']);
    assert.match(table.stdout, /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/);
    assert.match(
      table.stdout,
      /Normal\s+Killing\s+pod\/web-\S+\s+Killing container with id docker:\/\/nginx:Need to kill Pod/,
    );
  });
});
