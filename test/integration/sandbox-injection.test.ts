// Istio's automatic sidecar injection in the sandbox, through the real kubectl: a labelled
// namespace gets `istio-init` + `istio-proxy` (2/2), others and opted-out pods stay 1/1, and while
// the injector has no ready endpoint the API server refuses the pod with the webhook's error and
// the ReplicaSet controller retries until it is back — as on the book's cluster.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createIstioDemo, createIstiodDemo } from './istio-demo';
import type { KubectlSandbox } from './kubectl';
import { useKubectlSandbox } from './suite-sandbox';

interface Container {
  name: string;
  image: string;
  args?: string[];
  readinessProbe?: { httpGet?: { path: string; port: number } };
}

interface Pod {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { initContainers?: Container[]; containers: Container[]; volumes?: { name: string }[] };
  status: {
    initContainerStatuses?: {
      name: string;
      ready: boolean;
      state: { terminated?: { reason: string; exitCode: number } };
    }[];
  };
}

async function podsOf(cluster: KubectlSandbox, namespace: string, selector: string): Promise<Pod[]> {
  const stdout = await cluster.kubectlOk(['get', 'po', '-n', namespace, '-l', selector, '-o', 'json']);
  return (JSON.parse(stdout) as { items: Pod[] }).items;
}

async function rolledOut(cluster: KubectlSandbox, namespace: string, deployment: string): Promise<void> {
  await cluster.kubectlOk(['rollout', 'status', `deploy/${deployment}`, '-n', namespace, '--timeout=60s']);
}

/** Waits for the Deployment's rollout, then reads its one pod (labelled `app=<deployment>`). */
async function rolledOutPod(cluster: KubectlSandbox, namespace: string, deployment: string): Promise<Pod> {
  await rolledOut(cluster, namespace, deployment);
  const [pod] = await podsOf(cluster, namespace, `app=${deployment}`);
  return pod;
}

const names = (containers: Container[] = []): string[] => containers.map((container) => container.name);
const images = (containers: Container[] = []): string[][] =>
  containers.map((container) => [container.name, container.image]);

/** The READY column of `kubectl get po` for the pods the selector picks. */
async function readyColumn(cluster: KubectlSandbox, namespace: string, selector: string): Promise<string[]> {
  const stdout = await cluster.kubectlOk(['get', 'po', '-n', namespace, '-l', selector, '--no-headers']);
  return stdout
    .trim()
    .split('\n')
    .map((line) => line.split(/\s+/)[1]);
}

const deploymentYaml = (name: string, annotations: Record<string, string>): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 1
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}, version: v1}
      annotations: ${JSON.stringify(annotations)}
    spec:
      containers:
      - name: ${name}
        image: docker.io/istio/examples-bookinfo-details-v1:1.12.0
        ports:
        - containerPort: 9080
