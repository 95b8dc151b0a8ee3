// Connecting as kubectl does, against the sandbox through the real client-node: an exec
// credential plugin (and a fresh credential after a 401), insecure-skip-tls-verify, and the
// connection failures people hit — a CA that does not match, a refused port, a host that does
// not resolve — each reported with its code.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as yaml from 'js-yaml';
import { getJson } from '../../src/kube/api-request';
import { openConnection } from '../../src/kube/connection';
import { KubeError } from '../../src/kube/kube-errors';
import { startPodStore } from '../../src/kube/pod-store';
import type { PodStore } from '../../src/kube/pod-summary';
import { createCertificates } from '../../src/sandbox/cluster/certs';
import type { Sandbox } from '../../src/sandbox';
import { startSandbox } from '../../src/sandbox';
import { until } from './until';

const TIMEOUT = { timeout: 30_000 };
const fastRetry = { initialBackoffMs: 20, maxBackoffMs: 200, failedRetryMs: 100 };

describe('connecting to the sandbox as kubectl does', () => {
  let sandbox: Sandbox;
  let dir: string;
  const stores: PodStore[] = [];

  /** A kubeconfig for the sandbox with the given cluster and user stanzas. */
  const kubeconfig = (name: string, cluster: Record<string, unknown>, user: Record<string, unknown>): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(
      file,
      yaml.dump({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'lab',
        clusters: [{ name: 'lab', cluster }],
        users: [{ name: 'lab', user }],
        contexts: [{ name: 'lab', context: { cluster: 'lab', user: 'lab' } }],
      }),
    );
    return file;
  };
  const trusted = () => ({
    server: sandbox.url,
    'certificate-authority-data': Buffer.from(sandbox.caCert).toString('base64'),
  });
  const start = async (file: string): Promise<PodStore> => {
    const store = startPodStore(await openConnection({ kubeconfig: file }), { namespace: 'kube-system' }, fastRetry);
    stores.push(store);
    return store;
  };
  const errorOf = (store: PodStore): KubeError => {
    const state = store.state();
    assert.ok('error' in state && state.error instanceof KubeError, JSON.stringify(state));
    return state.error;
  };

  before(async () => {
    sandbox = await startSandbox({ nodes: 1, speed: 0 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-connection-'));
  });
  after(async () => {
    for (const store of stores) store.dispose();
    await sandbox.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test(
    "an exec credential plugin's token lists the pods; after a 401 the plugin runs again and the store recovers",
    TIMEOUT,
    async () => {
      const tokenFile = path.join(dir, 'token');
      const runs = path.join(dir, 'runs');
      fs.writeFileSync(tokenFile, 'expired-token');
      const plugin = path.join(dir, 'plugin.js');
      // Says the token is good for an hour, so only the 401 can make the store ask again.
      fs.writeFileSync(
        plugin,
        `const fs = require('fs');\nfs.appendFileSync(${JSON.stringify(runs)}, 'x');\nprocess.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: fs.readFileSync(${JSON.stringify(tokenFile)}, 'utf8'), expirationTimestamp: new Date(Date.now() + 3600e3).toISOString() } }));\n`,
      );
      const file = kubeconfig('exec.yaml', trusted(), {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: process.execPath,
          args: [plugin],
          interactiveMode: 'Never',
        },
      });
      const store = await start(file);
      await until(store, () => store.state().kind === 'failed');
      assert.equal(errorOf(store).code, 'unauthorized');
      fs.writeFileSync(tokenFile, sandbox.token);
      await until(store, () => store.state().kind === 'synced');
      assert.ok(store.pods().some((pod) => pod.namespace === 'kube-system'));
      assert.ok(fs.readFileSync(runs, 'utf8').length >= 2);
    },
  );

  test('insecure-skip-tls-verify connects without the CA', TIMEOUT, async () => {
    const file = kubeconfig(
      'insecure.yaml',
      { server: sandbox.url, 'insecure-skip-tls-verify': true },
      { token: sandbox.token },
    );
    const connection = await openConnection({ kubeconfig: file });
    const namespace = await getJson<{ metadata: { name: string } }>(connection, {
      path: '/api/v1/namespaces/kube-system',
      verb: 'get',
      resource: 'namespaces',
    });
    assert.equal(namespace.metadata.name, 'kube-system');
  });

  test('a CA that does not match the server is failed as a TLS error', TIMEOUT, async () => {
    const other = createCertificates();
    const store = await start(
      kubeconfig(
        'wrong-ca.yaml',
        { server: sandbox.url, 'certificate-authority-data': Buffer.from(other.caCert).toString('base64') },
        { token: sandbox.token },
      ),
    );
    await until(store, () => store.state().kind === 'failed');
    assert.equal(errorOf(store).code, 'tls');
    assert.equal(errorOf(store).details.verb, 'list');
  });

  test(
    'a refused port is reconnecting as unreachable; a name that does not resolve is failed as host-not-found',
    TIMEOUT,
    async () => {
      const refused = await start(
        kubeconfig('refused.yaml', { server: 'https://127.0.0.1:1', 'insecure-skip-tls-verify': true }, { token: 'x' }),
      );
      await until(refused, () => refused.state().kind === 'reconnecting');
      assert.equal(errorOf(refused).code, 'unreachable');
      assert.equal(errorOf(refused).details.server, 'https://127.0.0.1:1');
      const unknown = await start(
        kubeconfig(
          'unknown.yaml',
          { server: 'https://no-such-cluster.invalid:6443', 'insecure-skip-tls-verify': true },
          { token: 'x' },
        ),
      );
      await until(unknown, () => unknown.state().kind === 'failed');
      assert.equal(errorOf(unknown).code, 'host-not-found');
    },
  );
});
