// `npm run sandbox -- --state DIR` survives kill -9: every write kubectl saw acknowledged is there
// after a restart, with the resourceVersion it had, and new writes continue the sequence.
import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'sandbox.js');

interface Running {
  child: ChildProcess;
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
      if (/^ready \S+$/m.test(out)) resolve({ child, exited });
    });
    void exited.then((code) => reject(new Error(`the sandbox exited (${code}) before it was ready: ${err}`)));
  });
}

async function kill9(running: Running): Promise<void> {
  running.child.kill('SIGKILL');
  await running.exited;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function kubectl(kubeconfig: string, args: string[], input = '', onStdout?: (text: string) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', args, { env: { ...process.env, KUBECONFIG: kubeconfig, HOME: path.dirname(kubeconfig) } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      onStdout?.(stdout);
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const configMaps = (namespace: string, count: number): string =>
  Array.from({ length: count }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: ${namespace}\ndata:\n  index: "${i}"\n`).join('---\n');

/** name → resourceVersion of the namespace's config maps. */
async function versions(kubeconfig: string, namespace: string): Promise<Map<string, number>> {
  const listed = await kubectl(kubeconfig, ['get', 'configmaps', '-n', namespace, '-o', 'json']);
  assert.equal(listed.code, 0, listed.stderr);
  const items = (JSON.parse(listed.stdout) as { items: { metadata: { name: string; resourceVersion: string } }[] }).items;
  return new Map(items.map((item) => [item.metadata.name, Number(item.metadata.resourceVersion)]));
}

describe('the sandbox with --state survives kill -9', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-persistence-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const kubeconfig = path.join(dir, 'kubeconfig');

  test('objects created, changed and deleted before the kill are back with the same resourceVersions, and new writes count on', async () => {
    const state = path.join(dir, 'quiet');
    const args = ['--port', '0', '--state', state, '--kubeconfig', kubeconfig, '--nodes', '0'];
    let running = await startCli(args);
    try {
      assert.equal((await kubectl(kubeconfig, ['create', 'namespace', 'lab'])).code, 0);
      const created = await kubectl(kubeconfig, ['create', '-f', '-'], configMaps('lab', 10));
      assert.equal(created.code, 0, created.stderr);
      assert.equal((await kubectl(kubeconfig, ['label', 'configmap', 'cm-3', '-n', 'lab', 'changed=yes'])).code, 0);
      assert.equal((await kubectl(kubeconfig, ['delete', 'configmap', 'cm-7', '-n', 'lab'])).code, 0);
      const before = await versions(kubeconfig, 'lab');
      await kill9(running);

      running = await startCli(args);
      const afterRestart = await versions(kubeconfig, 'lab');
      assert.deepEqual([...afterRestart].sort(), [...before].sort());
      const label = await kubectl(kubeconfig, ['get', 'configmap', 'cm-3', '-n', 'lab', '-o', 'jsonpath={.metadata.labels.changed}']);
      assert.equal(label.stdout, 'yes');
      assert.equal((await kubectl(kubeconfig, ['label', 'configmap', 'cm-0', '-n', 'lab', 'after=restart'])).code, 0);
      const relabelled = await kubectl(kubeconfig, ['get', 'configmap', 'cm-0', '-n', 'lab', '-o', 'jsonpath={.metadata.resourceVersion}']);
      assert.ok(Number(relabelled.stdout) > Math.max(...before.values()), `${relabelled.stdout} continues after ${Math.max(...before.values())}`);
    } finally {
      await kill9(running);
    }
  });

  test('a kill -9 in the middle of a stream of creates loses none that kubectl reported created', async () => {
    const state = path.join(dir, 'busy');
    // With nodes, the controllers write too (nodes, kube-system pods and their status) while kubectl creates.
    const args = ['--port', '0', '--state', state, '--kubeconfig', kubeconfig, '--nodes', '3', '--speed', '0'];
    let running = await startCli(args);
    try {
      assert.equal((await kubectl(kubeconfig, ['create', 'namespace', 'stream'])).code, 0);
      let killed: Promise<void> | undefined;
      const stream = await kubectl(kubeconfig, ['create', '-f', '-'], configMaps('stream', 400), (stdout) => {
        // Enough acknowledged to make the point, with plenty still to come.
        if (!killed && stdout.split('\n').filter((line) => line.endsWith(' created')).length >= 40) killed = kill9(running);
      });
      await killed;
      assert.ok(killed, 'the sandbox was killed mid-stream');
      assert.notEqual(stream.code, 0, 'kubectl saw the server go away');
      const acknowledged = stream.stdout
        .split('\n')
        .filter((line) => line.endsWith(' created'))
        .map((line) => /^configmap\/(\S+) created$/.exec(line)![1]);
      assert.ok(acknowledged.length >= 40 && acknowledged.length < 400, `${acknowledged.length} acknowledged`);

      running = await startCli(args);
      const restored = await versions(kubeconfig, 'stream');
      for (const name of acknowledged) assert.ok(restored.has(name), `${name} was acknowledged before the kill and is back`);
      const inOrder = acknowledged.map((name) => restored.get(name)!);
      assert.deepEqual(inOrder, [...inOrder].sort((a, b) => a - b), 'resourceVersions rise in the order kubectl created the objects');
      const nodes = await kubectl(kubeconfig, ['get', 'nodes', '--no-headers']);
      assert.equal(nodes.stdout.trim().split('\n').length, 3, 'the restart kept the registered nodes rather than adding more');
    } finally {
      await kill9(running);
    }
  });
});
