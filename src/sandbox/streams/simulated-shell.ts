// The shell of a simulated container, for `kubectl exec`, `kubectl attach`, `kubectl cp` and
// `kubectl run -i … --command -- …`: runs an argv (or `sh -c`, or a script read from stdin) with
// stdin, pipes, redirections (`>`, `>>`, `<`, `2>&1`, `>&2`, `&>`), `;`, `&&`, `||`, `$?` and
// variables, over the commands of shell-builtins, shell-text-tools, shell-tar and shell-curl.
// Anything else is `sh: X: not found`, exit 127, as busybox's ash says it.
import { curl } from './shell-curl';
import { echo, env, hostname, ls, mkdir, printenv, printf, pwd, rm, test, touch, whoami } from './shell-builtins';
import { ContainerFs } from './shell-files';
import type { Builtin, Invocation, ShellContext, ShellResult } from './shell-io';
import { chunkBytes, Output } from './shell-io';
import type { Redirect, SimpleCommand } from './shell-parse';
import { expandWord, parseScript } from './shell-parse';
import { tar } from './shell-tar';
import { cat, grep, head, tail, wc } from './shell-text-tools';

export type { ShellChunk, ShellContext, ShellResult } from './shell-io';
export { parseScript } from './shell-parse';
export { PodFiles } from './shell-files';

const ok: Builtin = () => 0;

const COMMANDS: Record<string, Builtin> = {
  curl,
  echo,
  printf,
  env,
  printenv,
  hostname,
  ls,
  cat,
  grep,
  egrep: (call) => grep({ ...call, args: ['-E', ...call.args] }),
  head,
  tail,
  wc,
  tar,
  test,
  '[': test,
  mkdir,
  touch,
  rm,
  pwd,
  whoami,
  true: ok,
  sleep: ok,
  ':': ok,
  false: () => 1,
};

interface Container {
  name?: string;
  env?: { name: string; value?: string }[];
}

