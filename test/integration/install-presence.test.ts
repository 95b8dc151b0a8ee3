// An install interrupted half-way (as a window reload leaves it) is told apart from a finished
// and an absent one: the objects found on the sandbox, cross-checked with the real `kubectl get -f`.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { installPresence } from '../../src/istio/install-presence';
import { applyManifest, deleteManifest } from '../../src/kube/apply/apply-engine';
import { countOutcomes } from '../../src/kube/apply/apply-result';
import { parseManifest } from '../../src/kube/apply/manifest';
import type { ObjectClient } from '../../src/kube/apply/object-client';
import { createObjectClient } from '../../src/kube/apply/object-client';
import { findPresentObjects } from '../../src/kube/apply/object-presence';
import { kubernetesClient } from '../../src/kube/connection';
import type { KubectlSandbox } from './kubectl';
import { fixtures, startKubectlSandbox } from './kubectl';

const manifestPath = path.join(fixtures, 'legacy', 'istio-1.2.2', 'istio-demo.yaml');
const objects = parseManifest(fs.readFileSync(manifestPath, 'utf8'), 'istio-demo.yaml');

describe("telling an interrupted install of 1.2.2's demo manifest from a finished one", () => {
  let cluster: KubectlSandbox;
  let client: ObjectClient;

  before(async () => {
    cluster = await startKubectlSandbox({ namespaceFinalizeDelayMs: 50 });
    const k8s = await kubernetesClient();
    const kubeConfig = new k8s.KubeConfig();
    kubeConfig.loadFromString(cluster.sandbox.kubeconfig);
    client = await createObjectClient(kubeConfig);
  });
  after(async () => {
    client.dispose();
    await cluster.close();
  });

  test('nothing installed: absent', async () => {
    assert.deepEqual(installPresence(objects, await findPresentObjects(client, objects)), {
      state: 'absent',
      total: 153,
    });
  });

  test('stopped after 51 objects: interrupted, with as many objects as were created and kubectl finds', async () => {
    const stop = new AbortController();
    let seen = 0;
    const report = await applyManifest(client, objects, {
      signal: stop.signal,
      onResult: () => ++seen === 51 && stop.abort(),
    });
    const created = countOutcomes(report.results).created ?? 0;
    assert.ok(created >= 51 && created < 153, `created ${created}`);
    const present = await findPresentObjects(client, objects);
    assert.equal(present.length, created);
    const { stdout } = await cluster.kubectl(['get', '-f', manifestPath, '--ignore-not-found', '-o', 'name']);
    assert.equal(
      stdout.trim().split('\n').filter(Boolean).length,
      created,
      'kubectl get -f finds another number of objects',
    );
    assert.deepEqual(installPresence(objects, present), { state: 'interrupted', present: created, total: 153 });
  });

  test('installed again to the end: complete; uninstalled: absent', async () => {
    await applyManifest(client, objects);
    assert.deepEqual(installPresence(objects, await findPresentObjects(client, objects)), {
      state: 'complete',
      total: 153,
    });
    await deleteManifest(client, objects, { namespaceTimeoutMs: 30_000 });
    assert.deepEqual(installPresence(objects, await findPresentObjects(client, objects)), {
      state: 'absent',
      total: 153,
    });
  });
});
