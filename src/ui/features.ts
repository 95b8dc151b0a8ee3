// Everything the extension does, behind the thin activation in src/extension.ts: built as its
// own bundle (dist/features.js) and loaded on first use — a command, a view shown, a registry
// panel restored — so that activating Istio Lab costs about as much as an empty extension.
import type * as vscode from 'vscode';
import { SharedPodStores } from '../kube/shared-pod-store';
import { ClusterService } from './cluster-service';
import { registerContextPicker } from './context-picker';
import { registerInstallCommands } from './install-commands';
import { registerLabCommands } from './lab-commands';
import { LabProgressService } from './lab-progress-service';
import { LabStepsTreeProvider } from './lab-steps-tree';
import { registerPodExplorer } from './pod-explorer';
import type { PodsElement } from './pods-tree';
import { registerRegistryViewer } from './registry-panel';
import { registerReleaseCommands } from './release-commands';
import { registerSampleAppCommands } from './sample-app-commands';
import { registerSandboxCluster } from './sandbox-cluster';

/** What activation made before the features loaded, for them to take over. */
export interface ActivationParts {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  podsView: vscode.TreeView<PodsElement>;
  attachPods(provider: vscode.TreeDataProvider<PodsElement>): void;
  attachSteps(provider: vscode.TreeDataProvider<unknown>): void;
}

export interface Features {
  /** Restores the registry panel VS Code kept across a reload. */
  restoreRegistry(panel: vscode.WebviewPanel, state: unknown): void;
}

export function activateFeatures({ context, log, podsView, attachPods, attachSteps }: ActivationParts): Features {
  const started = performance.now();
  const cluster = new ClusterService();
  // One pod watch per connection, for the tree, the registry panel and the install's wait.
  const pods = new SharedPodStores();
  context.subscriptions.push(cluster, pods);

  // The lab's progress, one for the window: features mark and read steps through it (typed calls,
  // not commands), and a step that cannot be saved is logged and shown.
  const progress = new LabProgressService(context.workspaceState, log);
  const steps = new LabStepsTreeProvider(context.globalState, progress);
  context.subscriptions.push(steps);
  attachSteps(steps);
  registerLabCommands(context, steps, log);
  const sandbox = registerSandboxCluster(context, cluster, log);
  registerContextPicker(context, log, sandbox);
  const revealPod = registerPodExplorer(context, cluster, pods, log, podsView, attachPods, progress);
  const lab = { progress, revealPod };
  const restoreRegistry = registerRegistryViewer(context, cluster, pods, log, lab);
  registerReleaseCommands(context, log, progress);
  const clusterCommands = { context, cluster, podStores: pods, log, lab };
  registerInstallCommands(clusterCommands);
  registerSampleAppCommands(clusterCommands);

  log.info(`features loaded in ${(performance.now() - started).toFixed(1)} ms`);
  return { restoreRegistry };
}
