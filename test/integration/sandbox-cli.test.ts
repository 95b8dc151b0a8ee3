// `npm run sandbox` as a learner runs it: a process that prints `ready <url>`, writes a kubeconfig
// for the real kubectl (0600, merged into an existing one as `kubectl config` would, never wiping
// other clusters), keeps the cluster in --state across restarts and stops on SIGTERM.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import type { RunningCli } from './sandbox-cli-process';
import { startSandboxCli } from './sandbox-cli-process';
import * as yaml from 'js-yaml';

function kubectl(kubeconfig: string, args: string[], input = '') {
  return spawnSync('kubectl', args, {
    env: { ...process.env, KUBECONFIG: kubeconfig, HOME: path.dirname(kubeconfig) },
    encoding: 'utf8',
    input,
  });
}

describe('npm run sandbox', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-cli-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const state = path.join(dir, 'state');
  const kubeconfig = path.join(dir, 'kubeconfig');

  test('prints ready, serves kubectl through the istio-lab-sandbox context, and stops cleanly on SIGTERM', async () => {
    const running = await startSandboxCli([
      '--port',
      '0',
      '--state',
      state,
      '--kubeconfig',
      kubeconfig,
      '--kube-version',
      'v1.13.7',
    ]);
    assert.match(running.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(kubectl(kubeconfig, ['config', 'current-context']).stdout.trim(), 'istio-lab-sandbox');
    const created = kubectl(
      kubeconfig,
      ['create', '-f', '-'],
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: istio-system\n',
    );
    assert.equal(created.status, 0, created.stderr);
    running.child.kill('SIGTERM');
    assert.equal(await running.exited, 0);
  });

  test('a restart with the same --state keeps the objects and the kubeconfig stays valid', async () => {
    const running = await startSandboxCli(['--port', '0', '--state', state, '--kubeconfig', kubeconfig]);
    const namespaces = kubectl(kubeconfig, ['get', 'ns', 'istio-system', '-o', 'jsonpath={.status.phase}']);
    assert.equal(namespaces.stdout, 'Active', namespaces.stderr);
    running.child.kill('SIGINT');
    assert.equal(await running.exited, 0);
  });

  test('a namespace deletion under way when it stops is finished after the restart', async () => {
    let running = await startSandboxCli(['--port', '0', '--state', state, '--kubeconfig', kubeconfig]);
    const deleted = kubectl(kubeconfig, ['delete', 'namespace', 'istio-system', '--wait=false']);
    assert.equal(deleted.status, 0, deleted.stderr);
    running.child.kill('SIGTERM');
    assert.equal(await running.exited, 0);
    running = await startSandboxCli(['--port', '0', '--state', state, '--kubeconfig', kubeconfig]);
    const gone = kubectl(kubeconfig, ['wait', '--for=delete', 'namespace/istio-system', '--timeout=30s']);
    assert.equal(gone.status, 0, gone.stderr);
    running.child.kill('SIGTERM');
    assert.equal(await running.exited, 0);
  });

  test('a broken fault file stops it with a message that names the file', async () => {
    const faults = path.join(dir, 'faults.json');
    fs.writeFileSync(faults, '{ "latencyMs": ');
    await assert.rejects(startSandboxCli(['--port', '0', '--faults', faults]), (error: Error) =>
      error.message.includes(`cannot read the fault file ${faults}`),
    );
  });

  test('a corrupt state file stops it with a message that says how to start afresh', async () => {
    const broken = path.join(dir, 'broken-state');
    fs.mkdirSync(broken);
    fs.writeFileSync(path.join(broken, 'objects.json'), '{"format":');
    await assert.rejects(startSandboxCli(['--port', '0', '--state', broken]), (error: Error) =>
      /is not valid JSON .*move it away to start with an empty cluster/.test(error.message),
    );
  });
});

