// Commands of the lab's pre-check, install and uninstall steps: Check Cluster (a checklist in a
// read-only Markdown preview, plus the release's own istioctl check in a terminal), Install Istio
// (our apply engine for legacy releases, the release's istioctl for modern ones, with progress,
// cancel, a dry-run preview and a timeline of the control plane coming up), Uninstall Istio and
// Show Install Timeline. Each step's outcome is marked in the Lab Steps view.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { InstallMethod, InstallPlan } from '../istio/install-plan';
import { commandLine, planInstall } from '../istio/install-plan';
import type { CheckResult, ReleaseFacts } from '../istio/precheck/precheck';
import type { PrecheckVerdict } from '../istio/precheck/precheck';
import { demoRequirements, evaluatePrecheck, precheckPassed, precheckVerdict, requiredPermissions } from '../istio/precheck/precheck';
import { kubernetesRangeOf } from '../istio/releases/catalogue';
import type { ApplyReport, DeleteReport } from '../kube/apply/apply-engine';
import { applyLine, countOutcomes, deleteLine } from '../kube/apply/apply-result';
import { captureIstioctl, runIstioctl as runIstioctlProcess } from '../kube/apply/istioctl-runner';
import type { ManifestObject } from '../kube/apply/manifest';
import { parseManifest } from '../kube/apply/manifest';
import type { ClusterConnection } from '../kube/connection';
import type { PodSummary } from '../kube/pod-summary';
import type { WaitOutcome } from '../kube/pod-wait';
import { waitForPods } from '../kube/pod-wait';
import type { SharedPodStores } from '../kube/shared-pod-store';
import { istioPodScope } from '../istio/data-plane';
import type { DownloadedRelease } from '../lab/downloaded-release';
import { findDownloadedRelease, isVerified } from '../lab/downloaded-release';
import { exposeIstioctl } from '../lab/terminal-path';
import { installPod } from '../lab/install-pods';
import type { InstallTimelineData } from '../lab/install-timeline';
import { InstallTimeline, controlPlaneReady, hasTimings, podRows } from '../lab/install-timeline';
import type { LabStepId } from '../lab/steps';
import type { StepStatus } from '../lab/lab-progress';
import type { StepHint } from '../lab/step-hints';
import { checkControlPlane, checkInstall } from '../lab/step-hints';
import type { ClusterService } from './cluster-service';
import { confirmInstall } from './install-confirmation';
import { failureText, previewInstall, previewMarkdown, previewSummary } from './install-preview';
import { confirmIstioctl, terminalLinkDirectory } from './istioctl-trust';
import { kubeErrorMessage } from './kube-error-messages';
import { escapeMarkdown, markdownCode, outside } from './outside-text';
import { presenceOn, releasePresence } from './release-presence';
import { interruptedText } from './step-hint-text';
import { releasesDirectory } from './release-commands';
import { affectsSettings, istioNamespace, istioVersion } from './settings';
import { quoteCommandLine, shellKind } from './shell-quote';

/** Arguments of the commands, for links and tests: a release folder or manifest instead of the downloaded one. */
interface InstallArguments {
  readonly version?: string;
  /** An `istio-demo.yaml` to install (legacy method). */
  readonly manifest?: string;
  /** An istioctl to run (modern method). */
  readonly istioctl?: string;
  /** Skip the confirmation (not the warning before an unverified istioctl runs). */
  readonly yes?: boolean;
  readonly dryRun?: boolean;
  /** Return once the objects are created, without waiting for the control plane. */
  readonly noWait?: boolean;
}

interface ResolvedRelease {
  readonly plan: InstallPlan;
  readonly manifestPath?: string;
  readonly istioctl?: string;
  readonly downloaded?: DownloadedRelease;
}

const REPORT_SCHEME = 'istio-lab-report';
const TIMELINE_KEY = 'istioLab.lastInstallTimeline';
const CONTROL_PLANE_TIMEOUT_MS = 5 * 60_000;

