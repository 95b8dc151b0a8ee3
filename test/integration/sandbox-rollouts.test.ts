// Rollouts as a learner practises them with the real kubectl: a Deployment's rolling update in
// steps bounded by maxSurge/maxUnavailable, a stuck rollout, undo reusing the old ReplicaSet,
// change-cause in the history, pause and resume, revisionHistoryLimit, Recreate; StatefulSets
// created in order; ControllerRevisions behind `rollout history` of StatefulSets and DaemonSets.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useKubectlSandbox } from './suite-sandbox';

/** An image the faults make unpullable: the rollout to it never becomes available. */
const BROKEN = 'nginx:1.99-broken';

interface ReplicaSetEvent {
  name: string;
  replicas: number;
  current: number;
}

/** The lines of `kubectl get rs -w -o jsonpath=…` below, one per watch event. */
const RS_EVENT = 'jsonpath={.metadata.name} {.spec.replicas} {.status.replicas}{"\\n"}';
const replicaSetEvents = (output: string): ReplicaSetEvent[] =>
  output
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [name, replicas, current] = line.split(' ');
      return { name, replicas: Number(replicas || 0), current: Number(current || 0) };
    });

describe('sandbox rollouts, as kubectl shows them', () => {
  const cluster = useKubectlSandbox({ nodes: 3, speed: 0 }, (cluster) => {
    cluster.sandbox.faults.set({ imagePull: [{ image: BROKEN }] });
  });
  const kubectlOk = (args: string[]): Promise<string> => cluster.kubectlOk(args);
  /** `kubectl rollout status` of a workload (`deploy/web`), until its rollout completes. */
  const rolledOut = (workload: string): Promise<string> => kubectlOk(['rollout', 'status', workload, '--timeout=30s']);
  const replicaSets = async (
    app: string,
  ): Promise<{ name: string; image: string; replicas: number; revision: string }[]> => {
    const json = JSON.parse(await kubectlOk(['get', 'rs', '-l', `app=${app}`, '-o', 'json'])) as {
      items: {
        metadata: { name: string; annotations: Record<string, string> };
        spec: { replicas: number; template: { spec: { containers: { image: string }[] } } };
      }[];
    };
    return json.items.map((rs) => ({
      name: rs.metadata.name,
      image: rs.spec.template.spec.containers[0].image,
      replicas: rs.spec.replicas,
      revision: rs.metadata.annotations['deployment.kubernetes.io/revision'],
    }));
  };
  /** Waits until the controller has seen the Deployment's latest spec. */
  const observed = async (deployment: string): Promise<void> => {
    const generation = await kubectlOk(['get', 'deploy', deployment, '-o', 'jsonpath={.metadata.generation}']);
    await kubectlOk([
      'wait',
      `deploy/${deployment}`,
      `--for=jsonpath={.status.observedGeneration}=${generation}`,
      '--timeout=30s',
    ]);
  };
  /**
   * Sets the Deployment's nginx to 1.15 while watching its ReplicaSets, from `replicas` of the old
   * one until the watch prints `settled` (given the old ReplicaSet's name); resolves with both.
   */
  const watchedRollout = async (deployment: string, replicas: number, settled: (old: string) => RegExp) => {
    const [old] = await replicaSets(deployment);
    const watch = cluster.followKubectl(['get', 'rs', '-l', `app=${deployment}`, '-w', '-o', RS_EVENT]);
    try {
      await watch.until(new RegExp(`^${old.name} ${replicas} ${replicas}$`, 'm'));
      await kubectlOk(['set', 'image', `deploy/${deployment}`, 'nginx=nginx:1.15']);
      await rolledOut(`deploy/${deployment}`);
      await watch.until(settled(old.name));
    } finally {
      watch.kill();
    }
    return { old, output: watch.output() };
  };

  test('a rolling update keeps within replicas + maxSurge and grows the new ReplicaSet in steps', async () => {
    await kubectlOk(['create', 'deploy', 'steps', '--image=nginx:1.14', '--replicas=4']);
    await rolledOut('deploy/steps');
    const { old, output } = await watchedRollout('steps', 4, (old) => new RegExp(`^${old} 0 0$`, 'm'));
    const latest = new Map<string, number>();
    const newSizes: number[] = [];
    for (const event of replicaSetEvents(output)) {
      latest.set(event.name, event.replicas);
      if (event.name !== old.name && newSizes.at(-1) !== event.replicas) newSizes.push(event.replicas);
      // 4 replicas and 25 %: maxSurge rounds up to 1, so never more than 5 pods wanted.
      const wanted = [...latest.values()].reduce((a, b) => a + b, 0);
      assert.ok(wanted <= 5, `${wanted} replicas wanted at once:\n${output}`);
    }
    assert.equal(newSizes[0], 1, `the new ReplicaSet starts at the surge, not at full size:\n${output}`);
    assert.equal(newSizes.at(-1), 4);
    assert.ok(newSizes.length >= 3, `the new ReplicaSet grows in steps: ${newSizes.join(' → ')}`);
  });

  test('a rollout to an image that never starts stops where maxUnavailable allows, and rollout status says so', async () => {
    await kubectlOk(['create', 'deploy', 'stuck', '--image=nginx:1.14', '--replicas=4']);
    await rolledOut('deploy/stuck');
    await kubectlOk(['set', 'image', 'deploy/stuck', `nginx=${BROKEN}`]);
    await kubectlOk(['annotate', 'deploy/stuck', 'kubernetes.io/change-cause=try the broken image']);
    const status = cluster.followKubectl(['rollout', 'status', 'deploy/stuck']);
    try {
      await status.until(
        /Waiting for deployment "stuck" rollout to finish: 2 out of 4 new replicas have been updated\.\.\./,
      );
    } finally {
      status.kill();
    }
    // 1 may be unavailable: 3 old pods stay, and the surge allows 2 new ones that never become Ready.
    const sizes = new Map((await replicaSets('stuck')).map((rs) => [rs.image, rs.replicas]));
    assert.deepEqual(Object.fromEntries(sizes), { 'nginx:1.14': 3, [BROKEN]: 2 });

    const history = await kubectlOk(['rollout', 'history', 'deploy/stuck']);
    assert.match(history, /^1\s+<none>$/m);
    assert.match(history, /^2\s+try the broken image$/m);
  });

  test('rollout undo reuses the old ReplicaSet with a new revision, so revisions collapse', async () => {
    await kubectlOk(['rollout', 'undo', 'deploy/stuck']);
    await rolledOut('deploy/stuck');
    const sets = await replicaSets('stuck');
    assert.equal(sets.length, 2, JSON.stringify(sets));
    const byImage = new Map(sets.map((rs) => [rs.image, rs]));
    assert.equal(byImage.get('nginx:1.14')?.revision, '3');
    assert.equal(byImage.get('nginx:1.14')?.replicas, 4);
    assert.equal(byImage.get(BROKEN)?.replicas, 0);
    const history = await kubectlOk(['rollout', 'history', 'deploy/stuck']);
    assert.deepEqual(
      history
        .split('\n')
        .filter((line) => /^\d/.test(line))
        .map((line) => line.split(/\s+/)[0]),
      ['2', '3'],
    );
  });

  test('a paused Deployment does not roll out a new image until resumed', async () => {
    await kubectlOk(['create', 'deploy', 'paused', '--image=nginx:1.14', '--replicas=2']);
    await rolledOut('deploy/paused');
    await kubectlOk(['rollout', 'pause', 'deploy/paused']);
    await kubectlOk(['set', 'image', 'deploy/paused', 'nginx=nginx:1.16']);
    await observed('paused');
    const reason = await kubectlOk([
      'get',
      'deploy',
      'paused',
      '-o',
      'jsonpath={.status.conditions[?(@.type=="Progressing")].reason}',
    ]);
    assert.equal(reason, 'DeploymentPaused');
    assert.deepEqual(
      (await replicaSets('paused')).map((rs) => rs.image),
      ['nginx:1.14'],
    );
    assert.equal(await kubectlOk(['get', 'deploy', 'paused', '-o', 'jsonpath={.status.updatedReplicas}']), '');

    await kubectlOk(['rollout', 'resume', 'deploy/paused']);
    await rolledOut('deploy/paused');
    const sets = new Map((await replicaSets('paused')).map((rs) => [rs.image, rs.replicas]));
    assert.equal(sets.get('nginx:1.16'), 2);
    assert.equal(sets.get('nginx:1.14'), 0);
  });

  test('revisionHistoryLimit deletes the oldest ReplicaSets once a rollout completes', async () => {
    await kubectlOk(['create', 'deploy', 'history', '--image=nginx:1.14']);
    await kubectlOk(['patch', 'deploy/history', '-p', '{"spec":{"revisionHistoryLimit":1}}']);
    await rolledOut('deploy/history');
    const [first] = await replicaSets('history');
    for (const image of ['nginx:1.15', 'nginx:1.16']) {
      await kubectlOk(['set', 'image', 'deploy/history', `nginx=${image}`]);
      await rolledOut('deploy/history');
    }
    await kubectlOk(['wait', '--for=delete', `rs/${first.name}`, '--timeout=30s']);
    assert.deepEqual((await replicaSets('history')).map((rs) => rs.image).sort(), ['nginx:1.15', 'nginx:1.16']);
  });

  test('Recreate scales the old ReplicaSet to 0 and waits for its pods before the new one', async () => {
    await kubectlOk(['create', 'deploy', 'recreate', '--image=nginx:1.14', '--replicas=3']);
    await kubectlOk([
      'patch',
      'deploy/recreate',
      '-p',
      '{"spec":{"strategy":{"type":"Recreate","rollingUpdate":null}}}',
    ]);
    await rolledOut('deploy/recreate');
    const { old, output } = await watchedRollout(
      'recreate',
      3,
      (old) => new RegExp(`^(?!${old} )recreate-\\S+ 3 3$`, 'm'),
    );
    const oldCurrent = new Map<string, number>();
    for (const event of replicaSetEvents(output)) {
      if (event.name === old.name) oldCurrent.set(event.name, event.current);
      else if (event.replicas > 0)
        assert.equal(oldCurrent.get(old.name), 0, `new pods wanted while old ones ran:\n${output}`);
    }
  });

  test("an extensions/v1beta1 Deployment gets that API's defaults: surge and unavailable 1, no deadline, all history kept", async () => {
    const { code, stderr } = await cluster.kubectl(['apply', '-f', '-'], {
      stdin: `apiVersion: extensions/v1beta1
kind: Deployment
metadata: { name: legacy }
spec:
  template:
    metadata: { labels: { app: legacy } }
    spec:
      containers: [{ name: nginx, image: "nginx:1.14" }]
`,
    });
    assert.equal(code, 0, stderr);
    await rolledOut('deploy/legacy');
    const spec = JSON.parse(await kubectlOk(['get', 'deploy', 'legacy', '-o', 'jsonpath={.spec}'])) as Record<
      string,
      unknown
    >;
    assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } });
    assert.equal(spec.revisionHistoryLimit, 2147483647);
    assert.equal(spec.progressDeadlineSeconds, 2147483647);
    // Without a deadline the controller keeps no Progressing condition (HasProgressDeadline).
    assert.equal(
      await kubectlOk(['get', 'deploy', 'legacy', '-o', 'jsonpath={.status.conditions[*].type}']),
      'Available',
    );
  });

  /** `kubectl get po -w --output-watch-events` lines: event type, pod name, Ready, deletionTimestamp. */
  const POD_EVENT =
    'jsonpath={.type} {.object.metadata.name} {.object.status.conditions[?(@.type=="Ready")].status} {.object.metadata.deletionTimestamp}{"\\n"}';
  /** Follows the pods labelled `app=<app>` as {@link POD_EVENT} lines. */
  const watchPods = (app: string) =>
    cluster.followKubectl(['get', 'po', '-l', `app=${app}`, '-w', '--output-watch-events', '-o', POD_EVENT]);
  const podEvents = (output: string) =>
    output
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [type, name, ready, deleting] = line.split(' ');
        return { type, name, isReady: ready === 'True', isDeleting: Boolean(deleting) };
      });
  const statefulSet = (name: string, policy: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata: { name: ${name} }
spec:
  serviceName: ${name}
  replicas: 3
  podManagementPolicy: ${policy}
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers: [{ name: nginx, image: "nginx:1.14" }]
`;

  const apply = async (manifest: string): Promise<void> => {
    const { code, stderr } = await cluster.kubectl(['apply', '-f', '-'], { stdin: manifest });
    assert.equal(code, 0, stderr);
  };
  /** The index of the first event that matches, -1 when none does. */
  const firstIndex = (
    events: ReturnType<typeof podEvents>,
    check: (event: ReturnType<typeof podEvents>[number]) => boolean,
  ): number => events.findIndex(check);

  test('an OrderedReady StatefulSet creates each pod once the one before is Ready, and removes them from the top', async () => {
    const watch = watchPods('ordered');
    try {
      await apply(statefulSet('ordered', 'OrderedReady'));
      await watch.until(/^\S+ ordered-2 True $/m);
      await kubectlOk(['scale', 'sts/ordered', '--replicas=1']);
      await watch.until(/^DELETED ordered-1 /m);
    } finally {
      watch.kill();
    }
    const events = podEvents(watch.output());
    for (const ordinal of [1, 2]) {
      const created = firstIndex(events, (event) => event.name === `ordered-${ordinal}`);
      const previousReady = firstIndex(events, (event) => event.name === `ordered-${ordinal - 1}` && event.isReady);
      assert.ok(
        previousReady >= 0 && previousReady < created,
        `ordered-${ordinal} came before ordered-${ordinal - 1} was Ready:\n${watch.output()}`,
      );
    }
    const topGone = firstIndex(events, (event) => event.type === 'DELETED' && event.name === 'ordered-2');
    const nextTouched = firstIndex(
      events,
      (event) => event.name === 'ordered-1' && (event.isDeleting || event.type === 'DELETED'),
    );
    assert.ok(
      topGone >= 0 && topGone < nextTouched,
      `ordered-1 was deleted before ordered-2 was gone:\n${watch.output()}`,
    );
    assert.ok(!events.some((event) => event.name === 'ordered-0' && event.type === 'DELETED'));
  });

  test('a Parallel StatefulSet creates all its pods at once', async () => {
    const watch = watchPods('parallel');
    try {
      await apply(statefulSet('parallel', 'Parallel'));
      await rolledOut('sts/parallel');
      await watch.until(/^\S+ parallel-2 True $/m);
    } finally {
      watch.kill();
    }
    const events = podEvents(watch.output());
    const lastCreated = Math.max(
      ...[0, 1, 2].map((ordinal) => firstIndex(events, (event) => event.name === `parallel-${ordinal}`)),
    );
    const firstReady = firstIndex(events, (event) => event.isReady);
    assert.ok(lastCreated < firstReady, `a pod waited for another to be Ready:\n${watch.output()}`);
  });

  test('a StatefulSet rolls a new template out from the highest ordinal down, with ControllerRevisions behind history and undo', async () => {
    await apply(statefulSet('rolling', 'OrderedReady'));
    await rolledOut('sts/rolling');
    const first = await kubectlOk(['get', 'sts', 'rolling', '-o', 'jsonpath={.status.currentRevision}']);
    assert.match(first, /^rolling-[bcdfghjklmnpqrstvwxz2456789]{8,10}$/);
    const revision = JSON.parse(await kubectlOk(['get', 'controllerrevision', first, '-o', 'json'])) as {
      revision: number;
      data: { spec: { template: { $patch: string } } };
    };
    assert.equal(revision.revision, 1);
    assert.equal(revision.data.spec.template.$patch, 'replace');

    const watch = watchPods('rolling');
    try {
      await watch.until(/^\S+ rolling-2 True $/m);
      await kubectlOk(['set', 'image', 'sts/rolling', 'nginx=nginx:1.15']);
      await rolledOut('sts/rolling');
      await watch.until(/^DELETED rolling-0 /m);
    } finally {
      watch.kill();
    }
    const deleted = podEvents(watch.output())
      .filter((event) => event.type === 'DELETED')
      .map((event) => event.name);
    assert.deepEqual(deleted, ['rolling-2', 'rolling-1', 'rolling-0']);
    const status = JSON.parse(await kubectlOk(['get', 'sts', 'rolling', '-o', 'jsonpath={.status}'])) as {
      currentRevision: string;
      updateRevision: string;
      updatedReplicas: number;
    };
    assert.equal(status.currentRevision, status.updateRevision);
    assert.notEqual(status.updateRevision, first);

    const history = await kubectlOk(['rollout', 'history', 'sts/rolling']);
    assert.match(history, /^1\s+<none>\n2\s+<none>$/m);
    await kubectlOk(['rollout', 'undo', 'sts/rolling']);
    await rolledOut('sts/rolling');
    assert.equal(
      await kubectlOk(['get', 'sts', 'rolling', '-o', 'jsonpath={.status.updateRevision}']),
      first,
      'undo goes back to the first revision',
    );
    assert.match(await kubectlOk(['rollout', 'history', 'sts/rolling']), /^2\s+<none>\n3\s+<none>$/m);
  });

  test('a DaemonSet keeps a ControllerRevision per template, so rollout history and undo work', async () => {
    await apply(`apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent }
spec:
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent } }
    spec:
      containers: [{ name: agent, image: "fluent/fluentd:v1.3" }]
`);
    await rolledOut('ds/agent');
    await kubectlOk(['set', 'image', 'ds/agent', 'agent=fluent/fluentd:v1.4']);
    await rolledOut('ds/agent');
    assert.match(await kubectlOk(['rollout', 'history', 'ds/agent']), /^1\s+<none>\n2\s+<none>$/m);
    const hash = await kubectlOk([
      'get',
      'po',
      '-l',
      'app=agent',
      '-o',
      'jsonpath={.items[0].metadata.labels.controller-revision-hash}',
    ]);
    assert.equal(await kubectlOk(['get', 'controllerrevision', `agent-${hash}`, '-o', 'jsonpath={.revision}']), '2');

    await kubectlOk(['rollout', 'undo', 'ds/agent']);
    await rolledOut('ds/agent');
    assert.equal(
      await kubectlOk(['get', 'ds', 'agent', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']),
      'fluent/fluentd:v1.3',
    );
    assert.match(await kubectlOk(['rollout', 'history', 'ds/agent']), /^2\s+<none>\n3\s+<none>$/m);
  });
});
