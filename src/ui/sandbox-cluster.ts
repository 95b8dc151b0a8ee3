// Istio Lab: Start / Stop / Reset Sandbox Cluster. The sandbox (dist/sandbox.js, a simulated
// Kubernetes API server) runs as a child process on VS Code's own Node, its state and kubeconfig
// in the extension's global storage (src/lab/sandbox/), so the lab is where the learner left it
// after a restart. Starting it selects its context; new terminals get its KUBECONFIG; the window
// that started it stops it when it closes; another window attaches to the same one. A status bar
// item says, always, that it is simulated.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { confirmModal } from './modal-question';
import { outside } from './outside-text';
import { SANDBOX_CONTEXT_NAME } from '../kube/connection';
import type { RunningSandbox, SandboxPaths } from '../lab/sandbox/sandbox-host';
import {
  SandboxHostError,
  resetSandboxState,
  runningSandbox,
  sandboxPaths,
  startOrAttachSandbox,
  stopSandbox,
} from '../lab/sandbox/sandbox-host';
import type { ClusterService } from './cluster-service';
import { sandboxKubeVersionFor } from '../istio/releases/sandbox-kubernetes';
import { affectsSettings, connectionSettings, istioVersion, updateConnectionSettings } from './settings';

export const START_SANDBOX_COMMAND = 'istioLab.startSandbox';

/** Set by Start, cleared by Stop: a window that opens with the sandbox selected starts it only then. */
const WANTED_KEY = 'istioLab.sandbox.wanted';

/** What the context picker needs to offer the sandbox. */
export interface SandboxCluster {
  /** The kubeconfig the sandbox writes (its context is istio-lab-sandbox). */
  readonly kubeconfig: string;
  /** True while it runs (in this window or another). */
  isRunning(): boolean;
}

/** What Start returns (for tests and links). */
interface StartResult {
  readonly url: string;
  /** Started by this window, or attached to the one another window runs. */
  readonly kind: RunningSandbox['kind'];
  readonly kubeconfig: string;
}