/** Read-only Markdown documents the commands generate and show in the Markdown preview. */
class ReportDocuments implements vscode.TextDocumentContentProvider {
  private readonly documents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.documents.get(uri.path) ?? '';
  }

  async show(name: string, markdown: string): Promise<vscode.Uri> {
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${name}.md` });
    this.documents.set(uri.path, markdown);
    this.changed.fire(uri);
    await vscode.commands.executeCommand('markdown.showPreview', uri);
    return uri;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

const mark = (step: LabStepId, status: StepStatus, detail?: string, checkedSince?: number, hint?: StepHint) =>
  vscode.commands.executeCommand('istioLab.markLabStep', step, status, detail, checkedSince, hint).then(undefined, () => undefined);

export function registerInstallCommands(context: vscode.ExtensionContext, cluster: ClusterService, podStores: SharedPodStores, log: vscode.LogOutputChannel): void {
  const reports = new ReportDocuments();
  context.subscriptions.push(reports, vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, reports));

  const resolve = async (args: InstallArguments | undefined): Promise<ResolvedRelease | undefined> => {
    const version = args?.version ?? istioVersion();
    const plan = planInstall(version);
    if (args?.manifest || args?.istioctl) return { plan, manifestPath: args.manifest, istioctl: args.istioctl };
    const downloaded = await findDownloadedRelease(releasesDirectory(context), plan.version);
    if (!downloaded) return { plan };
    return { plan, downloaded, istioctl: downloaded.istioctl, manifestPath: downloaded.demoManifest };
  };

  const requireRelease = async (args: InstallArguments | undefined, need: 'manifest' | 'istioctl'): Promise<ResolvedRelease | undefined> => {
    const release = await resolve(args);
    if (!release) return undefined;
    if ((need === 'manifest' && release.manifestPath) || (need === 'istioctl' && release.istioctl)) return release;
    const download = vscode.l10n.t('Download Istio Release…');
    const choice = await vscode.window.showErrorMessage(
      vscode.l10n.t('Istio {0} is not downloaded yet, so there is nothing to install from. Download it first (or change istioLab.istioVersion).', outside(release.plan.version)),
      download,
    );
    if (choice === download) await vscode.commands.executeCommand('istioLab.downloadRelease', release.plan.version);
    return undefined;
  };

  /** A command's unexpected failure (an unreadable manifest, a bad istioLab.istioVersion…) as a message, not a stack. */
  const guarded = <A extends unknown[], R>(name: string, run: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R | undefined> => {
      try {
        return await run(...args);
      } catch (error) {
        log.error(`${name} failed`, error);
        void vscode.window.showErrorMessage(vscode.l10n.t('{0} failed: {1}', outside(name), outside(message(error))));
        return undefined;
      }
    };

  const connect = async (): Promise<ClusterConnection | undefined> => {
    try {
      return await cluster.current();
    } catch (error) {
      log.error('no cluster connection', error);
      void vscode.window.showErrorMessage(vscode.l10n.t('Cannot open the cluster connection: {0} Check istioLab.kubeconfig and istioLab.context, or select a context.', outside(message(error))));
      await mark('cluster', 'failed');
      return undefined;
    }
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('istioLab.checkCluster', guarded(vscode.l10n.t('Check Cluster'), async (args?: InstallArguments): Promise<CheckResult[] | undefined> => {
      const connection = await connect();
      if (!connection) return undefined;
      const release = await resolve(args);
      if (!release) return undefined;
      const results = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking the cluster {0}', outside(connection.contextName)), cancellable: true },
        async (_progress, token) => {
          const signal = abortSignal(token);
          const { probeCluster } = await import('../istio/precheck/precheck-probes');
          const facts = await probeCluster(connection.kubeConfig, requiredPermissions(istioNamespace()), istioNamespace(), signal);
          return evaluatePrecheck(facts, await releaseFacts(release));
        },
      );
      const passed = precheckPassed(results);
      log.info(`pre-check of ${connection.contextName} for Istio ${release.plan.version}: ${results.map((r) => `${r.id}=${r.status}`).join(' ')}`);
      await mark('cluster', results[0].status === 'pass' ? 'done' : 'failed', connection.contextName);
      await mark('verify', passed ? (results.some((r) => r.status === 'warn') ? 'warning' : 'done') : 'failed', release.plan.version);
      await reports.show(vscode.l10n.t('Pre-check'), precheckMarkdown(results, connection, release));
      const runIstioctl = release.plan.precheckArgs && release.istioctl ? vscode.l10n.t('Run istioctl {0} in a Terminal', release.plan.precheckArgs.join(' ')) : undefined;
      const summary = verdictText(precheckVerdict(results), release.plan.version);
      const buttons = runIstioctl ? [runIstioctl] : [];
      void (passed ? vscode.window.showInformationMessage(outside(summary), ...buttons) : vscode.window.showWarningMessage(outside(summary), ...buttons)).then((choice) => {
        if (choice === runIstioctl && release.istioctl && release.plan.precheckArgs) void checkInTerminal(release, release.plan.precheckArgs, connection);
      });
      return results;
    })),

    vscode.commands.registerCommand('istioLab.installIstio', guarded(vscode.l10n.t('Install Istio'), async (args?: InstallArguments) => {
      const version = args?.version ?? istioVersion();
      const method = planInstall(version).install;
      const release = await requireRelease(args, method.kind === 'manifest' ? 'manifest' : 'istioctl');
      if (!release) return undefined;
      const connection = await connect();
      if (!connection) return undefined;
      if (method.kind === 'istioctl') return (await confirmIstioctlInstall(release, method, connection, args ?? {})) ? runIstioctl(release, method, connection, 'install') : undefined;
      return installFromManifest(release, connection, args ?? {});
    })),

    vscode.commands.registerCommand('istioLab.uninstallIstio', guarded(vscode.l10n.t('Uninstall Istio'), async (args?: InstallArguments) => {
      const method = planInstall(args?.version ?? istioVersion()).uninstall;
      const release = await requireRelease(args, method.kind === 'manifest' ? 'manifest' : 'istioctl');
      if (!release) return undefined;
      const connection = await connect();
      if (!connection) return undefined;
      if (!args?.yes) {
        const uninstall = vscode.l10n.t('Uninstall');
        const choice = await vscode.window.showWarningMessage(
          vscode.l10n.t('Uninstall Istio {0} from {1}? Its namespace and everything in it are deleted.', outside(release.plan.version), outside(connection.contextName)),
          { modal: true, detail: commandLine(method) },
          uninstall,
        );
        if (choice !== uninstall) return undefined;
      }
      if (method.kind !== 'manifest' && !(await confirmIstioctl(context, release.downloaded, release.istioctl!, release.plan.version, log))) return undefined;
      if (method.kind === 'istioctl') return runIstioctl(release, method, connection, 'uninstall');
      let objects: ManifestObject[];
      if (method.kind === 'manifest') {
        objects = parseManifest(await fs.promises.readFile(release.manifestPath!, 'utf8'), path.basename(release.manifestPath!));
      } else {
        const rendered = await captureIstioctl(release.istioctl!, method.args, connection);
        objects = parseManifest(rendered, 'istioctl manifest generate');
      }
      return uninstallObjects(release, objects, connection);
    })),

    vscode.commands.registerCommand('istioLab.showInstallTimeline', async () => {
      const data = context.workspaceState.get<InstallTimelineData>(TIMELINE_KEY);
      if (!data) {
        void vscode.window.showInformationMessage(vscode.l10n.t('No install has been recorded in this workspace yet. Run Istio Lab: Install Istio first.'));
        return undefined;
      }
      return reports.show(vscode.l10n.t('Install timeline'), timelineMarkdown(data));
    }),
  );

  async function installFromManifest(release: ResolvedRelease, connection: ClusterConnection, args: InstallArguments): Promise<ApplyReport | undefined> {
    const file = release.manifestPath!;
    const source = path.basename(file);
    const objects = parseManifest(await fs.promises.readFile(file, 'utf8'), source);
    const { createObjectClient } = await import('../kube/apply/object-client');
    const { applyManifest } = await import('../kube/apply/apply-engine');
    const client = await createObjectClient(connection.kubeConfig);
    try {
      const preview = async (): Promise<ApplyReport> => {
        const report = await previewInstall(client, objects, release.plan.version, applyManifest);
        await reports.show(vscode.l10n.t('Install preview'), previewMarkdown(report, objects, connection.contextName, release.plan.version, release.plan.install));
        return report;
      };
      if (args.dryRun) return preview();
      if (!args.yes) {
        const install = vscode.l10n.t('Install');
        const previewButton = vscode.l10n.t('Preview (Server Dry Run)');
        // An install a window reload interrupted: say so, since Install is how it is finished.
        const presence = await presenceOn(client, objects, log);
        const interrupted = presence?.state === 'interrupted' ? interruptedText(presence) : undefined;
        // After a preview the question comes back, with what the preview found.
        const confirmed = await confirmInstall(
          async (lastPreview) => {
            const choice = await vscode.window.showInformationMessage(
              vscode.l10n.t('Install Istio {0} into {1}? {2} objects from {3}.', outside(release.plan.version), outside(connection.contextName), objects.length, outside(source)),
              { modal: true, detail: [interrupted, lastPreview, commandLine(release.plan.install)].filter(Boolean).join('\n\n') },
              install,
              previewButton,
            );
            return choice === install ? 'install' : choice === previewButton ? 'preview' : undefined;
          },
          async () => previewSummary(await preview()),
        );
        if (!confirmed) return undefined;
      }
      const timeline = new InstallTimeline(release.plan.version, connection.contextName, Date.now());
      const output = createOutput(log, vscode.l10n.t('Install Istio {0}', release.plan.version));
      output.appendLine(`$ ${commandLine(release.plan.install)}   # ${connection.contextName}`);
      const expected = { deployments: objects.filter((o) => o.kind === 'Deployment').length, jobs: objects.filter((o) => o.kind === 'Job').length };
      const outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Installing Istio {0}', outside(release.plan.version)), cancellable: true },
        async (progress, token) => {
          const signal = abortSignal(token);
          let revealed = false;
          const namespace = istioNamespace();
          const inNamespace = (pod: PodSummary) => pod.namespace === namespace;
          const observe = (pods: readonly PodSummary[]) => {
            for (const pod of pods.filter(inNamespace)) {
              timeline.podObserved(installPod(pod), Date.now());
              if (revealed) continue;
              revealed = true;
              // The pod tree reveals istio-system as its first pod appears.
              void vscode.commands.executeCommand('istioLab.pods.reveal', namespace, pod.name).then(undefined, () => undefined);
            }
          };
          // The connection's shared pod watch (the tree's, when it is open). It retries failures by
          // itself; without permission to list pods the install still runs, without a timeline.
          const watch = podStores.acquire(connection, istioPodScope(namespace));
          observe(watch.pods());
          watch.onChange((change) => observe([...change.added, ...change.updated]));
          watch.onState((state) => {
            if (state.kind === 'reconnecting' || state.kind === 'failed') log.warn(`watching the pods of ${namespace} failed${state.kind === 'reconnecting' ? ', retrying' : ', so no timeline is recorded'}: ${message(state.error)}`);
          });
          try {
            let done = 0;
            const report = await applyManifest(client, objects, {
              signal,
              onResult: (result) => {
                output.appendLine(applyLine(result, source));
                if (result.outcome === 'created') timeline.objectCreated(result.name, result.at);
                progress.report({ increment: 100 / objects.length / 2, message: vscode.l10n.t('{0} of {1} objects', ++done, objects.length) });
              },
            });
            const failed = report.results.some((result) => result.outcome === 'failed');
            if (report.cancelled || args.noWait || failed) return { report, wait: undefined };
            progress.report({ message: vscode.l10n.t('Waiting for the control plane to be ready…') });
            const wait = await waitForPods(watch, (pods) => controlPlaneReady(pods.map(installPod), expected), CONTROL_PLANE_TIMEOUT_MS, { select: inNamespace, signal });
            return { report, wait };
          } finally {
            watch.dispose();
          }
        },
      );
      timeline.finish(Date.now());
      await context.workspaceState.update(TIMELINE_KEY, timeline.data());
      summarize(outcome.report, outcome.wait, expected, release, output);
      return outcome.report;
    } finally {
      client.dispose();
    }
  }

  function summarize(report: ApplyReport, wait: WaitOutcome | undefined, expected: { deployments: number; jobs: number }, release: ResolvedRelease, output: Output): void {
    const ready = wait?.ready === true;
    const counts = countOutcomes(report.results);
    const failed = report.results.filter((result) => result.outcome === 'failed');
    const line = vscode.l10n.t('{0} created, {1} unchanged, {2} failed', counts.created ?? 0, counts.unchanged ?? 0, counts.failed ?? 0);
    output.appendLine(`# ${line}${report.cancelled ? ` (${vscode.l10n.t('cancelled: {0} objects not created', counts.cancelled ?? 0)})` : ''}`);
    void mark('install', failed.length || report.cancelled ? 'failed' : 'done', release.plan.version);
    if (wait) {
      const watch = checkControlPlane(wait.pods.map(installPod));
      void mark('watch', ready ? 'done' : watch.status, release.plan.version, undefined, ready ? undefined : watch.hint);
    }
    const timelineButton = vscode.l10n.t('Show Install Timeline');
    const outputButton = vscode.l10n.t('Show Output');
    const buttons = [timelineButton, outputButton];
    const act = (choice: string | undefined) => {
      if (choice === timelineButton) void vscode.commands.executeCommand('istioLab.showInstallTimeline');
      if (choice === outputButton) output.show();
    };
    if (report.cancelled) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Install cancelled: {0}. Running Install Istio again finishes it; what exists stays unchanged.', outside(line)), ...buttons).then(act);
    } else if (failed.length) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Istio {0} is only partly installed: {1}. First failure: {2}', outside(release.plan.version), outside(line), outside(failureText(failed[0]))), ...buttons).then(act);
    } else if (ready) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Istio {0} is installed and its control plane is ready ({1}).', outside(release.plan.version), outside(line)), ...buttons).then(act);
    } else if (wait && !wait.ready && wait.end !== 'cancelled') {
      const seen = wait.pods.length;
      const readyPods = wait.pods.filter((pod) => controlPlaneReady([installPod(pod)])).length;
      const waitedFor = vscode.l10n.t('{0} Deployments and {1} Jobs in {2} to be ready', expected.deployments, expected.jobs, istioNamespace());
      const text =
        wait.end === 'timeout'
          ? vscode.l10n.t('Istio {0}: every object is in place ({1}), but after {2} s of waiting for {3} the control plane is not ready yet ({4} of {5} pods ready). Watch them in the Istio pods view.', release.plan.version, line, CONTROL_PLANE_TIMEOUT_MS / 1000, waitedFor, readyPods, seen)
          : vscode.l10n.t('Istio {0}: every object is in place ({1}), but the pods of {2} cannot be watched ({3}), so readiness is not known. Watch them in the Istio pods view.', release.plan.version, line, istioNamespace(), wait.lastError ? kubeErrorMessage(wait.lastError) : '');
      output.appendLine(`# ${text}`);
      void vscode.window.showWarningMessage(outside(text), ...buttons).then(act);
    } else {
      void vscode.window.showInformationMessage(vscode.l10n.t('Istio {0} is installed ({1}); its pods are still starting. Watch them in the Istio pods view.', outside(release.plan.version), outside(line)), ...buttons).then(act);
    }
  }

  async function uninstallObjects(release: ResolvedRelease, objects: ManifestObject[], connection: ClusterConnection): Promise<DeleteReport> {
    const { createObjectClient } = await import('../kube/apply/object-client');
    const { deleteManifest } = await import('../kube/apply/apply-engine');
    const client = await createObjectClient(connection.kubeConfig);
    const output = createOutput(log, vscode.l10n.t('Uninstall Istio {0}', release.plan.version));
    output.appendLine(`$ ${commandLine(release.plan.uninstall)}   # ${connection.contextName}`);
    try {
      const report = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Uninstalling Istio {0}', outside(release.plan.version)), cancellable: true },
        (progress, token) => {
          let done = 0;
          return deleteManifest(client, objects, {
            signal: abortSignal(token),
            onResult: (result) => {
              output.appendLine(deleteLine(result, 'istio-demo.yaml'));
              progress.report({ increment: 100 / objects.length, message: vscode.l10n.t('{0} of {1} objects', ++done, objects.length) });
            },
            onWaitingForNamespace: (name) => progress.report({ message: vscode.l10n.t('Waiting for the namespace {0} to be deleted…', outside(name)) }),
          });
        },
      );
      const counts = countOutcomes(report.results);
      const failed = report.results.filter((result) => result.outcome === 'failed');
      const line = vscode.l10n.t('{0} deleted, {1} already gone, {2} failed', counts.deleted ?? 0, counts.absent ?? 0, counts.failed ?? 0);
      output.appendLine(`# ${line}`);
      if (failed.length || report.cancelled || report.namespacesLeft.length) {
        void vscode.window.showWarningMessage(vscode.l10n.t('Istio {0} is not completely uninstalled: {1}. Run Uninstall Istio again to finish.', outside(release.plan.version), outside(line)));
      } else {
        await mark('install', 'todo');
        await mark('watch', 'todo');
        await mark('verify', 'todo');
        void vscode.window.showInformationMessage(vscode.l10n.t('Istio {0} is uninstalled: {1}.', outside(release.plan.version), outside(line)));
      }
      return report;
    } finally {
      client.dispose();
    }
  }

  /** The manifest path's confirmation, for the istioctl path; before it, the warning when the istioctl is not verified. */
  async function confirmIstioctlInstall(release: ResolvedRelease, method: InstallMethod & { kind: 'istioctl' }, connection: ClusterConnection, args: InstallArguments): Promise<boolean> {
    if (!(await confirmIstioctl(context, release.downloaded, release.istioctl!, release.plan.version, log))) return false;
    if (args.yes) return true;
    const install = vscode.l10n.t('Install');
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('Install Istio {0} into {1}? The release\'s istioctl installs the demo profile.', outside(release.plan.version), outside(connection.contextName)),
      { modal: true, detail: commandLine(method) },
      install,
    );
    return choice === install;
  }

  /** The release's own check in a terminal, once its istioctl may run (asked first when it is not verified). */
  async function checkInTerminal(release: ResolvedRelease, args: readonly string[], connection: ClusterConnection): Promise<void> {
    try {
      if (await confirmIstioctl(context, release.downloaded, release.istioctl!, release.plan.version, log)) await runInTerminal(release.istioctl!, args, connection, terminalLinkDirectory(context));
    } catch (error) {
      log.error('could not open the istioctl terminal', error);
    }
  }

  async function runIstioctl(release: ResolvedRelease, method: InstallMethod & { kind: 'istioctl' }, connection: ClusterConnection, what: 'install' | 'uninstall'): Promise<number | undefined> {
    const output = createOutput(log, what === 'install' ? vscode.l10n.t('Install Istio {0}', release.plan.version) : vscode.l10n.t('Uninstall Istio {0}', release.plan.version));
    output.appendLine(`$ ${commandLine(method)}   # ${connection.contextName}`);
    const title = what === 'install' ? vscode.l10n.t('Installing Istio {0}', release.plan.version) : vscode.l10n.t('Uninstalling Istio {0}', release.plan.version);
    const code = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: outside(title), cancellable: true }, (_progress, token) =>
      runIstioctlProcess(release.istioctl!, method.args, connection, (text) => output.append(text), abortSignal(token)),
    );
    output.appendLine(`# exit ${code}`);
    if (code === 0) {
      await mark('install', what === 'install' ? 'done' : 'todo', release.plan.version);
      void vscode.window.showInformationMessage(what === 'install' ? vscode.l10n.t('Istio {0} is installed.', outside(release.plan.version)) : vscode.l10n.t('Istio {0} is uninstalled.', outside(release.plan.version)));
    } else {
      void vscode.window.showErrorMessage(vscode.l10n.t('istioctl exited with code {0}. Its output is in the Istio Lab output channel.', outside(code)), vscode.l10n.t('Show Output')).then((choice) => choice && output.show());
    }
    return code;
  }

  // On start, re-check against the disk and the cluster what the saved progress says (in the
  // background); again when the download folder, the lab's version or the cluster changes.
  const recheckFailed = (error: unknown) => log.warn(`could not re-check the lab progress: ${message(error)}`);
  void checkDownload().then(checkCluster).catch(recheckFailed);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsSettings(event, 'downloadDir', 'istioVersion')) void checkDownload().catch(recheckFailed);
    }),
    cluster.onDidChangeConnection(() => void checkCluster().catch(recheckFailed)),
  );
  // A re-check runs beside the commands: what a command marks while it looks stays (checkedSince).
  async function checkDownload(): Promise<void> {
    const since = Date.now();
    const release = await resolve(undefined);
    if (release?.downloaded) await mark('download', isVerified(release.downloaded) ? 'done' : 'warning', release.plan.version, since);
    else await mark('download', 'todo', undefined, since);
  }
  async function checkCluster(): Promise<void> {
    const since = Date.now();
    const release = await resolve(undefined);
    // "Prepared" means reachable with the selected context, nothing less: no connection is not done.
    const connection = await cluster.current().catch(() => undefined);
    if (!connection) {
      await mark('cluster', 'todo', undefined, since);
      return;
    }
    const { isReachable, listPods } = await import('../kube/cluster-reads');
    const reachable = await isReachable(connection.kubeConfig);
    await mark('cluster', reachable ? 'done' : 'failed', connection.contextName, since);
    if (!reachable) return;
    const pods = await listPods(connection.kubeConfig, istioNamespace()).catch(() => []);
    // No pods: an install interrupted by a window reload leaves objects without workloads.
    const presence = pods.length || !release ? undefined : await releasePresence(release, connection, log);
    // The same checks tick the steps and say why they are not done yet.
    const install = checkInstall(pods.length, presence?.state === 'interrupted' ? presence : undefined);
    await mark('install', install.status, install.status === 'done' ? release?.plan.version : undefined, since, install.hint);
    const watch = checkControlPlane(pods);
    await mark('watch', watch.status, pods.length ? release?.plan.version : undefined, since, watch.hint);
  }
}

