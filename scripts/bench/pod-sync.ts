// Bench scenarios of the pod watch store, against a sandbox of 10,000 pods in its own process
// (so the server never shares a thread with the client measured). Prints one JSON object on
// stdout: {"pod_sync_10k": {...}, "watch_update_p99": {...}}; progress on stderr.
// - pod_sync_10k: from openConnection to the store `synced` with all 10,000 pods (their
//   projections), vs `kubectl get pods -A -o json` wall time; plus the heap the store takes.
// - watch_update_p99: a pod patched on the server → the store's change event, vs the same
//   event arriving on a raw client-node Watch stream opened beside it; p99 of each.
// Run with --expose-gc. `--serve <kubeconfig>` is the child: the seeded sandbox.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { kubernetesClient, openConnection } from '../../src/kube/connection';
import { startPodStore } from '../../src/kube/pod-store';
import { istioPodScope } from '../../src/istio/data-plane';
import type { PodStore } from '../../src/kube/pod-summary';
import type { KubeObject } from '../../src/sandbox/apimachinery/kube-object';
import { BUILTIN_RESOURCE_TYPES } from '../../src/sandbox/apimachinery/resource-types';
import { startSandbox } from '../../src/sandbox';
import { benchNamespace, seedPods } from './bench-sandbox';
import { kubectlFor, timeKubectl } from './bench-kubectl';
import { median, percentile, round } from './bench-stats';

const NAMESPACES = 200;
const PODS = 10_000;
const SYNC_RUNS = Number(process.env.ISTIO_LAB_BENCH_RUNS ?? 5);
const UPDATES = Number(process.env.ISTIO_LAB_BENCH_UPDATES ?? 200);

const log = (line: string): boolean => process.stderr.write(`${line}\n`);

/** Pod i of the seed: a Ready productpage with its injected sidecar (a data-plane pod). */
function productpagePod(i: number, namespace: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `productpage-${i}`,
      namespace,
      labels: { app: 'productpage', version: 'v1' },
      annotations: {
        'sidecar.istio.io/status': '{"version":"bench","initContainers":["istio-init"],"containers":["istio-proxy"]}',
      },
    },
    spec: {
      nodeName: `node-${i % 3}`,
      containers: [
        {
          name: 'productpage',
          image: 'docker.io/istio/examples-bookinfo-productpage-v1:1.12.0',
          ports: [{ containerPort: 9080 }],
        },
        {
          name: 'istio-proxy',
          image: 'docker.io/istio/proxyv2:1.2.2',
          ports: [{ containerPort: 15090, name: 'http-envoy-prom' }],
        },
      ],
    },
    status: {
      phase: 'Running',
      podIP: `10.0.${Math.floor(i / 250)}.${i % 250}`,
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: ['productpage', 'istio-proxy'].map((name) => ({
        name,
        ready: true,
        restartCount: 0,
        image: name,
        state: { running: { startedAt: '2026-01-01T00:00:00Z' } },
      })),
    },
  };
}

/** The child: a sandbox seeded like sandbox_list_10k (pods with an istio-proxy container, so all are data plane). */
async function serve(kubeconfigPath: string): Promise<void> {
  const sandbox = await startSandbox({ kubeconfigPath });
  const pods = BUILTIN_RESOURCE_TYPES.find((type) => type.resource === 'pods')!;
  seedPods(sandbox, { namespaces: NAMESPACES, pods: PODS, pod: productpagePod });
  process.stdout.write('ready\n');
  // `touch <n>`: a merge patch changing pod n's readiness (a change the tree shows).
  for await (const line of createInterface({ input: process.stdin })) {
    const [command, arg] = line.split(' ');
    if (command !== 'touch') continue;
    const i = Number(arg) % PODS;
    const namespace = benchNamespace(i, NAMESPACES);
    const body = JSON.stringify({
      metadata: { labels: { 'bench-tick': arg } },
      status: {
        containerStatuses: [
          {
            name: 'productpage',
            ready: Number(arg) % 2 === 0,
            restartCount: 0,
            image: 'productpage',
            state: { running: { startedAt: '2026-01-01T00:00:00Z' } },
          },
          {
            name: 'istio-proxy',
            ready: true,
            restartCount: 0,
            image: 'istio-proxy',
            state: { running: { startedAt: '2026-01-01T00:00:00Z' } },
          },
        ],
      },
    });
    sandbox.api.patch(
      { group: '', version: 'v1', type: pods, namespace, name: `productpage-${i}`, rest: [], verb: 'patch' },
      body,
      'application/merge-patch+json',
      new URLSearchParams(),
    );
  }
  await sandbox.close();
}

