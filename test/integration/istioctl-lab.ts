// The bench of the istioctl tests (the modern install path): a sandbox serving Kubernetes 1.32, a
// temporary folder holding the test archives' stand-in Istio 1.26.1 release, and istioctl runs read
// to their end. Istio 1.26 needs 1.29 or later (policy/v1, apiextensions.k8s.io/v1): a 1.13 sandbox
// refuses its manifest, as a real one does.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { planInstall } from '../../src/istio/install-plan';
import type { IstioctlTarget } from '../../src/kube/apply/istioctl-runner';
import { runIstioctl } from '../../src/kube/apply/istioctl-runner';
import { writeStandInRelease } from './istio-demo';
import type { KubectlSandbox } from './kubectl';
import { startKubectlSandbox } from './kubectl';

export interface IstioctlLab {
  readonly cluster: KubectlSandbox;
  /** The temporary folder; the release is `<dir>/istio-1.26.1`. */
  readonly dir: string;
  /** The stand-in release's `bin/istioctl`. */
  readonly istioctl: string;
  /** Stops the sandbox and removes the folder. */
  close(): Promise<void>;
}

/** Starts the sandbox and writes the release into a new temporary folder named `<prefix>XXXXXX`. */
export async function startIstioctlLab(prefix: string): Promise<IstioctlLab> {
  const cluster = await startKubectlSandbox({ namespaceFinalizeDelayMs: 50, kubeVersion: 'v1.32.0' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    cluster,
    dir,
    istioctl: writeStandInRelease(dir),
    close: async () => {
      await cluster.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The arguments Istio 1.26.1's install plan runs istioctl with, asserting that it runs istioctl. */
export function istioctlInstallArgs(): readonly string[] {
  const plan = planInstall('1.26.1');
  assert.equal(plan.install.kind, 'istioctl');
  return plan.install.args;
}

/** Runs `istioctl` to its end: its exit code and all it wrote. */
export async function runIstioctlToEnd(
  istioctl: string,
  args: readonly string[],
  target: IstioctlTarget,
): Promise<{ code: number; output: string }> {
  let output = '';
  const code = await runIstioctl(istioctl, args, target, (text) => (output += text));
  return { code, output };
}
