// The starting point of the sample-app suites: an in-process sandbox (3 nodes, no simulated
// delays) with the book's Istio 1.2.2 installed through Install Istio, the extension connected to
// it, and the release fixture's bookinfo.yaml at hand. `close()` disconnects and removes it all.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ApplyReport } from '../../src/kube/apply/apply-engine';
import type { StepState } from '../../src/lab/lab-progress';
import type { Sandbox } from '../../src/sandbox';
import { startSandbox } from '../../src/sandbox';
import { settings } from './ui-helpers';

const EXTENSION_ID = 'istio-lab.istio-lab';

export interface IstioSandbox {
  readonly sandbox: Sandbox;
  /** A scratch folder holding the kubeconfig (and kubectl's HOME). */
  readonly dir: string;
  readonly kubeconfig: string;
  /** The release fixture's samples/bookinfo/platform/kube/bookinfo.yaml. */
  readonly bookinfo: string;
  close(): Promise<void>;
}

export async function startIstioSandbox(name: string): Promise<IstioSandbox> {
  const sandbox = await startSandbox({ nodes: 3, speed: 0, namespaceFinalizeDelayMs: 100 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `istio-lab-${name}-`));
  const close = async () => {
    await settings({ kubeconfig: '', context: '' });
    await sandbox.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const kubeconfig = path.join(dir, 'kubeconfig');
    fs.writeFileSync(kubeconfig, sandbox.kubeconfig, { mode: 0o600 });
    await settings({ kubeconfig, context: '' });
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    await extension.activate();
    const release = path.join(extension.extensionPath, 'test', 'fixtures', 'istio', 'legacy', 'istio-1.2.2');
    const report = await vscode.commands.executeCommand<ApplyReport>('istioLab.installIstio', {
      version: '1.2.2',
      manifest: path.join(release, 'istio-demo.yaml'),
      yes: true,
    });
    assert.ok(report.results.every((result) => result.outcome === 'created'));
    assert.equal((await vscode.commands.executeCommand<StepState>('istioLab.labStepState', 'watch')).status, 'done');
    const bookinfo = path.join(release, 'samples', 'bookinfo', 'platform', 'kube', 'bookinfo.yaml');
    return { sandbox, dir, kubeconfig, bookinfo, close };
  } catch (error) {
    await close();
    throw error;
  }
}
