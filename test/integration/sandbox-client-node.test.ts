// The sandbox judged by the real @kubernetes/client-node: an informer's list + watch, its relist
// after 410 Gone, pagination, and the patch types.
import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import { EventEmitter } from 'node:events';
import { after, before, describe, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import type { Sandbox } from '../../src/sandbox';
import { startSandbox } from '../../src/sandbox';

/** Resolves when `emitter` emits `event` with `value` as its argument. */
function emitted(emitter: EventEmitter, event: string, value: unknown): Promise<void> {
  return new Promise((resolve) => {
    const listener = (actual: unknown) => {
      if (actual !== value) return;
      emitter.off(event, listener);
      resolve();
    };
    emitter.on(event, listener);
  });
}

const pod = (name: string, labels: Record<string, string> = {}): k8s.V1Pod => ({
  metadata: { name, labels },
  spec: { containers: [{ name: 'app', image: 'docker.io/istio/pilot:1.2.2' }] },
});

describe('the sandbox, as @kubernetes/client-node sees it', () => {
  let sandbox: Sandbox;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  before(async () => {
    sandbox = await startSandbox();
    kc = new k8s.KubeConfig();
    kc.loadFromString(sandbox.kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'istio-system' } } });
  });
  after(() => sandbox.close());

  test('an informer lists, then follows adds, updates and deletes through its watch', async () => {
    const events = new EventEmitter();
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/istio-system/pods', () =>
      core.listNamespacedPod({ namespace: 'istio-system' }),
    );
    informer.on('add', (object) => events.emit('add', object.metadata?.name));
    informer.on('update', (object) => events.emit('update', object.metadata?.labels?.phase));
    informer.on('delete', (object) => events.emit('delete', object.metadata?.name));
    await core.createNamespacedPod({ namespace: 'istio-system', body: pod('istio-pilot-0') });
    const listed = once(events, 'add');
    await informer.start();
    assert.deepEqual(await listed, ['istio-pilot-0']);
    try {
      const added = once(events, 'add');
      await core.createNamespacedPod({ namespace: 'istio-system', body: pod('istio-pilot-1') });
      assert.deepEqual(await added, ['istio-pilot-1']);
      const updated = once(events, 'update');
      await core.patchNamespacedPod(
        { namespace: 'istio-system', name: 'istio-pilot-1', body: { metadata: { labels: { phase: 'ready' } } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      assert.deepEqual(await updated, ['ready']);
      const deleted = once(events, 'delete');
      await core.deleteNamespacedPod({ namespace: 'istio-system', name: 'istio-pilot-0' });
      assert.deepEqual(await deleted, ['istio-pilot-0']);
      assert.deepEqual(
        informer.list('istio-system').map((object) => object.metadata?.name),
        ['istio-pilot-1'],
      );
    } finally {
      await informer.stop();
    }
  });

  test('after a dropped watch answered 410 Gone, the informer relists and misses nothing', async () => {
    let lists = 0;
    const events = new EventEmitter();
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/istio-system/pods', () => {
      lists++;
      events.emit('list');
      return core.listNamespacedPod({ namespace: 'istio-system' });
    });
    informer.on('add', (object) => events.emit('add', object.metadata?.name));
    // client-node reports a broken connection and leaves the restart to its user, as its docs show.
    let stopped = false;
    informer.on('error', () => {
      if (!stopped) void informer.start();
    });
    const firstList = once(events, 'list');
    await informer.start();
    await firstList;
    try {
      // The connection drops after the next event; the watch that follows is answered 410, as when
      // the resourceVersion fell out of the server's history meanwhile.
      sandbox.faults.set({ dropWatchesAfterEvents: 1, goneOnNextWatches: 1 });
      const relisted = once(events, 'list');
      await core.createNamespacedPod({ namespace: 'istio-system', body: pod('istio-telemetry-0') });
      await relisted;
      sandbox.faults.clear();
      const added = emitted(events, 'add', 'istio-policy-0');
      await core.createNamespacedPod({ namespace: 'istio-system', body: pod('istio-policy-0') });
      await added;
      assert.equal(lists, 2);
      assert.deepEqual(
        informer
          .list('istio-system')
          .map((object) => object.metadata?.name)
          .sort(),
        ['istio-pilot-1', 'istio-policy-0', 'istio-telemetry-0'],
      );
    } finally {
      sandbox.faults.clear();
      stopped = true;
      await informer.stop();
    }
  });

  test('lists page with limit and continue; a malformed token is 400 and an expired one 410 Gone', async () => {
    for (let i = 0; i < 5; i++)
      await core.createNamespacedConfigMap({ namespace: 'istio-system', body: { metadata: { name: `page-${i}` } } });
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await core.listNamespacedConfigMap({ namespace: 'istio-system', limit: 2, _continue: token });
      names.push(...page.items.map((item) => item.metadata!.name!));
      token = page.metadata?._continue;
      pages++;
    } while (token);
    assert.equal(pages, 3);
    assert.deepEqual(names, ['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
    await assert.rejects(
      core.listNamespacedConfigMap({ namespace: 'istio-system', limit: 2, _continue: 'not-a-token' }),
      (error: { code?: number }) => error.code === 400,
    );

    const small = await startSandbox({ watchHistory: 3 });
    try {
      const config = new k8s.KubeConfig();
      config.loadFromString(small.kubeconfig);
      const client = config.makeApiClient(k8s.CoreV1Api);
      const first = await client.listNamespace({ limit: 1 });
      for (let i = 0; i < 4; i++) await client.createNamespace({ body: { metadata: { name: `churn-${i}` } } });
      await assert.rejects(
        client.listNamespace({ limit: 1, _continue: first.metadata?._continue }),
        (error: { code?: number; body?: string }) =>
          error.code === 410 && /too old to display a consistent list result/.test(String(error.body)),
      );
    } finally {
      await small.close();
    }
  });

  // Server-side apply came in 1.16 (release-fields.ts): the patches are judged on a 1.32 sandbox.
  test('JSON patch, merge patch, strategic merge patch and server-side apply change a Deployment as on a real cluster', async () => {
    const modern = await startSandbox({ kubeVersion: 'v1.32.0' });
    try {
      const config = new k8s.KubeConfig();
      config.loadFromString(modern.kubeconfig);
      await config.makeApiClient(k8s.CoreV1Api).createNamespace({ body: { metadata: { name: 'istio-system' } } });
      await patchesOfADeployment(config.makeApiClient(k8s.AppsV1Api));
    } finally {
      await modern.close();
    }
  });
});

