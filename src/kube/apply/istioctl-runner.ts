// Runs a downloaded release's istioctl against the lab's cluster: an argument array, no shell,
// output streamed to the caller as it comes; cancelling kills it. istioctl gets a kubeconfig of
// its own holding only the lab's context, its cluster and its user as the user's files have them
// (exec plugins, auth providers, certificates, tokens: see kubeconfig-export.ts), written 0600 in
// a private temporary folder and deleted afterwards, whether istioctl succeeds, fails or is cancelled.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { exportContextKubeconfig, exportKubeConfigContext } from '../kubeconfig-export';

export interface IstioctlTarget {
  readonly kubeConfig: KubeConfig;
  readonly contextName: string;
  /** The kubeconfig files the context was read from (a connection's `files`); none = in-cluster. */
  readonly files?: readonly string[];
}

/** The kubeconfig istioctl is given: the target's context alone, read from its files when it has them. */
export function istioctlKubeconfig(target: IstioctlTarget): string {
  return target.files?.length
    ? exportContextKubeconfig(target.files, target.contextName)
    : exportKubeConfigContext(target.kubeConfig, target.contextName);
}

/** Exit code 130 means it was cancelled. */
export async function runIstioctl(
  istioctl: string,
  args: readonly string[],
  target: IstioctlTarget,
  onOutput: (text: string) => void,
  signal?: AbortSignal,
): Promise<number> {
  const text = istioctlKubeconfig(target);
  // mkdtemp makes the folder 0700; `wx` refuses a file that somehow exists already.
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'istio-lab-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  try {
    await fs.promises.writeFile(kubeconfig, text, { mode: 0o600, flag: 'wx' });
    return await new Promise<number>((resolve, reject) => {
      const child = spawn(istioctl, [...args, '--kubeconfig', kubeconfig, '--context', target.contextName], {
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(signal ? { signal } : {}),
      });
      child.stdout.on('data', (chunk: Buffer) => onOutput(chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => onOutput(chunk.toString()));
      child.once('error', (error) =>
        (error as { name?: string }).name === 'AbortError' ? resolve(130) : reject(error),
      );
      child.once('close', (code) => resolve(code ?? 130));
    });
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

/** Runs istioctl and returns its standard output (for `manifest generate`); fails on a non-zero exit. */
export async function captureIstioctl(
  istioctl: string,
  args: readonly string[],
  target: IstioctlTarget,
  signal?: AbortSignal,
): Promise<string> {
  let output = '';
  const code = await runIstioctl(istioctl, args, target, (text) => (output += text), signal);
  if (code !== 0)
    throw new Error(`istioctl ${args.join(' ')} exited with code ${code}: ${output.trim().split('\n').at(-1) ?? ''}`);
  return output;
}