// ── helpers ───────────────────────────────────────────────────────────────────────────────

interface Output {
  append(text: string): void;
  appendLine(text: string): void;
  show(): void;
}

/** The kubectl-like lines go to the Istio Lab log, one entry per line, under a heading. */
function createOutput(log: vscode.LogOutputChannel, heading: string): Output {
  log.info(`── ${heading}`);
  let partial = '';
  return {
    append: (text) => {
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) log.info(line);
    },
    appendLine: (text) => log.info(text),
    show: () => log.show(true),
  };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function abortSignal(token: vscode.CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

async function releaseFacts(release: ResolvedRelease): Promise<ReleaseFacts> {
  const range = kubernetesRangeOf(release.plan.version);
  let demo: ReleaseFacts['demo'];
  if (release.manifestPath) {
    try {
      demo = demoRequirements(parseManifest(await fs.promises.readFile(release.manifestPath, 'utf8')));
    } catch {
      demo = undefined;
    }
  }
  return {
    version: release.plan.version,
    minKubernetesMinor: release.plan.minKubernetesMinor,
    ...(range?.max ? { supportedKubernetes: { min: range.min, max: range.max } } : {}),
    ...(demo ? { demo } : {}),
    istioNamespace: istioNamespace(),
  };
}

/** `istioctl` in the terminal is the given one, alone in the lab's link folder (src/lab/terminal-path.ts), not the release's whole bin/. */
async function runInTerminal(istioctl: string, args: readonly string[], connection: ClusterConnection, linkDirectory: string): Promise<void> {
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
    env: { PATH: exposed.mode === 'prepend' ? `${exposed.directory}${path.delimiter}${process.env.PATH ?? ''}` : `${process.env.PATH ?? ''}${path.delimiter}${exposed.directory}` },
  });
  terminal.show();
  terminal.sendText(line, true);
}