describe('npm run sandbox -- --kubeconfig onto a file that exists', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-cli-kubeconfig-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const modeOf = (file: string): number => fs.statSync(file).mode & 0o777;
  const stop = async (running: RunningCli): Promise<void> => {
    running.child.kill('SIGTERM');
    assert.equal(await running.exited, 0);
  };
  // A user's own kubeconfig, as `gcloud container clusters get-credentials` leaves it, readable by all.
  const gke = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'gke_lab_us-central1-a_book',
        cluster: { server: 'https://35.202.10.1', 'certificate-authority-data': 'Q0E=' },
      },
    ],
    users: [
      {
        name: 'gke_lab_us-central1-a_book',
        user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'gke-gcloud-auth-plugin' } },
      },
    ],
    contexts: [
      {
        name: 'gke_lab_us-central1-a_book',
        context: { cluster: 'gke_lab_us-central1-a_book', user: 'gke_lab_us-central1-a_book' },
      },
    ],
    'current-context': 'gke_lab_us-central1-a_book',
    preferences: {},
  };
  type Config = typeof gke;

  test("merges the sandbox's context into another kubeconfig: other clusters kept, their current context kept, the file made 0600", async () => {
    const file = path.join(dir, 'config');
    fs.writeFileSync(file, yaml.dump(gke), { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    for (let run = 0; run < 2; run++) {
      const running = await startSandboxCli(['--port', '0', '--nodes', '0', '--kubeconfig', file]);
      try {
        assert.match(
          running.stdout(),
          /context istio-lab-sandbox added; the current context stays "gke_lab_us-central1-a_book"/,
        );
        const config = yaml.load(fs.readFileSync(file, 'utf8')) as Config;
        for (const list of ['clusters', 'users', 'contexts'] as const) {
          assert.deepEqual(
            config[list].map((entry) => entry.name),
            ['gke_lab_us-central1-a_book', 'istio-lab-sandbox'],
            `${list} after run ${run + 1}`,
          );
          assert.deepEqual(config[list][0], gke[list][0], `the user's own ${list} entry is untouched`);
        }
        assert.equal(config['current-context'], 'gke_lab_us-central1-a_book');
        assert.equal(modeOf(file), 0o600, 'a file holding a token is readable by its owner only');
        const namespaces = kubectl(file, [
          '--context',
          'istio-lab-sandbox',
          'get',
          'namespace',
          'default',
          '-o',
          'name',
        ]);
        assert.equal(namespaces.stdout.trim(), 'namespace/default', namespaces.stderr);
      } finally {
        await stop(running);
      }
    }
    assert.deepEqual(
      fs.readdirSync(dir).filter((name) => name.endsWith('.tmp')),
      [],
      'no temporary file is left beside it',
    );
  });

  test('becomes the current context where the file had none, through a symbolic link that stays a link', async () => {
    const real = path.join(dir, 'real-config');
    const link = path.join(dir, 'linked-config');
    fs.writeFileSync(real, yaml.dump({ ...gke, 'current-context': '' }), { mode: 0o644 });
    fs.symlinkSync(real, link);
    const running = await startSandboxCli(['--port', '0', '--nodes', '0', '--kubeconfig', link]);
    try {
      assert.ok(fs.lstatSync(link).isSymbolicLink());
      const config = yaml.load(fs.readFileSync(real, 'utf8')) as Config;
      assert.equal(config['current-context'], 'istio-lab-sandbox');
      assert.deepEqual(
        config.clusters.map((cluster) => cluster.name),
        ['gke_lab_us-central1-a_book', 'istio-lab-sandbox'],
      );
      assert.equal(modeOf(real), 0o600);
      assert.equal(kubectl(link, ['config', 'current-context']).stdout.trim(), 'istio-lab-sandbox');
    } finally {
      await stop(running);
    }
  });

  test('a new file is written 0600 whatever the umask allows', async () => {
    const file = path.join(dir, 'new', 'kubeconfig');
    const running = await startSandboxCli(['--port', '0', '--nodes', '0', '--kubeconfig', file]);
    try {
      assert.equal(modeOf(file), 0o600);
      assert.equal(kubectl(file, ['config', 'current-context']).stdout.trim(), 'istio-lab-sandbox');
    } finally {
      await stop(running);
    }
  });

  test('refuses a file that is not a kubeconfig, leaving it as it was, and replaces it with --force', async () => {
    const file = path.join(dir, 'notes.yaml');
    const notes = 'shopping:\n  - milk\n  - eggs\n';
    fs.writeFileSync(file, notes, { mode: 0o644 });
    await assert.rejects(startSandboxCli(['--port', '0', '--nodes', '0', '--kubeconfig', file]), (error: Error) =>
      error.message.includes(
        `will not write the sandbox's kubeconfig to ${file}: it is not a kubeconfig (no kind, clusters, users or contexts). Choose another --kubeconfig, or pass --force to replace the file.`,
      ),
    );
    assert.equal(fs.readFileSync(file, 'utf8'), notes);
    const running = await startSandboxCli(['--port', '0', '--nodes', '0', '--kubeconfig', file, '--force']);
    try {
      assert.equal(modeOf(file), 0o600);
      assert.equal(kubectl(file, ['config', 'current-context']).stdout.trim(), 'istio-lab-sandbox');
    } finally {
      await stop(running);
    }
  });
});
