// Commands of the lab's pre-check, install and uninstall steps, registered here: Check Cluster (a
// checklist in a read-only Markdown preview, plus the release's own istioctl check in a terminal),
// Install Istio, Uninstall Istio and Show Install Timeline. Which release they use is
// install-release.ts; the install itself install-flow.ts; the reports install-reports.ts; the
// start-up re-check of the lab steps install-progress-sync.ts. Each step's outcome is marked
// through the LabProgressService features.ts passes in.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { InstallMethod } from '../istio/install-plan';
import { commandLine, planInstall } from '../istio/install-plan';
import type { CheckResult } from '../istio/precheck/precheck';
import { evaluatePrecheck, precheckPassed, precheckVerdict, requiredPermissions } from '../istio/precheck/precheck';
import { captureIstioctl } from '../kube/apply/istioctl-runner';
import type { ManifestObject } from '../kube/apply/manifest';
import { parseManifest } from '../kube/apply/manifest';
import type { ClusterConnection } from '../kube/connection';
import type { InstallTimelineData } from '../lab/install-timeline';
import { exposeIstioctl } from '../lab/terminal-path';
import type { ClusterCommandServices } from './cluster-commands';
import { guardedCommand } from './cluster-commands';
import { TIMELINE_KEY, createInstallFlow, message } from './install-flow';
import { registerProgressSync } from './install-progress-sync';
import type { InstallArguments, ResolvedRelease } from './install-release';
import { releaseFacts, resolveRelease } from './install-release';
import { ReportDocuments, precheckMarkdown, timelineMarkdown, verdictText } from './install-reports';
import { confirmIstioctl, terminalLinkDirectory } from './istioctl-trust';
import { abortSignal } from './manifest-progress';
import { confirmModal } from './modal-question';
import { outside } from './outside-text';
import { istioNamespace, istioVersion } from './settings';
import { quoteCommandLine, shellKind } from './shell-quote';

