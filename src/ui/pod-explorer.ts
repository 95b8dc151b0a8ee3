// The pod explorer: the "Istio Pods" tree, its status bar item and commands, wired to the cluster
// connection. The tree reads the connection's shared pod watch (kube/shared-pod-store.ts); a new
// context or namespace releases it and acquires the new one.
import * as vscode from 'vscode';
import { controlPlaneHealth } from '../istio/pod-tree-model';
import type { ClusterConnection } from '../kube/connection';
import { readServerVersion } from '../kube/cluster-reads';
import { KubeError } from '../kube/kube-errors';
import type { PodStore } from '../kube/pod-summary';
import type { SharedPodStores } from '../kube/shared-pod-store';
import { istioPodScope } from '../istio/data-plane';
import type { ClusterService } from './cluster-service';
import type { LabProgressService, RevealPod } from './lab-progress-service';
import { registerPodActions } from './pod-actions';
import type { PodsElement } from './pods-tree';
import { PodsTreeProvider } from './pods-tree';
import { affectsSettings, istioNamespace } from './settings';
import { PODS_VIEW_ID } from './view-ids';
import { kubeErrorMessage } from './kube-error-messages';
import { outside } from './outside-text';
import { interruptedText } from './step-hint-text';

/**
 * Runs the Istio Pods view: `view` was created at activation around a stand-in provider, and
 * `attach` hands it this module's tree. Returns how other features show a pod in it.
 */