// ── Markdown reports ──────────────────────────────────────────────────────────────────────

const ICONS: Record<CheckResult['status'], string> = { pass: '✓', info: 'ℹ', warn: '⚠', fail: '✗' };

function precheckMarkdown(results: readonly CheckResult[], connection: ClusterConnection, release: ResolvedRelease): string {
  const lines = [
    `# ${vscode.l10n.t('Pre-check for Istio {0}', escapeMarkdown(release.plan.version))}`,
    '',
    vscode.l10n.t('Cluster context {0} ({1}). Read-only: nothing was changed.', markdownCode(connection.contextName), escapeMarkdown(connection.server)),
    '',
  ];
  for (const result of results) {
    const { text, fix } = checkText(result);
    lines.push(`- ${ICONS[result.status]} **${checkTitle(result.id)}** — ${text}`);
    if (fix && (result.status === 'fail' || result.status === 'warn')) lines.push(`  - ${vscode.l10n.t('Fix:')} ${fix}`);
  }
  lines.push('', `**${verdictText(precheckVerdict(results), release.plan.version)}**`, '');
  lines.push(`## ${vscode.l10n.t('The same check with istioctl')}`, '');
  if (release.plan.precheckArgs) {
    lines.push('```sh', ['istioctl', ...release.plan.precheckArgs].join(' '), '```', '');
    lines.push(
      !release.istioctl
        ? vscode.l10n.t('Download the release first to run it.')
        : isVerified(release.downloaded)
          ? vscode.l10n.t('Run it in a terminal from the notification, or type it in any new terminal: the release\'s istioctl is on PATH.')
          : vscode.l10n.t('Run it in a terminal from the notification. The release\'s checksum was not verified, so its istioctl runs only after you confirm.'),
    );
  } else {
    lines.push(vscode.l10n.t('Istio {0}\'s istioctl has no pre-check command.', release.plan.version));
  }
  return `${lines.join('\n')}\n`;
}

