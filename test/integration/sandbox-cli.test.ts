// `npm run sandbox` as a learner runs it: a process that prints `ready <url>`, writes a kubeconfig
// for the real kubectl, keeps the cluster in --state across restarts and stops on SIGTERM.
import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'sandbox.js');

interface Running {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

function startCli(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (chunk) => (err += chunk));
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const ready = /^ready (\S+)$/m.exec(out);
      if (ready) resolve({ child, url: ready[1], exited });
    });
    void exited.then((code) => reject(new Error(`the sandbox exited (${code}) before it was ready: ${err}`)));
  });
}

function kubectl(kubeconfig: string, args: string[], input = '') {
  return spawnSync('kubectl', args, { env: { ...process.env, KUBECONFIG: kubeconfig, HOME: path.dirname(kubeconfig) }, encoding: 'utf8', input });
}

describe('npm run sandbox', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-cli-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const state = path.join(dir, 'state');
  const kubeconfig = path.join(dir, 'kubeconfig');

  test('prints ready, serves kubectl through the istio-lab-sandbox context, and stops cleanly on SIGTERM', async () => {
    const running = await startCli(['--port', '0', '--state', state, '--kubeconfig', kubeconfig, '--kube-version', 'v1.13.7']);
    assert.match(running.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(kubectl(kubeconfig, ['config', 'current-context']).stdout.trim(), 'istio-lab-sandbox');
    const created = kubectl(kubeconfig, ['create', '-f', '-'], 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: istio-system\n');
    assert.equal(created.status, 0, created.stderr);
    running.child.kill('SIGTERM');
    assert.equal(await running.exited, 0);
  });

  test('a restart with the same --state keeps the objects and the kubeconfig stays valid', async () => {
    const running = await startCli(['--port', '0', '--state', state, '--kubeconfig', kubeconfig]);
    const namespaces = kubectl(kubeconfig, ['get', 'ns', 'istio-system', '-o', 'jsonpath={.status.phase}']);
    assert.equal(namespaces.stdout, 'Active', namespaces.stderr);
    running.child.kill('SIGINT');
    assert.equal(await running.exited, 0);
  });

  test('a namespace deletion under way when it stops is finished after the restart', async () => {
    let running = await startCli(['--port', '0', '--state', state, '--kubeconfig', kubeconfig]);
    const deleted = kubectl(kubeconfig, ['delete', 'namespace', 'istio-system', '--wait=false']);
    assert.equal(deleted.status, 0, deleted.stderr);
    running.child.kill('SIGTERM');
    assert.equal(await running.exited, 0);
    running = await startCli(['--port', '0', '--state', state, '--kubeconfig', kubeconfig]);
    const gone = kubectl(kubeconfig, ['wait', '--for=delete', 'namespace/istio-system', '--timeout=30s']);
    assert.equal(gone.status, 0, gone.stderr);
    running.child.kill('SIGTERM');
    assert.equal(await running.exited, 0);
  });

  test('a broken fault file stops it with a message that names the file', async () => {
    const faults = path.join(dir, 'faults.json');
    fs.writeFileSync(faults, '{ "latencyMs": ');
    await assert.rejects(startCli(['--port', '0', '--faults', faults]), (error: Error) => error.message.includes(`cannot read the fault file ${faults}`));
  });

  test('a corrupt state file stops it with a message that says how to start afresh', async () => {
    const broken = path.join(dir, 'broken-state');
    fs.mkdirSync(broken);
    fs.writeFileSync(path.join(broken, 'objects.json'), '{"format":');
    await assert.rejects(startCli(['--port', '0', '--state', broken]), (error: Error) => /is not valid JSON .*move it away to start with an empty cluster/.test(error.message));
  });
});
