// `--kube-version` judged by the real kubectl: each claimed release serves the group-versions that
// release served (served-apis.ts), so Istio 1.26's manifest is refused on the book's 1.13 cluster
// as a real one refuses it, and applies on 1.32; and 1.13 looks like the book's GKE cluster.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { KubectlSandbox } from './kubectl';
import { fixtures } from './kubectl';
import { useKubectlSandbox } from './suite-sandbox';

const istio1261Demo = path.join(fixtures, 'modern', 'istio-1.26.1', 'demo.yaml');

/** `kubectl api-versions` lists every one of `served` and none of `notServed` on the `release`. */
async function assertGroupVersions(
  cluster: KubectlSandbox,
  release: string,
  { served, notServed }: { served: string[]; notServed: string[] },
): Promise<void> {
  const { code, stdout, stderr } = await cluster.kubectl(['api-versions']);
  assert.equal(code, 0, stderr);
  const listed = stdout.trim().split('\n');
  for (const gv of served) assert.ok(listed.includes(gv), `${gv} is served on ${release}`);
  for (const gv of notServed) assert.ok(!listed.includes(gv), `${gv} is not served on ${release}`);
}

describe("the book's GKE 1.13 (the default)", () => {
  const cluster = useKubectlSandbox({ nodes: 1, speed: 0 });

  test("serves 1.13's group-versions and none that came later", async () => {
    await assertGroupVersions(cluster, '1.13', {
      served: [
        'batch/v1beta1',
        'autoscaling/v2beta2',
        'apiregistration.k8s.io/v1',
        'scheduling.k8s.io/v1beta1',
        'certificates.k8s.io/v1beta1',
        'policy/v1beta1',
        'extensions/v1beta1',
        'apiextensions.k8s.io/v1beta1',
      ],
      notServed: [
        'policy/v1',
        'autoscaling/v2',
        'apiextensions.k8s.io/v1',
        'discovery.k8s.io/v1',
        'admissionregistration.k8s.io/v1',
        'coordination.k8s.io/v1',
        'events.k8s.io/v1',
      ],
    });
    // batch/v1 has Jobs only; CronJobs are batch/v1beta1's until 1.21.
    const cronJobs = await cluster.kubectl(['api-resources', '--api-group=batch', '-o', 'name']);
    assert.deepEqual(cronJobs.stdout.trim().split('\n').sort(), ['cronjobs.batch', 'jobs.batch']);
    const explained = await cluster.kubectl(['explain', 'cronjob']);
    assert.match(explained.stdout, /GROUP:\s+batch\nKIND:\s+CronJob\nVERSION:\s+v1beta1/);
  });

  test('a group-version it did not have answers 404, in discovery and OpenAPI alike', async () => {
    for (const url of [
      '/apis/policy/v1',
      '/apis/batch/v1/cronjobs',
      '/openapi/v3/apis/policy/v1',
      '/apis/authentication.k8s.io/v1/selfsubjectreviews',
    ]) {
      const { code, stderr } = await cluster.kubectl(['get', '--raw', url]);
      assert.notEqual(code, 0, url);
      assert.match(stderr, /NotFound|not found/, url);
    }
  });

  test("refuses Istio 1.26.1's demo manifest as a real 1.13 does", async () => {
    await cluster.kubectl(['create', 'namespace', 'istio-system']);
    const { code, stderr } = await cluster.kubectl(['apply', '-f', istio1261Demo]);
    assert.notEqual(code, 0);
    assert.match(stderr, /no matches for kind "CustomResourceDefinition" in version "apiextensions\.k8s\.io\/v1"/);
    assert.match(stderr, /no matches for kind "PodDisruptionBudget" in version "policy\/v1"/);
    assert.match(
      stderr,
      /no matches for kind "MutatingWebhookConfiguration" in version "admissionregistration\.k8s\.io\/v1"/,
    );
  });
});

