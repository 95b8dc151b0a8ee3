// Bench scenario pod_tree_update_10k: what one refresh of the Istio Pods view costs with 10,000
// data-plane pods plus the book's istio-system, vs the peer way of seeing the same change, a
// `kubectl get pods -A` poll against the same cluster. Ours: one pod changes → the tree model is
// rebuilt (classification, diagnosis, grouping) and diffed against the previous build to find the
// nodes to refresh (src/istio/pod-tree-model.ts). The view does this at most 4 times a second,
// however many pod events arrive (REFRESH_INTERVAL_MS in src/ui/pods-tree.ts), so the figure
// times 4 bounds the extension host CPU a pod-event storm can cost. Prints one JSON object.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { buildPodTree, changedNodes } from '../../src/istio/pod-tree-model';
import type { PodObject, PodSummary } from '../../src/kube/pod-summary';
import { summarizePod } from '../../src/kube/pod-summary';
import type { KubeObject } from '../../src/sandbox/apimachinery/kube-object';
import { startSandbox } from '../../src/sandbox';
import { seedPods } from './bench-sandbox';
import { median, percentile, round } from './bench-stats';

const NAMESPACES = 200;
const PODS = 10_000;
const RUNS = Number(process.env.ISTIO_LAB_BENCH_RUNS ?? 20);
const PEER_RUNS = Number(process.env.ISTIO_LAB_BENCH_PEER_RUNS ?? 5);

const log = (line: string): boolean => process.stderr.write(`${line}\n`);

/** Pod i of the seed: a productpage of a Deployment, with an injected sidecar (so data plane). */
function productpagePod(i: number, namespace: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `productpage-v1-7c7c5f5c99-${i}`, namespace, labels: { app: 'productpage', version: 'v1', 'pod-template-hash': '7c7c5f5c99' }, annotations: { 'sidecar.istio.io/status': '{"version":"bench"}' } },
    spec: {
      nodeName: `node-${i % 3}`,
      containers: [
        { name: 'productpage', image: 'docker.io/istio/examples-bookinfo-productpage-v1:1.12.0' },
        { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.2.2' },
      ],
    },
  };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-bench-tree-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  const sandbox = await startSandbox({ kubeconfigPath: kubeconfig });
  try {
    const objects = seedPods(sandbox, { namespaces: NAMESPACES, pods: PODS, pod: productpagePod });
    const pods: PodSummary[] = objects.map((object) => summarizePod(object as PodObject));
    log(`pod_tree_update_10k: ${pods.length} pods seeded`);

    const input = { cluster: { context: 'bench', server: sandbox.url, simulated: true }, state: { kind: 'synced' as const }, istioNamespace: 'istio-system' };
    let previous = buildPodTree({ ...input, pods, now: Date.now() });
    const ours: number[] = [];
    let refreshed = 0;
    for (let run = 0; run < RUNS; run++) {
      const index = (run * 397) % pods.length;
      pods[index] = { ...pods[index], resourceVersion: `bench-${run}`, restarts: pods[index].restarts + 1 };
      const started = performance.now();
      const next = buildPodTree({ ...input, pods, now: Date.now() });
      const changes = changedNodes(previous, next);
      ours.push(performance.now() - started);
      refreshed = changes === 'all' ? -1 : changes.length;
      previous = next;
    }
    log(`pod_tree_update_10k: rebuild + diff median ${median(ours).toFixed(1)} ms, p99 ${percentile(ours, 99).toFixed(1)} ms, ${refreshed} node(s) refreshed`);

    const kubectl = (...args: string[]) => promisify(execFile)('kubectl', args, { env: { ...process.env, KUBECONFIG: kubeconfig, HOME: dir }, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
    await kubectl('get', 'ns');
    const peer: number[] = [];
    let lines = 0;
    for (let run = 0; run < PEER_RUNS; run++) {
      const started = performance.now();
      const result = await kubectl('get', 'pods', '-A');
      peer.push(performance.now() - started);
      lines = result.stdout.trimEnd().split('\n').length - 1;
    }
    log(`pod_tree_update_10k: kubectl get pods -A median ${median(peer).toFixed(0)} ms (${lines} rows)`);
    process.stdout.write(
      `${JSON.stringify({
        ours_ms: median(ours),
        peer_ms: median(peer),
        ours_p99_ms: round(percentile(ours, 99)),
        nodes_refreshed_per_update: refreshed,
        max_refreshes_per_second: 4,
        kubectl_rows: lines,
        samples: { ours: ours.map((ms) => round(ms)), peer: peer.map((ms) => round(ms)) },
      })}\n`,
    );
  } finally {
    await sandbox.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