export function registerInstallCommands(services: ClusterCommandServices): void {
  const { context, cluster, podStores, log, lab } = services;
  const { progress } = lab;
  const reports = new ReportDocuments();
  context.subscriptions.push(reports, reports.register());
  const flow = createInstallFlow({ context, podStores, log, reports, lab });

  const requireRelease = async (
    args: InstallArguments | undefined,
    need: 'manifest' | 'istioctl',
  ): Promise<ResolvedRelease | undefined> => {
    const release = await resolveRelease(context, args);
    if ((need === 'manifest' && release.manifestPath) || (need === 'istioctl' && release.istioctl)) return release;
    const download = vscode.l10n.t('Download Istio Release…');
    const choice = await vscode.window.showErrorMessage(
      vscode.l10n.t(
        'Istio {0} is not downloaded yet, so there is nothing to install from. Download it first (or change istioLab.istioVersion).',
        outside(release.plan.version),
      ),
      download,
    );
    if (choice === download) await vscode.commands.executeCommand('istioLab.downloadRelease', release.plan.version);
    return undefined;
  };

  const guarded = guardedCommand(log);

  const connect = async (): Promise<ClusterConnection | undefined> => {
    try {
      return await cluster.current();
    } catch (error) {
      log.error('no cluster connection', error);
      void vscode.window.showErrorMessage(
        vscode.l10n.t(
          'Cannot open the cluster connection: {0} Check istioLab.kubeconfig and istioLab.context, or select a context.',
          outside(message(error)),
        ),
      );
      await progress.mark('cluster', 'failed');
      return undefined;
    }
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(
      'istioLab.checkCluster',
      guarded(vscode.l10n.t('Check Cluster'), async (args?: InstallArguments): Promise<CheckResult[] | undefined> => {
        const connection = await connect();
        if (!connection) return undefined;
        const release = await resolveRelease(context, args);
        const results = await vscode.window.withProgress(
          {
            location: vscode.ProgressLocation.Notification,
            title: vscode.l10n.t('Checking the cluster {0}', outside(connection.contextName)),
            cancellable: true,
          },
          async (_progress, token) => {
            const signal = abortSignal(token);
            const { probeCluster } = await import('../istio/precheck/precheck-probes');
            const facts = await probeCluster(
              connection.kubeConfig,
              requiredPermissions(istioNamespace()),
              istioNamespace(),
              signal,
            );
            return evaluatePrecheck(facts, await releaseFacts(release));
          },
        );
        const passed = precheckPassed(results);
        log.info(
          `pre-check of ${connection.contextName} for Istio ${release.plan.version}: ${results.map((r) => `${r.id}=${r.status}`).join(' ')}`,
        );
        await progress.mark('cluster', results[0].status === 'pass' ? 'done' : 'failed', {
          detail: connection.contextName,
        });
        await progress.mark(
          'verify',
          passed ? (results.some((r) => r.status === 'warn') ? 'warning' : 'done') : 'failed',
          { detail: release.plan.version },
        );
        await reports.show(vscode.l10n.t('Pre-check'), precheckMarkdown(results, connection, release));
        const runIstioctl =
          release.plan.precheckArgs && release.istioctl
            ? vscode.l10n.t('Run istioctl {0} in a Terminal', release.plan.precheckArgs.join(' '))
            : undefined;
        const summary = verdictText(precheckVerdict(results), release.plan.version);
        const buttons = runIstioctl ? [runIstioctl] : [];
        void (
          passed
            ? vscode.window.showInformationMessage(outside(summary), ...buttons)
            : vscode.window.showWarningMessage(outside(summary), ...buttons)
        ).then((choice) => {
          if (choice === runIstioctl && release.istioctl && release.plan.precheckArgs)
            void checkInTerminal(release, release.plan.precheckArgs, connection);
        });
        return results;
      }),
    ),

    vscode.commands.registerCommand(
      'istioLab.installIstio',
      guarded(vscode.l10n.t('Install Istio'), async (args?: InstallArguments) => {
        const version = args?.version ?? istioVersion();
        const method = planInstall(version).install;
        const release = await requireRelease(args, method.kind === 'manifest' ? 'manifest' : 'istioctl');
        if (!release) return undefined;
        const connection = await connect();
        if (!connection) return undefined;
        if (method.kind === 'istioctl')
          return (await confirmIstioctlInstall(release, method, connection, args ?? {}))
            ? flow.runIstioctl(release, method, connection, 'install')
            : undefined;
        return flow.installFromManifest(release, connection, args ?? {});
      }),
    ),

    vscode.commands.registerCommand(
      'istioLab.uninstallIstio',
      guarded(vscode.l10n.t('Uninstall Istio'), async (args?: InstallArguments) => {
        const method = planInstall(args?.version ?? istioVersion()).uninstall;
        const release = await requireRelease(args, method.kind === 'manifest' ? 'manifest' : 'istioctl');
        if (!release) return undefined;
        const connection = await connect();
        if (!connection) return undefined;
        if (
          !args?.yes &&
          !(await confirmModal({
            question: vscode.l10n.t(
              'Uninstall Istio {0} from {1}? Its namespace and everything in it are deleted.',
              release.plan.version,
              connection.contextName,
            ),
            detail: commandLine(method),
            action: vscode.l10n.t('Uninstall'),
            warning: true,
          }))
        )
          return undefined;
        if (
          method.kind !== 'manifest' &&
          !(await confirmIstioctl(context, release.downloaded, release.istioctl!, release.plan.version, log))
        )
          return undefined;
        if (method.kind === 'istioctl') return flow.runIstioctl(release, method, connection, 'uninstall');
        let objects: ManifestObject[];
        if (method.kind === 'manifest') {
          objects = parseManifest(
            await fs.promises.readFile(release.manifestPath!, 'utf8'),
            path.basename(release.manifestPath!),
          );
        } else {
          const rendered = await captureIstioctl(release.istioctl!, method.args, connection);
          objects = parseManifest(rendered, 'istioctl manifest generate');
        }
        return flow.uninstallObjects(release, objects, connection);
      }),
    ),

    vscode.commands.registerCommand('istioLab.showInstallTimeline', async () => {
      const data = context.workspaceState.get<InstallTimelineData>(TIMELINE_KEY);
      if (!data) {
        void vscode.window.showInformationMessage(
          vscode.l10n.t('No install has been recorded in this workspace yet. Run Istio Lab: Install Istio first.'),
        );
        return undefined;
      }
      return reports.show(vscode.l10n.t('Install timeline'), timelineMarkdown(data));
    }),
  );

  /** The manifest path's confirmation, for the istioctl path; before it, the warning when the istioctl is not verified. */
  async function confirmIstioctlInstall(
    release: ResolvedRelease,
    method: InstallMethod & { kind: 'istioctl' },
    connection: ClusterConnection,
    args: InstallArguments,
  ): Promise<boolean> {
    if (!(await confirmIstioctl(context, release.downloaded, release.istioctl!, release.plan.version, log)))
      return false;
    if (args.yes) return true;
    return confirmModal({
      question: vscode.l10n.t(
        "Install Istio {0} into {1}? The release's istioctl installs the demo profile.",
        release.plan.version,
        connection.contextName,
      ),
      detail: commandLine(method),
      action: vscode.l10n.t('Install'),
    });
  }

  /** The release's own check in a terminal, once its istioctl may run (asked first when it is not verified). */
  async function checkInTerminal(
    release: ResolvedRelease,
    args: readonly string[],
    connection: ClusterConnection,
  ): Promise<void> {
    try {
      if (await confirmIstioctl(context, release.downloaded, release.istioctl!, release.plan.version, log))
        await runInTerminal(release.istioctl!, args, connection, terminalLinkDirectory(context));
    } catch (error) {
      log.error('could not open the istioctl terminal', error);
    }
  }

  registerProgressSync(context, cluster, progress, log);
}

/** `istioctl` in the terminal is the given one, alone in the lab's link folder (src/lab/terminal-path.ts), not the release's whole bin/. */
async function runInTerminal(
  istioctl: string,
  args: readonly string[],
  connection: ClusterConnection,
  linkDirectory: string,
): Promise<void> {
  let line: string;
  try {
    // Quoted for the new terminal's shell (the default one): the context name is an argument, never code.
    line = quoteCommandLine(['istioctl', ...args, '--context', connection.contextName], shellKind(vscode.env.shell));
  } catch (error) {
    void vscode.window.showErrorMessage(outside(error instanceof Error ? error.message : String(error)));
    return;
  }
  const exposed = await exposeIstioctl(linkDirectory, istioctl);
  const terminal = vscode.window.createTerminal({
    name: 'Istio Lab: istioctl',
    iconPath: new vscode.ThemeIcon('beaker'),
    env: {
      PATH:
        exposed.mode === 'prepend'
          ? `${exposed.directory}${path.delimiter}${process.env.PATH ?? ''}`
          : `${process.env.PATH ?? ''}${path.delimiter}${exposed.directory}`,
    },
  });
  terminal.show();
  terminal.sendText(line, true);
}
