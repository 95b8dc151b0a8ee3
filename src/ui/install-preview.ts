// The Install confirmation's Preview: a server dry run of every object of the manifest, with
// progress and cancel, its Markdown report, and the one line the confirmation shows when it asks
// again. Also the text of one object's failure, which the install's own report shares.
import * as vscode from 'vscode';
import type { InstallMethod } from '../istio/install-plan';
import { commandLine } from '../istio/install-plan';
import type { ApplyOptions, ApplyReport } from '../kube/apply/apply-engine';
import type { ObjectResult } from '../kube/apply/apply-result';
import { countOutcomes, objectsByKind, qualifiedResource } from '../kube/apply/apply-result';
import type { ManifestObject } from '../kube/apply/manifest';
import type { ObjectClient } from '../kube/apply/object-client';
import { escapeMarkdown, markdownCode, outside } from './outside-text';

type ApplyManifest = (
  client: ObjectClient,
  objects: readonly ManifestObject[],
  options: ApplyOptions,
) => Promise<ApplyReport>;

/** The server dry run of every object, counted in a cancellable progress notification. */
export function previewInstall(
  client: ObjectClient,
  objects: readonly ManifestObject[],
  version: string,
  applyManifest: ApplyManifest,
): Thenable<ApplyReport> {
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Previewing the install of Istio {0} (server dry run)', outside(version)),
      cancellable: true,
    },
    async (progress, token) => {
      const controller = new AbortController();
      const listener = token.onCancellationRequested(() => controller.abort());
      let done = 0;
      try {
        return await applyManifest(client, objects, {
          dryRun: true,
          signal: controller.signal,
          onResult: () =>
            progress.report({
              increment: 100 / objects.length,
              message: vscode.l10n.t('{0} of {1} objects', ++done, objects.length),
            }),
        });
      } finally {
        listener.dispose();
      }
    },
  );
}

/** What a preview found, in one line for the confirmation that follows it. */
export function previewSummary(report: ApplyReport): string {
  const counts = countOutcomes(report.results);
  if (report.cancelled)
    return vscode.l10n.t(
      'Preview cancelled after {0} of {1} objects.',
      report.results.filter((result) => result && result.outcome !== 'cancelled').length,
      report.results.length,
    );
  return vscode.l10n.t(
    'Preview: {0} would be created, {1} already there, {2} failed, {3} not checkable before their namespace or CRD exists.',
    counts.created ?? 0,
    counts.unchanged ?? 0,
    counts.failed ?? 0,
    counts.unverified ?? 0,
  );
}

export function previewMarkdown(
  report: ApplyReport,
  objects: readonly ManifestObject[],
  contextName: string,
  version: string,
  install: InstallMethod,
): string {
  const counts = countOutcomes(report.results);
  const lines = [
    `# ${vscode.l10n.t('Install preview for Istio {0}', escapeMarkdown(version))}`,
    '',
    vscode.l10n.t(
      'A server dry run in {0}: the API server checked each object and stored nothing.',
      markdownCode(contextName),
    ),
    '',
    `| ${vscode.l10n.t('Kind')} | ${vscode.l10n.t('Objects')} |`,
    '|---|---:|',
    ...objectsByKind(objects).map(
      (kind) => `| ${escapeMarkdown(kind.group ? `${kind.kind} (${kind.group})` : kind.kind)} | ${kind.count} |`,
    ),
    '',
    vscode.l10n.t(
      'Would be created: {0}. Already there: {1}. Failed: {2}. Not checkable before their namespace or CRD exists: {3}.',
      counts.created ?? 0,
      counts.unchanged ?? 0,
      counts.failed ?? 0,
      counts.unverified ?? 0,
    ),
    '',
  ];
  if (report.cancelled)
    lines.push(vscode.l10n.t('The preview was cancelled: {0} objects were not checked.', counts.cancelled ?? 0), '');
  const failed = report.results.filter((result) => result.outcome === 'failed');
  if (failed.length)
    lines.push(
      `## ${vscode.l10n.t('Failures')}`,
      '',
      ...failed.map((result) => `- ${escapeMarkdown(failureText(result))}`),
      '',
    );
  lines.push('```sh', `${commandLine(install)} --dry-run=server`, '```');
  return `${lines.join('\n')}\n`;
}

export function failureText(result: ObjectResult): string {
  const failure = result.failure!;
  if (failure.permission) {
    const scope = failure.permission.namespace
      ? vscode.l10n.t('in namespace {0}', failure.permission.namespace)
      : vscode.l10n.t('at the cluster scope');
    return vscode.l10n.t(
      '{0}: missing permission to {1} {2} {3}.',
      result.name,
      failure.permission.verb,
      qualifiedResource(failure.permission),
      scope,
    );
  }
  return `${result.name}: ${failure.reason}: ${failure.message}`;
}
