// The opening most integration suites share: one kubectl sandbox started in the suite's `before`
// (with the suite's own options and set-up) and closed in its `after`, so a suite says only how its
// cluster differs.
import { after, before } from 'node:test';
import type { SandboxOptions } from '../../src/sandbox';
import type { KubectlSandbox } from './kubectl';
import { startKubectlSandbox } from './kubectl';

/**
 * Call inside a `describe`: starts a sandbox before the suite's tests, runs `setUp` on it, closes it
 * after them. The returned handle stands for that sandbox; it may be read only from tests and hooks.
 */
export function useKubectlSandbox(
  options: SandboxOptions = {},
  setUp?: (cluster: KubectlSandbox) => Promise<void> | void,
): KubectlSandbox {
  let started: KubectlSandbox | undefined;
  const current = (): KubectlSandbox => {
    if (!started) throw new Error("the suite's sandbox is read before its `before` hook started it");
    return started;
  };
  const handle: KubectlSandbox = {
    get sandbox() {
      return current().sandbox;
    },
    get kubeconfigPath() {
      return current().kubeconfigPath;
    },
    get cacheDir() {
      return current().cacheDir;
    },
    kubectl: (args, run) => current().kubectl(args, run),
    kubectlOk: (args, run) => current().kubectlOk(args, run),
    spawnKubectl: (args, run) => current().spawnKubectl(args, run),
    followKubectl: (args, run) => current().followKubectl(args, run),
    close: () => current().close(),
  };
  before(async () => {
    started = await startKubectlSandbox(options);
    await setUp?.(handle);
  });
  after(() => started?.close());
  return handle;
}
