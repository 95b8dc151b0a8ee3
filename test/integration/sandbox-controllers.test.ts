// The book's `kubectl create -f istio-demo.yaml` on a sandbox with nodes: controllers, scheduler
// and kubelets turn the install into the 15 pods of `kubectl get po -n istio-system`, and Pilot's
// service registry answers through the API server's service proxy.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { createIstioDemo, demo122, demoJobs } from './istio-demo';
import { fixtures } from './kubectl';
import { firstPod, serviceProxy, waitForPods } from './kubectl-args';
import { useKubectlSandbox } from './suite-sandbox';

const NS = 'istio-system';
const book = fs.readFileSync(path.join(fixtures, 'kubectl-get-po', 'book-1.2.2.txt'), 'utf8');

interface Registration {
  'service-key': string;
  hosts: { ip_address: string; port: number }[];
}

interface PodRow {
  name: string;
  ready: string;
  status: string;
}

const rows = (table: string): PodRow[] =>
  table
    .trim()
    .split('\n')
    .filter((line) => line && !line.startsWith('$') && !line.startsWith('NAME'))
    .map((line) => {
      const [name, ready, status] = line.split(/\s+/);
      return { name, ready, status };
    });

/** `istio-pilot-68f587df5d-wzwxn` → `istio-pilot`; `istio-cleanup-secrets-1.2.2-bcwf6` → `istio-cleanup-secrets-1.2.2`. */
const owner = (name: string): string =>
  name
    .replace(/-[bcdfghjklmnpqrstvwxz2456789]{8,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/, '')
    .replace(/-[bcdfghjklmnpqrstvwxz2456789]{5}$/, '');

describe("the sandbox runs the book's istio-demo.yaml into pods", () => {
  const cluster = useKubectlSandbox({ nodes: 3, speed: 0 }, createIstioDemo);

  test('kubectl get nodes lists three Ready GKE-like nodes at the server version', async () => {
    const lines = (await cluster.kubectlOk(['get', 'nodes', '--no-headers'])).trim().split('\n');
    assert.equal(lines.length, 3);
    for (const line of lines)
      assert.match(
        line,
        /^gke-istio-lab-default-pool-[0-9a-f]{8}-[a-z0-9]{4}\s+Ready\s+<none>\s+\S+\s+v1\.13\.7-gke\.8$/,
      );
  });

  test('kubectl wait for the pilot pod to be Ready succeeds', async () => {
    await cluster.kubectlOk(['wait', '--for=condition=Ready', 'pod', '-l', 'app=pilot', '-n', NS, '--timeout=60s']);
  });

  test('kubectl rollout status of istio-pilot reports it rolled out', async () => {
    const stdout = await cluster.kubectlOk(['rollout', 'status', 'deploy/istio-pilot', '-n', NS, '--timeout=60s']);
    assert.match(stdout, /deployment "istio-pilot" successfully rolled out/);
  });

  test("kubectl get po lists the book's 15 pods with the same READY and STATUS", async () => {
    // Jobs finish a pass after their pods run; wait for them like a learner would.
    for (const job of demoJobs)
      await cluster.kubectlOk(['wait', '--for=condition=Complete', `job/${job}`, '-n', NS, '--timeout=60s']);
    for (const deployment of rows(book)
      .map((row) => owner(row.name))
      .filter((name) => !name.endsWith('1.2.2')))
      await cluster.kubectlOk(['rollout', 'status', `deploy/${deployment}`, '-n', NS, '--timeout=60s']);
    const actual = rows(await cluster.kubectlOk(['get', 'po', '-n', NS]));
    const expected = rows(book);
    assert.deepEqual(
      actual.map((row) => ({ owner: owner(row.name), ready: row.ready, status: row.status })),
      expected.map((row) => ({ owner: owner(row.name), ready: row.ready, status: row.status })),
    );
    for (const row of actual) {
      assert.match(
        row.name,
        owner(row.name).endsWith('1.2.2')
          ? /-[bcdfghjklmnpqrstvwxz2456789]{5}$/
          : /-[bcdfghjklmnpqrstvwxz2456789]{8,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/,
      );
    }
  });

  test("kubectl get endpoints istio-pilot lists the pilot pod's IP", async () => {
    const ip = await cluster.kubectl(firstPod('app=pilot', NS, 'status.podIP'));
    assert.match(ip.stdout, /^10\.0\.\d+\.\d+$/);
    const stdout = await cluster.kubectlOk(['get', 'endpoints', 'istio-pilot', '-n', NS]);
    assert.ok(stdout.includes(`${ip.stdout}:`), stdout);
  });

  test("kube-system holds GKE 1.13's workloads, running on the simulated nodes", async () => {
    await cluster.kubectlOk(waitForPods('k8s-app=kube-dns', 'kube-system'));
  });

  test("Pilot's /v1/registration through the service proxy lists grafana on port 3000 and GKE's default backend", async () => {
    for (const selector of ['app=grafana', 'istio=pilot']) await cluster.kubectlOk(waitForPods(selector, NS));
    const raw = await cluster.kubectlOk([
      'get',
      '--raw',
      serviceProxy(NS, 'http:istio-pilot:8080', '/v1/registration'),
    ]);
    const registry = JSON.parse(raw) as Registration[];
    const grafana = registry.find((entry) => entry['service-key'] === 'grafana.istio-system.svc.cluster.local|http');
    assert.ok(grafana, 'grafana is in the registry');
    assert.equal(grafana.hosts.length, 1);
    assert.equal(grafana.hosts[0].port, 3000);
    assert.match(grafana.hosts[0].ip_address, /^10\.0\.\d+\.\d+$/);
    assert.ok(
      registry.some((entry) => entry['service-key'] === 'default-http-backend.kube-system.svc.cluster.local|http'),
    );
  });

  test('kubectl scale deploy/istio-pilot --replicas=2 yields two pilot pods', async () => {
    await cluster.kubectlOk(['scale', 'deploy/istio-pilot', '--replicas=2', '-n', NS]);
    await cluster.kubectlOk(['rollout', 'status', 'deploy/istio-pilot', '-n', NS, '--timeout=60s']);
    const { stdout } = await cluster.kubectl(['get', 'po', '-l', 'app=pilot', '-n', NS, '--no-headers']);
    const pods = stdout.trim().split('\n');
    assert.equal(pods.length, 2, stdout);
    for (const pod of pods) assert.match(pod, /^istio-pilot-\S+\s+2\/2\s+Running\s+0\s+/);
  });

  test('a StatefulSet gets ordinal pods and kubectl rollout status reports it rolled out', async () => {
    const statefulSet = [
      'apiVersion: apps/v1',
      'kind: StatefulSet',
      'metadata: {name: web, namespace: default}',
      'spec:',
      '  serviceName: web',
      '  replicas: 2',
      '  selector: {matchLabels: {app: web}}',
      '  template:',
      '    metadata: {labels: {app: web}}',
      '    spec: {containers: [{name: nginx, image: nginx:1.15}]}',
    ].join('\n');
    await cluster.kubectlOk(['create', '-f', '-'], { stdin: statefulSet });
    await cluster.kubectlOk(['rollout', 'status', 'sts/web', '-n', 'default', '--timeout=60s']);
    const names = await cluster.kubectl(['get', 'po', '-l', 'app=web', '-n', 'default', '-o', 'name']);
    assert.deepEqual(names.stdout.trim().split('\n'), ['pod/web-0', 'pod/web-1']);
  });

  test('kubectl delete -f leaves nothing in istio-system behind', async () => {
    const deleted = await cluster.kubectl(['delete', '-f', demo122]);
    // Custom resources listed after their CRDs may already be gone with them, as on a real cluster.
    const errors = deleted.stderr.split('\n').filter((line) => line && !/^Error from server \(NotFound\)/.test(line));
    assert.deepEqual(errors, []);
    const gone = await cluster.kubectl(['wait', '--for=delete', 'namespace/istio-system', '--timeout=60s']);
    assert.ok(gone.code === 0 || /not found/i.test(gone.stderr), gone.stderr);
    const left = await cluster.kubectl(['get', 'po,rs,deploy,ep,endpointslices', '-n', 'istio-system', '--no-headers']);
    assert.equal(left.stdout.trim(), '');
  });
});
