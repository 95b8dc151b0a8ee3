// The install engine on the sandbox, cross-checked with the real kubectl: what we create is what
// `kubectl get -f` finds, a re-run changes nothing, an uninstall leaves nothing, and an RBAC
// denial is reported per object with the permission that was missing.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { applyManifest, deleteManifest } from '../../src/kube/apply/apply-engine';
import type { ObjectResult } from '../../src/kube/apply/apply-result';
import { applyLine, countOutcomes } from '../../src/kube/apply/apply-result';
import { parseManifest } from '../../src/kube/apply/manifest';
import type { ObjectClient } from '../../src/kube/apply/object-client';
import { createObjectClient } from '../../src/kube/apply/object-client';
import type { ClusterConnection } from '../../src/kube/connection';
import { kubernetesClient } from '../../src/kube/connection';
import { waitForPods } from '../../src/kube/pod-wait';
import { SharedPodStores } from '../../src/kube/shared-pod-store';
import { istioPodScope } from '../../src/istio/data-plane';
import { installPod } from '../../src/lab/install-pods';
import { controlPlaneReady } from '../../src/lab/install-timeline';
import { startSandbox } from '../../src/sandbox';
import type { KubectlSandbox } from './kubectl';
import { fixtures, startKubectlSandbox } from './kubectl';

const manifestPath = path.join(fixtures, 'legacy', 'istio-1.2.2', 'istio-demo.yaml');
const objects = parseManifest(fs.readFileSync(manifestPath, 'utf8'), 'istio-demo.yaml');

async function clientFor(kubeconfig: string): Promise<ObjectClient> {
  const k8s = await kubernetesClient();
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromString(kubeconfig);
  return createObjectClient(kubeConfig);
}

/** `kubectl get -f` of the manifest: name → resourceVersion of each object kubectl finds. */
async function kubectlFinds(cluster: KubectlSandbox): Promise<{ found: Map<string, string>; notFound: string[] }> {
  const { stdout, stderr } = await cluster.kubectl([
    'get',
    '-f',
    manifestPath,
    '-o',
    'jsonpath={range .items[*]}{.kind}/{.metadata.name}={.metadata.resourceVersion}{"\\n"}{end}',
  ]);
  const found = new Map(
    stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('=') as [string, string]),
  );
  const notFound = stderr.split('\n').filter((line) => /NotFound|not found/.test(line));
  return { found, notFound };
}

