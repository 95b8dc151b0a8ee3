// curl 7.81 in a simulated container: resolves cluster DNS names through the pod's search path,
// reaches the simulated container behind a Service or pod IP (or the pod itself on localhost), and
// prints what curl prints: the progress meter, `-v`'s `*`, `> ` and `< ` lines on stderr, `-i`/`-I`
// headers, `-w` variables, and its exit codes (6 resolve, 7 connect, 22 `-f`, 35 TLS).
import type { Invocation } from './shell-io';

const CURL_VERSION = '7.81.0';
/** Go's net/http sends a body above this size chunked rather than with a Content-Length. */
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
  data?: string;
  headers: string[];
  url?: string;
}

const CURL_VALUE_OPTIONS: Record<string, 'output' | 'writeOut' | 'method'> = {
  '-o': 'output',
  '--output': 'output',
  '-w': 'writeOut',
  '--write-out': 'writeOut',
  '-X': 'method',
  '--request': 'method',
};
const CURL_DATA_OPTIONS = new Set(['-d', '--data', '--data-raw', '--data-binary', '--data-ascii']);
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
/** Options that change nothing here (timeouts, TLS checks, retries, credentials). */
const CURL_IGNORED_WITH_VALUE = new Set([
  '-m',
  '--max-time',
  '--connect-timeout',
  '--retry',
  '-u',
  '--user',
  '-A',
  '--user-agent',
  '--cacert',
  '--cert',
  '--key',
  '--resolve',
]);
/** Single-letter flags accepted and without effect here: -L (nothing redirects), -k, -q, -N, -4. */
const CURL_IGNORED_FLAGS = 'LkqN4';
const USAGE = "curl: try 'curl --help' or 'curl --manual' for more information\n";

function parseCurl(args: readonly string[], call: Invocation): CurlOptions | string {
  const options: CurlOptions = {
    verbose: false,
    silent: false,
    showError: false,
    include: false,
    head: false,
    fail: false,
    headers: [],
  };
  const data = (value: string): void => {
    // `-d @-` reads stdin, `-d @file` a file; several `-d` join with `&`.
    const text =
      value === '@-'
        ? call.stdin.toString('utf8').replace(/[\r\n]/g, '')
        : value.startsWith('@')
          ? (call.fs.stat(value.slice(1))?.data?.toString('utf8') ?? '')
          : value;
    options.data = options.data === undefined ? text : `${options.data}&${text}`;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg in CURL_VALUE_OPTIONS) options[CURL_VALUE_OPTIONS[arg]] = args[++i] ?? '';
    else if (CURL_DATA_OPTIONS.has(arg)) data(args[++i] ?? '');
    else if (arg === '-H' || arg === '--header') options.headers.push(args[++i] ?? '');
    else if (arg in CURL_LONG_FLAGS) (options as unknown as Record<string, boolean>)[CURL_LONG_FLAGS[arg]] = true;
    else if (CURL_IGNORED_WITH_VALUE.has(arg)) i++;
    else if (arg.startsWith('--')) continue;
    else if (arg.startsWith('-') && arg.length > 1) {
      for (let at = 1; at < arg.length; at++) {
        const flag = arg[at];
        // A value option ends a bundle: `-sSo file`, `-so/dev/null`.
        const valueOption = `-${flag}`;
        if (valueOption in CURL_VALUE_OPTIONS || valueOption === '-d' || valueOption === '-H') {
          const value = at + 1 < arg.length ? arg.slice(at + 1) : (args[++i] ?? '');
          if (valueOption === '-d') data(value);
          else if (valueOption === '-H') options.headers.push(value);
          else options[CURL_VALUE_OPTIONS[valueOption]] = value;
          break;
        }
        if (flag in CURL_FLAGS) (options as unknown as Record<string, boolean>)[CURL_FLAGS[flag]] = true;
        else if (!CURL_IGNORED_FLAGS.includes(flag)) return `curl: option ${arg}: is unknown\n${USAGE}`;
      }
    } else options.url ??= arg;
  }
  return options;
}

/** curl's progress meter as it prints when its output is not a terminal: header, then the final totals. */
function progressMeter(received: number, sent: number): [string, string] {
  const size = (bytes: number): string => (bytes < 100000 ? String(bytes) : `${Math.round(bytes / 1024)}k`).padStart(5);
  const head =
    '  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n';
  const speed = size(received * 10);
  const line = `\r100 ${size(received + sent)}  100 ${size(received)}  ${sent ? '100' : '  0'} ${size(sent)} ${speed} ${size(sent * 10).padStart(6)} --:--:-- --:--:-- --:--:-- ${speed}\n`;
  return [head, line];
}