export function registerSandboxCluster(
  context: vscode.ExtensionContext,
  cluster: ClusterService,
  log: vscode.LogOutputChannel,
): SandboxCluster {
  const paths: SandboxPaths = sandboxPaths(context.globalStorageUri.fsPath);
  const script = path.join(context.extensionPath, 'dist', 'sandbox.js');
  let running: RunningSandbox | undefined;
  let starting: Promise<StartResult | undefined> | undefined;

  const status = vscode.window.createStatusBarItem('istioLab.sandbox.status', vscode.StatusBarAlignment.Left, 11);
  status.name = vscode.l10n.t('Istio Lab: sandbox cluster');
  status.command = 'istioLab.selectContext';

  const isSelected = (): boolean => connectionSettings().kubeconfig === paths.kubeconfig;

  const update = (): void => {
    const selected = isSelected();
    void vscode.commands.executeCommand('setContext', 'istioLab.sandbox.running', Boolean(running));
    void vscode.commands.executeCommand('setContext', 'istioLab.sandbox.selected', selected);
    // The book's kubectl commands in new terminals reach the cluster the lab uses.
    if (selected) context.environmentVariableCollection.replace('KUBECONFIG', paths.kubeconfig);
    else context.environmentVariableCollection.delete('KUBECONFIG');
    if (starting && !running) {
      status.text = `$(loading~spin) ${vscode.l10n.t('Sandbox cluster (simulated): starting…')}`;
      status.tooltip = vscode.l10n.t(
        'Starting the Istio Lab sandbox cluster, a simulated Kubernetes cluster on this machine.',
      );
      status.show();
    } else if (running) {
      status.text = `$(beaker) ${vscode.l10n.t('Sandbox cluster (simulated)')}`;
      status.tooltip =
        running.kind === 'started'
          ? vscode.l10n.t(
              "The Istio Lab sandbox: a simulated Kubernetes API server at {0}, started by this window. Pods do not run containers; their status, logs and Istio's registry are simulated. Click to select the cluster context.",
              running.url,
            )
          : vscode.l10n.t(
              "The Istio Lab sandbox: a simulated Kubernetes API server at {0}, started by another VS Code window and shared with it. Pods do not run containers; their status, logs and Istio's registry are simulated. Click to select the cluster context.",
              running.url,
            );
      status.show();
    } else {
      status.hide();
    }
  };

  async function start(args: readonly string[] = []): Promise<StartResult | undefined> {
    if (running && runningSandbox(paths)) {
      await select();
      return { url: running.url, kind: running.kind, kubeconfig: paths.kubeconfig };
    }
    running = undefined;
    starting ??= Promise.resolve(
      vscode.window
        .withProgress(
          {
            location: vscode.ProgressLocation.Notification,
            title: vscode.l10n.t('Starting the sandbox cluster (simulated)…'),
            cancellable: true,
          },
          async (_progress, token) => {
            const controller = new AbortController();
            const cancel = token.onCancellationRequested(() => controller.abort());
            try {
              return await startOrAttachSandbox({
                paths,
                runtime: process.execPath,
                script,
                args: withKubeVersion(args),
                ownerPid: process.pid,
                signal: controller.signal,
                onOutput: (text) => log.trace(`sandbox: ${text.trimEnd()}`),
              });
            } finally {
              cancel.dispose();
            }
          },
        )
        .then(
          async (sandbox) => {
            running = sandbox;
            log.info(
              `sandbox cluster ${sandbox.kind === 'started' ? 'started' : 'attached'} at ${sandbox.url} (pid ${sandbox.pid}${sandbox.kind === 'attached' && sandbox.adopted ? ', adopted from a window that has gone' : ''}), state in ${paths.stateDir}`,
            );
            if (sandbox.kind === 'started') {
              void sandbox.process.exited.then((code) => {
                if (running !== sandbox) return;
                running = undefined;
                update();
                log.warn(`the sandbox cluster exited (code ${code})`);
              });
            }
            await context.globalState.update(WANTED_KEY, true);
            await select();
            return { url: sandbox.url, kind: sandbox.kind, kubeconfig: paths.kubeconfig };
          },
          (error: unknown) => {
            showStartError(error, log, paths);
            return undefined;
          },
        ),
    ).finally(() => {
      starting = undefined;
      update();
    });
    update();
    return starting;
  }

  /**
   * The sandbox claims the Kubernetes release that suits the lab's Istio release (GKE 1.13 for the
   * book's 1.2.2, 1.32 for today's), unless the caller chose one. A sandbox already running keeps
   * its release; the pre-check says when the two do not fit.
   */
  function withKubeVersion(args: readonly string[]): readonly string[] {
    if (args.includes('--kube-version')) return args;
    const kubeVersion = sandboxKubeVersionFor(istioVersion());
    return kubeVersion ? ['--kube-version', kubeVersion, ...args] : args;
  }

  /** Makes the sandbox the cluster the lab works on; the cluster service reconnects. */
  async function select(): Promise<void> {
    const settings = connectionSettings();
    if (settings.kubeconfig === paths.kubeconfig && settings.context === SANDBOX_CONTEXT_NAME) cluster.reset();
    else await updateConnectionSettings({ kubeconfig: paths.kubeconfig, context: SANDBOX_CONTEXT_NAME });
    update();
  }

  async function stop(): Promise<boolean> {
    const owned = running?.kind === 'started' ? running.process : undefined;
    running = undefined;
    await context.globalState.update(WANTED_KEY, false);
    try {
      const stopped = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Stopping the sandbox cluster…') },
        () => stopSandbox(paths, owned),
      );
      log.info(stopped ? 'sandbox cluster stopped; its state is kept' : 'stop: no sandbox cluster was running');
      return stopped;
    } finally {
      update();
    }
  }

  context.subscriptions.push(
    status,
    // The window is closing: the sandbox it started stops with it (it saves its state on SIGTERM).
    { dispose: () => (running?.kind === 'started' ? running.process.kill() : undefined) },
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsSettings(event, 'kubeconfig', 'context')) update();
    }),
    vscode.commands.registerCommand(START_SANDBOX_COMMAND, (options?: { args?: string[] }) =>
      start(Array.isArray(options?.args) ? options.args.map(String) : []),
    ),
    vscode.commands.registerCommand('istioLab.stopSandbox', async () => {
      const stopped = await stop();
      void vscode.window.showInformationMessage(
        stopped
          ? vscode.l10n.t(
              'The sandbox cluster has stopped. Its state is kept: Start Sandbox Cluster brings it back as you left it.',
            )
          : vscode.l10n.t('The sandbox cluster is not running.'),
      );
      return stopped;
    }),
    vscode.commands.registerCommand('istioLab.resetSandbox', async (options?: { yes?: boolean }) => {
      if (
        options?.yes !== true &&
        !(await confirmModal({
          question: vscode.l10n.t('Reset the sandbox cluster?'),
          detail: vscode.l10n.t(
            'This deletes everything in the simulated cluster (Istio, namespaces, workloads) and its kubeconfig. The downloaded releases are kept. It cannot be undone.',
          ),
          action: vscode.l10n.t('Delete and Reset'),
          warning: true,
        }))
      )
        return false;
      const wasRunning = Boolean(running) || Boolean(runningSandbox(paths));
      await stop();
      resetSandboxState(paths);
      log.info(`sandbox cluster reset: ${paths.stateDir} deleted`);
      if (wasRunning) await start();
      else
        void vscode.window.showInformationMessage(
          vscode.l10n.t('The sandbox cluster was reset. Start Sandbox Cluster starts it empty.'),
        );
      return true;
    }),
  );

  update();
  // The learner left the sandbox selected and running: bring it back (or attach to another window's).
  if (isSelected() && context.globalState.get<boolean>(WANTED_KEY)) void start();

  return { kubeconfig: paths.kubeconfig, isRunning: () => Boolean(running) || Boolean(runningSandbox(paths)) };
}

function showStartError(error: unknown, log: vscode.LogOutputChannel, paths: SandboxPaths): void {
  if (error instanceof SandboxHostError && error.code === 'cancelled') {
    log.info('sandbox start cancelled');
    return;
  }
  log.error('the sandbox cluster could not start', error);
  if (error instanceof SandboxHostError && error.output) log.error(`sandbox output:\n${error.output}`);
  const showLog = vscode.l10n.t('Show Log');
  const reset = vscode.l10n.t('Reset Sandbox Cluster…');
  // What the process printed is outside text: it goes to the log, not into the notification.
  const message =
    error instanceof SandboxHostError && error.code === 'busy'
      ? vscode.l10n.t(
          'The sandbox cluster is held by another VS Code window or process that does not answer. Close that window, or stop it, then start again. (State: {0})',
          paths.dir,
        )
      : vscode.l10n.t(
          'The sandbox cluster could not start. The log says why; if its saved state is damaged, Reset Sandbox Cluster… starts it empty.',
        );
  void vscode.window.showErrorMessage(outside(message), showLog, reset).then((answer) => {
    if (answer === showLog) log.show();
    if (answer === reset) void vscode.commands.executeCommand('istioLab.resetSandbox');
  });
}