describe("installing the book's 1.2.2 demo manifest with our engine", () => {
  let cluster: KubectlSandbox;
  let client: ObjectClient;
  let first: ObjectResult[];
  const lines: string[] = [];

  before(async () => {
    cluster = await startKubectlSandbox({ namespaceFinalizeDelayMs: 50 });
    client = await clientFor(cluster.sandbox.kubeconfig);
    first = [
      ...(
        await applyManifest(client, objects, { onResult: (result) => lines.push(applyLine(result, 'istio-demo.yaml')) })
      ).results,
    ];
  });
  after(async () => {
    client.dispose();
    await cluster.close();
  });

  test('creates all 153 objects, printing one kubectl line each, in file order', () => {
    assert.deepEqual(countOutcomes(first), { created: 153 });
    const kubectlLines = fs
      .readFileSync(path.join(fixtures, 'kubectl-apply', 'istio-1.2.2-demo-apply.txt'), 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    // The real capture ran after the CRD files, so its CRDs say "unchanged"; ours were created.
    assert.deepEqual(
      lines,
      kubectlLines.map((line) => line.replace(/ unchanged$/, ' created')),
    );
  });

  test('kubectl get -f finds every object of the manifest', async () => {
    const { found, notFound } = await kubectlFinds(cluster);
    assert.deepEqual(notFound, []);
    assert.equal(found.size, 153);
  });

  test('a re-run reports every object unchanged and changes nothing', async () => {
    const before = (await kubectlFinds(cluster)).found;
    const again = await applyManifest(client, objects);
    assert.deepEqual(countOutcomes(again.results), { unchanged: 153 });
    assert.deepEqual((await kubectlFinds(cluster)).found, before);
  });

  test('the dry-run preview of an installed manifest finds everything in place', async () => {
    const preview = await applyManifest(client, objects, { dryRun: true });
    assert.deepEqual(countOutcomes(preview.results), { unchanged: 153 });
  });

  test('uninstall deletes every object in reverse order and waits until istio-system is gone', async () => {
    const waited: string[] = [];
    const report = await deleteManifest(client, objects, { onWaitingForNamespace: (name) => waited.push(name) });
    assert.deepEqual(report.namespacesLeft, []);
    assert.deepEqual(waited, ['istio-system']);
    assert.equal(report.results.at(-1)!.object.kind, 'Namespace');
    assert.equal(report.results.filter((result) => result.outcome === 'failed').length, 0);
    const namespace = await cluster.kubectl(['get', 'namespace', 'istio-system']);
    assert.match(namespace.stderr, /NotFound/);
    const { found } = await kubectlFinds(cluster);
    assert.equal(found.size, 0, [...found.keys()].join(', '));
  });
});

/** A fresh sandbox and an object client on it for the describe block that calls this. */
function freshSandbox(): { cluster: KubectlSandbox; client: ObjectClient } {
  const fresh = {} as { cluster: KubectlSandbox; client: ObjectClient };
  before(async () => {
    fresh.cluster = await startKubectlSandbox({ namespaceFinalizeDelayMs: 50 });
    fresh.client = await clientFor(fresh.cluster.sandbox.kubeconfig);
  });
  after(async () => {
    fresh.client.dispose();
    await fresh.cluster.close();
  });
  return fresh;
}

describe('a fresh sandbox: dry run, RBAC denial, cancel', () => {
  const fresh = freshSandbox();

  test('a dry run creates nothing and says which objects it could not check before their namespace or CRD exists', async () => {
    const preview = await applyManifest(fresh.client, objects, { dryRun: true });
    assert.deepEqual(countOutcomes(preview.results), { created: 53, unverified: 100 });
    const namespace = await fresh.cluster.kubectl(['get', 'namespace', 'istio-system']);
    assert.match(namespace.stderr, /NotFound/);
  });

  test('an RBAC denial fails those objects only, each naming the permission it lacked', async () => {
    fresh.cluster.sandbox.faults.set({ deny: [{ verb: 'create', resource: 'clusterrolebindings' }] });
    try {
      const report = await applyManifest(fresh.client, objects);
      const failed = report.results.filter((result) => result.outcome === 'failed');
      assert.equal(failed.length, 11);
      for (const result of failed) {
        assert.equal(result.object.kind, 'ClusterRoleBinding');
        assert.equal(result.failure?.reason, 'Forbidden');
        assert.deepEqual(result.failure?.permission, {
          verb: 'create',
          group: 'rbac.authorization.k8s.io',
          resource: 'clusterrolebindings',
        });
      }
      assert.equal(report.results.filter((result) => result.outcome === 'created').length, 142);
    } finally {
      fresh.cluster.sandbox.faults.clear();
    }
    const rerun = await applyManifest(fresh.client, objects);
    assert.deepEqual(countOutcomes(rerun.results), { unchanged: 142, created: 11 });
  });

  test('cancelling stops new requests; the report lists what was done and what was not', async () => {
    await deleteManifest(fresh.client, objects);
    const controller = new AbortController();
    let seen = 0;
    const report = await applyManifest(fresh.client, objects, {
      signal: controller.signal,
      concurrency: 1,
      onResult: () => {
        if (++seen === 10) controller.abort();
      },
    });
    assert.equal(report.cancelled, true);
    const counts = countOutcomes(report.results);
    const done = (counts.created ?? 0) + (counts.unchanged ?? 0);
    assert.ok(done >= 10 && (counts.cancelled ?? 0) > 100, JSON.stringify(counts));
    assert.equal(done + (counts.cancelled ?? 0), 153);
    // kubectl get -f gives up on a file whose CRDs are missing: ask for the objects by name instead.
    const created = report.results.filter((result) => result.outcome === 'created').map((result) => result.name);
    const got = await fresh.cluster.kubectl(['get', '-n', 'istio-system', '-o', 'name', ...created]);
    assert.equal(got.code, 0, got.stderr);
    assert.equal(got.stdout.trim().split('\n').length, created.length);
    const cancelled = report.results.filter(
      (result) =>
        result.outcome === 'cancelled' &&
        ['ConfigMap', 'ServiceAccount', 'Service', 'Deployment'].includes(result.object.kind),
    );
    assert.ok(cancelled.length > 0);
    const missing = await fresh.cluster.kubectl([
      'get',
      '-n',
      'istio-system',
      '-o',
      'name',
      ...cancelled.map((result) => result.name),
    ]);
    assert.equal(missing.stdout.trim(), '');
    assert.equal(
      missing.stderr
        .trim()
        .split('\n')
        .filter((line) => /NotFound/.test(line)).length,
      cancelled.length,
    );
  });
});

describe('a CRD the server refuses (500 on create)', () => {
  /** The manifest's custom resources: objects of a kind one of its CRDs defines. */
  const crdKinds = new Set(
    objects
      .filter((object) => object.kind === 'CustomResourceDefinition')
      .map((object) => {
        const spec = object.body.spec as { group: string; names: { kind: string } };
        return `${spec.group}/${spec.names.kind}`;
      }),
  );
  const isCustomResource = (object: (typeof objects)[number]) =>
    crdKinds.has(`${object.apiVersion.split('/')[0]}/${object.kind}`);

  const fresh = freshSandbox();

  // Found by the reliability e2e run: one CRD answered 500, and each of its custom resources then
  // waited the whole establish timeout (60 s) for a kind that could not appear, holding one of the
  // 8 request slots while it did; with a dozen of them the install stalled for minutes and timed out.
  // The test's timeout is below the establish timeout, so waiting for the kind at all fails it.
  test(
    'fails its custom resources at once with kubectl\'s "no matches for kind", creates the rest, and a re-run finishes',
    { timeout: 45_000 },
    async () => {
      const crds = objects.filter((object) => object.kind === 'CustomResourceDefinition');
      const customResources = objects.filter(isCustomResource);
      assert.ok(customResources.length > 20, `the demo manifest has custom resources (${customResources.length})`);
      fresh.cluster.sandbox.faults.set({
        errors: [{ verb: 'create', resource: 'customresourcedefinitions', code: 500 }],
      });
      const report = await applyManifest(fresh.client, objects).finally(() => fresh.cluster.sandbox.faults.clear());
      const failed = report.results.filter((result) => result.outcome === 'failed');
      assert.deepEqual(
        failed
          .filter((result) => result.object.kind === 'CustomResourceDefinition')
          .map((result) => result.failure?.reason),
        crds.map(() => 'InternalError'),
      );
      const failedResources = failed.filter((result) => isCustomResource(result.object));
      assert.deepEqual(
        failedResources.map((result) => result.name),
        customResources.map((object) => report.results[object.index].name),
      );
      for (const result of failedResources) {
        assert.equal(result.failure?.reason, 'NoKindMatch');
        assert.match(
          applyLine(result, 'istio-demo.yaml'),
          /^error: resource mapping not found for name: .* no matches for kind "\w+" in version "[\w.]+\/\w+"$/,
        );
      }
      assert.equal(countOutcomes(report.results).created, objects.length - crds.length - customResources.length);
      // What a learner does next: run the install again, which creates exactly what failed.
      const rerun = await applyManifest(fresh.client, objects);
      assert.deepEqual(countOutcomes(rerun.results), {
        unchanged: objects.length - failed.length,
        created: failed.length,
      });
    },
  );
});

describe('waiting for the control plane on the shared pod watch while pod lists answer 500', () => {
  const expected = {
    deployments: objects.filter((o) => o.kind === 'Deployment').length,
    jobs: objects.filter((o) => o.kind === 'Job').length,
  };
  const inIstioSystem = (pod: { namespace: string }) => pod.namespace === 'istio-system';

  /** Installs as the Install command does: a lease on the connection's shared pod watch, taken before the objects are created. */
  async function install(
    faults: Parameters<Awaited<ReturnType<typeof startSandbox>>['faults']['set']>[0],
    options: { treeOpen?: boolean } = {},
  ) {
    const sandbox = await startSandbox({ nodes: 3, speed: 0 });
    sandbox.faults.set(faults);
    const k8s = await kubernetesClient();
    const kubeConfig = new k8s.KubeConfig();
    kubeConfig.loadFromString(sandbox.kubeconfig);
    const connection: ClusterConnection = {
      kubeConfig,
      contextName: 'istio-lab-sandbox',
      clusterName: 'istio-lab-sandbox',
      server: sandbox.url,
      isSandbox: true,
    };
    const podStores = new SharedPodStores({ initialBackoffMs: 10, maxBackoffMs: 50 });
    // The Istio Pods tree, when open, already holds a lease on the same watch.
    const tree = options.treeOpen ? podStores.acquire(connection, istioPodScope('istio-system')) : undefined;
    const client = await createObjectClient(kubeConfig);
    const watch = podStores.acquire(connection, istioPodScope('istio-system'));
    const watches = podStores.watches;
    const errors: { retrying: boolean }[] = [];
    watch.onState((state) => {
      if (state.kind === 'reconnecting' || state.kind === 'failed')
        errors.push({ retrying: state.kind === 'reconnecting' });
    });
    try {
      const report = await applyManifest(client, objects);
      const wait = await waitForPods(watch, (pods) => controlPlaneReady(pods.map(installPod), expected), 120_000, {
        select: inIstioSystem,
      });
      return { report, wait, errors, watches, treePods: tree?.pods().filter(inIstioSystem).length };
    } finally {
      watch.dispose();
      tree?.dispose();
      podStores.dispose();
      client.dispose();
      await sandbox.close();
    }
  }

  test('retries the failed lists and sees the control plane become ready', async () => {
    const { report, wait, errors } = await install({ errors: [{ verb: 'list', resource: 'pods', rate: 1, count: 4 }] });
    assert.deepEqual(countOutcomes(report.results), { created: 153 });
    assert.equal(wait.ready, true);
    assert.ok(errors.length >= 1 && errors.every((error) => error.retrying), 'the injected 500s were retried');
  });

  test('the 30% fault of the end-to-end run still ends ready', async () => {
    const { wait } = await install({ errors: [{ verb: 'list', resource: 'pods', rate: 0.3, count: 4 }] });
    assert.equal(wait.ready, true);
  });

  test("with the pod tree open, the install waits on the tree's watch instead of opening another", async () => {
    const { wait, watches, treePods } = await install({}, { treeOpen: true });
    assert.equal(watches, 1, 'one pod watch for the tree and the install');
    assert.equal(wait.ready, true);
    // What the install saw ready is what the tree shows: the same store.
    assert.equal(treePods, wait.pods.length);
    assert.ok(wait.pods.length >= expected.deployments + expected.jobs);
  });

  test('a denied pod list ends the wait at once, saying the pods could not be watched, with every object created', async () => {
    const { report, wait, errors } = await install({ deny: [{ verb: 'list', resource: 'pods' }] });
    assert.deepEqual(countOutcomes(report.results), { created: 153 });
    assert.equal(wait.ready, false);
    assert.equal(!wait.ready && wait.end, 'stopped');
    assert.deepEqual(!wait.ready && [wait.lastError?.code, wait.lastError?.reason, wait.lastError?.details.verb], [
      'forbidden',
      'Forbidden',
      'list',
    ]);
    assert.deepEqual(errors, [{ retrying: false }]);
  });
});