/** The container's environment: PATH, HOSTNAME, its `env` values, the kubelet's service variables, HOME. */
function environment(context: ShellContext): [string, string][] {
  const container = ((context.pod.spec as { containers?: Container[] } | undefined)?.containers ?? []).find(
    (c) => c.name === context.containerName,
  );
  const kubernetes = context.network.objects.get('services', 'default', 'kubernetes');
  const apiIp = (kubernetes?.spec as { clusterIP?: string } | undefined)?.clusterIP ?? '';
  return [
    ['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    ['HOSTNAME', context.pod.metadata.name!],
    ...(container?.env ?? [])
      .filter((entry) => entry.value !== undefined)
      .map((entry): [string, string] => [entry.name, entry.value!]),
    ['KUBERNETES_SERVICE_HOST', apiIp],
    ['KUBERNETES_SERVICE_PORT', '443'],
    ['KUBERNETES_SERVICE_PORT_HTTPS', '443'],
    ['KUBERNETES_PORT', `tcp://${apiIp}:443`],
    ['HOME', '/root'],
  ];
}

/** stdin that the first command to read takes whole, as a process's reads consume a pipe. */
class Stdin {
  constructor(private data: Buffer) {}
  take(): Buffer {
    const data = this.data;
    this.data = Buffer.alloc(0);
    return data;
  }
}

type Target = { kind: 'stdout' } | { kind: 'stderr' } | { kind: 'file'; path: string } | { kind: 'null' };

/** Signals `exit` from inside a script, with its code. */
class Exit {
  constructor(readonly code: number) {}
}

class Shell {
  readonly fs: ContainerFs;
  private readonly variables = new Map<string, string>();
  private status = 0;

  constructor(private readonly context: ShellContext) {
    this.fs = new ContainerFs(context);
    for (const [key, value] of environment(context)) this.variables.set(key, value);
  }

  /** Where a `$(command)`'s own stderr goes: the stderr of the command being expanded. */
  private errors = new Output();

  private lookup(name: string): string | undefined {
    if (name.startsWith('(')) {
      const captured = new Output();
      this.nested(['-c', name.slice(1)], new Stdin(Buffer.alloc(0)), captured);
      for (const chunk of captured.chunks) if (chunk.stream === 'stderr') this.errors.chunks.push(chunk);
      const printed = Buffer.concat(
        captured.chunks.filter((chunk) => chunk.stream === 'stdout').map(chunkBytes),
      ).toString('utf8');
      return printed.replace(/\n+$/, '');
    }
    if (name === '?') return String(this.status);
    if (name === '$') return '1';
    if (name === '0') return 'sh';
    return this.variables.get(name);
  }

  /** Runs a script; `exit` ends it with its code. */
  script(script: string, stdin: Stdin, output: Output): number {
    try {
      let skip = false;
      for (const command of parseScript(script)) {
        if (!skip) this.status = this.pipeline(command.pipeline, stdin, output);
        skip = (command.next === '&&' && this.status !== 0) || (command.next === '||' && this.status === 0);
      }
      return this.status;
    } catch (error) {
      if (error instanceof Exit) return (this.status = error.code);
      throw error;
    }
  }

  private pipeline(commands: readonly SimpleCommand[], stdin: Stdin, output: Output): number {
    let input = stdin;
    let code = 0;
    for (const [i, command] of commands.entries()) {
      const last = i === commands.length - 1;
      const sink = last ? output : new Output();
      code = this.simple(command, input, sink, output);
      if (!last)
        input = new Stdin(Buffer.concat(sink.chunks.filter((chunk) => chunk.stream === 'stdout').map(chunkBytes)));
    }
    return code;
  }

  /** One command with its redirections: its stdout goes to `sink` (the pipe, or the caller), stderr to `errors`. */
  private simple(command: SimpleCommand, stdin: Stdin, sink: Output, errors: Output): number {
    this.errors = errors;
    const expand = (word: string): string => expandWord(word, (name) => this.lookup(name));
    let words = command.words.map(expand);
    const assignments: [string, string][] = [];
    while (words.length && /^[A-Za-z_]\w*=/.test(words[0])) {
      const at = words[0].indexOf('=');
      assignments.push([words[0].slice(0, at), words[0].slice(at + 1)]);
      words = words.slice(1);
    }
    if (words.length === 0) for (const [key, value] of assignments) this.variables.set(key, value);
    const local = new Output();
    const fds: Record<number, Target> = { 1: { kind: 'stdout' }, 2: { kind: 'stderr' } };
    let input = stdin;
    for (const redirect of command.redirects) {
      const failure = this.redirect(
        { ...redirect, target: expand(redirect.target) },
        fds,
        (data) => (input = new Stdin(data)),
      );
      if (failure) {
        errors.err(`sh: ${failure}\n`);
        return 1;
      }
    }
    const code = words.length ? this.command(words, assignments, input, local) : 0;
    for (const chunk of local.chunks) {
      const target = fds[chunk.stream === 'stdout' ? 1 : 2];
      if (target.kind === 'stdout') sink.chunks.push({ ...chunk, stream: 'stdout' });
      else if (target.kind === 'stderr') errors.chunks.push({ ...chunk, stream: 'stderr' });
      else if (target.kind === 'file') this.fs.write(target.path, chunkBytes(chunk), true);
    }
    return code;
  }

  /** Applies one redirection to the descriptor table; returns ash's complaint when it cannot. */
  private redirect(
    redirect: Redirect,
    fds: Record<number, Target>,
    setStdin: (data: Buffer) => void,
  ): string | undefined {
    if (redirect.op === '>&') {
      const from = fds[Number(redirect.target)];
      if (!from) return `${redirect.target}: Bad file descriptor`;
      fds[redirect.fd] = from;
      return undefined;
    }
    if (redirect.op === '<') {
      const node = this.fs.stat(redirect.target);
      if (!node || node.kind !== 'file') return `can't open ${redirect.target}: no such file`;
      setStdin(node.data ?? Buffer.alloc(0));
      return undefined;
    }
    if (redirect.target === '/dev/null') {
      fds[redirect.fd] = { kind: 'null' };
      return undefined;
    }
    const failure =
      redirect.op === '>>'
        ? this.fs.write(redirect.target, Buffer.alloc(0), true)
        : this.fs.write(redirect.target, Buffer.alloc(0));
    if (failure) return `can't create ${redirect.target}: ${failure.toLowerCase()}`;
    fds[redirect.fd] = { kind: 'file', path: redirect.target };
    return undefined;
  }

  /** Runs one command by name: a shell builtin (`exit`, `export`, `cd`, `sh`), else one of COMMANDS. */
  command(argv: readonly string[], assignments: readonly [string, string][], stdin: Stdin, output: Output): number {
    const name = argv[0].replace(/^.*\//, '');
    const args = argv.slice(1);
    switch (name) {
      case 'exit':
        throw new Exit(args[0] === undefined ? this.status : Number(args[0]) & 0xff || 0);
      case 'export':
      case 'readonly':
        for (const arg of args) {
          const at = arg.indexOf('=');
          if (at > 0) this.variables.set(arg.slice(0, at), arg.slice(at + 1));
        }
        return 0;
      case 'cd':
        if (args[0] && this.fs.stat(args[0])?.kind !== 'dir') {
          output.err(`sh: cd: can't cd to ${args[0]}: No such file or directory\n`);
          return 2;
        }
        return 0;
      case 'sh':
      case 'bash':
      case 'ash':
        return this.nested(args, stdin, output);
    }
    const builtin = COMMANDS[name];
    if (!builtin) {
      output.err(`sh: ${argv[0]}: not found\n`);
      return 127;
    }
    const variables = [...this.variables.entries(), ...assignments].filter(([key]) => !/^[0-9?$]$/.test(key));
    const call: Invocation = {
      name,
      args,
      get stdin() {
        return stdin.take();
      },
      output,
      context: this.context,
      fs: this.fs,
      environment: [...new Map(variables).entries()],
      runScript: (script, input) => this.nested(['-c', script], new Stdin(input), output),
    };
    return builtin(call);
  }

  /** `sh -c script`, `sh file`, or `sh` reading its script from stdin; a nested shell's `exit` ends only it. */
  private nested(args: readonly string[], stdin: Stdin, output: Output): number {
    const inner = new Shell(this.context);
    for (const [key, value] of this.variables) inner.variables.set(key, value);
    const at = args.indexOf('-c');
    if (at >= 0) return inner.script(args[at + 1] ?? '', stdin, output);
    const file = args.find((arg) => !arg.startsWith('-'));
    if (file) {
      const node = this.fs.stat(file);
      if (!node || node.kind !== 'file') {
        output.err(`sh: can't open '${file}': No such file or directory\n`);
        return 2;
      }
      return inner.script(node.data!.toString('utf8'), stdin, output);
    }
    return inner.script(stdin.take().toString('utf8'), new Stdin(Buffer.alloc(0)), output);
  }
}

/**
 * Runs one command line (argv, as a container's command + args or an exec's `command` params) with
 * what the client sent on stdin, if anything. Other callers (probes, container commands) pass no stdin.
 */
export function runCommand(
  argv: readonly string[],
  context: ShellContext,
  stdin: Buffer = Buffer.alloc(0),
): ShellResult {
  const output = new Output();
  if (argv.length === 0) return { output: [], exitCode: 0 };
  const shell = new Shell(context);
  let exitCode: number;
  try {
    exitCode = shell.command(argv, [], new Stdin(stdin), output);
  } catch (error) {
    if (!(error instanceof Exit)) throw error;
    exitCode = error.code;
  }
  return { output: output.chunks, exitCode };
}

const STDIN_READERS = new Set(['sh', 'bash', 'ash', 'cat', 'tar', 'grep', 'egrep', 'head', 'tail', 'wc']);

/**
 * Whether a command run as argv reads its stdin: a shell, or a filter (`cat`, `tar`, `grep`, …). An
 * exec or attach with stdin holds such a command until the client closes stdin; any other runs at once.
 */
export function readsStdin(argv: readonly string[]): boolean {
  return STDIN_READERS.has((argv[0] ?? '').replace(/^.*\//, ''));
}
