// Loading the kubeconfig as kubectl does: KUBECONFIG lists merged first-wins, missing and empty
// files skipped, current-context from the first file that sets one, clear errors for no
// kubeconfig and unknown contexts, and exec plugins run as client-go runs them.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as yaml from 'js-yaml';
import { kubeconfigFiles, listContexts, openConnection } from '../../../src/kube/connection';
import { ExecCredentials } from '../../../src/kube/exec-credentials';
import { KubeError } from '../../../src/kube/kube-errors';

let dir: string;
const write = (name: string, content: unknown): string => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof content === 'string' ? content : yaml.dump(content));
  return file;
};
const cluster = (name: string, server: string) => ({ name, cluster: { server, 'insecure-skip-tls-verify': true } });
const context = (name: string, clusterName: string, namespace?: string) => ({
  name,
  context: { cluster: clusterName, user: 'me', namespace },
});

/** A node script as an exec credential plugin: prints an ExecCredential and counts its runs. */
function plugin(name: string, body: string): string {
  return write(
    name,
    `#!/usr/bin/env node\nconst fs = require('fs');\nconst runs = ${JSON.stringify(path.join(dir, `${name}.runs`))};\nfs.appendFileSync(runs, 'x');\n${body}\n`,
  );
}
const runs = (name: string): number =>
  fs.existsSync(path.join(dir, `${name}.runs`)) ? fs.readFileSync(path.join(dir, `${name}.runs`), 'utf8').length : 0;
const credential = (status: object) =>
  `process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: ${JSON.stringify(status)} }));`;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-kubeconfig-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('kubeconfig loading', () => {
  test('a KUBECONFIG-style list merges first-wins, skips missing and empty files, and takes the first current-context', async () => {
    const first = write('first.yaml', {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [cluster('shared', 'https://first.example:6443')],
      contexts: [context('shared', 'shared'), context('only-first', 'shared', 'istio-system')],
      users: [{ name: 'me', user: { token: 'a' } }],
    });
    const empty = write('empty.yaml', '');
    const second = write('second.yaml', {
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'only-second',
      clusters: [cluster('shared', 'https://second.example:6443'), cluster('two', 'https://two.example')],
      contexts: [context('shared', 'two'), context('only-second', 'two')],
      users: [{ name: 'me', user: { token: 'b' } }],
    });
    const list = [path.join(dir, 'missing.yaml'), first, empty, second].join(path.delimiter);
    const connection = await openConnection({ kubeconfig: list });
    assert.equal(connection.contextName, 'only-second');
    assert.deepEqual(
      connection.files,
      [first, empty, second].filter((file) => file !== empty),
    );
    const contexts = await listContexts({ kubeconfig: list });
    assert.deepEqual(
      contexts.map((entry) => [entry.name, entry.server, entry.namespace, entry.isCurrent]),
      [
        ['shared', 'https://first.example:6443', undefined, false],
        ['only-first', 'https://first.example:6443', 'istio-system', false],
        ['only-second', 'https://two.example', undefined, true],
      ],
    );
    const shared = await openConnection({ kubeconfig: list, context: 'shared' });
    assert.equal(shared.server, 'https://first.example:6443', 'the first file to define a name wins, as in kubectl');
  });

  test('the setting wins over KUBECONFIG, which wins over ~/.kube/config', () => {
    assert.deepEqual(kubeconfigFiles({ kubeconfig: '/a' }, { KUBECONFIG: '/b' }), ['/a']);
    assert.deepEqual(kubeconfigFiles({}, { KUBECONFIG: `/b${path.delimiter}/c` }), ['/b', '/c']);
    assert.deepEqual(kubeconfigFiles({}, {}), [path.join(os.homedir(), '.kube', 'config')]);
    assert.deepEqual(kubeconfigFiles({ kubeconfig: '~/k' }, {}), [path.join(os.homedir(), 'k')]);
  });

  test('no kubeconfig anywhere is a no-kubeconfig error naming the files looked at', async () => {
    const missing = path.join(dir, 'nothing-here');
    await assert.rejects(openConnection({ kubeconfig: missing }), (error: unknown) => {
      assert.ok(error instanceof KubeError);
      assert.equal(error.code, 'no-kubeconfig');
      assert.deepEqual(error.details.kubeconfigFiles, [missing]);
      return true;
    });
  });

  test('an unknown context lists the contexts there are; a file that does not parse is invalid', async () => {
    const file = write('one.yaml', {
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'a',
      clusters: [cluster('c', 'https://c.example')],
      contexts: [context('a', 'c'), context('b', 'c')],
      users: [],
    });
    await assert.rejects(openConnection({ kubeconfig: file, context: 'gke_old' }), (error: unknown) => {
      assert.ok(error instanceof KubeError);
      assert.equal(error.code, 'unknown-context');
      assert.equal(error.details.context, 'gke_old');
      assert.deepEqual(error.details.availableContexts, ['a', 'b']);
      assert.equal(error.kubectlHint, 'kubectl config get-contexts');
      return true;
    });
    const broken = write('broken.yaml', 'clusters: [\n');
    await assert.rejects(
      openConnection({ kubeconfig: broken }),
      (error: unknown) => error instanceof KubeError && error.code === 'invalid-kubeconfig',
    );
  });

  test('the sandbox kubeconfig path is where npm start writes it, in the cache folder, honouring XDG_CACHE_HOME', () => {
    const printed = execFileSync(
      process.execPath,
      ['--import', 'tsx', '-e', "process.stdout.write(require('./src/kube/connection.ts').SANDBOX_KUBECONFIG_PATH)"],
      {
        cwd: path.resolve(__dirname, '..', '..', '..'),
        env: { ...process.env, XDG_CACHE_HOME: '/somewhere/cache' },
        encoding: 'utf8',
      },
    );
    assert.equal(printed, path.join('/somewhere/cache', 'istio-lab', 'start', 'sandbox', 'kubeconfig'));
  });
});

