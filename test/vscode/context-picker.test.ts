// `Istio Lab: Select Cluster Context…` in real VS Code: the quick pick lists the kubeconfig's
// contexts with their cluster and server and the built-in sandbox, and picking one writes `istioLab.context`.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import * as vscode from 'vscode';
import { assertShows, screenshot } from './ui-helpers';

const EXTENSION_ID = 'istio-lab.istio-lab';

describe('Select Cluster Context', () => {
  let dir: string;
  let kubeconfig: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-picker-'));
    kubeconfig = path.join(dir, 'kubeconfig');
    const cluster = (name: string, server: string) => ({ name, cluster: { server, 'insecure-skip-tls-verify': true } });
    fs.writeFileSync(
      kubeconfig,
      yaml.dump({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'alpha',
        clusters: [
          cluster('alpha-cluster', 'https://alpha.example:6443'),
          cluster('beta-cluster', 'https://beta.example:6443'),
        ],
        users: [{ name: 'me', user: { token: 'x' } }],
        contexts: [
          { name: 'alpha', context: { cluster: 'alpha-cluster', user: 'me' } },
          { name: 'beta', context: { cluster: 'beta-cluster', user: 'me', namespace: 'istio-system' } },
        ],
      }),
    );
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    const config = vscode.workspace.getConfiguration('istioLab');
    await config.update('kubeconfig', kubeconfig, vscode.ConfigurationTarget.Global);
    await config.update('context', undefined, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    const config = vscode.workspace.getConfiguration('istioLab');
    await config.update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
    await config.update('context', undefined, vscode.ConfigurationTarget.Global);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists the contexts with cluster and server and offers the sandbox, and picking the second writes istioLab.context', async () => {
    const written = new Promise<void>((resolve) => {
      const listener = vscode.workspace.onDidChangeConfiguration((event) => {
        if (!event.affectsConfiguration('istioLab.context')) return;
        listener.dispose();
        resolve();
      });
    });
    const picking = vscode.commands.executeCommand('istioLab.selectContext');
    // The browser harness can look at the workbench; without it, the pick is driven blind.
    await assertShows('beta.example:6443', 'the quick pick shows the server of each context');
    // Beside them, for a learner without a cluster: the built-in sandbox, labelled as simulated.
    await assertShows('Sandbox cluster (simulated, offline)', 'the quick pick does not offer the sandbox cluster');
    await screenshot('context-picker');
    await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await picking;
    await written;
    assert.equal(vscode.workspace.getConfiguration('istioLab').get('context'), 'beta');
    assert.equal(
      vscode.workspace.getConfiguration('istioLab').get('kubeconfig'),
      kubeconfig,
      'the kubeconfig setting stays',
    );
  });
});
