// The Lab Steps' re-check of "Deploy the sample app" against the cluster (src/ui/install-progress-sync.ts),
// as it runs at start-up and whenever the connection is opened again (here: the Istio Pods view's
// Refresh): Bookinfo applied with the real kubectl, not through the extension, ticks the step once
// its 6 pods are 2/2 Running; deleted again, the step is not done any more.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { StepState } from '../../src/lab/lab-progress';
import type { Sandbox } from '../../src/sandbox';
import type { IstioSandbox } from './istio-sandbox';
import { startIstioSandbox } from './istio-sandbox';
import { kubectl } from './ui-helpers';

describe('the start-up re-check of the sample-app step', function () {
  this.timeout(300_000);
  let lab: IstioSandbox;
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
    lab = await startIstioSandbox('sample-recheck');
    ({ sandbox, dir, kubeconfig, bookinfo } = lab);
  });

  after(() => lab?.close());

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
