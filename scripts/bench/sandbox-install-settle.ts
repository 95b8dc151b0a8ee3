// Bench scenario `sandbox_install_settle`: wall time from the start of `kubectl create -f
// istio-demo.yaml` (Istio 1.2.2) until every istio-system pod is Ready or Completed, on a
// sandbox with 3 nodes at --speed 0. The peer figure is the same run's `kubectl create -f`
// alone (until kubectl returns): the difference is what the simulated cluster adds to settle.
// Prints one JSON object on stdout; progress on stderr.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { KubeObject } from '../../src/sandbox/apimachinery/kube-object';
import { startSandbox } from '../../src/sandbox';
import { BOOK_DEMO_MANIFEST, kubectlFor } from './bench-kubectl';

const isSettled = (pod: KubeObject): boolean => {
  const status = (pod.status ?? {}) as { phase?: string; conditions?: { type: string; status: string }[] };
  return (
    status.phase === 'Succeeded' ||
    (status.conditions ?? []).some((condition) => condition.type === 'Ready' && condition.status === 'True')
  );
};

async function main(): Promise<void> {
  const sandbox = await startSandbox({ nodes: 3, speed: 0 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-bench-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  fs.writeFileSync(kubeconfig, sandbox.kubeconfig);
  const kubectl = kubectlFor(kubeconfig, dir);
  await kubectl('get', 'ns');

  const pods = () => sandbox.store.list('/pods', 'istio-system');
  // Settled: the Deployments' and Jobs' pods exist and all are Ready or Completed.
  const settled = new Promise<number>((resolve) => {
    const check = () => {
      const deployments = sandbox.store.list('apps/deployments', 'istio-system');
      const jobs = sandbox.store.list('batch/jobs', 'istio-system');
      const all = pods();
      if (deployments.length === 0 || all.length < deployments.length + jobs.length || !all.every(isSettled)) return;
      unsubscribe();
      resolve(performance.now());
    };
    const unsubscribe = sandbox.store.subscribe(check);
  });
  const start = performance.now();
  const created = await kubectl('create', '-f', BOOK_DEMO_MANIFEST);
  const kubectlDone = performance.now();
  const objects = created.stdout
    .trim()
    .split('\n')
    .filter((line) => line.endsWith(' created')).length;
  const settledAt = await settled;
  process.stderr.write(
    `sandbox_install_settle: ${objects} objects created in ${Math.round(kubectlDone - start)} ms; ${pods().length} pods settled after ${Math.round(settledAt - start)} ms\n`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
  await sandbox.close();
  process.stdout.write(
    `${JSON.stringify({ ours_ms: Math.max(settledAt, kubectlDone) - start, peer_ms: kubectlDone - start, target: null, objects, pods: pods().length })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
