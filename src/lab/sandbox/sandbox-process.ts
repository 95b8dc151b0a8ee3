// Runs the sandbox cluster's CLI (the extension's dist/sandbox.js) as a child process on the
// editor's own Node: VS Code's `process.execPath` is Electron, which runs plain Node when
// ELECTRON_RUN_AS_NODE=1 is set, so a learner needs no Node of their own. The contract is the
// CLI's: `--state DIR --kubeconfig FILE …`, and it prints `ready <url>` once it serves.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';

export interface SandboxProcessOptions {
  /** The Node (or Electron) binary to run the script with: `process.execPath`. */
  readonly runtime: string;
  /** The sandbox CLI bundle, dist/sandbox.js. */
  readonly script: string;
  readonly stateDir: string;
  readonly kubeconfigPath: string;
  /** More CLI flags (e.g. `--speed 0`). */
  readonly args?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal;
  /** Each chunk the process prints, for the log. */
  readonly onOutput?: (text: string) => void;
}

export interface SandboxProcess {
  readonly pid: number;
  readonly url: string;
  /** Settles with the exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then waits for the process to finish writing its state and exit. */
  stop(): Promise<void>;
  /** SIGTERM without waiting: for a window that is closing. */
  kill(): void;
}

export type SandboxProcessErrorCode = 'exited' | 'cancelled';

/** The sandbox stopped before it was ready (`output` holds what it printed), or the start was cancelled. */
export class SandboxProcessError extends Error {
  constructor(
    readonly code: SandboxProcessErrorCode,
    message: string,
    readonly output: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'SandboxProcessError';
  }
}

/** What the process printed, kept short: the end is what explains a failure. */
const OUTPUT_LIMIT = 8 * 1024;

export function startSandboxProcess(options: SandboxProcessOptions): Promise<SandboxProcess> {
  const { signal } = options;
  if (signal?.aborted)
    return Promise.reject(new SandboxProcessError('cancelled', 'the sandbox start was cancelled', ''));
  const child: ChildProcess = spawn(
    options.runtime,
    [options.script, '--state', options.stateDir, '--kubeconfig', options.kubeconfigPath, ...(options.args ?? [])],
    { env: { ...(options.env ?? process.env), ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    // spawn failed (no such runtime): there is no exit event.
    child.once('error', () => resolve(-1));
  });
  return new Promise<SandboxProcess>((resolve, reject) => {
    let ready = false;
    const onChunk = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      options.onOutput?.(text);
      if (ready) return;
      output = (output + text).slice(-OUTPUT_LIMIT);
      const match = /^ready (\S+)$/m.exec(output);
      if (!match) return;
      ready = true;
      signal?.removeEventListener('abort', onAbort);
      const stop = async (): Promise<void> => {
        child.kill('SIGTERM');
        await exited;
      };
      resolve({ pid: child.pid!, url: match[1], exited, stop, kill: () => void child.kill('SIGTERM') });
    };
    // Both streams stay read after ready, so a chatty process never blocks on a full pipe.
    child.stdout!.on('data', onChunk);
    child.stderr!.on('data', onChunk);
    const onAbort = (): void => {
      child.kill('SIGTERM');
      reject(new SandboxProcessError('cancelled', 'the sandbox start was cancelled', output));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.once('error', (error) => {
      signal?.removeEventListener('abort', onAbort);
      reject(
        new SandboxProcessError('exited', `could not run ${options.runtime}: ${error.message}`, output, {
          cause: error,
        }),
      );
    });
    void exited.then((code) => {
      if (ready) return;
      signal?.removeEventListener('abort', onAbort);
      reject(
        new SandboxProcessError(
          'exited',
          `the sandbox cluster stopped before it was ready (exit ${code})`,
          output.trim(),
        ),
      );
    });
  });
}