/** The request's header lines: curl's own, replaced or removed (`-H 'Name:'`) by the user's. */
function requestHeaders(host: string, options: CurlOptions): string[] {
  const lines: [string, string][] = [
    ['Host', host],
    ['User-Agent', `curl/${CURL_VERSION}`],
    ['Accept', '*/*'],
  ];
  if (options.data !== undefined) {
    lines.push(['Content-Length', String(Buffer.byteLength(options.data))]);
    lines.push(['Content-Type', 'application/x-www-form-urlencoded']);
  }
  for (const header of options.headers) {
    const colon = header.indexOf(':');
    if (colon < 0) continue;
    const name = header.slice(0, colon).trim();
    const value = header.slice(colon + 1).trim();
    const at = lines.findIndex(([existing]) => existing.toLowerCase() === name.toLowerCase());
    if (at >= 0 && !value) lines.splice(at, 1);
    else if (at >= 0) lines[at] = [name, value];
    else if (value) lines.push([name, value]);
  }
  return lines.map(([name, value]) => `${name}: ${value}`);
}

export function curl(call: Invocation): number {
  const { output, context } = call;
  const parsed = parseCurl(call.args, call);
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
    output.err(`curl: no URL specified!\n${USAGE}`);
    return 2;
  }
  const raw = options.url;
  const url =
    URL.canParse(raw) && /^[a-z]+:\/\//i.test(raw)
      ? new URL(raw)
      : URL.canParse(`http://${raw}`)
        ? new URL(`http://${raw}`)
        : undefined;
  if (!url) return fail(3, 'URL using bad/illegal format or missing URL');
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return fail(1, `Protocol "${url.protocol.slice(0, -1)}" not supported or disabled in libcurl`);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname;
  const sent = options.data === undefined ? 0 : Buffer.byteLength(options.data);
  const meter = options.silent ? undefined : progressMeter(0, 0);
  if (meter) output.err(meter[0]);
  const ip = context.network.resolve(host, context.pod.metadata.namespace!);
  if (!ip) return fail(6, `Could not resolve host: ${host}`);
  if (options.verbose) output.err(`*   Trying ${ip}:${port}...\n`);
  const method = options.head ? 'HEAD' : (options.method ?? (options.data !== undefined ? 'POST' : 'GET'));
  const destination = context.network.connect(ip, port, context.pod);
  const answer =
    destination && context.network.request(destination, { method, path: url.pathname, query: url.searchParams });
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
  if (options.verbose) {
    const requestLines = [
      `${method} ${url.pathname}${url.search} HTTP/1.1`,
      ...requestHeaders(url.port ? `${host}:${url.port}` : host, options),
      '',
    ];
    output.err(requestLines.map((line) => `> ${line}\n`).join(''));
    if (sent && meter) output.err(`} [${sent} bytes data]\n`);
    output.err('* Mark bundle as not supporting multiuse\n');
  }
  const body = method === 'HEAD' ? '' : answer.body;
  const length = Buffer.byteLength(answer.body);
  const headers = [
    `HTTP/1.1 ${answer.status} ${REASONS[answer.status] ?? ''}`.trimEnd(),
    ...(answer.body || answer.status !== 401 ? [`Content-Type: ${answer.contentType}`] : []),
    `Date: ${context.now.toUTCString()}`,
    length > GO_CHUNKING_THRESHOLD ? 'Transfer-Encoding: chunked' : `Content-Length: ${length}`,
    '',
  ];
  if (options.verbose) output.err(headers.map((line) => `< ${line}\n`).join(''));
  if (options.fail && answer.status >= 400) return fail(22, `The requested URL returned error: ${answer.status}`);
  const received = Buffer.byteLength(body);
  const toStdout = !options.output || options.output === '-';
  const headerText = options.include || options.head ? headers.map((line) => `${line}\r\n`).join('') : '';
  if (body && options.verbose && meter) output.err(`{ [${received} bytes data]\n`);
  if (toStdout) output.out(headerText + body);
  else {
    const failure = call.fs.write(options.output!, Buffer.from(headerText + body));
    if (failure) return fail(23, `Failure writing output to destination`);
  }
  if (meter) output.err(progressMeter(received, sent)[1]);
  if (options.verbose) output.err(`* Connection #0 to host ${host} left intact\n`);
  if (options.writeOut !== undefined)
    output.out(
      writeOut(options.writeOut, {
        status: answer.status,
        size: received,
        contentType: answer.contentType,
        url: url.href,
        method,
      }),
    );
  return 0;
}

/** `-w`: the variables scripts use most, and curl's backslash escapes. */
function writeOut(
  format: string,
  exchange: { status: number; size: number; contentType: string; url: string; method: string },
): string {
  const variables: Record<string, string> = {
    http_code: String(exchange.status),
    response_code: String(exchange.status),
    size_download: String(exchange.size),
    content_type: exchange.contentType,
    url_effective: exchange.url,
    method: exchange.method,
    exitcode: '0',
    time_total: '0.001000',
  };
  return format
    .replace(/%\{(\w+)\}/g, (whole, name: string) => variables[name] ?? whole)
    .replace(/\\n/g, '\n')
    .replace(/\\t/g, '\t');
}
