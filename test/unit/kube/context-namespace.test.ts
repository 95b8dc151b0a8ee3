// The namespace of a kubeconfig's current context, read without a client: the same answer
// client-node's object API gives (what Deploy the Sample App applies into), and what kubectl reads.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { createObjectClient } from '../../../src/kube/apply/object-client';
import { kubernetesClient } from '../../../src/kube/connection';
import { contextNamespace } from '../../../src/kube/context-namespace';

const CASES = [
  { name: 'a context that names a namespace', namespace: 'bookinfo', expected: 'bookinfo' },
  { name: 'a context that names none', namespace: undefined, expected: 'default' },
  { name: 'a context whose namespace is empty', namespace: '', expected: 'default' },
];

for (const c of CASES) {
  test(`${c.name}: ${c.expected}, as client-node and kubectl read it`, async () => {
    const k8s = await kubernetesClient();
    const kubeConfig = new k8s.KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [{ name: 'lab', server: 'https://127.0.0.1:6443', skipTLSVerify: true }],
      users: [{ name: 'learner', token: 'not-a-real-token' }],
      contexts: [
        { name: 'other', cluster: 'lab', user: 'learner', namespace: 'elsewhere' },
        { name: 'lab', cluster: 'lab', user: 'learner', namespace: c.namespace },
      ],
      currentContext: 'lab',
    });
    assert.equal(contextNamespace(kubeConfig), c.expected);

    const client = await createObjectClient(kubeConfig);
    try {
      assert.equal(client.defaultNamespace, c.expected);
    } finally {
      client.dispose();
    }

    // What kubectl reads as the current context's namespace; none is client-go's `default`.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-context-namespace-'));
    try {
      const file = path.join(dir, 'kubeconfig');
      fs.writeFileSync(file, kubeConfig.exportConfig(), { mode: 0o600 });
      const printed = execFileSync(
        'kubectl',
        ['config', 'view', '--minify', '-o', 'jsonpath={.contexts[0].context.namespace}'],
        { env: { ...process.env, KUBECONFIG: file }, encoding: 'utf8' },
      );
      assert.equal(printed || 'default', c.expected);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('no current context: default', async () => {
  const k8s = await kubernetesClient();
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromOptions({ clusters: [], users: [], contexts: [], currentContext: '' });
  assert.equal(contextNamespace(kubeConfig), 'default');
});
