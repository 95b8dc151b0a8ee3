#!/usr/bin/env node
// Records the request bodies the real kubectl sends, as fixtures for
// test/unit/sandbox/protobuf.test.ts. kubectl talks to a throwaway plain-HTTP server on
// 127.0.0.1 that answers discovery (from the sandbox's own discovery documents) and records
// every write; `--dry-run=client -o json` gives the JSON kubectl would send for the same command.
//
//   node --import tsx scripts/protobuf/capture-fixtures.mjs [--kubectl <path>]   (`--help` says more)
import { execFile as execFileCallback, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import {
  aggregatedContentType,
  aggregatedDiscovery,
  aggregatedDiscoveryVersion,
  apiGroupList,
  apiResourceList,
  apiVersions,
} from '../../src/sandbox/server/discovery.ts';
import { ResourceRegistry } from '../../src/sandbox/apimachinery/resource-registry.ts';
import { decodeProtobufObject, isProtobufContentType } from '../../src/sandbox/protobuf/decode-protobuf-object.ts';

const execFile = promisify(execFileCallback);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixtures = path.join(root, 'test', 'fixtures', 'protobuf');
const USAGE = `
Records the request bodies kubectl sends into test/fixtures/protobuf.

  node --import tsx scripts/protobuf/capture-fixtures.mjs [--kubectl <path>]

  --kubectl   the kubectl binary to record (default: kubectl, found on PATH)
  -h, --help  this text
`;
const { values: options } = parseArgs({
  options: { kubectl: { type: 'string', default: 'kubectl' }, help: { type: 'boolean', short: 'h' } },
});
if (options.help) {
  console.log(USAGE.trim());
  process.exit(0);
}

/** Each fixture: the command as a user types it, and whether `--dry-run=client -o json` can show its JSON. */
const CASES = [
  {
    name: 'selfsubjectaccessreview',
    args: ['auth', 'can-i', 'create', 'deployments', '-n', 'istio-system'],
    dryRun: false,
  },
  { name: 'namespace', args: ['create', 'namespace', 'x'] },
  { name: 'pod', args: ['run', 'x', '--image=nginx', '--labels=a=b', '--port=80'] },
  {
    name: 'deployment',
    args: ['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2', '--port=8080', '-n', 'demo'],
  },
  {
    name: 'secret',
    args: [
      'create',
      'secret',
      'generic',
      'db',
      '--from-literal=password=s3cr3t',
      '--from-literal=empty=',
      '-n',
      'demo',
    ],
  },
  {
    name: 'secret-docker-registry',
    args: [
      'create',
      'secret',
      'docker-registry',
      'pull',
      '--docker-server=registry.example.com',
      '--docker-username=u',
      '--docker-password=p',
      '-n',
      'demo',
    ],
  },
  {
    name: 'configmap',
    args: [
      'create',
      'configmap',
      'settings',
      '--from-literal=mode=strict',
      '--from-literal=level=3',
      '--from-file=blob.bin',
      '-n',
      'demo',
    ],
  },
  {
    name: 'service',
    args: ['create', 'service', 'clusterip', 'web', '--tcp=80:8080', '--tcp=443:https', '-n', 'demo'],
  },
  { name: 'job', args: ['create', 'job', 'once', '--image=busybox', '-n', 'demo', '--', 'echo', 'hi'] },
  {
    name: 'cronjob',
    args: ['create', 'cronjob', 'tick', '--image=busybox', '--schedule=*/5 * * * *', '-n', 'demo', '--', 'date'],
  },
  {
    name: 'role',
    args: ['create', 'role', 'reader', '--verb=get,list,watch', '--resource=pods,deployments.apps', '-n', 'demo'],
  },
  {
    name: 'rolebinding',
    args: [
      'create',
      'rolebinding',
      'reader',
      '--role=reader',
      '--user=alice',
      '--serviceaccount=demo:sa',
      '-n',
      'demo',
    ],
  },
  { name: 'clusterrole', args: ['create', 'clusterrole', 'viewer', '--verb=get', '--non-resource-url=/healthz'] },
  { name: 'serviceaccount', args: ['create', 'serviceaccount', 'sa', '-n', 'demo'] },
  {
    name: 'poddisruptionbudget',
    args: ['create', 'poddisruptionbudget', 'web', '--selector=app=web', '--min-available=50%', '-n', 'demo'],
  },
  { name: 'resourcequota', args: ['create', 'quota', 'q', '--hard=cpu=1500m,memory=1Gi,pods=10', '-n', 'demo'] },
  {
    name: 'ingress',
    args: ['create', 'ingress', 'web', '--rule=example.com/api*=web:80', '--class=istio', '-n', 'demo'],
  },
  // No --dry-run for these: the test states the JSON their Go objects marshal to.
  { name: 'selfsubjectreview', args: ['auth', 'whoami'], dryRun: false },
  {
    name: 'tokenrequest',
    args: ['create', 'token', 'sa', '--duration=1h', '--audience=istio-ca', '-n', 'demo'],
    dryRun: false,
  },
  { name: 'pod-debug', args: ['debug', 'node/n1', '--image=busybox', '--profile=general'], dryRun: false },
];

/** Objects kubectl reads before it writes. */
const OBJECTS = {
  '/api/v1/nodes/n1': {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n1', uid: '5d0b8f5e-0000-4000-8000-000000000001', resourceVersion: '1' },
  },
};

const registry = new ResourceRegistry();
const recorded = [];

function send(response, code, body, contentType = 'application/json') {
  const text = JSON.stringify(body);
  response.writeHead(code, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** What a real server would answer to the write, so kubectl finishes normally. */
function answerWrite(body, contentType) {
  let object;
  try {
    object = isProtobufContentType(contentType) ? decodeProtobufObject(body) : JSON.parse(body.toString('utf8'));
  } catch (error) {
    // The body is recorded all the same; the test will say what is wrong with it.
    console.warn(`could not read the ${contentType} body to answer it: ${error.message}`);
    object = { metadata: { name: 'unknown' } };
  }
  if (object.kind === 'SelfSubjectAccessReview') object.status = { allowed: true };
  if (object.kind === 'SelfSubjectReview') object.status = { userInfo: { username: 'capture' } };
  if (object.kind === 'TokenRequest') object.status = { token: 'capture', expirationTimestamp: '2030-01-01T00:00:00Z' };
  return object;
}

const server = http.createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const parts = url.pathname.split('/').filter(Boolean);
    if (request.method !== 'GET') {
      const body = Buffer.concat(chunks);
      const contentType = request.headers['content-type'] ?? '';
      recorded.push({
        method: request.method,
        path: `${url.pathname}${url.search}`,
        contentType,
        body: body.toString('base64'),
      });
      return send(response, 201, answerWrite(body, contentType));
    }
    if (OBJECTS[url.pathname]) return send(response, 200, OBJECTS[url.pathname]);
    if (url.pathname === '/version')
      return send(response, 200, { major: '1', minor: '32', gitVersion: 'v1.32.4', platform: 'linux/amd64' });
    const aggregated = aggregatedDiscoveryVersion(request.headers.accept);
    if (url.pathname === '/api' || url.pathname === '/apis') {
      if (aggregated)
        return send(
          response,
          200,
          aggregatedDiscovery(registry, aggregated, url.pathname === '/api'),
          aggregatedContentType(aggregated),
        );
      return send(response, 200, url.pathname === '/api' ? apiVersions('127.0.0.1') : apiGroupList(registry));
    }
    if (parts[0] === 'api' && parts.length === 2) return send(response, 200, apiResourceList(registry, '', parts[1]));
    if (parts[0] === 'apis' && parts.length === 3)
      return send(response, 200, apiResourceList(registry, parts[1], parts[2]));
    send(response, 404, {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: 'the server could not find the requested resource',
    });
  });
});