function whenSynced(store: PodStore): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const state = store.state();
      if (state.kind === 'synced') resolve();
      else if (state.kind === 'failed') reject(state.error);
    };
    store.onState(check);
    check();
  });
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-bench-pods-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, '--serve', kubeconfig], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  await new Promise<void>((resolve, reject) => {
    lines.once('line', (line) => (line === 'ready' ? resolve() : reject(new Error(`sandbox child: ${line}`))));
    child.once('exit', (code) => reject(new Error(`sandbox child exited ${code}`)));
  });
  log(`pod-sync: sandbox with ${PODS} pods in ${NAMESPACES} namespaces ready`);
  try {
    const moduleStart = performance.now();
    await kubernetesClient();
    const clientLoadMs = performance.now() - moduleStart;

    // ── pod_sync_10k ──
    const ours: number[] = [];
    let heapPerPod = 0;
    for (let run = 0; run < SYNC_RUNS; run++) {
      const start = performance.now();
      const connection = await openConnection({ kubeconfig });
      let store: PodStore | undefined = startPodStore(connection, istioPodScope('istio-system'));
      await whenSynced(store);
      ours.push(performance.now() - start);
      if (store.pods().length !== PODS) throw new Error(`the store has ${store.pods().length} pods, not ${PODS}`);
      // The heap the store holds: used with it, minus used once it is disposed and collected.
      global.gc?.();
      const withStore = process.memoryUsage().heapUsed;
      store.dispose();
      store = undefined;
      await new Promise((resolve) => setTimeout(resolve, 500));
      global.gc?.();
      heapPerPod = (withStore - process.memoryUsage().heapUsed) / PODS;
      log(
        `pod_sync_10k run ${run + 1}/${SYNC_RUNS}: store synced in ${ours.at(-1)!.toFixed(0)} ms, ~${Math.round(heapPerPod)} bytes of heap per pod`,
      );
    }
    const { samples: peer, stdout } = await timeKubectl(
      kubectlFor(kubeconfig, dir),
      SYNC_RUNS,
      ['get', 'pods', '-A', '-o', 'json'],
      (ms, run) => log(`pod_sync_10k run ${run + 1}/${SYNC_RUNS}: kubectl get pods -A -o json ${ms.toFixed(0)} ms`),
    );
    const kubectlItems = (JSON.parse(stdout) as { items: unknown[] }).items.length;

    // ── watch_update_p99 ──
    const connection = await openConnection({ kubeconfig });
    const store = startPodStore(connection, istioPodScope('istio-system'));
    await whenSynced(store);
    const k8s = await kubernetesClient();
    let rawSeen: ((tick: string) => void) | undefined;
    const raw = await new k8s.Watch(connection.kubeConfig).watch(
      '/api/v1/pods',
      { resourceVersion: store.pods()[0].resourceVersion, allowWatchBookmarks: 'true' },
      (type: string, object: { metadata?: { labels?: Record<string, string> } }) => {
        const tick = object.metadata?.labels?.['bench-tick'];
        if (type === 'MODIFIED' && tick) rawSeen?.(tick);
      },
      () => undefined,
    );
    let storeSeen: ((tick: string) => void) | undefined;
    store.onChange((change) => {
      for (const pod of change.updated) if (pod.labels['bench-tick']) storeSeen?.(pod.labels['bench-tick']);
    });
    const oursLatency: number[] = [];
    const rawLatency: number[] = [];
    for (let i = 1; i <= UPDATES + 10; i++) {
      const tick = String(i);
      const start = performance.now();
      const arrivals = Promise.all([
        new Promise<number>((resolve) => (storeSeen = (seen) => seen === tick && resolve(performance.now() - start))),
        new Promise<number>((resolve) => (rawSeen = (seen) => seen === tick && resolve(performance.now() - start))),
      ]);
      child.stdin.write(`touch ${tick}\n`);
      const [viaStore, viaRaw] = await arrivals;
      // The first few warm up the JIT and the connections.
      if (i > 10) {
        oursLatency.push(viaStore);
        rawLatency.push(viaRaw);
      }
    }
    raw.abort();
    store.dispose();

    process.stdout.write(
      `${JSON.stringify({
        pod_sync_10k: {
          ours_ms: median(ours),
          peer_ms: median(peer),
          target: 0.5,
          pods: PODS,
          kubectl_items: kubectlItems,
          heap_bytes_per_pod: Math.round(heapPerPod),
          heap_mb_10k: round((heapPerPod * PODS) / 1024 / 1024),
          client_module_load_ms: round(clientLoadMs),
          samples: { ours: ours.map(Math.round), peer: peer.map(Math.round) },
        },
        watch_update_p99: {
          ours_ms: percentile(oursLatency, 99),
          peer_ms: percentile(rawLatency, 99),
          target: 1.5,
          updates: oursLatency.length,
          ours_p50_ms: round(percentile(oursLatency, 50)),
          peer_p50_ms: round(percentile(rawLatency, 50)),
        },
      })}\n`,
    );
  } finally {
    child.stdin.end();
    child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--serve') {
  serve(process.argv[3]).catch((error: unknown) => {
    process.stdout.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
