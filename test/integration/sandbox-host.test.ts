// The sandbox as the installed extension runs it (src/lab/sandbox): the CLI bundle as a child
// process, one per state folder across windows (a second window attaches), state kept across a
// stop, stale and orphaned locks taken over. Real processes, the real kubectl.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { readSandboxLock } from '../../src/lab/sandbox/sandbox-lock';
import type { RunningSandbox } from '../../src/lab/sandbox/sandbox-host';
import {
  SandboxHostError,
  resetSandboxState,
  runningSandbox,
  sandboxPaths,
  startOrAttachSandbox,
  stopSandbox,
} from '../../src/lab/sandbox/sandbox-host';

const root = path.resolve(__dirname, '..', '..');
const script = path.join(root, 'dist', 'sandbox.js');

function kubectl(kubeconfig: string, args: string[], input = '') {
  return spawnSync('kubectl', args, {
    env: { ...process.env, KUBECONFIG: kubeconfig, HOME: path.dirname(kubeconfig) },
    encoding: 'utf8',
    input,
  });
}

/** The pid of a process that has exited: a window that crashed. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('the sandbox host', () => {
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-host-'));
  const paths = sandboxPaths(storage);
  // Two windows: this test process and its parent, both alive for the whole run.
  const windowA = process.pid;
  const windowB = process.ppid;
  const start = (ownerPid: number): Promise<RunningSandbox> =>
    startOrAttachSandbox({ paths, runtime: process.execPath, script, args: ['--speed', '0'], ownerPid });
  const running: RunningSandbox[] = [];

  after(async () => {
    for (const sandbox of running) if (sandbox.kind === 'started') await sandbox.process.stop();
    fs.rmSync(storage, { recursive: true, force: true });
  });

  test('starts the CLI bundle, writes a kubeconfig kubectl uses, and records itself in the lock', async () => {
    const first = await start(windowA);
    running.push(first);
    assert.equal(first.kind, 'started');
    assert.equal(kubectl(paths.kubeconfig, ['config', 'current-context']).stdout.trim(), 'istio-lab-sandbox');
    const created = kubectl(paths.kubeconfig, ['create', 'namespace', 'istio-system']);
    assert.equal(created.status, 0, created.stderr);
    assert.deepEqual(
      { ...readSandboxLock(paths.lockFile), startedAt: '' },
      { ownerPid: windowA, sandboxPid: first.pid, url: first.url, startedAt: '' },
    );
  });

  test('a second window attaches to the running sandbox instead of starting another', async () => {
    const [first] = running;
    const second = await start(windowB);
    assert.deepEqual(second, { kind: 'attached', url: first.url, pid: first.pid, adopted: false });
    assert.equal(readSandboxLock(paths.lockFile)?.ownerPid, windowA, 'the attaching window does not take it over');
  });

  test('any window can stop it; it saves its state and the lock goes', async () => {
    const [first] = running;
    assert.equal(await stopSandbox(paths), true);
    assert.equal(first.kind === 'started' && (await first.process.exited), 0);
    assert.equal(readSandboxLock(paths.lockFile), undefined);
    assert.equal(runningSandbox(paths), undefined);
    assert.equal(await stopSandbox(paths), false, 'nothing left to stop');
    running.length = 0;
  });

  test('two windows starting at the same moment end up on one sandbox, with the state kept', async () => {
    const both = await Promise.all([start(windowA), start(windowB)]);
    running.push(...both);
    assert.deepEqual(both.map((one) => one.kind).sort(), ['attached', 'started']);
    assert.equal(both[0].url, both[1].url);
    assert.equal(both[0].pid, both[1].pid);
    const namespace = kubectl(paths.kubeconfig, ['get', 'namespace', 'istio-system', '-o', 'jsonpath={.status.phase}']);
    assert.equal(namespace.stdout, 'Active', namespace.stderr);
    const owner = both.find((one): one is Extract<RunningSandbox, { kind: 'started' }> => one.kind === 'started')!;
    await stopSandbox(paths, owner.process);
    assert.equal(readSandboxLock(paths.lockFile), undefined);
    running.length = 0;
  });

  test('a lock left by a window that crashed with its sandbox is taken over', async () => {
    fs.writeFileSync(
      paths.lockFile,
      JSON.stringify({
        ownerPid: await deadPid(),
        sandboxPid: await deadPid(),
        url: 'https://127.0.0.1:1',
        startedAt: '',
      }),
    );
    const fresh = await start(windowA);
    running.push(fresh);
    assert.equal(fresh.kind, 'started');
    assert.equal(readSandboxLock(paths.lockFile)?.sandboxPid, fresh.pid);
  });

  test('a sandbox whose window has gone is adopted by the next window', async () => {
    const [current] = running;
    const lock = readSandboxLock(paths.lockFile)!;
    fs.writeFileSync(paths.lockFile, JSON.stringify({ ...lock, ownerPid: await deadPid() }));
    const attached = await start(windowB);
    assert.deepEqual(attached, { kind: 'attached', url: current.url, pid: current.pid, adopted: true });
    assert.equal(readSandboxLock(paths.lockFile)?.ownerPid, windowB);
    await stopSandbox(paths);
    running.length = 0;
  });

  test('after a reset it starts empty, with a new kubeconfig that kubectl uses', async () => {
    resetSandboxState(paths);
    assert.equal(fs.existsSync(paths.kubeconfig), false);
    const fresh = await start(windowA);
    running.push(fresh);
    const namespace = kubectl(paths.kubeconfig, ['get', 'namespace', 'istio-system']);
    assert.notEqual(namespace.status, 0);
    assert.match(namespace.stderr, /namespaces "istio-system" not found/);
    await stopSandbox(paths);
    running.length = 0;
  });

  test('a start that fails says why, with what the sandbox printed, and leaves no lock', async () => {
    fs.writeFileSync(path.join(paths.stateDir, 'objects.json'), '{"format":');
    await assert.rejects(start(windowA), (error: unknown) => {
      assert.ok(error instanceof SandboxHostError);
      assert.equal(error.code, 'failed');
      assert.match(error.output, /is not valid JSON/);
      return true;
    });
    assert.equal(readSandboxLock(paths.lockFile), undefined);
  });
});
