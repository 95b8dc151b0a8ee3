// `kubectl logs` against the sandbox's simulated containers: lines made from the pod object that
// say they are simulated, the kubelet's errors, --tail, -c, and -f until the pod goes.
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KubectlSandbox } from './kubectl';
import { startKubectlSandbox } from './kubectl';

const deployment = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata: {name: istio-pilot, namespace: default}',
  'spec:',
  '  selector: {matchLabels: {app: pilot}}',
  '  template:',
  '    metadata: {labels: {app: pilot}}',
  '    spec:',
  '      containers:',
  '      - {name: discovery, image: docker.io/istio/pilot:1.2.2, args: [discovery, --monitoringAddr=:15014], ports: [{containerPort: 8080}, {containerPort: 15010}]}',
  '      - {name: istio-proxy, image: docker.io/istio/proxyv2:1.2.2, ports: [{containerPort: 15003}]}',
].join('\n');

describe('kubectl logs on the sandbox', () => {
  let cluster: KubectlSandbox;
  let pod: string;
  before(async () => {
    cluster = await startKubectlSandbox({ nodes: 1, speed: 0 });
    assert.equal((await cluster.kubectl(['create', '-f', '-'], { stdin: deployment })).code, 0);
    const ready = await cluster.kubectl(['wait', '--for=condition=Ready', 'pod', '-l', 'app=pilot', '--timeout=60s']);
    assert.equal(ready.code, 0, ready.stderr);
    pod = (await cluster.kubectl(['get', 'po', '-l', 'app=pilot', '-o', 'jsonpath={.items[0].metadata.name}'])).stdout;
  });
  after(() => cluster.close());

  test('prints what the container runs and says it is simulated', async () => {
    const { code, stdout, stderr } = await cluster.kubectl(['logs', pod, '-c', 'discovery']);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /simulated container "discovery" of pod default\/istio-pilot-/);
    assert.match(stdout, /^image docker\.io\/istio\/pilot:1\.2\.2$/m);
    assert.match(stdout, /^args discovery --monitoringAddr=:15014$/m);
    assert.match(stdout, /^listening on TCP :8080$/m);
  });

  test("--tail keeps the last lines; a wrong container is the kubelet's 400", async () => {
    const tail = await cluster.kubectl(['logs', pod, '-c', 'istio-proxy', '--tail=1']);
    assert.equal(tail.stdout, 'ready\n');
    const wrong = await cluster.kubectl(['logs', pod, '-c', 'mixer']);
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /container mixer is not valid for pod istio-pilot-/);
  });

  test('-f follows until the pod is deleted', async () => {
    const logs = cluster.followKubectl(['logs', '-f', pod, '-c', 'discovery']);
    try {
      await logs.until(/^ready$/m);
      const deleted = await cluster.kubectl(['delete', 'po', pod, '--wait=false']);
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.equal(await logs.exit(), 0);
    } finally {
      logs.kill();
    }
  });
});
