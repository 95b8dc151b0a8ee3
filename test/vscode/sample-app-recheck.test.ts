// The Lab Steps' re-check of "Deploy the sample app" against the cluster (src/ui/install-progress-sync.ts),
// as it runs at start-up and whenever the connection is opened again (here: the Istio Pods view's
// Refresh): Bookinfo applied with the real kubectl, not through the extension, ticks the step once
// its 6 pods are 2/2 Running; deleted again, the step is not done any more.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ApplyReport } from '../../src/kube/apply/apply-engine';
import type { StepState } from '../../src/lab/lab-progress';
import type { Sandbox } from '../../src/sandbox';
import { startSandbox } from '../../src/sandbox';
import { kubectl, settings } from './ui-helpers';

const EXTENSION_ID = 'istio-lab.istio-lab';

describe('the start-up re-check of the sample-app step', function () {
  this.timeout(300_000);
  let sandbox: Sandbox;
  let dir: string;
  let kubeconfig: string;
  let bookinfo: string;

  const stepState = () => vscode.commands.executeCommand<StepState>('istioLab.labStepState', 'sample-app');
  const run = async (...args: string[]) => {
    const result = await kubectl(kubeconfig, dir, args);
    assert.equal(result.code, 0, `kubectl ${args.join(' ')}: ${result.output}`);
  };
  /** Polls `check` (every 250 ms, up to 60 s) until it holds. */
  const until = async (what: string, check: () => boolean | Promise<boolean>) => {
    for (const deadline = Date.now() + 60_000; !(await check());) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  const bookinfoReady = () => {
    const pods = sandbox.store
      .list('/pods', 'default')
      .map((pod) => pod.status as { phase?: string; containerStatuses?: { ready: boolean }[] });
    return (
      pods.length === 6 &&
      pods.every(
        (status) =>
          status.phase === 'Running' &&
          status.containerStatuses?.length === 2 &&
          status.containerStatuses.every((container) => container.ready),
      )
    );
  };

  before(async () => {
    sandbox = await startSandbox({ nodes: 3, speed: 0, namespaceFinalizeDelayMs: 100 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-sample-recheck-'));
    kubeconfig = path.join(dir, 'kubeconfig');
    fs.writeFileSync(kubeconfig, sandbox.kubeconfig, { mode: 0o600 });
    await settings({ kubeconfig, context: '' });
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    await extension.activate();
    const release = path.join(extension.extensionPath, 'test', 'fixtures', 'istio', 'legacy', 'istio-1.2.2');
    bookinfo = path.join(release, 'samples', 'bookinfo', 'platform', 'kube', 'bookinfo.yaml');
    const report = await vscode.commands.executeCommand<ApplyReport>('istioLab.installIstio', {
      version: '1.2.2',
      manifest: path.join(release, 'istio-demo.yaml'),
      yes: true,
    });
    assert.ok(report.results.every((result) => result.outcome === 'created'));
  });

  after(async () => {
    await settings({ kubeconfig: '', context: '' });
    await sandbox?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ticks the step when Bookinfo, deployed by hand, runs 2/2, and unticks it once it is deleted', async () => {
    assert.notEqual((await stepState()).status, 'done');
    await run('label', 'namespace', 'default', 'istio-injection=enabled');
    await run('apply', '-f', bookinfo);
    await until("Bookinfo's 6 pods 2/2 Running in the sandbox", bookinfoReady);
    await vscode.commands.executeCommand('istioLab.pods.refresh');
    await until('the re-check to tick the step', async () => (await stepState()).status === 'done');
    assert.equal((await stepState()).detail, 'default');

    await run('delete', '-f', bookinfo, '--wait=false');
    await until('the Bookinfo pods to go', () => sandbox.store.list('/pods', 'default').length === 0);
    await vscode.commands.executeCommand('istioLab.pods.refresh');
    await until('the re-check to untick the step', async () => (await stepState()).status === 'todo');
  });
});
