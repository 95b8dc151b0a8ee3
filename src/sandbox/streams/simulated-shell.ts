// The few commands a simulated container can run for `kubectl exec`, `kubectl attach` and
// `kubectl run -i … --command -- …`: curl (resolving cluster DNS names and reaching the simulated
// containers behind them, with curl's own verbose and error lines), echo, env, hostname, cat of the
// files the kubelet writes, true/false and `sh -c` (with `exit`). Anything else is `sh: X: not found`, exit 127.
import type { KubeObject } from '../apimachinery/kube-object';
import type { ClusterNetwork } from './cluster-network';
import { CLUSTER_DOMAIN } from './cluster-network';

export interface ShellChunk {
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

export interface ShellResult {
  readonly output: readonly ShellChunk[];
  readonly exitCode: number;
}

export interface ShellContext {
  readonly network: ClusterNetwork;
  /** The pod the command runs in: its namespace picks the DNS search path, its IP is `hostname -i`. */
  readonly pod: KubeObject;
  readonly containerName: string;
  readonly now: Date;
}

const CURL_VERSION = '7.81.0';
const GO_CHUNKING_THRESHOLD = 2048;

const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

class Output {
  readonly chunks: ShellChunk[] = [];
  out(text: string): void {
    if (text) this.chunks.push({ stream: 'stdout', text });
  }
  err(text: string): void {
    if (text) this.chunks.push({ stream: 'stderr', text });
  }
}

/** Splits a `sh -c` script into commands (`;`, `&&`, `||`) of words, honouring quotes and backslashes. */
export function parseScript(script: string): { words: string[]; next: ';' | '&&' | '||' }[] {
  const commands: { words: string[]; next: ';' | '&&' | '||' }[] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  const endWord = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = (next: ';' | '&&' | '||'): void => {
    endWord();
    if (words.length) commands.push({ words, next });
    words = [];
  };
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (c === "'") {
      const end = script.indexOf("'", i + 1);
      word += script.slice(i + 1, end < 0 ? undefined : end);
      inWord = true;
      i = end < 0 ? script.length : end;
    } else if (c === '"') {
      i++;
      while (i < script.length && script[i] !== '"') {
        if (script[i] === '\\' && i + 1 < script.length && '"\\$`'.includes(script[i + 1])) i++;
        word += script[i++];
      }
      inWord = true;
    } else if (c === '\\' && i + 1 < script.length) {
      word += script[++i];
      inWord = true;
    } else if (c === ';' || c === '\n') endCommand(';');
    else if ((c === '&' || c === '|') && script[i + 1] === c) {
      endCommand(c === '&' ? '&&' : '||');
      i++;
    } else if (/\s/.test(c)) endWord();
    else {
      word += c;
      inWord = true;
    }
  }
  endCommand(';');
  return commands;
}

/** Runs one command line (argv, as a container's command + args or an exec's `command` params). */
export function runCommand(argv: readonly string[], context: ShellContext): ShellResult {
  const output = new Output();
  const exitCode = run(argv, context, output);
  return { output: output.chunks, exitCode };
}