describe("the book's GKE 1.13 cluster, as kubectl shows it", () => {
  const cluster = useKubectlSandbox({ nodes: 2, speed: 0 });

  test("kubectl version names the book's server build", async () => {
    const { code, stdout, stderr } = await cluster.kubectl(['version', '-o', 'json']);
    assert.equal(code, 0, stderr);
    const server = JSON.parse(stdout).serverVersion as Record<string, string>;
    assert.deepEqual(
      {
        major: server.major,
        minor: server.minor,
        gitVersion: server.gitVersion,
        gitCommit: server.gitCommit,
        buildDate: server.buildDate,
        goVersion: server.goVersion,
      },
      {
        major: '1',
        minor: '13+',
        gitVersion: 'v1.13.7-gke.8',
        gitCommit: '7d3d6f113e933ed1b44b78dff4baf649258415e5',
        buildDate: '2019-06-19T16:37:16Z',
        goVersion: 'go1.11.5b4',
      },
    );
  });

  test('kubectl get cs lists a healthy control plane', async () => {
    const { code, stdout, stderr } = await cluster.kubectl(['get', 'cs']);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^NAME\s+STATUS\s+MESSAGE\s+ERROR\n/);
    for (const name of ['scheduler', 'controller-manager', 'etcd-0'])
      assert.match(stdout, new RegExp(`^${name}\\s+Healthy\\s`, 'm'));
  });

  test("GKE's default StorageClass, with 1.13's columns", async () => {
    const { code, stdout, stderr } = await cluster.kubectl(['get', 'storageclass']);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^NAME\s+PROVISIONER\s+AGE\nstandard \(default\)\s+kubernetes\.io\/gce-pd\s+\S+\n$/);
  });

  test("kubectl get apiservices lists the local group-versions and metrics-server's", async () => {
    const { code, stdout, stderr } = await cluster.kubectl(['get', 'apiservices']);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^NAME\s+SERVICE\s+AVAILABLE\s+AGE\n/);
    assert.match(stdout, /^v1beta1\.batch\s+Local\s+True\s/m);
    assert.match(stdout, /^v1beta1\.metrics\.k8s\.io\s+kube-system\/metrics-server\s+True\s/m);
    assert.doesNotMatch(stdout, /^v1\.policy\s/m);
  });

  test('no kube-node-lease namespace (it came in 1.14)', async () => {
    const { stdout } = await cluster.kubectl(['get', 'namespaces', '-o', 'name']);
    assert.deepEqual(stdout.trim().split('\n').sort(), [
      'namespace/default',
      'namespace/kube-public',
      'namespace/kube-system',
    ]);
  });

  test("Jobs and CronJobs print 1.13's columns: no STATUS, no TIMEZONE", async () => {
    const job = await cluster.kubectl(['create', 'job', 'once', '--image=busybox']);
    assert.equal(job.code, 0, job.stderr);
    const jobs = await cluster.kubectl(['get', 'jobs']);
    assert.match(jobs.stdout, /^NAME\s+COMPLETIONS\s+DURATION\s+AGE\n/);
    // kubectl 1.32's `create cronjob` writes batch/v1, which 1.13 does not serve (as on a real 1.13): a manifest says batch/v1beta1.
    const manifest = {
      apiVersion: 'batch/v1beta1',
      kind: 'CronJob',
      metadata: { name: 'nightly', namespace: 'default' },
      spec: {
        schedule: '0 3 * * *',
        jobTemplate: {
          spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } },
        },
      },
    };
    const cronJob = await cluster.kubectl(['create', '-f', '-'], { stdin: JSON.stringify(manifest) });
    assert.equal(cronJob.code, 0, cronJob.stderr);
    const cronJobs = await cluster.kubectl(['get', 'cronjobs']);
    assert.match(cronJobs.stdout, /^NAME\s+SCHEDULE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE\n/);
  });

  test('kubectl top reads the simulated metrics-server, labelled as simulated', async () => {
    await cluster.kubectlOk(['wait', '--for=condition=Ready', 'pod', '--all', '-n', 'kube-system', '--timeout=60s']);
    const nodes = await cluster.kubectl(['top', 'node']);
    assert.equal(nodes.code, 0, nodes.stderr);
    assert.equal(nodes.stdout.trim().split('\n').length, 3);
    assert.match(nodes.stdout, /^gke-\S+\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%/m);
    const pods = await cluster.kubectl(['top', 'pod', '-n', 'kube-system', '-l', 'k8s-app=metrics-server']);
    assert.equal(pods.code, 0, pods.stderr);
    assert.match(pods.stdout, /^metrics-server-v0\.3\.1-\S+\s+\d+m\s+\d+Mi/m);
    const raw = await cluster.kubectl(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/nodes']);
    const items = (JSON.parse(raw.stdout) as { items: { metadata: { annotations: Record<string, string> } }[] }).items;
    assert.ok(
      items.length === 2 && items.every((item) => /made up/.test(item.metadata.annotations['istio-lab/simulated'])),
    );
  });
});

describe('1.18, the release of Istio 1.5–1.8', () => {
  const cluster = useKubectlSandbox({ kubeVersion: 'v1.18.20' });

  test('serves policy/v1beta1 and apiextensions.k8s.io/v1 side by side, and no apps/v1beta1', async () => {
    await assertGroupVersions(cluster, '1.18', {
      served: [
        'policy/v1beta1',
        'apiextensions.k8s.io/v1',
        'apiextensions.k8s.io/v1beta1',
        'admissionregistration.k8s.io/v1',
        'autoscaling/v2beta2',
        'batch/v1beta1',
        'discovery.k8s.io/v1beta1',
        'networking.k8s.io/v1beta1',
      ],
      notServed: ['apps/v1beta1', 'apps/v1beta2', 'policy/v1', 'autoscaling/v2'],
    });
    const extensions = await cluster.kubectl(['api-resources', '--api-group=extensions', '-o', 'name']);
    assert.equal(extensions.stdout.trim(), 'ingresses.extensions');
  });
});

describe('1.32', () => {
  const cluster = useKubectlSandbox({ kubeVersion: 'v1.32.0', nodes: 1, speed: 0 });

  test("serves only the GA versions, and applies Istio 1.26.1's demo manifest", async () => {
    await assertGroupVersions(cluster, '1.32', {
      served: [],
      notServed: [
        'extensions/v1beta1',
        'batch/v1beta1',
        'policy/v1beta1',
        'apiextensions.k8s.io/v1beta1',
        'autoscaling/v2beta2',
      ],
    });
    await cluster.kubectl(['create', 'namespace', 'istio-system']);
    const { code, stderr } = await cluster.kubectl(['apply', '-f', istio1261Demo]);
    assert.equal(code, 0, stderr);
    const pdbs = await cluster.kubectl(['get', 'poddisruptionbudgets.v1.policy', '-n', 'istio-system', '-o', 'name']);
    assert.match(pdbs.stdout, /poddisruptionbudget\.policy\/istiod/);
  });
});
