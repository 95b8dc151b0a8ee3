// Issue 20 item 1: with the lab guide open, a quick pick or input box of the extension stays open
// when the guide takes the focus back, and the learner can pick. VS Code hides a quick input on
// blur unless `ignoreFocusOut` (quickInputController.ts, onDidBlur), and the guide focuses its
// step element whenever a step is selected (gettingStarted.ts, selectStep). Each test opens the
// guide, runs a picking command, lets the guide select a step while the pick is shown, then picks.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findLabStep, terminalLineFor } from '../../src/lab/steps';
import { labExtension } from './lab-cluster';
import { assertShows, settings } from './ui-helpers';

/**
 * Waits for the pick to show `text`, then makes the guide take the focus, as its step buttons
 * do. Whether the pick survived shows in what picking does next (a hidden pick picks nothing).
 */
async function guideTakesFocus(text: string): Promise<void> {
  await assertShows(text, `the pick shows "${text}"`);
  // With reduced motion (set in before()) the guide focuses the step at once, not 250 ms later.
  await vscode.commands.executeCommand('walkthroughs.selectStep', 'verify');
}

async function pickNext(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
  await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
}

describe('Quick picks with the lab guide open', () => {
  let dir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-picks-'));
    const kubeconfig = path.join(dir, 'kubeconfig');
    fs.writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: alpha',
        'clusters:',
        '- {name: alpha-cluster, cluster: {server: "https://alpha.example:6443"}}',
        '- {name: beta-cluster, cluster: {server: "https://beta.example:6443"}}',
        'users:',
        '- {name: me, user: {token: x}}',
        'contexts:',
        '- {name: alpha, context: {cluster: alpha-cluster, user: me}}',
        '- {name: beta, context: {cluster: beta-cluster, user: me}}',
        '',
      ].join('\n'),
    );
    await labExtension().activate();
    await vscode.workspace
      .getConfiguration('workbench')
      .update('welcomePage.preferReducedMotion', true, vscode.ConfigurationTarget.Global);
    await settings({ kubeconfig, context: undefined });
    await vscode.commands.executeCommand('istioLab.openLabGuide', 'cluster');
    await assertShows('Deploy Istio on Kubernetes', 'the lab guide is open');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.workspace
      .getConfiguration('workbench')
      .update('welcomePage.preferReducedMotion', undefined, vscode.ConfigurationTarget.Global);
    await settings({ kubeconfig: undefined, context: undefined });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('Select Cluster Context: the second context is picked', async () => {
    const picking = vscode.commands.executeCommand('istioLab.selectContext');
    await guideTakesFocus('beta.example:6443');
    await pickNext();
    await picking;
    assert.equal(vscode.workspace.getConfiguration('istioLab').get('context'), 'beta');
  });

  it("Copy a Step's Commands: the second step's commands are copied", async () => {
    await vscode.env.clipboard.writeText('');
    const picking = vscode.commands.executeCommand('istioLab.copyStepCommand');
    await guideTakesFocus(terminalLineFor(findLabStep('cluster')!));
    await pickNext();
    await picking;
    assert.equal(await vscode.env.clipboard.readText(), terminalLineFor(findLabStep('download')!));
  });

  it("Type a Step's Commands: the second step's commands are typed into the Istio Lab terminal", async () => {
    const picking = vscode.commands.executeCommand('istioLab.typeStepCommand');
    await guideTakesFocus(terminalLineFor(findLabStep('cluster')!));
    await pickNext();
    await picking;
    assert.ok(
      vscode.window.terminals.some((terminal) => terminal.name === 'Istio Lab'),
      'the Istio Lab terminal is open',
    );
    await assertShows(terminalLineFor(findLabStep('download')!), 'the terminal shows the typed commands');
  });

  it('Download Istio Release: the version pick survives, and "Other version…" opens its input box', async () => {
    const picking = vscode.commands.executeCommand<unknown>('istioLab.downloadRelease');
    // Its title; the rows below the first screen (such as "Other version…") are not drawn yet.
    await guideTakesFocus('Download Istio Release (');
    // "Other version…" ends the list: up from the first row wraps to it.
    await vscode.commands.executeCommand('workbench.action.quickOpenSelectPrevious');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await assertShows('A release version such as 1.2.2 or 1.26.1', 'the input box for another version opens', 15_000);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await picking, undefined, 'closing the input box downloads nothing');
  });

  it('Filter Pods: the input box survives and its value is applied', async () => {
    await vscode.commands.executeCommand('istioLab.pods.filter', '2/2');
    const filtering = vscode.commands.executeCommand<string | undefined>('istioLab.pods.filter');
    await guideTakesFocus('Filter the Istio pods');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    assert.equal(
      await filtering,
      '2/2',
      'the box, filled with the current filter, was accepted (a closed box gives undefined)',
    );
    await vscode.commands.executeCommand('istioLab.pods.filter', '');
  });
});
