// tar in a simulated container, enough for `kubectl cp`: kubectl 1.32 (staging/src/k8s.io/kubectl/
// pkg/cmd/cp/cp.go) runs `tar cf - <path>` to copy out and `tar [--no-same-permissions
// --no-same-owner] -xmf - -C <dir>` to copy in. Writes and reads the ustar format (POSIX.1-1988,
// with the pax `path` record Go's archive/tar uses for long names); -t lists, -v names each member.
import { absolute, parentOf } from './shell-files';
import type { Builtin, Invocation } from './shell-io';

const BLOCK = 512;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(name: string, kind: '0' | '2' | '5', size: number, mode: number, mtime: Date, link = ''): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(name.slice(0, 100), 0, 'utf8');
  block.write(octal(mode & 0o7777, 8), 100);
  block.write(octal(0, 8), 108);
  block.write(octal(0, 8), 116);
  block.write(octal(size, 12), 124);
  block.write(octal(Math.floor(mtime.getTime() / 1000), 12), 136);
  block.write('        ', 148);
  block.write(kind, 156);
  block.write(link.slice(0, 100), 157, 'utf8');
  block.write('ustar\0' + '00', 257);
  block.write('root', 265);
  block.write('root', 297);
  const sum = block.reduce((total, byte) => total + byte, 0);
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}

const padding = (size: number): Buffer => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

/** The archive of `paths`: each file, each directory with everything below it, each link as a link. */
function create(call: Invocation, paths: readonly string[], verbose: boolean): { archive: Buffer; missing: boolean } {
  const parts: Buffer[] = [];
  let missing = false;
  let warned = false;
  const add = (path: string): void => {
    const node = call.fs.stat(path, false);
    if (!node) {
      call.output.err(`tar: ${path}: No such file or directory\n`);
      missing = true;
      return;
    }
    let name = path.replace(/^\/+/, '');
    if (name !== path && !warned) {
      call.output.err("tar: removing leading '/' from member names\n");
      warned = true;
    }
    if (node.kind === 'dir') name = `${name.replace(/\/$/, '')}/`;
    if (verbose) call.output.err(`${name}\n`);
    if (node.kind === 'dir') {
      parts.push(header(name, '5', 0, node.mode, node.mtime));
      for (const child of call.fs.list(path)) add(`${path.replace(/\/$/, '')}/${child}`);
    } else if (node.kind === 'link') parts.push(header(name, '2', 0, node.mode, node.mtime, node.target));
    else {
      const data = node.data ?? Buffer.alloc(0);
      parts.push(header(name, '0', data.length, node.mode, node.mtime), data, padding(data.length));
    }
  };
  for (const path of paths) add(path);
  parts.push(Buffer.alloc(BLOCK * 2));
  return { archive: Buffer.concat(parts), missing };
}

interface Member {
  name: string;
  kind: string;
  data: Buffer;
  link: string;
}

const field = (block: Buffer, start: number, length: number): string =>
  block
    .subarray(start, start + length)
    .toString('utf8')
    .replace(/\0.*$/s, '');

/** The members of an archive; a pax header's `path` names the member after it. */
function members(archive: Buffer): Member[] | string {
  const found: Member[] = [];
  let longName: string | undefined;
  for (let at = 0; at + BLOCK <= archive.length;) {
    const block = archive.subarray(at, at + BLOCK);
    if (block.every((byte) => byte === 0)) break;
    const size = Number.parseInt(field(block, 124, 12).trim() || '0', 8);
    if (!Number.isFinite(size) || !field(block, 257, 6).startsWith('ustar')) return 'invalid tar magic';
    const prefix = field(block, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(block, 0, 100)}` : field(block, 0, 100));
    const kind = String.fromCharCode(block[156] || 48);
    const data = archive.subarray(at + BLOCK, at + BLOCK + size);
    at += BLOCK + size + padding(size).length;
    longName = undefined;
    if (kind === 'x') longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'))?.[1];
    else if (kind === 'L') longName = data.toString('utf8').replace(/\0.*$/s, '');
    else if (kind !== 'g') found.push({ name, kind, data: Buffer.from(data), link: field(block, 157, 100) });
  }
  return found;
}

function extract(call: Invocation, archive: Buffer, directory: string, list: boolean, verbose: boolean): number {
  const parsed = members(archive);
  if (typeof parsed === 'string') {
    call.output.err(`tar: ${parsed}\n`);
    return 1;
  }
  if (list) {
    call.output.out(parsed.map((member) => `${member.name}\n`).join(''));
    return 0;
  }
  const base = call.fs.stat(directory);
  if (base?.kind !== 'dir') {
    call.output.err(`tar: can't change directory to '${directory}': No such file or directory\n`);
    return 1;
  }
  const mkdirs = (path: string): void => {
    const steps = absolute(path).split('/').filter(Boolean);
    for (let i = 1; i <= steps.length; i++) call.fs.mkdir(`/${steps.slice(0, i).join('/')}`);
  };
  for (const member of parsed) {
    const target = absolute(`${directory}/${member.name}`);
    if (verbose) call.output.out(`${member.name}\n`);
    if (member.kind === '5') mkdirs(target);
    else if (member.kind === '0' || member.kind === '7') {
      mkdirs(parentOf(target));
      const failure = call.fs.write(target, member.data);
      if (failure) {
        call.output.err(`tar: can't open '${member.name}': ${failure}\n`);
        return 1;
      }
    }
  }
  return 0;
}

export const tar: Builtin = (call) => {
  const flags = new Set<string>();
  const paths: string[] = [];
  let file: string | undefined;
  let directory = '/';
  const args = [...call.args];
  // The first word may be a bundle without a dash, as in `tar cf - /etc/hosts`.
  if (args[0] && !args[0].startsWith('-')) args[0] = `-${args[0]}`;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-C' || arg === '--directory') directory = args[++i] ?? '/';
    else if (arg.startsWith('--'))
      continue; // --no-same-owner, --no-same-permissions change nothing here.
    else if (arg.startsWith('-') && arg.length > 1) {
      for (let at = 1; at < arg.length; at++) {
        const flag = arg[at];
        if (flag === 'f') {
          file = at + 1 < arg.length ? arg.slice(at + 1) : args[++i];
          break;
        }
        if (flag === 'C') {
          directory = at + 1 < arg.length ? arg.slice(at + 1) : (args[++i] ?? '/');
          break;
        }
        if (flag === 'z' || flag === 'j') {
          call.output.err(`tar: the simulated container's tar does not compress (-${flag})\n`);
          return 1;
        }
        flags.add(flag);
      }
    } else paths.push(arg);
  }
  const verbose = flags.has('v');
  if (flags.has('c')) {
    if (paths.length === 0) {
      call.output.err('tar: empty archive\n');
      return 1;
    }
    const { archive, missing } = create(call, paths, verbose && file !== '-' && file !== undefined);
    if (file === undefined || file === '-') call.output.out(archive);
    else call.fs.write(file, archive);
    if (missing) call.output.err('tar: error exit delayed from previous errors\n');
    return missing ? 1 : 0;
  }
  if (flags.has('x') || flags.has('t')) {
    const archive = file === undefined || file === '-' ? call.stdin : call.fs.stat(file)?.data;
    if (!archive) {
      call.output.err(`tar: can't open '${file}': No such file or directory\n`);
      return 1;
    }
    return extract(call, archive, directory, flags.has('t'), verbose);
  }
  call.output.err('tar: need to specify one of -c, -t, -x\n');
  return 1;
};
