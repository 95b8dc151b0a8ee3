// Runs the real kubectl against a sandbox, with its own discovery cache so tests choose cold or warm.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import type { Sandbox, SandboxOptions } from '../../src/sandbox/sandbox';
import { startSandbox } from '../../src/sandbox/sandbox';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlSandbox {
  sandbox: Sandbox;
  kubeconfigPath: string;
  cacheDir: string;
  kubectl(args: string[], options?: { stdin?: string; cacheDir?: string }): Promise<KubectlResult>;
  /** A kubectl that keeps running (`-w`, `logs -f`): the caller reads its output and ends it. */
  spawnKubectl(args: string[], options?: { cacheDir?: string }): ChildProcessWithoutNullStreams;
  close(): Promise<void>;
}

export async function startKubectlSandbox(options: SandboxOptions = {}): Promise<KubectlSandbox> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-kubectl-'));
  const kubeconfigPath = path.join(dir, 'kubeconfig');
  const sandbox = await startSandbox({ ...options, kubeconfigPath });
  const cacheDir = path.join(dir, 'cache');
  const spawnKubectl = (args: string[], run: { cacheDir?: string } = {}): ChildProcessWithoutNullStreams =>
    spawn('kubectl', ['--cache-dir', run.cacheDir ?? cacheDir, ...args], {
      env: { ...process.env, KUBECONFIG: kubeconfigPath, HOME: dir },
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
  return {
    sandbox,
    kubeconfigPath,
    cacheDir,
    kubectl,
    spawnKubectl,
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
  return output.split('\n').filter((line) => verbs.some((verb) => line.endsWith(` ${verb}`) || line.endsWith(` ${verb} (server dry run)`)));
}