/** The pre-check's verdict, the same words in the report and in the notification. */
function verdictText(verdict: PrecheckVerdict, version: string): string {
  switch (verdict) {
    case 'ready':
      return vscode.l10n.t('The cluster is ready for Istio {0}.', version);
    case 'warnings':
      return vscode.l10n.t('The cluster can take Istio {0}; read the ⚠ items first.', version);
    case 'installed':
      return vscode.l10n.t('Istio {0} is already installed on this cluster: installing again changes nothing.', version);
    case 'blocked':
      return vscode.l10n.t('The cluster is not ready for Istio {0}: see the checklist for what to fix.', version);
  }
}

function checkTitle(id: CheckResult['id']): string {
  switch (id) {
    case 'api':
      return vscode.l10n.t('Kubernetes API');
    case 'version':
      return vscode.l10n.t('Kubernetes version');
    case 'permissions':
      return vscode.l10n.t('Permissions');
    case 'existing':
      return vscode.l10n.t('Existing Istio');
    case 'resources':
      return vscode.l10n.t('Nodes and resources');
    case 'loadBalancer':
      return vscode.l10n.t('Ingress load balancer');
    case 'replicas':
      return vscode.l10n.t('Replicas');
    case 'webhooks':
      return vscode.l10n.t('Sidecar injection');
  }
}

