// The sandbox cluster of one storage folder (the extension's global storage): start it, or attach
// to the one another window runs on the same state; stop it; reset its state. Its layout:
//   <storage>/sandbox/state/      the cluster's objects, CA and token (the CLI's --state)
//   <storage>/sandbox/kubeconfig  context istio-lab-sandbox (the CLI's --kubeconfig)
//   <storage>/sandbox/sandbox.lock which process runs it (sandbox-lock.ts)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { SandboxLock } from './sandbox-lock';
import { isProcessAlive } from '../process-alive';
import { claimSandboxLock, isServing, readSandboxLock, releaseSandboxLock, writeSandboxLock } from './sandbox-lock';
import type { SandboxProcess } from './sandbox-process';
import { SandboxProcessError, startSandboxProcess } from './sandbox-process';

export interface SandboxPaths {
  readonly dir: string;
  readonly stateDir: string;
  readonly kubeconfig: string;
  readonly lockFile: string;
}

export function sandboxPaths(storageDir: string): SandboxPaths {
  const dir = path.join(storageDir, 'sandbox');
  return {
    dir,
    stateDir: path.join(dir, 'state'),
    kubeconfig: path.join(dir, 'kubeconfig'),
    lockFile: path.join(dir, 'sandbox.lock'),
  };
}

export interface StartSandboxOptions {
  readonly paths: SandboxPaths;
  /** `process.execPath` and dist/sandbox.js (see sandbox-process.ts). */
  readonly runtime: string;
  readonly script: string;
  readonly args?: readonly string[];
  /** Who starts it; the window's extension host (`process.pid`). */
  readonly ownerPid: number;
  readonly signal?: AbortSignal;
  readonly onOutput?: (text: string) => void;
  /** How long to wait for another window's start, or a stopping sandbox to go. Default 60 s. */
  readonly waitMs?: number;
}

export type RunningSandbox =
  /** This window started it and stops it when it closes. */
  | { readonly kind: 'started'; readonly url: string; readonly pid: number; readonly process: SandboxProcess }
  /** Another window (or one that has gone: `adopted`) started it; this one uses it. */
  | { readonly kind: 'attached'; readonly url: string; readonly pid: number; readonly adopted: boolean };

export type SandboxHostErrorCode = 'busy' | 'failed' | 'cancelled';

/** A start that could not finish: `busy` (another process holds the state and does not let go) or `failed` (with the CLI's output). */
export class SandboxHostError extends Error {
  constructor(
    readonly code: SandboxHostErrorCode,
    message: string,
    readonly output = '',
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'SandboxHostError';
  }
}

const POLL_MS = 200;

async function pause(signal: AbortSignal | undefined): Promise<void> {
  try {
    await delay(POLL_MS, undefined, { signal });
  } catch (error) {
    throw new SandboxHostError('cancelled', 'the sandbox start was cancelled', '', { cause: error });
  }
}

/** Starts the sandbox, or attaches to the one already running on these paths. */
export async function startOrAttachSandbox(options: StartSandboxOptions): Promise<RunningSandbox> {
  const { paths, ownerPid, signal } = options;
  const deadline = Date.now() + (options.waitMs ?? 60_000);
  for (;;) {
    const claim = claimSandboxLock(paths.lockFile, ownerPid);
    if (claim.kind === 'claimed') return startClaimed(options);
    if (claim.kind === 'running' && (await isServing(claim.lock.url))) {
      const { lock } = claim;
      // Its window has gone (the sandbox outlived a crashed extension host): this one looks after it now.
      const adopted = lock.ownerPid !== ownerPid && !isProcessAlive(lock.ownerPid);
      if (adopted) writeSandboxLock(paths.lockFile, { ...lock, ownerPid });
      return { kind: 'attached', url: lock.url, pid: lock.sandboxPid, adopted };
    }
    // Another window is starting it, or it is stopping (saving its state): wait and look again.
    if (Date.now() > deadline) {
      const lock: SandboxLock = claim.lock;
      throw new SandboxHostError(
        'busy',
        claim.kind === 'starting'
          ? `another VS Code window (process ${lock.ownerPid}) is starting the sandbox cluster and has not finished`
          : `a sandbox process (${lock.sandboxPid}) holds the sandbox state but does not answer at ${lock.url}`,
      );
    }
    await pause(signal);
  }
}

async function startClaimed(options: StartSandboxOptions): Promise<RunningSandbox> {
  const { paths, signal } = options;
  let started: SandboxProcess;
  try {
    fs.mkdirSync(paths.stateDir, { recursive: true });
    started = await startSandboxProcess({
      runtime: options.runtime,
      script: options.script,
      stateDir: paths.stateDir,
      kubeconfigPath: paths.kubeconfig,
      args: options.args,
      signal,
      onOutput: options.onOutput,
    });
  } catch (error) {
    releaseSandboxLock(paths.lockFile);
    if (error instanceof SandboxProcessError) {
      throw new SandboxHostError(error.code === 'cancelled' ? 'cancelled' : 'failed', error.message, error.output, {
        cause: error,
      });
    }
    throw new SandboxHostError('failed', error instanceof Error ? error.message : String(error), '', { cause: error });
  }
  writeSandboxLock(paths.lockFile, {
    ownerPid: options.ownerPid,
    sandboxPid: started.pid,
    url: started.url,
    startedAt: new Date().toISOString(),
  });
  // However it ends (stopped, crashed), a lock naming it no longer holds anything.
  void started.exited.then(() => releaseSandboxLock(paths.lockFile, started.pid));
  return { kind: 'started', url: started.url, pid: started.pid, process: started };
}

/** Waits until the process has exited; false when it is still there after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) return false;
    await pause(signal);
  }
  return true;
}

/**
 * Stops the sandbox on these paths, whichever window started it; resolves once it has saved its
 * state and exited. False when no sandbox was running.
 */
export async function stopSandbox(paths: SandboxPaths, owned?: SandboxProcess, signal?: AbortSignal): Promise<boolean> {
  if (owned) {
    await owned.stop();
    releaseSandboxLock(paths.lockFile, owned.pid);
    return true;
  }
  const lock = readSandboxLock(paths.lockFile);
  if (lock?.sandboxPid === undefined || !isProcessAlive(lock.sandboxPid)) {
    if (lock?.sandboxPid !== undefined) releaseSandboxLock(paths.lockFile, lock.sandboxPid);
    return false;
  }
  process.kill(lock.sandboxPid, 'SIGTERM');
  if (!(await waitForExit(lock.sandboxPid, 30_000, signal))) {
    throw new SandboxHostError('busy', `the sandbox process ${lock.sandboxPid} did not stop within 30 s`);
  }
  releaseSandboxLock(paths.lockFile, lock.sandboxPid);
  return true;
}

/** Deletes the sandbox's state and kubeconfig; stop it first. */
export function resetSandboxState(paths: SandboxPaths): void {
  fs.rmSync(paths.stateDir, { recursive: true, force: true });
  fs.rmSync(paths.kubeconfig, { force: true });
}

/** The sandbox running on these paths now, from its lock (any window's). */
export function runningSandbox(paths: SandboxPaths): (SandboxLock & { sandboxPid: number; url: string }) | undefined {
  const lock = readSandboxLock(paths.lockFile);
  if (lock?.sandboxPid === undefined || !lock.url || !isProcessAlive(lock.sandboxPid)) return undefined;
  return { ...lock, sandboxPid: lock.sandboxPid, url: lock.url };
}
