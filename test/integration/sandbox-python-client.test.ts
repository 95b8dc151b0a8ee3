// The sandbox judged by a client it did not write, in another language: the Kubernetes Python
// client (Debian's python3-kubernetes), which sends booleans as `True` (`watch=True`, `follow=True`,
// `stdout=True`). Each case is a function of python/judge.py, run with /usr/bin/python3.
import * as assert from 'node:assert/strict';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { KubectlSandbox } from './kubectl';
import { startKubectlSandbox } from './kubectl';

const PYTHON = '/usr/bin/python3';
const JUDGE = path.join(__dirname, 'python', 'judge.py');
const NS = 'default';
/** A bound on a case that hangs, so a failure names what it waited for instead of stalling the suite. */
const CASE_LIMIT_MS = 60_000;

interface PythonRun {
  readonly child: ChildProcessWithoutNullStreams;
  output(): string;
  /** Resolves with the output once a line matches; rejects if Python exits first or the case hangs. */
  until(pattern: RegExp): Promise<string>;
  /** The last line, parsed, once Python exits with 0. */
  result<T>(): Promise<T>;
}

function runJudge(cluster: KubectlSandbox, args: string[]): PythonRun {
  const child = spawn(PYTHON, [JUDGE, ...args], {
    env: { ...process.env, KUBECONFIG: cluster.kubeconfigPath },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  let exitCode: number | null | undefined;
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    listeners.forEach((listener) => listener());
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.once('close', (code) => {
    exitCode = code;
    listeners.forEach((listener) => listener());
  });
  const describeRun = () => `python judge.py ${args.join(' ')}\nstdout:\n${stdout}\nstderr:\n${stderr}`;
  const waitFor = <T>(check: () => T | undefined, what: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => settle(new Error(`${what} did not happen`)), CASE_LIMIT_MS);
      const settle = (error?: Error, value?: T) => {
        clearTimeout(timer);
        listeners.delete(listener);
        if (error) {
          child.kill();
          reject(new Error(`${error.message}\n${describeRun()}`));
        } else resolve(value as T);
      };
      const listener = () => {
        try {
          const value = check();
          if (value !== undefined) settle(undefined, value);
        } catch (error) {
          settle(error as Error);
        }
      };
      listeners.add(listener);
      listener();
    });
  return {
    child,
    output: () => stdout,
    until: (pattern) =>
      waitFor(() => {
        if (pattern.test(stdout)) return stdout;
        if (exitCode !== undefined) throw new Error(`Python exited (${exitCode}) before printing ${pattern}`);
        return undefined;
      }, `a line matching ${pattern}`),
    result: <T>() =>
      waitFor(() => {
        if (exitCode === undefined) return undefined;
        if (exitCode !== 0) throw new Error(`Python exited with ${exitCode}`);
        return JSON.parse(stdout.trim().split('\n').pop()!) as T;
      }, 'the end of the case'),
  };
}

interface ApiErrorShape {
  status: number;
  reason: string;
  body: {
    kind: string;
    status: string;
    reason: string;
    code: number;
    message: string;
    details: Record<string, unknown>;
  };
}