function checkText(result: CheckResult): { text: string; fix?: string } {
  const p = (name: string) => escapeMarkdown(result.params[name] ?? '');
  switch (result.code) {
    case 'reachable':
      return { text: vscode.l10n.t('The API server {0} answers.', p('server')) };
    case 'unreachable':
      return {
        text: vscode.l10n.t('The API server {0} did not answer: {1} ({2}).', p('server'), p('message'), p('reason')),
        fix: vscode.l10n.t('Check the kubeconfig and context (istioLab.kubeconfig, istioLab.context), your network or VPN, and that your credentials have not expired.'),
      };
    case 'versionSupported':
      return { text: vscode.l10n.t('Kubernetes {0}: Istio {1} accepts it.', p('version'), p('release')) };
    case 'versionTooOld':
      return {
        text: vscode.l10n.t('Kubernetes {0} is older than Istio {1} accepts (at least {2}).', p('version'), p('release'), p('min')),
        fix: vscode.l10n.t('Use a newer cluster, or choose an older Istio release in istioLab.istioVersion.'),
      };
    case 'versionOutsideRange':
      return {
        text: vscode.l10n.t('Kubernetes {0} is outside the versions Istio {1} supports ({2}).', p('version'), p('release'), p('range')),
        fix: vscode.l10n.t('It may still work. If the install fails, use a cluster in that range or another Istio release.'),
      };
    case 'permissionsGranted':
      return { text: vscode.l10n.t('You may create everything the install creates ({0} permissions checked).', p('count')) };
    case 'permissionsMissing':
      return {
        text: vscode.l10n.t('Missing permissions: {0}.', p('missing')),
        fix: vscode.l10n.t('Ask a cluster administrator for them (cluster-admin is simplest for a lab), or use the sandbox cluster.'),
      };
    case 'notInstalled':
      return { text: vscode.l10n.t('No Istio in {0} yet.', p('namespace')) };
    case 'namespaceWithoutIstio':
      return { text: vscode.l10n.t('The namespace {0} exists but holds no Istio control plane. Istio 1.2\'s verify-install stops here; this install does not.', p('namespace')) };
    case 'sameVersionInstalled':
      return {
        text: vscode.l10n.t('Istio {0} is already installed ({1}): installing again changes nothing.', p('version'), p('deployment')),
        fix: vscode.l10n.t('Go on (every object reports unchanged), or uninstall first for a fresh start.'),
      };
    case 'otherVersionInstalled':
      return {
        text: vscode.l10n.t('Another Istio ({0}, {1}) is installed in {2}.', p('version'), p('deployment'), p('namespace')),
        fix: vscode.l10n.t('Uninstall it first, with the release it came from.'),
      };
    case 'resourcesFit':
      return { text: vscode.l10n.t('{0} nodes have {1}m CPU and {2} MiB memory free; the demo profile requests {3}m and {4} MiB.', p('nodes'), p('freeCpu'), p('freeMemoryMi'), p('needCpu'), p('needMemoryMi')) };
    case 'resourcesShort':
      return {
        text: vscode.l10n.t('Not enough room: {0} nodes have {1}m CPU and {2} MiB free; the demo profile requests {3}m and {4} MiB (largest pod {5}: {6}m, {7} MiB).', p('nodes'), p('freeCpu'), p('freeMemoryMi'), p('needCpu'), p('needMemoryMi'), p('pod'), p('podCpu'), p('podMemoryMi')),
        fix: vscode.l10n.t('Add nodes or larger ones (minikube: minikube start --cpus 4 --memory 8192). Pods that do not fit stay Pending and the install times out.'),
      };
    case 'noNodes':
      return { text: vscode.l10n.t('The cluster has no nodes: no pod can run.'), fix: vscode.l10n.t('Add nodes to the cluster, or use the sandbox cluster.') };
    case 'releaseNotRead':
      return { text: vscode.l10n.t('{0} nodes. What the demo profile requests is known once the release\'s manifest can be read.', p('nodes')) };
    case 'noLoadBalancerService':
      return { text: vscode.l10n.t('No LoadBalancer Service in the manifest: no external IP is needed.') };
    case 'loadBalancerProvided':
      return { text: vscode.l10n.t('The nodes run on a cloud ({0}): {1} will get an external IP.', p('provider'), p('services')) };
    case 'loadBalancerPending':
      return {
        text: vscode.l10n.t('{0} will stay <pending> in EXTERNAL-IP: the nodes have no cloud load balancer ({1}).', p('services'), p('provider')),
        fix: vscode.l10n.t('Use its NodePort, minikube tunnel, or a load balancer such as MetalLB.'),
      };
    case 'singleReplicas':
      return { text: vscode.l10n.t('{0} deployments run a single replica: each is a single point of failure, which is fine for a lab.', p('count')) };
    case 'replicated':
      return { text: vscode.l10n.t('Every deployment runs more than one replica.') };
    case 'webhooksServed':
      return { text: vscode.l10n.t('Admission webhooks are served: automatic sidecar injection can work.') };
    default:
      return { text: vscode.l10n.t('admissionregistration.k8s.io is not served: no automatic sidecar injection.'), fix: vscode.l10n.t('Enable the MutatingAdmissionWebhook admission plugin.') };
  }
}

