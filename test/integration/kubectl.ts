// Runs the real kubectl against a sandbox, with its own discovery cache so tests choose cold or warm.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import type { Sandbox, SandboxOptions } from '../../src/sandbox';
import { startSandbox } from '../../src/sandbox';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Where a kubectl keeps its discovery cache, and environment variables beyond the kubeconfig's. */
export interface SpawnOptions {
  cacheDir?: string;
  env?: Record<string, string>;
}

export interface KubectlSandbox {
  sandbox: Sandbox;
  kubeconfigPath: string;
  cacheDir: string;
  kubectl(args: string[], options?: { stdin?: string; cacheDir?: string }): Promise<KubectlResult>;
  /** kubectl that must succeed: fails the test with the command and its stderr otherwise; resolves to its stdout. */
  kubectlOk(args: string[], options?: { stdin?: string; cacheDir?: string }): Promise<string>;
  /** A kubectl that keeps running (`-w`, `logs -f`): the caller reads its output and ends it. */
  spawnKubectl(args: string[], options?: SpawnOptions): ChildProcessWithoutNullStreams;
  /** A running kubectl whose output is awaited line by line; see {@link FollowedKubectl}. */
  followKubectl(args: string[], options?: SpawnOptions): FollowedKubectl;
  close(): Promise<void>;
}

/**
 * A long-running kubectl read as it prints. `until` fails (instead of waiting for ever) when
 * kubectl exits or the time runs out, naming what it waited for and what kubectl printed.
 */
export interface FollowedKubectl {
  readonly child: ChildProcessWithoutNullStreams;
  output(): string;
  until(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** The exit code once kubectl exits by itself; fails when it has not within the time. */
  exit(timeoutMs?: number): Promise<number | null>;
  kill(): void;
}

function follow(child: ChildProcessWithoutNullStreams, args: string[]): FollowedKubectl {
  let stdout = '';
  let stderr = '';
  let exitCode: number | null | undefined;
  const checks = new Set<() => void>();
  const recheck = () => checks.forEach((check) => check());
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    recheck();
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => {
      exitCode = code;
      resolve(code);
      recheck();
    }),
  );
  const until = (pattern: RegExp, timeoutMs = 30_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(
        () => settle(new Error(`kubectl ${args.join(' ')} printed no line matching ${pattern} in ${timeoutMs} ms`)),
        timeoutMs,
      );
      const settle = (error?: Error, match?: RegExpExecArray) => {
        clearTimeout(timer);
        checks.delete(check);
        if (error) reject(new Error(`${error.message}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
        else resolve(match!);
      };
      const check = () => {
        const match = pattern.exec(stdout);
        if (match) settle(undefined, match);
        else if (exitCode !== undefined)
          settle(
            new Error(`kubectl ${args.join(' ')} exited (${exitCode}) before printing a line matching ${pattern}`),
          );
      };
      checks.add(check);
      check();
    });
  const exit = (timeoutMs = 30_000) =>
    new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `kubectl ${args.join(' ')} still runs after ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`,
            ),
          ),
        timeoutMs,
      );
      void exited.then((code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  return { child, output: () => stdout, until, exit, kill: () => child.kill() };
}

export async function startKubectlSandbox(options: SandboxOptions = {}): Promise<KubectlSandbox> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-kubectl-'));
  const kubeconfigPath = path.join(dir, 'kubeconfig');
  const sandbox = await startSandbox({ ...options, kubeconfigPath });
  const cacheDir = path.join(dir, 'cache');
  const spawnKubectl = (args: string[], run: SpawnOptions = {}): ChildProcessWithoutNullStreams =>
    spawn('kubectl', ['--cache-dir', run.cacheDir ?? cacheDir, ...args], {
      env: { ...process.env, ...run.env, KUBECONFIG: kubeconfigPath, HOME: dir },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  const kubectl = (args: string[], run: { stdin?: string; cacheDir?: string } = {}): Promise<KubectlResult> =>
    new Promise((resolve, reject) => {
      const child = spawnKubectl(args, run);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.once('error', reject);
      child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      child.stdin.end(run.stdin ?? '');
    });
  const kubectlOk = async (args: string[], run: { stdin?: string; cacheDir?: string } = {}): Promise<string> => {
    const { code, stdout, stderr } = await kubectl(args, run);
    assert.equal(code, 0, `kubectl ${args.join(' ')}: ${stderr}`);
    return stdout;
  };
  return {
    sandbox,
    kubeconfigPath,
    cacheDir,
    kubectl,
    kubectlOk,
    spawnKubectl,
    followKubectl: (args, run) => follow(spawnKubectl(args, run), args),
    close: async () => {
      await sandbox.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const fixtures = path.resolve(__dirname, '..', 'fixtures', 'istio');

/** The objects a manifest holds, as kubectl counts them: empty documents skipped, `kind: List` expanded. */
export function manifestObjects(file: string): { kind: string; name: string }[] {
  const objects: { kind: string; name: string }[] = [];
  // json: a later duplicate key wins, as in kubectl's YAML decoder (Istio 1.1.0's file has one).
  for (const document of yaml.loadAll(fs.readFileSync(file, 'utf8'), undefined, { json: true })) {
    if (!document || typeof document !== 'object') continue;
    const object = document as { kind?: string; metadata?: { name?: string }; items?: unknown[] };
    const items = object.kind === 'List' ? ((object.items ?? []) as (typeof object)[]) : [object];
    for (const item of items) objects.push({ kind: item.kind ?? '', name: item.metadata?.name ?? '' });
  }
  return objects;
}

/** Lines of kubectl output that end with one of the given verbs (`created`, `deleted`, …). */
export function linesEnding(output: string, ...verbs: string[]): string[] {
  return output
    .split('\n')
    .filter((line) => verbs.some((verb) => line.endsWith(` ${verb}`) || line.endsWith(` ${verb} (server dry run)`)));
}