export function registerPodExplorer(
  context: vscode.ExtensionContext,
  cluster: ClusterService,
  podStores: SharedPodStores,
  log: vscode.LogOutputChannel,
  view: vscode.TreeView<PodsElement>,
  attach: (provider: vscode.TreeDataProvider<PodsElement>) => void,
  progress: LabProgressService,
): RevealPod {
  const tree = new PodsTreeProvider(istioNamespace);
  attach(tree);
  const status = vscode.window.createStatusBarItem('istioLab.pods.status', vscode.StatusBarAlignment.Left, 10);
  status.name = vscode.l10n.t('Istio Lab: control plane');
  status.command = `${PODS_VIEW_ID}.focus`;

  let store: PodStore | undefined;
  let generation = 0;

  async function connect(): Promise<void> {
    const mine = ++generation;
    store?.dispose();
    store = undefined;
    let connection: ClusterConnection;
    try {
      connection = await cluster.current();
    } catch (error) {
      if (mine !== generation) return;
      log.warn(`pod explorer: no cluster connection: ${error instanceof Error ? error.message : String(error)}`);
      tree.detach(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (mine !== generation) return;
    const namespace = istioNamespace();
    store = podStores.acquire(connection, istioPodScope(namespace));
    log.info(`pod explorer: watching ${namespace} and the data plane on ${connection.contextName}`);
    tree.attach(connection, store);
    serverVersion(connection).then(
      (version) => tree.setServerVersion(connection, version),
      (error: unknown) =>
        log.warn(`pod explorer: /version failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  let started = false;
  const start = (): void => {
    if (started) return;
    started = true;
    void connect();
  };

  const update = (): void => {
    // No pods, but the re-check found the release's objects without workloads (a reload mid-install).
    const installHint = progress.state('install').hint;
    const interrupted = installHint?.code === 'install-interrupted' ? installHint : undefined;
    const welcome = tree.welcome() === 'noIstio' && interrupted ? 'interrupted' : tree.welcome();
    void vscode.commands.executeCommand('setContext', 'istioLab.pods.welcome', welcome);
    view.description = tree.filter ? vscode.l10n.t('filter: {0}', tree.filter) : undefined;
    void vscode.commands.executeCommand('setContext', 'istioLab.pods.filtered', Boolean(tree.filter));
    const connection = tree.connection;
    if (!connection || welcome === 'noCluster') {
      status.hide();
      void vscode.commands.executeCommand('setContext', 'istioLab.controlPlaneReady', false);
      return;
    }
    const health = controlPlaneHealth(tree.installationPods, istioNamespace(), Date.now());
    const versions = tree.istioVersions.length ? `Istio ${tree.istioVersions[0]}` : undefined;
    const error = tree.error;
    const halfInstalled = !error && !health.total ? interrupted : undefined;
    const icon =
      error || halfInstalled
        ? '$(warning)'
        : health.failing
          ? '$(error)'
          : health.isReady
            ? '$(pass)'
            : health.total
              ? '$(sync~spin)'
              : '$(circle-large-outline)';
    const state = error
      ? vscode.l10n.t('cannot watch pods')
      : health.total
        ? vscode.l10n.t('{0}/{1} ready', health.ready, health.total)
        : halfInstalled
          ? vscode.l10n.t('install interrupted ({0}/{1} objects)', halfInstalled.present, halfInstalled.total)
          : vscode.l10n.t('no Istio');
    status.text = `${icon} ${[connection.contextName, versions, state].filter(Boolean).join(' · ')}`;
    status.tooltip = error
      ? kubeErrorMessage(error)
      : halfInstalled
        ? interruptedText(halfInstalled)
        : vscode.l10n.t(
            'Istio control plane on {0}: {1} of {2} pods ready. Click to show the Istio Pods view.',
            connection.contextName,
            health.ready,
            health.total,
          );
    status.show();
    void vscode.commands.executeCommand('setContext', 'istioLab.controlPlaneReady', health.isReady);
  };

  context.subscriptions.push(
    tree,
    status,
    { dispose: () => store?.dispose() },
    tree.onDidUpdate(update),
    progress.onDidChange(update),
    cluster.onDidChangeConnection(() => {
      if (started) void connect();
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (started && affectsSettings(event, 'namespace')) void connect();
    }),
    view.onDidChangeVisibility((event) => {
      if (event.visible) start();
    }),
    vscode.commands.registerCommand('istioLab.pods.refresh', () => {
      started = true;
      cluster.reset();
    }),
    // Returns the filter applied (undefined when the input box was closed), for tests.
    vscode.commands.registerCommand('istioLab.pods.filter', async (text?: string): Promise<string | undefined> => {
      const value =
        typeof text === 'string'
          ? text
          : await vscode.window.showInputBox({
              title: vscode.l10n.t('Filter the Istio pods'),
              ignoreFocusOut: true,
              prompt: vscode.l10n.t(
                'Shows pods whose name, namespace, workload, component, READY (such as 2/2) or STATUS contains this text.',
              ),
              value: tree.filter,
            });
      if (value !== undefined) tree.setFilter(value);
      return value;
    }),
    vscode.commands.registerCommand('istioLab.pods.clearFilter', () => tree.setFilter('')),
    // The welcome's "Show the Error" button: the welcome text is static, the reason is not.
    vscode.commands.registerCommand('istioLab.pods.showError', async () => {
      const error = tree.error;
      if (!error) return;
      const hint = error instanceof KubeError ? error.kubectlHint : undefined;
      const select = vscode.l10n.t('Select Cluster Context');
      const answer = await vscode.window.showErrorMessage(
        outside(kubeErrorMessage(error)),
        { modal: true, detail: hint ? vscode.l10n.t('Check it in a terminal: {0}', outside(hint)) : undefined },
        select,
      );
      if (answer === select) await vscode.commands.executeCommand('istioLab.selectContext');
    }),
    // Internal, for tests: features call the RevealPod this returns.
    vscode.commands.registerCommand('istioLab.pods.reveal', (namespace?: string, name?: string): Promise<boolean> =>
      typeof namespace === 'string' && typeof name === 'string' ? reveal(namespace, name) : Promise.resolve(false),
    ),
  );
  registerPodActions(context, tree, log);
  if (view.visible) start();
  return reveal;

  async function reveal(namespace: string, name: string): Promise<boolean> {
    start();
    const element = tree.findPod(namespace, name);
    if (!element) return false;
    await tree.revealing(() => view.reveal(element, { select: true, focus: true, expand: true }));
    return true;
  }
}

async function serverVersion(connection: ClusterConnection): Promise<string> {
  return (await readServerVersion(connection.kubeConfig)).gitVersion;
}
