// The text filters tutorials pipe into: grep (-o -i -v -c -n -q -w -E -F -e, basic and extended
// expressions), head and tail (-n, -c, -N), wc (-l -w -c) and cat. Each reads its file arguments or
// its stdin, and answers as GNU coreutils and grep do: exit 1 when grep matches nothing, 2 on errors.
import type { Invocation } from './shell-io';

/** The bytes of each input: the named files, or stdin when none (or `-`) is named. */
function inputs(call: Invocation, files: readonly string[], tool: string): { name: string; data: Buffer }[] | number {
  if (files.length === 0) return [{ name: '(standard input)', data: call.stdin }];
  const found: { name: string; data: Buffer }[] = [];
  let missing = false;
  for (const file of files) {
    if (file === '-') {
      found.push({ name: '(standard input)', data: call.stdin });
      continue;
    }
    const node = call.fs.stat(file);
    if (!node) {
      call.output.err(`${tool}: ${file}: No such file or directory\n`);
      missing = true;
    } else if (node.kind === 'dir') {
      call.output.err(`${tool}: ${file}: Is a directory\n`);
      missing = true;
    } else found.push({ name: file, data: node.data ?? Buffer.alloc(0) });
  }
  return missing && found.length === 0 ? (tool === 'grep' ? 2 : 1) : found;
}

/** Lines of a text, without the final newline's empty tail. */
function lines(data: Buffer): string[] {
  const all = data.toString('utf8').split('\n');
  if (all[all.length - 1] === '') all.pop();
  return all;
}

export function cat(call: Invocation): number {
  let code = 0;
  for (const file of call.args.filter((arg) => arg !== '-u').length ? call.args.filter((arg) => arg !== '-u') : ['-']) {
    if (file === '-') {
      call.output.out(call.stdin);
      continue;
    }
    const node = call.fs.stat(file);
    if (!node) {
      call.output.err(`cat: ${file}: No such file or directory\n`);
      code = 1;
    } else if (node.kind === 'dir') {
      call.output.err(`cat: ${file}: Is a directory\n`);
      code = 1;
    } else call.output.out(node.data ?? Buffer.alloc(0));
  }
  return code;
}

/** A POSIX basic regular expression in JavaScript's syntax: `\(`, `\|`, `\+` are the operators, bare ones literal. */
function fromBasic(pattern: string): string {
  let result = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) {
      const next = pattern[++i];
      result += '(){}|+?'.includes(next) ? next : `\\${next}`;
    } else result += '(){}|+?'.includes(c) ? `\\${c}` : c;
  }
  return result;
}

export function grep(call: Invocation): number {
  const flags = new Set<string>();
  const patterns: string[] = [];
  const files: string[] = [];
  const args = call.args;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-e' || arg === '--regexp') patterns.push(args[++i] ?? '');
    else if (arg.startsWith('--')) flags.add(arg);
    else if (arg.startsWith('-') && arg.length > 1) {
      for (let at = 1; at < arg.length; at++) {
        if (arg[at] === 'e') {
          patterns.push(at + 1 < arg.length ? arg.slice(at + 1) : (args[++i] ?? ''));
          break;
        }
        if (!'oivcEFnqwhHsl'.includes(arg[at])) {
          call.output.err(
            `grep: invalid option -- '${arg[at]}'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n`,
          );
          return 2;
        }
        flags.add(arg[at]);
      }
    } else files.push(arg);
  }
  if (patterns.length === 0) {
    if (files.length === 0) {
      call.output.err("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
      return 2;
    }
    patterns.push(files.shift()!);
  }
  const source = patterns
    .flatMap((pattern) => pattern.split('\n'))
    .map((pattern) =>
      flags.has('F')
        ? pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        : flags.has('E') || flags.has('--extended-regexp')
          ? pattern
          : fromBasic(pattern),
    )
    .map((pattern) => (flags.has('w') ? `(?<![\\w])(?:${pattern})(?![\\w])` : pattern))
    .join('|');
  let expression: RegExp;
  try {
    expression = new RegExp(source, flags.has('i') || flags.has('--ignore-case') ? 'gi' : 'g');
  } catch {
    call.output.err('grep: Invalid regular expression\n');
    return 2;
  }
  const found = inputs(call, files, 'grep');
  if (typeof found === 'number') return found;
  const invert = flags.has('v');
  const prefixNames = (files.length > 1 || flags.has('H')) && !flags.has('h');
  let matched = 0;
  let errors = found.length < files.length;
  for (const input of found) {
    let count = 0;
    const lineList = lines(input.data);
    for (let n = 0; n < lineList.length; n++) {
      const line = lineList[n];
      const hits = [...line.matchAll(expression)];
      const selected = invert ? hits.length === 0 : hits.length > 0;
      if (!selected) continue;
      count++;
      if (flags.has('q') || flags.has('c') || flags.has('l')) continue;
      const prefix = `${prefixNames ? `${input.name}:` : ''}${flags.has('n') ? `${n + 1}:` : ''}`;
      if (!flags.has('o') || invert) call.output.out(`${prefix}${line}\n`);
      else for (const hit of hits.filter((match) => match[0] !== '')) call.output.out(`${prefix}${hit[0]}\n`);
    }
    matched += count;
    if (flags.has('c')) call.output.out(`${prefixNames ? `${input.name}:` : ''}${count}\n`);
    if (flags.has('l') && count > 0) call.output.out(`${input.name}\n`);
  }
  if (flags.has('q') && matched > 0) return 0;
  if (flags.has('s')) errors = false;
  return errors ? 2 : matched > 0 ? 0 : 1;
}