function timelineMarkdown(data: InstallTimelineData): string {
  const created = data.events.filter((event) => event.kind === 'object-created').length;
  const seconds = (at?: number) => (at === undefined ? '—' : `${at.toFixed(1)} s`);
  const lines = [
    `# ${vscode.l10n.t('Install timeline of Istio {0}', escapeMarkdown(data.version))}`,
    '',
    vscode.l10n.t('Context {0}, started {1}. {2} objects created; times are seconds from the start of the install.', markdownCode(data.context), new Date(data.startedAt).toLocaleString(vscode.env.language), created),
    '',
  ];
  if (!hasTimings(data)) {
    lines.push(vscode.l10n.t('This install created nothing (everything was already there), so there is nothing to time. Uninstall Istio and install it again to watch the control plane come up.'));
    return `${lines.join('\n')}\n`;
  }
  lines.push(
    `| ${vscode.l10n.t('Pod')} | ${vscode.l10n.t('Node')} | ${vscode.l10n.t('Scheduled')} | ${vscode.l10n.t('Containers started')} | ${vscode.l10n.t('Ready')} | ${vscode.l10n.t('Completed')} |`,
    '|---|---|---:|---:|---:|---:|',
    ...podRows(data).map((row) => `| ${escapeMarkdown(row.pod)} | ${escapeMarkdown(row.node ?? '—')} | ${seconds(row.scheduled)} | ${seconds(row.started)} | ${seconds(row.ready)} | ${seconds(row.completed)} |`),
    '',
    vscode.l10n.t('Started containers include the image pull: the simulated and real clusters both report it as ContainerCreating.'),
  );
  return `${lines.join('\n')}\n`;
}