await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'capture-protobuf-'));
const kubeconfig = path.join(home, 'kubeconfig');
fs.writeFileSync(
  kubeconfig,
  [
    'apiVersion: v1',
    'kind: Config',
    'clusters: [{name: capture, cluster: {server: "http://127.0.0.1:' + server.address().port + '"}}]',
    'users: [{name: capture, user: {token: capture}}]',
    'contexts: [{name: capture, context: {cluster: capture, user: capture, namespace: default}}]',
    'current-context: capture',
    '',
  ].join('\n'),
);
// A file that is not UTF-8, so `--from-file` puts it in binaryData.
fs.writeFileSync(path.join(home, 'blob.bin'), Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x6b, 0x38, 0x73, 0x00]));

const env = { ...process.env, HOME: home, KUBECONFIG: kubeconfig };
/** Asynchronous, so this process keeps answering kubectl while it runs. */
async function kubectl(args) {
  try {
    const { stdout } = await execFile(options.kubectl, args, { cwd: home, env, encoding: 'utf8' });
    return stdout;
  } catch (error) {
    throw new Error(`kubectl ${args.join(' ')}: ${error.stderr || error.message}`, { cause: error });
  }
}

/** The same command with `--dry-run=client -o json` placed before any `--` (the container command). */
function dryRunArgs(args) {
  const dashes = args.indexOf('--');
  const flags = ['--dry-run=client', '-o', 'json'];
  return dashes === -1 ? [...args, ...flags] : [...args.slice(0, dashes), ...flags, ...args.slice(dashes)];
}

const version = execFileSync(options.kubectl, ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
const kubectlVersion = JSON.parse(version).clientVersion.gitVersion;
fs.mkdirSync(fixtures, { recursive: true });
for (const testCase of CASES) {
  recorded.length = 0;
  await kubectl(testCase.args);
  if (recorded.length !== 1) throw new Error(`${testCase.name}: expected one write, saw ${recorded.length}`);
  const [request] = recorded;
  const fixture = {
    command: `kubectl ${testCase.args.map((arg) => (/[\s*]/.test(arg) ? `'${arg}'` : arg)).join(' ')}`,
    kubectl: kubectlVersion,
    request,
  };
  if (testCase.dryRun !== false) {
    recorded.length = 0;
    fixture.dryRunClientJson = JSON.parse(await kubectl(dryRunArgs(testCase.args)));
    if (recorded.length !== 0) throw new Error(`${testCase.name}: --dry-run=client wrote to the server`);
  }
  fs.writeFileSync(path.join(fixtures, `${testCase.name}.json`), `${JSON.stringify(fixture, null, 2)}\n`);
  console.log(
    `${testCase.name}: ${request.method} ${request.path} ${request.contentType} (${Buffer.from(request.body, 'base64').length} bytes)`,
  );
}
server.close();
fs.rmSync(home, { recursive: true, force: true });