/** `head`/`tail` counts: `-n N`, `-nN`, `-N`, `-c N`. */
function countOption(call: Invocation): { count: number; bytes: boolean; files: string[] } | undefined {
  let count = 10;
  let bytes = false;
  const files: string[] = [];
  for (let i = 0; i < call.args.length; i++) {
    const arg = call.args[i];
    const value = /^-([nc])(\S*)$/.exec(arg);
    if (value) {
      bytes = value[1] === 'c';
      count = Number((value[2] || call.args[++i]) ?? '');
    } else if (/^-\d+$/.test(arg)) count = Number(arg.slice(1));
    else if (arg.startsWith('--lines=')) count = Number(arg.slice(8));
    else files.push(arg);
    if (!Number.isFinite(count)) {
      call.output.err(`${call.name}: invalid number of lines: '${arg}'\n`);
      return undefined;
    }
  }
  return { count: Math.abs(count), bytes, files };
}

function headOrTail(call: Invocation, fromEnd: boolean): number {
  const options = countOption(call);
  if (!options) return 1;
  const found = inputs(call, options.files, call.name);
  if (typeof found === 'number') return found;
  for (const input of found) {
    if (found.length > 1) call.output.out(`==> ${input.name} <==\n`);
    if (options.bytes)
      call.output.out(
        fromEnd
          ? input.data.subarray(Math.max(0, input.data.length - options.count))
          : input.data.subarray(0, options.count),
      );
    else {
      const all = lines(input.data);
      const picked = fromEnd ? all.slice(Math.max(0, all.length - options.count)) : all.slice(0, options.count);
      call.output.out(picked.map((line) => `${line}\n`).join(''));
    }
  }
  return found.length < options.files.length ? 1 : 0;
}

export const head = (call: Invocation): number => headOrTail(call, false);
export const tail = (call: Invocation): number => headOrTail(call, true);

export function wc(call: Invocation): number {
  const flags = new Set<string>();
  const files: string[] = [];
  for (const arg of call.args) {
    if (arg.startsWith('-') && arg.length > 1) for (const flag of arg.slice(1)) flags.add(flag);
    else files.push(arg);
  }
  const shown = flags.size
    ? ['l', 'w', 'c'].filter((flag) => flags.has(flag) || (flag === 'c' && flags.has('m')))
    : ['l', 'w', 'c'];
  const found = inputs(call, files, 'wc');
  if (typeof found === 'number') return found;
  const rows = found.map((input) => {
    const text = input.data.toString('utf8');
    const counts: Record<string, number> = {
      l: (text.match(/\n/g) ?? []).length,
      w: text.split(/\s+/).filter(Boolean).length,
      c: input.data.length,
    };
    return { name: files.length ? input.name : '', counts };
  });
  if (rows.length > 1)
    rows.push({
      name: 'total',
      counts: Object.fromEntries(
        ['l', 'w', 'c'].map((flag) => [flag, rows.reduce((sum, row) => sum + row.counts[flag], 0)]),
      ),
    });
  // GNU wc: one count from stdin is printed bare; otherwise columns as wide as the largest count.
  const width =
    shown.length === 1 && files.length <= 1
      ? 0
      : Math.max(files.length ? 1 : 7, ...rows.flatMap((row) => shown.map((flag) => String(row.counts[flag]).length)));
  for (const row of rows)
    call.output.out(
      `${shown.map((flag) => String(row.counts[flag]).padStart(width)).join(' ')}${row.name ? ` ${row.name}` : ''}\n`,
    );
  return found.length < files.length ? 1 : 0;
}