`;

describe("sidecar injection by Istio 1.2.2's istio-sidecar-injector", () => {
  const cluster = useKubectlSandbox({ nodes: 3, speed: 0 }, async (cluster) => {
    await createIstioDemo(cluster);
    for (const deployment of ['istio-sidecar-injector', 'istio-pilot'])
      await rolledOut(cluster, 'istio-system', deployment);
  });
  /** Scales an istio-system Deployment to no replicas and waits until its pods are deleted. */
  const scaleToNone = async (deployment: string, selector: string): Promise<void> => {
    await cluster.kubectlOk(['scale', deployment, '-n', 'istio-system', '--replicas=0']);
    await cluster.kubectlOk(['wait', '--for=delete', 'pod', '-l', selector, '-n', 'istio-system', '--timeout=60s']);
  };

  test('a deployment in a namespace labelled istio-injection=enabled gets istio-init and istio-proxy and shows 2/2', async () => {
    await cluster.kubectlOk(['label', 'ns', 'default', 'istio-injection=enabled']);
    await cluster.kubectlOk(['apply', '-f', '-'], { stdin: deploymentYaml('details', {}) });
    const pod = await rolledOutPod(cluster, 'default', 'details');
    assert.deepEqual(images(pod.spec.initContainers), [['istio-init', 'docker.io/istio/proxy_init:1.2.2']]);
    assert.deepEqual(names(pod.spec.containers), ['details', 'istio-proxy']);
    const proxy = pod.spec.containers[1];
    assert.equal(proxy.image, 'docker.io/istio/proxyv2:1.2.2');
    assert.deepEqual(proxy.args?.slice(0, 2), ['proxy', 'sidecar']);
    assert.equal(proxy.args?.[proxy.args.indexOf('--discoveryAddress') + 1], 'istio-pilot.istio-system:15010');
    assert.equal(proxy.args?.[proxy.args.indexOf('--applicationPorts') + 1], '9080');
    assert.deepEqual(proxy.readinessProbe?.httpGet, { path: '/healthz/ready', port: 15020 });
    assert.deepEqual(pod.spec.initContainers?.[0].args?.slice(-4), ['-b', '9080', '-d', '15020']);
    assert.deepEqual(pod.spec.volumes?.map((volume) => volume.name).slice(-2), ['istio-envoy', 'istio-certs']);
    const status = JSON.parse(pod.metadata.annotations?.['sidecar.istio.io/status'] ?? '{}') as Record<string, unknown>;
    assert.match(String(status.version), /^[0-9a-f]{64}$/);
    assert.deepEqual(
      { ...status, version: undefined },
      {
        version: undefined,
        initContainers: ['istio-init'],
        containers: ['istio-proxy'],
        volumes: ['istio-envoy', 'istio-certs'],
        imagePullSecrets: null,
      },
    );
    assert.deepEqual(await readyColumn(cluster, 'default', 'app=details'), ['2/2']);
    const [init] = pod.status.initContainerStatuses ?? [];
    assert.deepEqual(
      [init.name, init.ready, init.state.terminated?.reason, init.state.terminated?.exitCode],
      ['istio-init', true, 'Completed', 0],
    );
    const events = await cluster.kubectl([
      'get',
      'events',
      '--field-selector',
      `involvedObject.name=${pod.metadata.name},reason=Started`,
      '-o',
      'jsonpath={.items[*].involvedObject.fieldPath}',
    ]);
    assert.deepEqual(events.stdout.split(' ').sort(), [
      'spec.containers{details}',
      'spec.containers{istio-proxy}',
      'spec.initContainers{istio-init}',
    ]);
  });

  test('kubectl create deployment in a namespace without the label gives a 1/1 pod without a sidecar', async () => {
    assert.equal((await cluster.kubectl(['create', 'ns', 'plain'])).code, 0);
    await cluster.kubectlOk(['create', 'deployment', 'web', '--image=nginx:1.17', '-n', 'plain']);
    const pod = await rolledOutPod(cluster, 'plain', 'web');
    assert.deepEqual(names(pod.spec.containers), ['nginx']);
    assert.equal(pod.metadata.annotations?.['sidecar.istio.io/status'], undefined);
    assert.deepEqual(await readyColumn(cluster, 'plain', 'app=web'), ['1/1']);
  });

  test('the annotation sidecar.istio.io/inject: "false" opts a pod out in a labelled namespace', async () => {
    await cluster.kubectlOk(['apply', '-f', '-'], {
      stdin: deploymentYaml('optout', { 'sidecar.istio.io/inject': 'false' }),
    });
    const pod = await rolledOutPod(cluster, 'default', 'optout');
    assert.deepEqual(names(pod.spec.containers), ['optout']);
    assert.deepEqual(await readyColumn(cluster, 'default', 'app=optout'), ['1/1']);
  });

  test('while the injector is down pods are refused with the webhook error, and appear once it is back', async () => {
    await scaleToNone('deploy/istio-sidecar-injector', 'istio=sidecar-injector');
    const message =
      'Internal error occurred: failed calling webhook "sidecar-injector.istio.io": Post https://istio-sidecar-injector.istio-system.svc:443/inject?timeout=30s: no endpoints available for service "istio-sidecar-injector"';
    const run = await cluster.kubectl(['run', 'dummy', '--image=nginx:1.17', '--restart=Never']);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /Error from server \(InternalError\)/);
    assert.ok(run.stderr.includes(message), run.stderr);

    await cluster.kubectlOk(['apply', '-f', '-'], { stdin: deploymentYaml('reviews', {}) });
    await cluster.kubectlOk(['wait', '--for=condition=ReplicaFailure', 'rs', '-l', 'app=reviews', '--timeout=60s']);
    const events = await cluster.kubectl([
      'get',
      'events',
      '--field-selector',
      'reason=FailedCreate',
      '-o',
      'jsonpath={.items[*].message}',
    ]);
    assert.ok(events.stdout.includes(`Error creating: ${message}`), events.stdout);
    assert.deepEqual(await podsOf(cluster, 'default', 'app=reviews'), []);

    await cluster.kubectlOk(['scale', 'deploy/istio-sidecar-injector', '-n', 'istio-system', '--replicas=1']);
    const pod = await rolledOutPod(cluster, 'default', 'reviews');
    assert.deepEqual(names(pod.spec.containers), ['reviews', 'istio-proxy']);
    assert.deepEqual(await readyColumn(cluster, 'default', 'app=reviews'), ['2/2']);
  });

  test('an injected proxy stays NotReady while Pilot has no ready endpoint', async () => {
    await scaleToNone('deploy/istio-pilot', 'istio=pilot');
    await cluster.kubectlOk(['wait', '--for=condition=Ready=false', 'pod', '-l', 'app=details', '--timeout=60s']);
    assert.deepEqual(await readyColumn(cluster, 'default', 'app=details'), ['1/2']);
    await cluster.kubectlOk(['scale', 'deploy/istio-pilot', '-n', 'istio-system', '--replicas=1']);
    await cluster.kubectlOk(['wait', '--for=condition=Ready', 'pod', '-l', 'app=details', '--timeout=60s']);
  });

  test('the istio-system pods of the install are not injected: 15 pods, pilot, policy and telemetry 2/2 from the manifest', async () => {
    const pods = await podsOf(cluster, 'istio-system', '!job-name');
    assert.ok(pods.every((pod) => pod.metadata.annotations?.['sidecar.istio.io/status'] === undefined));
    const { stdout } = await cluster.kubectl(['get', 'po', '-n', 'istio-system', '--no-headers']);
    const rows = stdout
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/));
    assert.equal(rows.length, 15);
    for (const app of ['istio-pilot', 'istio-policy', 'istio-telemetry']) {
      assert.deepEqual(
        rows.filter(([name]) => name.startsWith(`${app}-`)).map(([, ready]) => ready),
        ['2/2'],
      );
    }
  });
});

describe('sidecar injection by istiod 1.26.1', () => {
  // Istio 1.26's manifest needs a release that serves policy/v1 and apiextensions.k8s.io/v1.
  const cluster = useKubectlSandbox({ nodes: 3, speed: 0, kubeVersion: 'v1.32.0' }, async (cluster) => {
    await createIstiodDemo(cluster);
    await rolledOut(cluster, 'istio-system', 'istiod');
  });

  test("a labelled namespace gets istiod's sidecar at istiod's version and shows 2/2", async () => {
    await cluster.kubectlOk(['label', 'ns', 'default', 'istio-injection=enabled']);
    await cluster.kubectlOk(['apply', '-f', '-'], { stdin: deploymentYaml('ratings', {}) });
    const pod = await rolledOutPod(cluster, 'default', 'ratings');
    assert.deepEqual(images(pod.spec.initContainers), [['istio-init', 'docker.io/istio/proxyv2:1.26.1']]);
    assert.deepEqual(images(pod.spec.containers), [
      ['ratings', 'docker.io/istio/examples-bookinfo-details-v1:1.12.0'],
      ['istio-proxy', 'docker.io/istio/proxyv2:1.26.1'],
    ]);
    const status = JSON.parse(pod.metadata.annotations?.['sidecar.istio.io/status'] ?? '{}') as Record<string, unknown>;
    assert.deepEqual(status.containers, ['istio-proxy']);
    assert.equal(status.revision, 'default');
    assert.deepEqual(await readyColumn(cluster, 'default', 'app=ratings'), ['2/2']);
  });
});