describe('exec credential plugins', () => {
  test('a relative exec command resolves against the kubeconfig folder, and its token is used', async () => {
    fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
    fs.chmodSync(plugin(path.join('bin', 'relative-plugin'), credential({ token: 'from-plugin' })), 0o755);
    const file = write('exec.yaml', {
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'x',
      clusters: [cluster('c', 'https://c.example')],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'plugin-user' } }],
      users: [
        {
          name: 'plugin-user',
          user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: './bin/relative-plugin' } },
        },
      ],
    });
    const connection = await openConnection({ kubeconfig: file });
    const options: { headers?: Record<string, string> } = {};
    await connection.kubeConfig.applyToHTTPSOptions(options);
    assert.equal(options.headers?.Authorization, 'Bearer from-plugin');
  });

  test('a credential without expiry is kept until invalidated; concurrent requests share one run', async () => {
    const script = plugin(
      'steady.js',
      `if (!process.env.KUBERNETES_EXEC_INFO) process.exit(3);\n${credential({ token: 'steady' })}`,
    );
    const credentials = new ExecCredentials(new Map([['u', { command: process.execPath, args: [script] }]]));
    const apply = async () => {
      const options: { headers?: Record<string, string> } = {};
      await credentials.applyAuthentication({ name: 'u' } as never, options);
      return options.headers?.Authorization;
    };
    assert.deepEqual(await Promise.all([apply(), apply(), apply()]), [
      'Bearer steady',
      'Bearer steady',
      'Bearer steady',
    ]);
    await apply();
    assert.equal(runs('steady.js'), 1);
    credentials.invalidate();
    await apply();
    assert.equal(runs('steady.js'), 2);
  });

  test('an expired credential is fetched again', async () => {
    const script = plugin(
      'expiring.js',
      credential({ token: 'short', expirationTimestamp: new Date(Date.now() - 1000).toISOString() }),
    );
    const credentials = new ExecCredentials(new Map([['u', { command: process.execPath, args: [script] }]]));
    await credentials.applyAuthentication({ name: 'u' } as never, {});
    await credentials.applyAuthentication({ name: 'u' } as never, {});
    assert.equal(runs('expiring.js'), 2);
  });

  test('a missing plugin is exec-plugin-missing with its install hint; a failing one carries its stderr', async () => {
    const hint =
      'Install gke-gcloud-auth-plugin for use with kubectl by following https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin';
    const missing = new ExecCredentials(
      new Map([['u', { command: 'gke-gcloud-auth-plugin-not-installed', installHint: hint }]]),
    );
    await assert.rejects(missing.applyAuthentication({ name: 'u' } as never, {}), (error: unknown) => {
      assert.ok(error instanceof KubeError);
      assert.equal(error.code, 'exec-plugin-missing');
      assert.equal(error.details.command, 'gke-gcloud-auth-plugin-not-installed');
      assert.equal(error.details.installHint, hint);
      return true;
    });
    const script = plugin(
      'failing.js',
      "process.stderr.write('error: not logged in, run gcloud auth login'); process.exit(1);",
    );
    const failing = new ExecCredentials(new Map([['u', { command: process.execPath, args: [script] }]]));
    await assert.rejects(failing.applyAuthentication({ name: 'u' } as never, {}), (error: unknown) => {
      assert.ok(error instanceof KubeError);
      assert.equal(error.code, 'exec-plugin-failed');
      assert.match(error.details.cause ?? '', /not logged in/);
      return true;
    });
  });
});
