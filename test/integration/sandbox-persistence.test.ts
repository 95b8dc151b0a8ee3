// `npm run sandbox -- --state DIR` survives kill -9: every write kubectl saw acknowledged is there
// after a restart, with the resourceVersion it had, and new writes continue the sequence. A disk
// that fills (here a real file size limit, RLIMIT_FSIZE, failing the log's write(2) with EFBIG)
// costs only the writes it refused, and a torn record at the end of the log is dropped and reported.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import type { RunningCli } from './sandbox-cli-process';
import { startSandboxCli } from './sandbox-cli-process';

async function kill9(running: RunningCli): Promise<void> {
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
    const child = spawn('kubectl', args, {
      env: { ...process.env, KUBECONFIG: kubeconfig, HOME: path.dirname(kubeconfig) },
    });
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
  Array.from(
    { length: count },
    (_, i) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: ${namespace}\ndata:\n  index: "${i}"\n`,
  ).join('---\n');

/** name → resourceVersion of the namespace's config maps. */
async function versions(kubeconfig: string, namespace: string): Promise<Map<string, number>> {
  const listed = await kubectl(kubeconfig, ['get', 'configmaps', '-n', namespace, '-o', 'json']);
  assert.equal(listed.code, 0, listed.stderr);
  const items = (JSON.parse(listed.stdout) as { items: { metadata: { name: string; resourceVersion: string } }[] })
    .items;
  return new Map(items.map((item) => [item.metadata.name, Number(item.metadata.resourceVersion)]));
}

describe('the sandbox with --state survives kill -9', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-persistence-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const kubeconfig = path.join(dir, 'kubeconfig');

  test('objects created, changed and deleted before the kill are back with the same resourceVersions, and new writes count on', async () => {
    const state = path.join(dir, 'quiet');
    const args = ['--port', '0', '--state', state, '--kubeconfig', kubeconfig, '--nodes', '0'];
    let running = await startSandboxCli(args);
    try {
      assert.equal((await kubectl(kubeconfig, ['create', 'namespace', 'lab'])).code, 0);
      const created = await kubectl(kubeconfig, ['create', '-f', '-'], configMaps('lab', 10));
      assert.equal(created.code, 0, created.stderr);
      assert.equal((await kubectl(kubeconfig, ['label', 'configmap', 'cm-3', '-n', 'lab', 'changed=yes'])).code, 0);
      assert.equal((await kubectl(kubeconfig, ['delete', 'configmap', 'cm-7', '-n', 'lab'])).code, 0);
      const before = await versions(kubeconfig, 'lab');
      await kill9(running);

      running = await startSandboxCli(args);
      const afterRestart = await versions(kubeconfig, 'lab');
      assert.deepEqual([...afterRestart].sort(), [...before].sort());
      const label = await kubectl(kubeconfig, [
        'get',
        'configmap',
        'cm-3',
        '-n',
        'lab',
        '-o',
        'jsonpath={.metadata.labels.changed}',
      ]);
      assert.equal(label.stdout, 'yes');
      assert.equal((await kubectl(kubeconfig, ['label', 'configmap', 'cm-0', '-n', 'lab', 'after=restart'])).code, 0);
      const relabelled = await kubectl(kubeconfig, [
        'get',
        'configmap',
        'cm-0',
        '-n',
        'lab',
        '-o',
        'jsonpath={.metadata.resourceVersion}',
      ]);
      assert.ok(
        Number(relabelled.stdout) > Math.max(...before.values()),
        `${relabelled.stdout} continues after ${Math.max(...before.values())}`,
      );
    } finally {
      await kill9(running);
    }
  });

  test('a kill -9 in the middle of a stream of creates loses none that kubectl reported created', async () => {
    const state = path.join(dir, 'busy');
    // With nodes, the controllers write too (nodes, kube-system pods and their status) while kubectl creates.
    const args = ['--port', '0', '--state', state, '--kubeconfig', kubeconfig, '--nodes', '3', '--speed', '0'];
    let running = await startSandboxCli(args);
    try {
      assert.equal((await kubectl(kubeconfig, ['create', 'namespace', 'stream'])).code, 0);
      let killed: Promise<void> | undefined;
      const stream = await kubectl(kubeconfig, ['create', '-f', '-'], configMaps('stream', 400), (stdout) => {
        // Enough acknowledged to make the point, with plenty still to come.
        if (!killed && stdout.split('\n').filter((line) => line.endsWith(' created')).length >= 40)
          killed = kill9(running);
      });
      await killed;
      assert.ok(killed, 'the sandbox was killed mid-stream');
      assert.notEqual(stream.code, 0, 'kubectl saw the server go away');
      const acknowledged = stream.stdout
        .split('\n')
        .filter((line) => line.endsWith(' created'))
        .map((line) => /^configmap\/(\S+) created$/.exec(line)![1]);
      assert.ok(acknowledged.length >= 40 && acknowledged.length < 400, `${acknowledged.length} acknowledged`);

      running = await startSandboxCli(args);
      const restored = await versions(kubeconfig, 'stream');
      for (const name of acknowledged)
        assert.ok(restored.has(name), `${name} was acknowledged before the kill and is back`);
      const inOrder = acknowledged.map((name) => restored.get(name)!);
      assert.deepEqual(
        inOrder,
        [...inOrder].sort((a, b) => a - b),
        'resourceVersions rise in the order kubectl created the objects',
      );
      const nodes = await kubectl(kubeconfig, ['get', 'nodes', '--no-headers']);
      assert.equal(
        nodes.stdout.trim().split('\n').length,
        3,
        'the restart kept the registered nodes rather than adding more',
      );
    } finally {
      await kill9(running);
    }
  });
});

describe('the sandbox with --state on a full disk', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-full-disk-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const kubeconfig = path.join(dir, 'kubeconfig');
  const state = path.join(dir, 'state');
  const args = ['--port', '0', '--state', state, '--kubeconfig', kubeconfig, '--nodes', '0'];
  const bigConfigMap = (name: string): string =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\ndata:\n  blob: "${'x'.repeat(8000)}"\n`;
  const names = async (): Promise<string[]> =>
    [...(await versions(kubeconfig, 'default')).keys()].filter((name) => name.startsWith('big-')).sort();

  test('a write the log cannot take answers 500 and is in no list or watch; later writes and a restart go on without it', async () => {
    let running = await startSandboxCli(args, 96);
    try {
      // Lists, then watches: every object the store ever held is printed, whenever the watch got going.
      let watched = '';
      let onWatched = (): void => {};
      const watch = spawn(
        'kubectl',
        [
          'get',
          'configmaps',
          '-n',
          'default',
          '--watch',
          '--output-watch-events',
          '-o',
          'jsonpath={.type} {.object.metadata.name}{"\\n"}',
        ],
        {
          env: { ...process.env, KUBECONFIG: kubeconfig, HOME: dir },
        },
      );
      watch.stdout.on('data', (chunk) => {
        watched += chunk;
        onWatched();
      });
      watch.once('close', () => onWatched());
      const acknowledged: string[] = [];
      let refused: Run | undefined;
      let refusedName = '';
      // The limit is per file: 96 KiB take the start-up snapshot (about 54 KB: the default RBAC roles,
      // the APIServices), and in the log eleven of these records (about 8.4 KB each) with room left for
      // a deletion; the loop is bounded well past that.
      for (let i = 0; i < 30 && !refused; i++) {
        const result = await kubectl(kubeconfig, ['create', '-f', '-'], bigConfigMap(`big-${i}`));
        if (result.code === 0) acknowledged.push(`big-${i}`);
        else [refused, refusedName] = [result, `big-${i}`];
      }
      assert.ok(refused, `the file size limit was reached (${acknowledged.length} acknowledged)`);
      assert.match(
        refused.stderr,
        /Error from server \(InternalError\).*could not write .*wal\.log \(EFBIG: file too large, write\); the change was not made/,
      );
      assert.deepEqual(await names(), [...acknowledged].sort(), 'the refused object is not listed');
      const walBytes = fs.statSync(path.join(state, 'wal.log')).size;
      assert.equal(fs.readFileSync(path.join(state, 'wal.log')).at(-1), 0x0a, 'the log ends with a complete record');

      // A small record still fits where the torn one was cut off.
      const deleted = await kubectl(kubeconfig, ['delete', 'configmap', acknowledged[0]]);
      assert.equal(deleted.code, 0, deleted.stderr);
      const deletedLine = `DELETED ${acknowledged[0]}\n`;
      // Resolves on the deletion, or when the watch ends without it (then the assertion below says so).
      if (!watched.includes(deletedLine))
        await new Promise<void>(
          (resolve) => (onWatched = () => (watched.includes(deletedLine) || watch.exitCode !== null) && resolve()),
        );
      watch.kill();
      assert.ok(watched.includes(deletedLine), `the watch saw the deletion:\n${watched}`);
      assert.ok(
        watched.includes(`ADDED ${acknowledged.at(-1)!}\n`),
        `the watch saw the last acknowledged create:\n${watched}`,
      );
      assert.ok(!watched.includes(` ${refusedName}\n`), `the watch never saw ${refusedName}:\n${watched}`);
      assert.ok(fs.statSync(path.join(state, 'wal.log')).size > walBytes);
      await kill9(running);

      running = await startSandboxCli(args);
      assert.deepEqual(
        await names(),
        acknowledged.slice(1).sort(),
        'after the restart: the acknowledged writes, the deletion, and not the refused write',
      );
      assert.doesNotMatch(running.stderr(), /dropped/, 'the log had no torn record to drop');
    } finally {
      await kill9(running);
    }
  });

  test('a torn record at the end of the log is dropped at start-up, with the byte offset said, and every complete record kept', async () => {
    let running = await startSandboxCli(args);
    try {
      const before = await names();
      assert.ok(before.length > 0);
      await kill9(running);
      const log = path.join(state, 'wal.log');
      const offset = fs.statSync(log).size;
      const torn = '0badc0de {"rv":99999,"op":"put","key":"/configmaps","object":{"metadata":{"name":"big-torn"';
      fs.appendFileSync(log, torn);
      running = await startSandboxCli(args);
      assert.deepEqual(await names(), before);
      assert.match(
        running.stderr(),
        new RegExp(
          `wal\\.log: kept \\d+ complete records; dropped ${torn.length} bytes \\(1 line\\) from byte offset ${offset}, where a record was torn by a crash or a full disk`,
        ),
      );
      assert.equal(fs.statSync(log).size, offset, 'the torn record is cut off the log');
      const created = await kubectl(kubeconfig, ['create', 'configmap', 'after-torn', '-n', 'default']);
      assert.equal(created.code, 0, created.stderr);
    } finally {
      await kill9(running);
    }
  });
});