/** Each kind of patch, then an apply that conflicts with what a patch owns until forced. */
async function patchesOfADeployment(apps: k8s.AppsV1Api): Promise<void> {
  const namespace = 'istio-system';
  await apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name: 'istio-pilot' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { istio: 'pilot' } },
        template: {
          metadata: { labels: { istio: 'pilot' } },
          spec: {
            containers: [
              { name: 'discovery', image: 'docker.io/istio/pilot:1.2.2' },
              { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.2.2' },
            ],
          },
        },
      },
    },
  });
  const patch = (body: object, strategy: k8s.PatchStrategy, fieldManager?: string, force?: boolean) =>
    apps.patchNamespacedDeployment(
      { namespace, name: 'istio-pilot', body, fieldManager, force },
      k8s.setHeaderOptions('Content-Type', strategy),
    );

  const jsonPatched = await patch([{ op: 'replace', path: '/spec/replicas', value: 2 }], k8s.PatchStrategy.JsonPatch);
  assert.equal(jsonPatched.spec?.replicas, 2);

  const merged = await patch({ metadata: { labels: { app: 'pilot' } } }, k8s.PatchStrategy.MergePatch);
  assert.deepEqual(merged.metadata?.labels, { app: 'pilot' });

  // Strategic merge: containers merge by name, so the sidecar stays.
  const strategic = await patch(
    { spec: { template: { spec: { containers: [{ name: 'discovery', image: 'docker.io/istio/pilot:1.2.3' }] } } } },
    k8s.PatchStrategy.StrategicMergePatch,
  );
  assert.deepEqual(
    strategic.spec?.template.spec?.containers.map((container) => `${container.name}=${container.image}`),
    ['discovery=docker.io/istio/pilot:1.2.3', 'istio-proxy=docker.io/istio/proxyv2:1.2.2'],
  );

  // The JSON patch made client-node's user agent the owner of spec.replicas: applying another
  // value conflicts until the applier forces it.
  const configuration = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'istio-pilot', namespace },
    spec: { replicas: 3 },
  };
  await assert.rejects(
    patch(configuration, k8s.PatchStrategy.ServerSideApply, 'istio-lab'),
    (error: { code?: number; body?: string }) =>
      error.code === 409 &&
      JSON.parse(String(error.body)).message ===
        'Apply failed with 1 conflict: conflict with "node-fetch" using apps/v1: .spec.replicas',
  );
  const applied = await patch(configuration, k8s.PatchStrategy.ServerSideApply, 'istio-lab', true);
  assert.equal(applied.spec?.replicas, 3);
  assert.ok(
    applied.metadata?.managedFields?.some((entry) => entry.manager === 'istio-lab' && entry.operation === 'Apply'),
  );
}
