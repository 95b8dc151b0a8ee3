// The install flow of Install Istio and Uninstall Istio, once the command has its release and
// connection: for legacy releases our apply engine (a server dry-run preview on request, the
// confirmation, applying with progress and cancel, the wait for the control plane on the shared
// pod watch and the install timeline), for modern ones the release's istioctl; the summary
// notification, and the lab steps each outcome marks. The commands themselves are in
// install-commands.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { InstallMethod } from '../istio/install-plan';
import { commandLine } from '../istio/install-plan';
import { istioPodScope } from '../istio/data-plane';
import type { ApplyReport, DeleteReport } from '../kube/apply/apply-engine';
import { countOutcomes } from '../kube/apply/apply-result';
import { runIstioctl as runIstioctlProcess } from '../kube/apply/istioctl-runner';
import type { ManifestObject } from '../kube/apply/manifest';
import { parseManifest } from '../kube/apply/manifest';
import type { ClusterConnection } from '../kube/connection';
import type { PodSummary } from '../kube/pod-summary';
import type { WaitOutcome } from '../kube/pod-wait';
import { waitForPods } from '../kube/pod-wait';
import type { SharedPodStores } from '../kube/shared-pod-store';
import { installPod } from '../lab/install-pods';
import { InstallTimeline, controlPlaneReady } from '../lab/install-timeline';
import { checkControlPlane } from '../lab/step-hints';
import { confirmInstall } from './install-confirmation';
import { failureText, previewInstall, previewMarkdown, previewSummary } from './install-preview';
import type { InstallArguments, ResolvedRelease } from './install-release';
import type { ReportDocuments } from './install-reports';
import { kubeErrorMessage } from './kube-error-messages';
import type { Output } from './manifest-progress';
import { abortSignal, appliedLine, applyWithProgress, createOutput, deleteWithProgress } from './manifest-progress';
import type { LabServices } from './lab-progress-service';
import { outside } from './outside-text';
import { presenceOn } from './release-presence';
import { interruptedText } from './step-hint-text';
import { istioNamespace } from './settings';

/** Where the last install's timeline is kept (workspace state), for Show Install Timeline. */
export const TIMELINE_KEY = 'istioLab.lastInstallTimeline';
const CONTROL_PLANE_TIMEOUT_MS = 5 * 60_000;

export interface InstallFlowParts {
  readonly context: vscode.ExtensionContext;
  readonly podStores: SharedPodStores;
  readonly log: vscode.LogOutputChannel;
  readonly reports: ReportDocuments;
  readonly lab: LabServices;
}

export interface InstallFlow {
  installFromManifest(
    release: ResolvedRelease,
    connection: ClusterConnection,
    args: InstallArguments,
  ): Promise<ApplyReport | undefined>;
  uninstallObjects(
    release: ResolvedRelease,
    objects: ManifestObject[],
    connection: ClusterConnection,
  ): Promise<DeleteReport>;
  runIstioctl(
    release: ResolvedRelease,
    method: InstallMethod & { kind: 'istioctl' },
    connection: ClusterConnection,
    what: 'install' | 'uninstall',
  ): Promise<number | undefined>;
}

