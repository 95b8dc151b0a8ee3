// The peer side of the benches that time kubectl: the real kubectl on PATH run against a bench's
// sandbox, timed run by run, and the book's Istio 1.2.2 demo manifest that the install scenarios create.
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import * as path from 'node:path';
import { promisify } from 'node:util';

/** The book's `istio-demo.yaml` (Istio 1.2.2) in the tests' fixtures. */
export const BOOK_DEMO_MANIFEST = path.resolve(
  __dirname,
  '..',
  '..',
  'test',
  'fixtures',
  'istio',
  'legacy',
  'istio-1.2.2',
  'istio-demo.yaml',
);

/** Runs the real kubectl with this kubeconfig and HOME (its cache); rejects when kubectl fails. */
export type Kubectl = (...args: string[]) => Promise<{ stdout: string; stderr: string }>;

/** kubectl against `kubeconfig`, with `home` as HOME; its output may be large (`-o json` of 10k pods). */
export function kubectlFor(kubeconfig: string, home: string): Kubectl {
  return (...args) =>
    promisify(execFile)('kubectl', args, {
      env: { ...process.env, KUBECONFIG: kubeconfig, HOME: home },
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
    });
}

/**
 * Times `kubectl <args>` `runs` times, after a `kubectl get ns` that fills kubectl's discovery
 * cache as a learner's earlier commands would; `onRun` sees each run's milliseconds. Each run's
 * milliseconds and the last run's output.
 */
export async function timeKubectl(
  kubectl: Kubectl,
  runs: number,
  args: string[],
  onRun: (ms: number, run: number) => void = () => undefined,
): Promise<{ samples: number[]; stdout: string }> {
  await kubectl('get', 'ns');
  const samples: number[] = [];
  let stdout = '';
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    ({ stdout } = await kubectl(...args));
    samples.push(performance.now() - start);
    onRun(samples[run], run);
  }
  return { samples, stdout };
}
