// The starting point of the sample-app suites: a lab cluster (lab-cluster.ts: an in-process sandbox
// of 3 nodes with no simulated delays, the extension pointed at it) with the book's Istio 1.2.2
// installed through Install Istio, and the release fixture's bookinfo.yaml at hand. `close()`
// disconnects and removes it all.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ApplyReport } from '../../src/kube/apply/apply-engine';
import type { StepState } from '../../src/lab/lab-progress';
import type { LabCluster } from './lab-cluster';
import { bookRelease, startLabCluster, stopLabCluster } from './lab-cluster';

export interface IstioSandbox extends LabCluster {
  /** The release fixture's samples/bookinfo/platform/kube/bookinfo.yaml. */
  readonly bookinfo: string;
  close(): Promise<void>;
}

export async function startIstioSandbox(name: string): Promise<IstioSandbox> {
  const cluster = await startLabCluster(name, { nodes: 3, speed: 0, namespaceFinalizeDelayMs: 100 });
  const close = () => stopLabCluster(cluster);
  try {
    const report = await vscode.commands.executeCommand<ApplyReport>('istioLab.installIstio', {
      version: '1.2.2',
      manifest: bookRelease('istio-demo.yaml'),
      yes: true,
    });
    assert.ok(report.results.every((result) => result.outcome === 'created'));
    assert.equal((await vscode.commands.executeCommand<StepState>('istioLab.labStepState', 'watch')).status, 'done');
    const bookinfo = bookRelease('samples', 'bookinfo', 'platform', 'kube', 'bookinfo.yaml');
    return { ...cluster, bookinfo, close };
  } catch (error) {
    await close();
    throw error;
  }
}