describe('the Kubernetes Python client against the sandbox', () => {
  let bare: KubectlSandbox;
  let running: KubectlSandbox;
  let pod: string;
  before(async () => {
    // A short history, so a watch from an old resourceVersion meets 410 Gone.
    bare = await startKubectlSandbox({ watchHistory: 10 });
    running = await startKubectlSandbox({ nodes: 1, speed: 0 });
    const created = await running.kubectl(['run', 'echo-server', '--image=docker.io/library/nginx:1.17', '--port=80']);
    assert.equal(created.code, 0, created.stderr);
    const ready = await running.kubectl(['wait', '--for=condition=Ready', 'pod/echo-server', '--timeout=60s']);
    assert.equal(ready.code, 0, ready.stderr);
    pod = 'echo-server';
  });
  after(async () => {
    await bare?.close();
    await running?.close();
  });

  test('watch.Watch().stream(list_namespaced_config_map) gets ADDED, then MODIFIED for a change', async () => {
    const { events } = await runJudge(bare, ['watch-config-maps', NS]).result<{
      events: { type: string; name: string; data: Record<string, string> }[];
    }>();
    const watched = events.filter((event) => event.name === 'watched');
    assert.deepEqual(
      watched.map((event) => `${event.type} step=${event.data.step}`),
      ['ADDED step=1', 'MODIFIED step=2'],
    );
  });

  test('read_namespaced_pod_log with follow=True streams the lines and ends only when the pod goes', async () => {
    const run = runJudge(running, ['follow-log', NS, pod]);
    await run.until(/^LINE ready$/m);
    assert.doesNotMatch(run.output(), /^EOF$/m, 'a followed log stays open while the pod lives');
    assert.match(
      run.output(),
      /^LINE Istio Lab sandbox: simulated container "echo-server" of pod default\/echo-server/m,
    );
    const deleted = await running.kubectl(['delete', 'pod', pod, '--grace-period=0', '--force']);
    assert.equal(deleted.code, 0, deleted.stderr);
    await run.until(/^EOF$/m);
  });

  test('stream(connect_get_namespaced_pod_exec) returns what the command printed', async (t) => {
    // A pod of its own: the log test deletes the other one.
    const created = await running.kubectl([
      'run',
      'exec-target',
      '--image=docker.io/library/busybox:1.31',
      '--',
      'sleep',
      '3600',
    ]);
    assert.equal(created.code, 0, created.stderr);
    t.after(() => running.kubectl(['delete', 'pod', 'exec-target', '--grace-period=0', '--force']));
    const ready = await running.kubectl(['wait', '--for=condition=Ready', 'pod/exec-target', '--timeout=60s']);
    assert.equal(ready.code, 0, ready.stderr);
    const { output } = await runJudge(running, ['exec-echo', NS, 'exec-target']).result<{ output: string }>();
    assert.equal(output, 'hello from python\n');
  });

  test('an ApiException carries the status, the reason and the Status body for a 404 and a 409', async () => {
    const { notFound, alreadyExists } = await runJudge(bare, ['api-errors', NS]).result<{
      notFound: ApiErrorShape;
      alreadyExists: ApiErrorShape;
    }>();
    assert.equal(notFound.status, 404);
    assert.equal(notFound.reason, 'Not Found');
    assert.deepEqual(notFound.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'configmaps "no-such-map" not found',
      reason: 'NotFound',
      details: { name: 'no-such-map', kind: 'configmaps' },
      code: 404,
    });
    assert.equal(alreadyExists.status, 409);
    assert.equal(alreadyExists.reason, 'Conflict');
    assert.equal(alreadyExists.body.reason, 'AlreadyExists');
    assert.equal(alreadyExists.body.message, 'configmaps "twice" already exists');
    assert.deepEqual(alreadyExists.body.details, { name: 'twice', kind: 'configmaps' });
  });

  test('a watch from a resourceVersion past the history gets 410 Gone, and the client relists and watches on', async () => {
    const listed = await bare.kubectl(['get', '--raw', `/api/v1/namespaces/${NS}/configmaps`]);
    assert.equal(listed.code, 0, listed.stderr);
    const oldVersion = (JSON.parse(listed.stdout) as { metadata: { resourceVersion: string } }).metadata
      .resourceVersion;
    // More changes than the history keeps.
    const items = Array.from({ length: 15 }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `churn-${i}` },
      data: { i: String(i) },
    }));
    const churn = await bare.kubectl(['apply', '-n', NS, '-f', '-'], {
      stdin: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }),
    });
    assert.equal(churn.code, 0, churn.stderr);
    const result = await runJudge(bare, ['relist-after-gone', NS, oldVersion]).result<{
      gone: { status: number; reason: string };
      relistedNames: string[];
      afterRelist: { type: string; name: string };
      unexpectedEvent?: boolean;
    }>();
    assert.equal(result.unexpectedEvent, undefined);
    assert.equal(result.gone.status, 410);
    assert.match(result.gone.reason, /^Expired: too old resource version: \d+ \(\d+\)$/);
    assert.ok(result.relistedNames.includes('churn-14'), result.relistedNames.join(' '));
    assert.deepEqual(result.afterRelist, { type: 'ADDED', name: 'after-relist' });
  });
});
