// The lock that keeps one sandbox per state directory, shared by every VS Code window on the
// machine (they share the extension's global storage). `sandbox.lock` names the window that
// started it (ownerPid), the sandbox process and its URL. A window that finds a live sandbox
// attaches to it instead of starting a second one on the same state; a lock whose processes are
// gone (a crash, a window killed) is stale and taken over.
//
// The lock appears whole or not at all: it is written to a private file and hard-linked into
// place, and link(2) fails with EEXIST when a lock is already there.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { isProcessAlive } from '../process-alive';

export interface SandboxLock {
  /** The process (extension host) that started the sandbox and stops it when its window closes. */
  readonly ownerPid: number;
  /** Set once the sandbox is ready. */
  readonly sandboxPid?: number;
  readonly url?: string;
  readonly startedAt: string;
}

export type SandboxClaim =
  /** This caller holds the lock and starts the sandbox. */
  | { readonly kind: 'claimed' }
  /** A sandbox runs (or is stopping): attach to it, or wait until it has gone. */
  | { readonly kind: 'running'; readonly lock: SandboxLock & { sandboxPid: number; url: string } }
  /** Another window is starting it now. */
  | { readonly kind: 'starting'; readonly lock: SandboxLock };

export function readSandboxLock(file: string): SandboxLock | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const lock = JSON.parse(text) as SandboxLock;
    return typeof lock.ownerPid === 'number' ? lock : undefined;
  } catch {
    // Not ours or damaged: treated as a stale lock.
    return undefined;
  }
}

function privateCopy(file: string, lock: SandboxLock): string {
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(lock)}\n`, { mode: 0o600 });
  return temporary;
}

/** Takes the lock for `ownerPid`, or says who has it. A stale lock is removed and taken over. */
export function claimSandboxLock(
  file: string,
  ownerPid: number,
  isAlive: (pid: number) => boolean = isProcessAlive,
): SandboxClaim {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    const temporary = privateCopy(file, { ownerPid, startedAt: new Date().toISOString() });
    try {
      fs.linkSync(temporary, file);
      return { kind: 'claimed' };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      fs.rmSync(temporary, { force: true });
    }
    const lock = readSandboxLock(file);
    if (lock?.sandboxPid !== undefined && lock.url && isAlive(lock.sandboxPid)) {
      return { kind: 'running', lock: { ...lock, sandboxPid: lock.sandboxPid, url: lock.url } };
    }
    if (lock && lock.sandboxPid === undefined && isAlive(lock.ownerPid)) return { kind: 'starting', lock };
    // Stale. Two windows meeting the same stale lock in the same instant may both remove it; the
    // second removal then takes a fresh lock, a race narrow enough to leave to the retry.
    fs.rmSync(file, { force: true });
  }
  throw new Error(`could not take the sandbox lock ${file}: it keeps changing`);
}

/** Rewrites the lock (after the sandbox is ready, or when a window adopts an orphaned sandbox). */
export function writeSandboxLock(file: string, lock: SandboxLock): void {
  fs.renameSync(privateCopy(file, lock), file);
}

/** Removes the lock when it still names `sandboxPid` (or, with none given, when nobody has set one). */
export function releaseSandboxLock(file: string, sandboxPid?: number): void {
  const lock = readSandboxLock(file);
  if (lock && lock.sandboxPid !== sandboxPid) return;
  fs.rmSync(file, { force: true });
}

/** True when something accepts TCP connections at the URL's host and port. */
export function isServing(url: string, timeoutMs = 2000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    const done = (serving: boolean): void => {
      socket.destroy();
      resolve(serving);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
