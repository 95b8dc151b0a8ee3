// Issue 20 item 2: the Istio Lab terminal opens in the folder that holds the downloaded
// `istio-<version>/`, so the book's `cd istio-1.2.2` works there, and text is typed into it
// once its shell is ready.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findLabStep, terminalLineFor } from '../../src/lab/steps';
import { assertShows } from './ui-helpers';

const EXTENSION_ID = 'istio-lab.istio-lab';

describe('the Istio Lab terminal', () => {
  let releases: string;

  before(async () => {
    releases = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-releases-'));
    fs.mkdirSync(path.join(releases, 'istio-1.2.2', 'bin'), { recursive: true });
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    await vscode.workspace
      .getConfiguration('istioLab')
      .update('downloadDir', releases, vscode.ConfigurationTarget.Global);
    for (const terminal of vscode.window.terminals) if (terminal.name === 'Istio Lab') terminal.dispose();
  });

  after(async () => {
    for (const terminal of vscode.window.terminals) if (terminal.name === 'Istio Lab') terminal.dispose();
    await vscode.workspace
      .getConfiguration('istioLab')
      .update('downloadDir', undefined, vscode.ConfigurationTarget.Global);
    fs.rmSync(releases, { recursive: true, force: true });
  });

  it("opens in the releases folder, where the book's cd istio-1.2.2 works, and types once the shell is ready", async () => {
    const opened = new Promise<vscode.Terminal>((resolve) => {
      const listener = vscode.window.onDidOpenTerminal((terminal) => {
        if (terminal.name !== 'Istio Lab') return;
        listener.dispose();
        resolve(terminal);
      });
    });
    await vscode.commands.executeCommand('istioLab.typeStepCommand', 'download');
    const terminal = await opened;
    assert.equal((terminal.creationOptions as vscode.TerminalOptions).cwd, releases);
    if (/bash|zsh|fish|pwsh/.test(vscode.env.shell))
      assert.ok(terminal.shellIntegration, 'the line was typed before the shell was ready');
    await assertShows(terminalLineFor(findLabStep('download')!), 'the step is typed in the terminal');
  });
});
