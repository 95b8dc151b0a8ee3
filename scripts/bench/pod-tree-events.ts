// What the Istio Pods view does with one pod event, timed: the event's JSON line parsed (as the
// watch reads it), projected (summarizePod), put in the store's cache (PodCache) and applied to
// the live tree model (LivePodTree), up to the node VS Code is told to refresh. Shared by
// pod_tree_update_10k and pod_tree_update_50k so both measure the same path; also the heap the
// store's cache and the model keep per pod.
import { performance } from 'node:perf_hooks';
import { LivePodTree } from '../../src/istio/live-pod-tree';
import { commonAncestor } from '../../src/istio/pod-tree-model';
import { PodCache } from '../../src/kube/pod-cache';
import type { PodObject } from '../../src/kube/pod-summary';
import { summarizePod } from '../../src/kube/pod-summary';
import { isIstioAnnotation } from '../../src/istio/data-plane';

export interface TreeUpdateFigures {
  /** Wall time per event, ms. */
  readonly samples: number[];
  /** CPU time per event (process.cpuUsage, user + system), ms: what the event costs the extension
   *  host, which the other processes of a busy machine do not inflate as they do wall time. */
  readonly cpuSamples: number[];
  /** Nodes refreshed per event, most frequent first: `{ "pod": 100, "group": 100 }`. */
  readonly refreshed: Record<string, number>;
  /** Heap kept per pod by the store's cache and by the tree model, bytes (0 without --expose-gc). */
  readonly storeBytesPerPod: number;
  readonly treeBytesPerPod: number;
}

const gc = (): void => {
  for (let i = 0; i < 3; i++) global.gc?.();
};
const heapUsed = (): number => {
  gc();
  return process.memoryUsage().heapUsed;
};

/**
 * Builds the store's cache and the tree of `count` pods (`pod(i)`, as the API server writes it),
 * then times `runs` events: even ones count a restart of pod k (only its row changes), odd ones
 * flip its readiness (its component's and group's counts change too).
 */
export function measureTreeUpdates(
  count: number,
  pod: (i: number, tick: number) => PodObject,
  runs: number,
): TreeUpdateFigures {
  const before = heapUsed();
  const cache = new PodCache();
  // Each pod arrives as JSON text and only its projection is kept, as in the store.
  const summaries = [];
  for (let i = 0; i < count; i++)
    summaries.push(summarizePod(JSON.parse(JSON.stringify(pod(i, 0))) as PodObject, isIstioAnnotation));
  cache.replace(summaries);
  summaries.length = 0;
  const withStore = heapUsed();
  const tree = new LivePodTree({
    cluster: { context: 'bench', server: 'https://127.0.0.1', simulated: true },
    pods: cache.pods(),
    state: { kind: 'synced' },
    istioNamespace: 'istio-system',
    now: Date.now(),
  });
  const withTree = heapUsed();

  const samples: number[] = [];
  const cpuSamples: number[] = [];
  const refreshed: Record<string, number> = {};
  for (let run = 0; run < runs + 20; run++) {
    const line = JSON.stringify({ type: 'MODIFIED', object: pod((run * 7919) % count, run + 1) });
    const cpuStarted = process.cpuUsage();
    const started = performance.now();
    const event = JSON.parse(line) as { type: 'MODIFIED'; object: PodObject };
    const summary = summarizePod(event.object, isIstioAnnotation);
    const change = cache.apply(event.type, summary.uid, summary);
    if (!change) throw new Error('the event changed nothing');
    const ids = tree.apply(change, Date.now());
    const target = ids.length === 1 ? ids[0] : commonAncestor(tree, ids);
    const node = target ? tree.nodes.get(target) : undefined;
    const elapsed = performance.now() - started;
    const cpu = process.cpuUsage(cpuStarted);
    if (!node) throw new Error(`no node to refresh for ${ids.join(', ')}`);
    // The first events warm up the JIT.
    if (run < 20) continue;
    samples.push(elapsed);
    cpuSamples.push((cpu.user + cpu.system) / 1000);
    refreshed[node.kind] = (refreshed[node.kind] ?? 0) + 1;
  }
  return {
    samples,
    cpuSamples,
    refreshed,
    storeBytesPerPod: Math.max(0, (withStore - before) / count),
    treeBytesPerPod: Math.max(0, (withTree - withStore) / count),
  };
}