export function createInstallFlow({ context, podStores, log, reports, lab }: InstallFlowParts): InstallFlow {
  const { progress, revealPod } = lab;
  return { installFromManifest, uninstallObjects, runIstioctl };

  async function installFromManifest(
    release: ResolvedRelease,
    connection: ClusterConnection,
    args: InstallArguments,
  ): Promise<ApplyReport | undefined> {
    const file = release.manifestPath!;
    const source = path.basename(file);
    const objects = parseManifest(await fs.promises.readFile(file, 'utf8'), source);
    const { createObjectClient } = await import('../kube/apply/object-client');
    const { applyManifest } = await import('../kube/apply/apply-engine');
    const client = await createObjectClient(connection.kubeConfig);
    try {
      const preview = async (): Promise<ApplyReport> => {
        const report = await previewInstall(client, objects, release.plan.version, applyManifest);
        await reports.show(
          vscode.l10n.t('Install preview'),
          previewMarkdown(report, objects, connection.contextName, release.plan.version, release.plan.install),
        );
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
              vscode.l10n.t(
                'Install Istio {0} into {1}? {2} objects from {3}.',
                outside(release.plan.version),
                outside(connection.contextName),
                objects.length,
                outside(source),
              ),
              {
                modal: true,
                detail: [interrupted, lastPreview, commandLine(release.plan.install)].filter(Boolean).join('\n\n'),
              },
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
      const expected = {
        deployments: objects.filter((o) => o.kind === 'Deployment').length,
        jobs: objects.filter((o) => o.kind === 'Job').length,
      };
      const outcome = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: vscode.l10n.t('Installing Istio {0}', outside(release.plan.version)),
          cancellable: true,
        },
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
              revealPod(namespace, pod.name).catch((error: unknown) =>
                log.warn(`could not show ${pod.name} in the Istio Pods view: ${message(error)}`),
              );
            }
          };
          // The connection's shared pod watch (the tree's, when it is open). It retries failures by
          // itself; without permission to list pods the install still runs, without a timeline.
          const watch = podStores.acquire(connection, istioPodScope(namespace));
          observe(watch.pods());
          watch.onChange((change) => observe([...change.added, ...change.updated]));
          watch.onState((state) => {
            if (state.kind === 'reconnecting' || state.kind === 'failed')
              log.warn(
                `watching the pods of ${namespace} failed${state.kind === 'reconnecting' ? ', retrying' : ', so no timeline is recorded'}: ${message(state.error)}`,
              );
          });
          try {
            const report = await applyWithProgress(client, objects, {
              bar: progress,
              share: 0.5,
              output,
              source,
              signal,
              onResult: (result) => {
                if (result.outcome === 'created') timeline.objectCreated(result.name, result.at);
              },
            });
            const failed = report.results.some((result) => result.outcome === 'failed');
            if (report.cancelled || args.noWait || failed) return { report, wait: undefined };
            progress.report({ message: vscode.l10n.t('Waiting for the control plane to be ready…') });
            const wait = await waitForPods(
              watch,
              (pods) => controlPlaneReady(pods.map(installPod), expected),
              CONTROL_PLANE_TIMEOUT_MS,
              { select: inNamespace, signal },
            );
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

  function summarize(
    report: ApplyReport,
    wait: WaitOutcome | undefined,
    expected: { deployments: number; jobs: number },
    release: ResolvedRelease,
    output: Output,
  ): void {
    const ready = wait?.ready === true;
    const counts = countOutcomes(report.results);
    const failed = report.results.filter((result) => result.outcome === 'failed');
    const line = appliedLine(report);
    output.appendLine(
      `# ${line}${report.cancelled ? ` (${vscode.l10n.t('cancelled: {0} objects not created', counts.cancelled ?? 0)})` : ''}`,
    );
    void progress.mark('install', failed.length || report.cancelled ? 'failed' : 'done', {
      detail: release.plan.version,
    });
    if (wait) {
      const watch = checkControlPlane(wait.pods.map(installPod));
      void progress.mark('watch', ready ? 'done' : watch.status, {
        detail: release.plan.version,
        hint: ready ? undefined : watch.hint,
      });
    }
    const timelineButton = vscode.l10n.t('Show Install Timeline');
    const outputButton = vscode.l10n.t('Show Output');
    const buttons = [timelineButton, outputButton];
    const act = (choice: string | undefined) => {
      if (choice === timelineButton) void vscode.commands.executeCommand('istioLab.showInstallTimeline');
      if (choice === outputButton) output.show();
    };
    if (report.cancelled) {
      void vscode.window
        .showWarningMessage(
          vscode.l10n.t(
            'Install cancelled: {0}. Running Install Istio again finishes it; what exists stays unchanged.',
            outside(line),
          ),
          ...buttons,
        )
        .then(act);
    } else if (failed.length) {
      void vscode.window
        .showErrorMessage(
          vscode.l10n.t(
            'Istio {0} is only partly installed: {1}. First failure: {2}',
            outside(release.plan.version),
            outside(line),
            outside(failureText(failed[0])),
          ),
          ...buttons,
        )
        .then(act);
    } else if (ready) {
      void vscode.window
        .showInformationMessage(
          vscode.l10n.t(
            'Istio {0} is installed and its control plane is ready ({1}).',
            outside(release.plan.version),
            outside(line),
          ),
          ...buttons,
        )
        .then(act);
    } else if (wait && !wait.ready && wait.end !== 'cancelled') {
      const seen = wait.pods.length;
      const readyPods = wait.pods.filter((pod) => controlPlaneReady([installPod(pod)])).length;
      const waitedFor = vscode.l10n.t(
        '{0} Deployments and {1} Jobs in {2} to be ready',
        expected.deployments,
        expected.jobs,
        istioNamespace(),
      );
      const text =
        wait.end === 'timeout'
          ? vscode.l10n.t(
              'Istio {0}: every object is in place ({1}), but after {2} s of waiting for {3} the control plane is not ready yet ({4} of {5} pods ready). Watch them in the Istio pods view.',
              release.plan.version,
              line,
              CONTROL_PLANE_TIMEOUT_MS / 1000,
              waitedFor,
              readyPods,
              seen,
            )
          : vscode.l10n.t(
              'Istio {0}: every object is in place ({1}), but the pods of {2} cannot be watched ({3}), so readiness is not known. Watch them in the Istio pods view.',
              release.plan.version,
              line,
              istioNamespace(),
              wait.lastError ? kubeErrorMessage(wait.lastError) : '',
            );
      output.appendLine(`# ${text}`);
      void vscode.window.showWarningMessage(outside(text), ...buttons).then(act);
    } else {
      void vscode.window
        .showInformationMessage(
          vscode.l10n.t(
            'Istio {0} is installed ({1}); its pods are still starting. Watch them in the Istio pods view.',
            outside(release.plan.version),
            outside(line),
          ),
          ...buttons,
        )
        .then(act);
    }
  }

  async function uninstallObjects(
    release: ResolvedRelease,
    objects: ManifestObject[],
    connection: ClusterConnection,
  ): Promise<DeleteReport> {
    const { createObjectClient } = await import('../kube/apply/object-client');
    const client = await createObjectClient(connection.kubeConfig);
    const output = createOutput(log, vscode.l10n.t('Uninstall Istio {0}', release.plan.version));
    output.appendLine(`$ ${commandLine(release.plan.uninstall)}   # ${connection.contextName}`);
    try {
      const { report, line, failed } = await deleteWithProgress(
        client,
        objects,
        vscode.l10n.t('Uninstalling Istio {0}', release.plan.version),
        output,
        'istio-demo.yaml',
      );
      if (failed || report.cancelled || report.namespacesLeft.length) {
        void vscode.window.showWarningMessage(
          vscode.l10n.t(
            'Istio {0} is not completely uninstalled: {1}. Run Uninstall Istio again to finish.',
            outside(release.plan.version),
            outside(line),
          ),
        );
      } else {
        await progress.mark('install', 'todo');
        await progress.mark('watch', 'todo');
        await progress.mark('verify', 'todo');
        void vscode.window.showInformationMessage(
          vscode.l10n.t('Istio {0} is uninstalled: {1}.', outside(release.plan.version), outside(line)),
        );
      }
      return report;
    } finally {
      client.dispose();
    }
  }

  async function runIstioctl(
    release: ResolvedRelease,
    method: InstallMethod & { kind: 'istioctl' },
    connection: ClusterConnection,
    what: 'install' | 'uninstall',
  ): Promise<number | undefined> {
    const output = createOutput(
      log,
      what === 'install'
        ? vscode.l10n.t('Install Istio {0}', release.plan.version)
        : vscode.l10n.t('Uninstall Istio {0}', release.plan.version),
    );
    output.appendLine(`$ ${commandLine(method)}   # ${connection.contextName}`);
    const title =
      what === 'install'
        ? vscode.l10n.t('Installing Istio {0}', release.plan.version)
        : vscode.l10n.t('Uninstalling Istio {0}', release.plan.version);
    const code = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: outside(title), cancellable: true },
      (_progress, token) =>
        runIstioctlProcess(
          release.istioctl!,
          method.args,
          connection,
          (text) => output.append(text),
          abortSignal(token),
        ),
    );
    output.appendLine(`# exit ${code}`);
    if (code === 0) {
      await progress.mark('install', what === 'install' ? 'done' : 'todo', { detail: release.plan.version });
      void vscode.window.showInformationMessage(
        what === 'install'
          ? vscode.l10n.t('Istio {0} is installed.', outside(release.plan.version))
          : vscode.l10n.t('Istio {0} is uninstalled.', outside(release.plan.version)),
      );
    } else {
      void vscode.window
        .showErrorMessage(
          vscode.l10n.t('istioctl exited with code {0}. Its output is in the Istio Lab output channel.', outside(code)),
          vscode.l10n.t('Show Output'),
        )
        .then((choice) => choice && output.show());
    }
    return code;
  }
}

// ── helpers ───────────────────────────────────────────────────────────────────────────────

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
