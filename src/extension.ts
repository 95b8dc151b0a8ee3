// Composition root: builds the services and registers the UI. Keep activation cheap: heavy
// modules (the Kubernetes client) load on first use, never here.
import * as vscode from 'vscode';
import { ClusterService } from './ui/cluster-service';
import { registerContextPicker } from './ui/context-picker';
import { registerInstallCommands } from './ui/install-commands';
import { registerLabCommands } from './ui/lab-commands';
import { openLabGuideIfAsked } from './ui/lab-workspace';
import { LabStepsTreeProvider } from './ui/lab-steps-tree';
import { registerPodExplorer } from './ui/pod-explorer';
import { registerRegistryViewer } from './ui/registry-panel';
import { registerReleaseCommands } from './ui/release-commands';

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Istio Lab', { log: true });
  context.subscriptions.push(log);

  const cluster = new ClusterService();
  context.subscriptions.push(cluster);

  const steps = new LabStepsTreeProvider(context.globalState, context.workspaceState);
  context.subscriptions.push(steps, vscode.window.registerTreeDataProvider('istioLab.steps', steps));
  registerLabCommands(context, steps, log);
  registerContextPicker(context, log);
  registerPodExplorer(context, cluster, log);
  registerRegistryViewer(context, cluster, log);
  registerReleaseCommands(context, log);
  registerInstallCommands(context, cluster, log);

  log.info(`activated in ${(performance.now() - started).toFixed(1)} ms`);
  openLabGuideIfAsked(log).catch((error: unknown) => log.error('could not open the lab guide', error));
}

export function deactivate(): void {}
