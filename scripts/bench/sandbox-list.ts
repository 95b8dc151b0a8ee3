// Bench scenario `sandbox_list_10k`: the sandbox serving `GET /api/v1/pods` with 10,000 pods in
// 200 namespaces, against `JSON.stringify` of the same objects in the same process (the floor
// any JSON API server pays). Also kubectl's wall time for `get po -A`, the paged list a client
// makes, and the heap the pods take. Prints one JSON object on stdout; progress on stderr.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { KubeObject } from '../../src/sandbox/apimachinery/kube-object';
import { startSandbox } from '../../src/sandbox';
import { seedPods } from './bench-sandbox';
import { median } from './bench-stats';

const NAMESPACES = 200;
const PODS = 10_000;
const RUNS = Number(process.env.ISTIO_LAB_BENCH_RUNS ?? 7);

function get(url: string, token: string, ca: string, accept = 'application/json'): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = https.get(
      url,
      { ca, headers: { authorization: `Bearer ${token}`, accept }, agent: false },
      (response) => {
        let bytes = 0;
        response.on('data', (chunk: Buffer) => (bytes += chunk.length));
        response.on('end', () =>
          response.statusCode === 200 ? resolve(bytes) : reject(new Error(`GET ${url}: ${response.statusCode}`)),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
  });
}

/** Pod i of the seed: a running pod with only an istio-proxy container. */
function sidecarPod(i: number, namespace: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `istio-proxy-${i}`, namespace, labels: { app: 'bench', istio: 'sidecar' } },
    spec: {
      containers: [
        {
          name: 'istio-proxy',
          image: 'docker.io/istio/proxyv2:1.2.2',
          ports: [{ containerPort: 15090, name: 'http-envoy-prom' }],
        },
      ],
    },
    status: { phase: 'Running', podIP: `10.0.${Math.floor(i / 250)}.${i % 250}` },
  };
}

/** Resolves once the store's resourceVersion has not moved for a second (the controllers are done with the seed). */
async function settled(sandbox: Awaited<ReturnType<typeof startSandbox>>): Promise<void> {
  let version = -1;
  for (let quiet = 0; quiet < 5;) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const now = Number(sandbox.store.resourceVersion);
    quiet = now === version ? quiet + 1 : 0;
    version = now;
  }
}

async function main(): Promise<void> {
  const sandbox = await startSandbox();
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  // The pods returned are the stored ones, and the array is dropped before the collection: the heap measured is the sandbox's.
  seedPods(sandbox, { namespaces: NAMESPACES, pods: PODS, pod: sidecarPod });
  global.gc?.();
  const heapPerPod = (process.memoryUsage().heapUsed - heapBefore) / PODS;
  process.stderr.write(
    `sandbox_list_10k: ${PODS} pods in ${NAMESPACES} namespaces, ~${Math.round(heapPerPod)} bytes of heap each\n`,
  );

  // The controllers react to the seed in this same process (scheduling, kubelets, endpoints); a
  // real apiserver's list does not share a CPU with them, so wait until the store is quiet.
  await settled(sandbox);
  const url = `${sandbox.url}/api/v1/pods`;
  const ours: number[] = [];
  const peer: number[] = [];
  // One untimed round of each first: the first GET serializes every pod once (the cache a watch
  // cache keeps) and runs unoptimised code, as does the first JSON.stringify. It is reported apart.
  let start = performance.now();
  let bytes = await get(url, sandbox.token, sandbox.caCert);
  const firstGetMs = performance.now() - start;
  start = performance.now();
  JSON.stringify({
    kind: 'PodList',
    apiVersion: 'v1',
    metadata: { resourceVersion: String(sandbox.store.resourceVersion) },
    items: [...sandbox.store.list('/pods')],
  });
  const firstStringifyMs = performance.now() - start;
  process.stderr.write(
    `sandbox_list_10k warm-up: GET ${firstGetMs.toFixed(1)} ms, JSON.stringify ${firstStringifyMs.toFixed(1)} ms\n`,
  );
  for (let run = 0; run < RUNS; run++) {
    start = performance.now();
    bytes = await get(url, sandbox.token, sandbox.caCert);
    ours.push(performance.now() - start);
    start = performance.now();
    const items = [...sandbox.store.list('/pods')];
    JSON.stringify({
      kind: 'PodList',
      apiVersion: 'v1',
      metadata: { resourceVersion: String(sandbox.store.resourceVersion) },
      items,
    });
    peer.push(performance.now() - start);
    process.stderr.write(
      `sandbox_list_10k run ${run + 1}/${RUNS}: GET ${ours.at(-1)!.toFixed(1)} ms, JSON.stringify ${peer.at(-1)!.toFixed(1)} ms\n`,
    );
  }

  // kubectl as a learner runs it: pages of 500 as server-side Tables.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-bench-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  fs.writeFileSync(kubeconfig, sandbox.kubeconfig);
  // Asynchronous: the sandbox serves from this very process.
  const kubectl = (...args: string[]) =>
    promisify(execFile)('kubectl', args, {
      env: { ...process.env, KUBECONFIG: kubeconfig, HOME: dir },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  await kubectl('get', 'ns');
  const kubectlRuns: number[] = [];
  let rows = 0;
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    const result = await kubectl('get', 'po', '-A', '--no-headers');
    kubectlRuns.push(performance.now() - start);
    rows = result.stdout.trim().split('\n').length;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  await sandbox.close();
  process.stdout.write(
    `${JSON.stringify({
      ours_ms: median(ours),
      peer_ms: median(peer),
      target: 1.5,
      first_get_ms: Math.round(firstGetMs),
      first_stringify_ms: Math.round(firstStringifyMs),
      response_bytes: bytes,
      heap_bytes_per_pod: Math.round(heapPerPod),
      kubectl_get_po_all_ms: Math.round(median(kubectlRuns)),
      kubectl_rows: rows,
      samples: { ours: ours.map(Math.round), peer: peer.map(Math.round) },
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
