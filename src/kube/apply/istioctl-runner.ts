// Runs a downloaded release's istioctl against the lab's cluster: an argument array, no shell,
// the connection's kubeconfig written to a private temporary file (mode 0600, deleted after) and
// passed with its context, output streamed to the caller as it comes. Cancelling kills it.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';

export interface IstioctlTarget {
  readonly kubeConfig: KubeConfig;
  readonly contextName: string;
}

/** Exit code 130 means it was cancelled. */
export async function runIstioctl(istioctl: string, args: readonly string[], target: IstioctlTarget, onOutput: (text: string) => void, signal?: AbortSignal): Promise<number> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'istio-lab-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  try {
    await fs.promises.writeFile(kubeconfig, target.kubeConfig.exportConfig(), { mode: 0o600 });
    return await new Promise<number>((resolve, reject) => {
      const child = spawn(istioctl, [...args, '--kubeconfig', kubeconfig, '--context', target.contextName], { stdio: ['ignore', 'pipe', 'pipe'], ...(signal ? { signal } : {}) });
      child.stdout.on('data', (chunk: Buffer) => onOutput(chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => onOutput(chunk.toString()));
      child.once('error', (error) => ((error as { name?: string }).name === 'AbortError' ? resolve(130) : reject(error)));
      child.once('close', (code) => resolve(code ?? 130));
    });
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

/** Runs istioctl and returns its standard output (for `manifest generate`); fails on a non-zero exit. */
export async function captureIstioctl(istioctl: string, args: readonly string[], target: IstioctlTarget, signal?: AbortSignal): Promise<string> {
  let output = '';
  const code = await runIstioctl(istioctl, args, target, (text) => (output += text), signal);
  if (code !== 0) throw new Error(`istioctl ${args.join(' ')} exited with code ${code}: ${output.trim().split('\n').at(-1) ?? ''}`);
  return output;
}
