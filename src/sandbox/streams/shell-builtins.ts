// The small commands of a simulated container: echo, printf, env, hostname, ls (-l -a -A -1 -d),
// test/[ (what `kubectl cp` asks: `test -d`), mkdir, touch, rm, pwd, whoami, true/false/sleep.
// `ls -l` prints GNU coreutils' long format with `LC_ALL=C` sorting.
import type { FileNode } from './shell-files';
import { absolute } from './shell-files';
import type { Builtin, Invocation } from './shell-io';

export const echo: Builtin = (call) => {
  let args = [...call.args];
  let newline = true;
  let escapes = false;
  while (args[0] && /^-[neE]+$/.test(args[0])) {
    if (args[0].includes('n')) newline = false;
    if (args[0].includes('e')) escapes = true;
    args = args.slice(1);
  }
  const text = args.join(' ');
  call.output.out(`${escapes ? unescape(text) : text}${newline ? '\n' : ''}`);
  return 0;
};

function unescape(text: string): string {
  const table: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', a: '\x07', b: '\b', e: '\x1b' };
  return text.replace(/\\([ntr\\abe])/g, (_whole, c: string) => table[c]);
}

/** printf with `%s`, `%d` and `%%`; the format is reused while arguments remain, as POSIX printf does. */
export const printf: Builtin = (call) => {
  const [format = '', ...values] = call.args;
  let out = '';
  let rest = values;
  do {
    let used = 0;
    out += unescape(format).replace(/%([sdq%])/g, (_whole, kind: string) => {
      if (kind === '%') return '%';
      const value = rest[used++] ?? '';
      return kind === 'd' ? String(Number.parseInt(value, 10) || 0) : value;
    });
    rest = rest.slice(used);
    if (used === 0) break;
  } while (rest.length > 0);
  call.output.out(out);
  return 0;
};

export const env: Builtin = (call) => {
  call.output.out(call.environment.map(([key, value]) => `${key}=${value}\n`).join(''));
  return 0;
};

export const printenv: Builtin = (call) => {
  if (call.args.length === 0) return env(call);
  let code = 0;
  for (const name of call.args) {
    const found = call.environment.find(([key]) => key === name);
    if (found) call.output.out(`${found[1]}\n`);
    else code = 1;
  }
  return code;
};

