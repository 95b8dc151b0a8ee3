// Bench scenario `sandbox_port_forward_get`: GET /v1/registration from Pilot 1.2.2 through a running
// `kubectl port-forward svc/istio-pilot` (SPDY tunnelled in WebSocket, into the simulated container)
// against the same GET through the API server's service proxy (HTTPS, bearer token), median of runs,
// both in the same sandbox. Prints one JSON object on stdout; progress on stderr.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startSandbox } from '../../src/sandbox';
import { median } from './bench-stats';

const RUNS = Number(process.env.ISTIO_LAB_BENCH_RUNS ?? 25);
const NS = 'istio-system';

function fetchBody(get: typeof http.get, url: string, options: https.RequestOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { ...options, agent: false }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () =>
        response.statusCode === 200 ? resolve(body) : reject(new Error(`GET ${url}: ${response.statusCode}`)),
      );
    }).on('error', reject);
  });
}

const manifest = {
  apiVersion: 'v1',
  kind: 'List',
  items: [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'istio-pilot', namespace: NS },
      spec: { selector: { istio: 'pilot' }, ports: [{ name: 'http-legacy-discovery', port: 8080 }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'istio-pilot', namespace: NS },
      spec: {
        selector: { matchLabels: { istio: 'pilot' } },
        template: {
          metadata: { labels: { istio: 'pilot', app: 'pilot' } },
          spec: {
            containers: [{ name: 'discovery', image: 'docker.io/istio/pilot:1.2.2', ports: [{ containerPort: 8080 }] }],
          },
        },
      },
    },
  ],
};

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-bench-pf-'));
  const kubeconfigPath = path.join(dir, 'kubeconfig');
  const sandbox = await startSandbox({ nodes: 3, speed: 0, kubeconfigPath });
  const kubectl = (args: string[], stdin = '') =>
    new Promise<void>((resolve, reject) => {
      const child = spawn('kubectl', args, { env: { ...process.env, KUBECONFIG: kubeconfigPath, HOME: dir } });
      child.once('close', (code) =>
        code === 0 ? resolve() : reject(new Error(`kubectl ${args.join(' ')} exited ${code}`)),
      );
      child.stdin.end(stdin);
    });
  let tunnel: ReturnType<typeof spawn> | undefined;
  try {
    await kubectl(['create', '-f', '-'], JSON.stringify(manifest));
    await kubectl(['wait', '--for=condition=Ready', 'pod', '-l', 'app=pilot', '-n', NS, '--timeout=60s']);
    const child = spawn('kubectl', ['port-forward', 'svc/istio-pilot', ':8080', '-n', NS], {
      env: { ...process.env, KUBECONFIG: kubeconfigPath, HOME: dir },
    });
    tunnel = child;
    const localPort = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
        const match = /127\.0\.0\.1:(\d+) ->/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      child.once('close', (code) => reject(new Error(`kubectl port-forward exited ${code}`)));
    });
    const proxyUrl = `${sandbox.url}/api/v1/namespaces/${NS}/services/http:istio-pilot:8080/proxy/v1/registration`;
    const proxyOptions = { ca: sandbox.caCert, headers: { authorization: `Bearer ${sandbox.token}` } };
    const ours: number[] = [];
    const peer: number[] = [];
    let bytes = 0;
    for (let run = 0; run < RUNS; run++) {
      let start = performance.now();
      bytes = (await fetchBody(http.get, `http://127.0.0.1:${localPort}/v1/registration`, {})).length;
      ours.push(performance.now() - start);
      start = performance.now();
      await fetchBody(https.get, proxyUrl, proxyOptions);
      peer.push(performance.now() - start);
    }
    console.error(
      `port-forward GET: ${median(ours).toFixed(2)} ms, service proxy GET: ${median(peer).toFixed(2)} ms (${bytes} bytes, ${RUNS} runs)`,
    );
    process.stdout.write(
      `${JSON.stringify({ ours_ms: median(ours), peer_ms: median(peer), target: 3, runs: RUNS, bytes })}\n`,
    );
  } finally {
    tunnel?.kill();
    await sandbox.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