function run(argv: readonly string[], context: ShellContext, output: Output): number {
  if (argv.length === 0) return 0;
  const name = argv[0].replace(/^.*\//, '');
  const args = argv.slice(1);
  switch (name) {
    case 'sh':
    case 'bash':
    case 'ash': {
      const at = args.indexOf('-c');
      if (at < 0) return 0;
      let code = 0;
      let skip = false;
      for (const command of parseScript(args[at + 1] ?? '')) {
        if (!skip && command.words[0] === 'exit') return Number(command.words[1] ?? code) || 0;
        if (!skip) code = run(command.words, context, output);
        skip = (command.next === '&&' && code !== 0) || (command.next === '||' && code === 0);
      }
      return code;
    }
    case 'curl':
      return curl(args, context, output);
    case 'echo': {
      const newline = args[0] !== '-n';
      output.out(`${(newline ? args : args.slice(1)).join(' ')}${newline ? '\n' : ''}`);
      return 0;
    }
    case 'env':
    case 'printenv':
      output.out(environment(context).map(([key, value]) => `${key}=${value}\n`).join(''));
      return 0;
    case 'hostname':
      output.out(`${args[0] === '-i' ? (context.pod.status as { podIP?: string } | undefined)?.podIP ?? '' : context.pod.metadata.name}\n`);
      return 0;
    case 'cat':
      return cat(args, context, output);
    case 'true':
    case 'sleep':
      return 0;
    case 'false':
      return 1;
    default:
      output.err(`sh: ${argv[0]}: not found\n`);
      return 127;
  }
}

interface Container {
  name?: string;
  env?: { name: string; value?: string }[];
}

function environment(context: ShellContext): [string, string][] {
  const container = ((context.pod.spec as { containers?: Container[] } | undefined)?.containers ?? []).find((c) => c.name === context.containerName);
  const kubernetes = context.network.objects.get('services', 'default', 'kubernetes');
  const apiIp = (kubernetes?.spec as { clusterIP?: string } | undefined)?.clusterIP ?? '';
  return [
    ['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    ['HOSTNAME', context.pod.metadata.name!],
    ...(container?.env ?? []).filter((entry) => entry.value !== undefined).map((entry): [string, string] => [entry.name, entry.value!]),
    ['KUBERNETES_SERVICE_HOST', apiIp],
    ['KUBERNETES_SERVICE_PORT', '443'],
    ['KUBERNETES_SERVICE_PORT_HTTPS', '443'],
    ['KUBERNETES_PORT', `tcp://${apiIp}:443`],
    ['HOME', '/root'],
  ];
}

function cat(files: readonly string[], context: ShellContext, output: Output): number {
  let code = 0;
  for (const file of files) {
    const content = kubeletFile(file, context);
    if (content === undefined) {
      output.err(`cat: can't open '${file}': No such file or directory\n`);
      code = 1;
    } else output.out(content);
  }
  return code;
}

/** The files the kubelet mounts into every container. */
function kubeletFile(file: string, context: ShellContext): string | undefined {
  const pod = context.pod;
  const podIp = (pod.status as { podIP?: string } | undefined)?.podIP ?? '';
  if (file === '/etc/hostname') return `${pod.metadata.name}\n`;
  if (file === '/etc/hosts') {
    return [
      '# Kubernetes-managed hosts file.',
      '127.0.0.1\tlocalhost',
      '::1\tlocalhost ip6-localhost ip6-loopback',
      'fe00::0\tip6-localnet',
      'fe00::0\tip6-mcastprefix',
      'fe00::1\tip6-allnodes',
      'fe00::2\tip6-allrouters',
      `${podIp}\t${pod.metadata.name}`,
      '',
    ].join('\n');
  }
  if (file === '/etc/resolv.conf') {
    const dns = context.network.objects.get('services', 'kube-system', 'kube-dns');
    const nameserver = (dns?.spec as { clusterIP?: string } | undefined)?.clusterIP ?? '10.3.240.10';
    const ns = pod.metadata.namespace;
    return `nameserver ${nameserver}\nsearch ${ns}.svc.${CLUSTER_DOMAIN} svc.${CLUSTER_DOMAIN} ${CLUSTER_DOMAIN}\noptions ndots:5\n`;
  }
  return undefined;
}

// ── curl ────────────────────────────────────────────────────────────────────────────────────

interface CurlOptions {
  verbose: boolean;
  silent: boolean;
  showError: boolean;
  include: boolean;
  head: boolean;
  fail: boolean;
  output?: string;
  writeOut?: string;
  method?: string;
  headers: string[];
  url?: string;
}

const CURL_VALUE_OPTIONS: Record<string, keyof CurlOptions> = {
  '-o': 'output',
  '--output': 'output',
  '-w': 'writeOut',
  '--write-out': 'writeOut',
  '-X': 'method',
  '--request': 'method',
};
const CURL_FLAGS: Record<string, keyof CurlOptions> = {
  v: 'verbose',
  s: 'silent',
  S: 'showError',
  i: 'include',
  I: 'head',
  f: 'fail',
};
const CURL_LONG_FLAGS: Record<string, keyof CurlOptions> = {
  '--verbose': 'verbose',
  '--silent': 'silent',
  '--show-error': 'showError',
  '--include': 'include',
  '--head': 'head',
  '--fail': 'fail',
};
/** Options curl accepts that change nothing here (redirects, timeouts, TLS checks, retries). */
const CURL_IGNORED_WITH_VALUE = new Set(['-m', '--max-time', '--connect-timeout', '--retry', '-d', '--data', '-u', '--user']);

function parseCurl(args: readonly string[]): CurlOptions | string {
  const options: CurlOptions = { verbose: false, silent: false, showError: false, include: false, head: false, fail: false, headers: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg in CURL_VALUE_OPTIONS) (options as unknown as Record<string, string>)[CURL_VALUE_OPTIONS[arg]] = args[++i] ?? '';
    else if (arg === '-H' || arg === '--header') options.headers.push(args[++i] ?? '');
    else if (arg in CURL_LONG_FLAGS) (options as unknown as Record<string, boolean>)[CURL_LONG_FLAGS[arg]] = true;
    else if (CURL_IGNORED_WITH_VALUE.has(arg)) i++;
    else if (arg.startsWith('--')) continue;
    else if (arg.startsWith('-') && arg.length > 1) {
      for (const flag of arg.slice(1)) {
        if (flag in CURL_FLAGS) (options as unknown as Record<string, boolean>)[CURL_FLAGS[flag]] = true;
        else if (!'Lkq'.includes(flag)) return `curl: option ${arg}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n`;
      }
    } else options.url ??= arg;
  }
  return options;
}

function httpDate(now: Date): string {
  return now.toUTCString();
}

/** curl's progress meter as it prints when its output is not a terminal: header, then the final totals. */
function progressMeter(total: number): [string, string] {
  const size = (bytes: number): string => (bytes < 100000 ? String(bytes) : `${Math.round(bytes / 1024)}k`).padStart(5);
  const head = '  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n';
  const speed = size(total * 10);
  const line = `\r100 ${size(total)}  100 ${size(total)}    0     0 ${speed}      0 --:--:-- --:--:-- --:--:-- ${speed}\n`;
  return [head, line];
}

function curl(args: readonly string[], context: ShellContext, output: Output): number {
  const parsed = parseCurl(args);
  if (typeof parsed === 'string') {
    output.err(parsed);
    return 2;
  }
  const options = parsed;
  const showErrors = !options.silent || options.showError;
  const fail = (code: number, message: string): number => {
    if (options.verbose) output.err(`* ${message}\n`);
    if (showErrors) output.err(`curl: (${code}) ${message}\n`);
    return code;
  };
  if (!options.url) {
    output.err("curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information\n");
    return 2;
  }
  const url = URL.canParse(options.url) && /^[a-z]+:\/\//i.test(options.url) ? new URL(options.url) : URL.canParse(`http://${options.url}`) ? new URL(`http://${options.url}`) : undefined;
  if (!url) return fail(3, 'URL using bad/illegal format or missing URL');
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail(1, `Protocol "${url.protocol.slice(0, -1)}" not supported or disabled in libcurl`);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname;
  const meter = options.silent ? undefined : progressMeter(0);
  if (meter) output.err(meter[0]);
  const ip = context.network.resolve(host, context.pod.metadata.namespace!);
  if (!ip) return fail(6, `Could not resolve host: ${host}`);
  if (options.verbose) output.err(`*   Trying ${ip}:${port}...\n`);
  const destination = context.network.connect(ip, port, context.pod);
  const answer = destination && context.network.request(destination, { method: options.head ? 'HEAD' : (options.method ?? 'GET'), path: url.pathname, query: url.searchParams });
  if (!destination || !answer) {
    if (options.verbose) output.err(`* connect to ${ip} port ${port} failed: Connection refused\n`);
    const code = fail(7, `Failed to connect to ${host} port ${port} after 0 ms: Connection refused`);
    if (options.verbose) output.err('* Closing connection 0\n');
    return code;
  }
  if (options.verbose) output.err(`* Connected to ${host} (${ip}) port ${port} (#0)\n`);
  if (url.protocol === 'https:') {
    // The simulated containers speak plain HTTP; a TLS handshake against them fails like this.
    return fail(35, 'error:1408F10B:SSL routines:ssl3_get_record:wrong version number');
  }
  const method = options.head ? 'HEAD' : (options.method ?? 'GET');
  if (options.verbose) {
    const hostHeader = url.port ? `${host}:${url.port}` : host;
    const requestLines = [`${method} ${url.pathname}${url.search} HTTP/1.1`, `Host: ${hostHeader}`, `User-Agent: curl/${CURL_VERSION}`, 'Accept: */*', ...options.headers, ''];
    output.err(requestLines.map((line) => `> ${line}\n`).join(''));
    output.err('* Mark bundle as not supporting multiuse\n');
  }
  const body = method === 'HEAD' ? '' : answer.body;
  const length = Buffer.byteLength(answer.body);
  const headers = [
    `HTTP/1.1 ${answer.status} ${REASONS[answer.status] ?? ''}`.trimEnd(),
    ...(answer.body || answer.status !== 401 ? [`Content-Type: ${answer.contentType}`] : []),
    `Date: ${httpDate(context.now)}`,
    length > GO_CHUNKING_THRESHOLD ? 'Transfer-Encoding: chunked' : `Content-Length: ${length}`,
    '',
  ];
  if (options.verbose) output.err(headers.map((line) => `< ${line}\n`).join(''));
  if (options.fail && answer.status >= 400) {
    const code = fail(22, `The requested URL returned error: ${answer.status}`);
    return code;
  }
  const toStdout = !options.output || options.output === '-';
  if (options.include || options.head) output.out(headers.map((line) => `${line}\r\n`).join(''));
  if (body && options.verbose && meter) output.err(`{ [${Buffer.byteLength(body)} bytes data]\n`);
  if (toStdout) output.out(body);
  if (meter) output.err(progressMeter(Buffer.byteLength(body))[1]);
  if (options.verbose) output.err(`* Connection #0 to host ${host} left intact\n`);
  if (options.writeOut !== undefined) output.out(writeOut(options.writeOut, answer.status, Buffer.byteLength(body)));
  return 0;
}

/** `-w`: the variables scripts use most, and curl's backslash escapes. */
function writeOut(format: string, status: number, size: number): string {
  const variables: Record<string, string> = { http_code: String(status), response_code: String(status), size_download: String(size), exitcode: '0' };
  return format.replace(/%\{(\w+)\}/g, (whole, name: string) => variables[name] ?? whole).replace(/\\n/g, '\n').replace(/\\t/g, '\t');
}