export const hostname: Builtin = (call) => {
  const pod = call.context.pod;
  call.output.out(
    `${call.args[0] === '-i' ? ((pod.status as { podIP?: string } | undefined)?.podIP ?? '') : pod.metadata.name}\n`,
  );
  return 0;
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function modeString(node: FileNode): string {
  const kind = node.kind === 'dir' ? 'd' : node.kind === 'link' ? 'l' : '-';
  const bits = 'rwxrwxrwx'
    .split('')
    .map((letter, i) => (node.mode & (1 << (8 - i)) ? letter : '-'))
    .join('');
  return kind + bits;
}

const sizeOf = (node: FileNode): number =>
  node.kind === 'dir' ? 4096 : node.kind === 'link' ? node.target!.length : (node.data?.length ?? 0);

function longLines(entries: { name: string; node: FileNode }[]): string[] {
  const sizes = entries.map((entry) => String(sizeOf(entry.node)));
  const width = Math.max(0, ...sizes.map((size) => size.length));
  return entries.map(({ name, node }, i) => {
    const t = node.mtime;
    const date = `${MONTHS[t.getUTCMonth()]} ${String(t.getUTCDate()).padStart(2)} ${String(t.getUTCHours()).padStart(2, '0')}:${String(t.getUTCMinutes()).padStart(2, '0')}`;
    const links = node.kind === 'dir' ? 2 : 1;
    return `${modeString(node)} ${links} root root ${sizes[i].padStart(width)} ${date} ${name}${node.kind === 'link' ? ` -> ${node.target}` : ''}`;
  });
}

export const ls: Builtin = (call) => {
  const flags = new Set<string>();
  const paths: string[] = [];
  for (const arg of call.args) {
    if (arg.startsWith('-') && arg.length > 1 && !arg.startsWith('--'))
      for (const flag of arg.slice(1)) flags.add(flag);
    else if (arg === '--all') flags.add('a');
    else if (!arg.startsWith('--')) paths.push(arg);
  }
  const long = flags.has('l');
  const print = (entries: { name: string; node: FileNode }[], total: boolean): void => {
    if (!long) call.output.out(entries.map((entry) => `${entry.name}\n`).join(''));
    else {
      const blocks = entries.reduce(
        (sum, entry) => sum + (entry.node.kind === 'link' ? 0 : Math.ceil(sizeOf(entry.node) / 4096) * 4),
        0,
      );
      call.output.out(
        `${total ? `total ${blocks}\n` : ''}${longLines(entries)
          .map((line) => `${line}\n`)
          .join('')}`,
      );
    }
  };
  let code = 0;
  const targets = paths.length ? paths : ['.'];
  const files: { name: string; node: FileNode }[] = [];
  const dirs: string[] = [];
  for (const path of targets) {
    // `ls -l` shows a symlink itself; `ls` of a link to a directory lists the directory.
    const node = call.fs.stat(path, !long || path.endsWith('/'));
    if (!node) {
      call.output.err(`ls: cannot access '${path}': No such file or directory\n`);
      code = 2;
    } else if (node.kind === 'dir' && !flags.has('d')) dirs.push(path);
    else files.push({ name: path, node });
  }
  if (files.length) print(files, false);
  for (const [i, path] of dirs.entries()) {
    if (files.length || dirs.length > 1) call.output.out(`${files.length || i > 0 ? '\n' : ''}${path}:\n`);
    const at = absolute(path);
    const names = call.fs.list(at).filter((name) => flags.has('a') || flags.has('A') || !name.startsWith('.'));
    const entries = names.map((name) => ({ name, node: call.fs.stat(`${at}/${name}`, false)! }));
    if (flags.has('a'))
      entries.unshift({ name: '.', node: call.fs.stat(at)! }, { name: '..', node: call.fs.stat(`${at}/..`)! });
    print(entries, true);
  }
  return code;
};

/** `test` and `[`: file tests, string tests and integer comparisons, with `!`. */
export const test: Builtin = (call) => {
  const args =
    call.name === '[' ? (call.args[call.args.length - 1] === ']' ? call.args.slice(0, -1) : undefined) : [...call.args];
  if (!args) {
    call.output.err('sh: missing ]\n');
    return 2;
  }
  const evaluate = (words: readonly string[]): boolean => {
    if (words[0] === '!') return !evaluate(words.slice(1));
    if (words.length === 0) return false;
    if (words.length === 1) return words[0] !== '';
    if (words.length === 2) {
      const node = call.fs.stat(words[1]);
      switch (words[0]) {
        case '-d':
          return node?.kind === 'dir';
        case '-f':
          return node?.kind === 'file';
        case '-e':
          return node !== undefined;
        case '-s':
          return (node?.data?.length ?? 0) > 0;
        case '-z':
          return words[1] === '';
        case '-n':
          return words[1] !== '';
        default:
          return false;
      }
    }
    const [left, op, right] = words;
    const numbers: Record<string, (a: number, b: number) => boolean> = {
      '-eq': (a, b) => a === b,
      '-ne': (a, b) => a !== b,
      '-lt': (a, b) => a < b,
      '-le': (a, b) => a <= b,
      '-gt': (a, b) => a > b,
      '-ge': (a, b) => a >= b,
    };
    if (op === '=' || op === '==') return left === right;
    if (op === '!=') return left !== right;
    if (op in numbers) return numbers[op](Number(left), Number(right));
    return false;
  };
  return evaluate(args) ? 0 : 1;
};

export const mkdir: Builtin = (call) => {
  const parents = call.args.some((arg) => /^-\w*p/.test(arg));
  let code = 0;
  for (const path of call.args.filter((arg) => !arg.startsWith('-'))) {
    const steps = parents
      ? absolute(path)
          .split('/')
          .filter(Boolean)
          .map((_part, i, all) => `/${all.slice(0, i + 1).join('/')}`)
      : [path];
    for (const step of steps) {
      const failure = call.fs.mkdir(step);
      if (failure && !(parents && failure === 'File exists')) {
        call.output.err(`mkdir: can't create directory '${path}': ${failure}\n`);
        code = 1;
        break;
      }
    }
  }
  return code;
};

export const touch: Builtin = (call) => {
  let code = 0;
  for (const path of call.args.filter((arg) => !arg.startsWith('-'))) {
    const failure = call.fs.stat(path) ? undefined : call.fs.write(path, Buffer.alloc(0));
    if (failure) {
      call.output.err(`touch: ${path}: ${failure}\n`);
      code = 1;
    }
  }
  return code;
};

export const rm: Builtin = (call) => {
  const force = call.args.some((arg) => /^-\w*f/.test(arg));
  let code = 0;
  for (const path of call.args.filter((arg) => !arg.startsWith('-'))) {
    if (call.fs.remove(path)) continue;
    if (call.fs.stat(path)) {
      call.output.err(`rm: can't remove '${path}': Read-only file system\n`);
      code = 1;
    } else if (!force) {
      call.output.err(`rm: can't remove '${path}': No such file or directory\n`);
      code = 1;
    }
  }
  return code;
};

export const pwd: Builtin = (call: Invocation) => {
  call.output.out('/\n');
  return 0;
};

export const whoami: Builtin = (call) => {
  call.output.out('root\n');
  return 0;
};
