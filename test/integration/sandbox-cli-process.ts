// `npm run sandbox` (dist/sandbox.js) as a child process, awaited until it prints `ready <url>`;
// fails, with what it wrote on stderr, when it exits before that.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const cli = path.resolve(__dirname, '..', '..', 'dist', 'sandbox.js');

export interface RunningCli {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** `fileSizeLimitKiB`: the largest file the sandbox may write (bash's `ulimit -f`), a disk that fills. */
export function startSandboxCli(args: string[], fileSizeLimitKiB?: number): Promise<RunningCli> {
  const child =
    fileSizeLimitKiB === undefined
      ? spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('bash', ['-c', `ulimit -f ${fileSizeLimitKiB} && exec "$0" "$@"`, process.execPath, cli, ...args], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk) => (err += chunk));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const ready = /^ready (\S+)$/m.exec(out);
      if (ready) resolve({ child, url: ready[1], stdout: () => out, stderr: () => err, exited });
    });
    void exited.then((code) => reject(new Error(`the sandbox exited (${code}) before it was ready: ${err}`)));
  });
}
