// Bench scenario pod_tree_update_10k: what one pod event costs the Istio Pods view with 10,000
// data-plane pods, vs the peer way of seeing the same change, a `kubectl get pods -A` poll against
// a cluster of the same pods. Ours: the event's JSON parsed, projected, kept in the store's cache
// and applied to the live tree model up to the node to refresh (scripts/bench/pod-tree-events.ts;
// pod_tree_update_50k times the same path at 50,000). Prints one JSON object.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { KubeObject } from '../../src/sandbox/apimachinery/kube-object';
import { startSandbox } from '../../src/sandbox';
import { productpagePod } from './bench-pods';
import { seedPods } from './bench-sandbox';
import { kubectlFor, timeKubectl } from './bench-kubectl';
import { median, percentile, round } from './bench-stats';
import { measureTreeUpdates } from './pod-tree-events';

const NAMESPACES = 200;
const PODS = 10_000;
const RUNS = Number(process.env.ISTIO_LAB_BENCH_TREE_EVENTS ?? 500);
const PEER_RUNS = Number(process.env.ISTIO_LAB_BENCH_PEER_RUNS ?? 5);

const log = (line: string): boolean => process.stderr.write(`${line}\n`);

/** Pod i of the seed, as bench-pods.ts makes it, less what the API server sets itself. */
function seededPod(i: number): KubeObject {
  const { metadata, spec, status } = productpagePod(i, 0, NAMESPACES);
  const { name, namespace, labels, annotations, ownerReferences } = metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels, annotations, ownerReferences },
    spec,
    status,
  } as unknown as KubeObject;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-bench-tree-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  const sandbox = await startSandbox({ kubeconfigPath: kubeconfig });
  try {
    seedPods(sandbox, { namespaces: NAMESPACES, pods: PODS, pod: (i) => seededPod(i) });
    log(`pod_tree_update_10k: ${PODS} pods seeded`);
    const measured = measureTreeUpdates(PODS, (i, tick) => productpagePod(i, tick, NAMESPACES), RUNS);
    const ours = measured.samples;
    log(
      `pod_tree_update_10k: event → refreshed node median ${median(ours).toFixed(3)} ms, p99 ${percentile(ours, 99).toFixed(3)} ms, nodes refreshed ${JSON.stringify(measured.refreshed)}`,
    );

    const { samples: peer, stdout } = await timeKubectl(kubectlFor(kubeconfig, dir), PEER_RUNS, ['get', 'pods', '-A']);
    const lines = stdout.trimEnd().split('\n').length - 1;
    log(`pod_tree_update_10k: kubectl get pods -A median ${median(peer).toFixed(0)} ms (${lines} rows)`);
    process.stdout.write(
      `${JSON.stringify({
        ours_ms: median(ours),
        peer_ms: median(peer),
        ours_p99_ms: round(percentile(ours, 99)),
        nodes_refreshed: measured.refreshed,
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
