// Extension-host tests: the extension activates in real VS Code, contributes what its manifest
// says, and its lab guide renders. Screenshots go to test-results/screenshots/.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { labSteps, terminalLineFor } from '../../src/lab/steps';
import { assertShows, screenshot, setTheme } from './ui-helpers';

const EXTENSION_ID = 'istio-lab.istio-lab';

interface Manifest {
  contributes: {
    commands: { command: string }[];
    views: Record<string, { id: string }[]>;
    viewsContainers: { activitybar: { id: string }[] };
    walkthroughs: { id: string; steps: { id: string }[] }[];
  };
}

function metrics(): Record<string, number> {
  return (globalThis as { istioLabMetrics?: Record<string, number> }).istioLabMetrics ?? {};
}

describe('Istio Lab in VS Code', () => {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  const manifest = extension?.packageJSON as Manifest;

  it('is installed and not activated before it is needed', () => {
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    assert.equal(extension.isActive, false, 'activated at startup: check activationEvents');
  });

  it('activates, and records how long activation took', async () => {
    const started = performance.now();
    await extension!.activate();
    const activationMs = performance.now() - started;
    assert.equal(extension!.isActive, true);
    metrics().activationMs = activationMs;
  });

  it('loads its features on first use, not at activation, and the first command still works', async () => {
    const features = path.join(extension!.extensionPath, 'dist', 'features.js');
    const loaded = () => Object.keys(require.cache).includes(features);
    assert.equal(loaded(), false, 'dist/features.js was loaded at activation');
    // The first run goes through the activation's stand-in, which passes arguments and result on.
    const state = await vscode.commands.executeCommand<{ status: string }>('istioLab.labStepState', 'cluster');
    assert.equal(typeof state.status, 'string');
    assert.equal(loaded(), true, 'dist/features.js was not loaded by the first command');
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('istioLab.labStepState', 'no-such-step')),
      /unknown lab step "no-such-step"/,
    );
  });

  it('registers every command its manifest contributes', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = manifest.contributes.commands.map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepEqual(missing, []);
  });

  it('registers every view its manifest contributes', async () => {
    assert.deepEqual(
      manifest.contributes.viewsContainers.activitybar.map((c) => c.id),
      ['istioLab'],
    );
    for (const view of Object.values(manifest.contributes.views).flat()) {
      // Focusing a view fails when the view does not exist.
      await vscode.commands.executeCommand(`${view.id}.focus`);
    }
  });

  it('shows the Istio Lab container with a welcome that says what to do first', async () => {
    await setTheme('Default Light Modern');
    await vscode.commands.executeCommand('workbench.view.extension.istioLab');
    await assertShows('Open Lab Guide', 'the Lab Steps welcome with its Open Lab Guide button is not visible');
    await screenshot('activity-bar-welcome-light');
  });

  it('contributes the lab guide walkthrough with its eight steps', async () => {
    const [walkthrough] = manifest.contributes.walkthroughs;
    assert.equal(walkthrough.id, 'deployIstio');
    assert.deepEqual(
      walkthrough.steps.map((step) => step.id),
      labSteps.map((step) => step.id),
    );
    await vscode.commands.executeCommand('istioLab.openLabGuide');
    await screenshot('walkthrough-opened');
    // The step's short description, then its page (media.markdown, rendered in a webview beside it).
    await assertShows(
      'to a cluster you may change, or use the built-in',
      'the first step did not show its description',
    );
    await assertShows('Istio runs on top of Kubernetes', 'the walkthrough page did not render its first step');
    await screenshot('walkthrough-light');
    // The Lab Steps tree and walkthrough links open the guide at a step, also when it is already open.
    await vscode.commands.executeCommand('istioLab.openLabGuide', 'registry');
    await assertShows('Reading the answer', 'the registry step did not render its page');
    await screenshot('walkthrough-registry-light');
    await setTheme('Default Dark Modern');
    await vscode.commands.executeCommand('istioLab.openLabGuide', 'install');
    await assertShows('Why the CRDs first?', 'the install step did not open');
    await screenshot('walkthrough-install-dark');
  });

  it('lists the lab steps once the lab guide has been opened', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.istioLab');
    await assertShows('1. Prepare a cluster', 'the Lab Steps view did not list the steps');
    await screenshot('lab-steps-dark');
    await setTheme('Default Light Modern');
    await screenshot('lab-steps-light');
  });

  it("copies a step's commands to the clipboard", async () => {
    await vscode.commands.executeCommand('istioLab.copyStepCommand', 'download');
    const download = labSteps.find((step) => step.id === 'download')!;
    assert.equal(await vscode.env.clipboard.readText(), terminalLineFor(download));
  });

  it("types a step's commands into an Istio Lab terminal without running them", async () => {
    const opened = new Promise<vscode.Terminal>((resolve) => {
      const listener = vscode.window.onDidOpenTerminal((terminal) => {
        listener.dispose();
        resolve(terminal);
      });
    });
    await vscode.commands.executeCommand('istioLab.typeStepCommand', 'verify');
    const terminal = await opened;
    assert.equal(terminal.name, 'Istio Lab');
    await assertShows('istioctl verify-install', 'the typed command is not visible in the terminal');
    terminal.dispose();
  });

  it("marks Understand Istio's architecture done once its commands are typed or copied, and only that step", async () => {
    const state = (step: string) => vscode.commands.executeCommand<{ status: string }>('istioLab.labStepState', step);
    assert.equal((await state('architecture')).status, 'todo');
    await vscode.commands.executeCommand('istioLab.copyStepCommand', 'watch');
    assert.equal((await state('watch')).status, 'todo', 'copying the watch commands is not watching the control plane');
    await vscode.commands.executeCommand('istioLab.copyStepCommand', 'architecture');
    assert.equal((await state('architecture')).status, 'done');
    assert.equal(await vscode.env.clipboard.readText(), 'kubectl get deploy,svc -n istio-system');
  });
});
