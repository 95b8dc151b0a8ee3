// A manifest's objects created or deleted as the learner watches: each object's kubectl-like line
// in the Istio Lab log under a heading, "N of M objects" in a cancellable progress notification
// that cancels the engine through an AbortSignal, and the count lines an apply and a deletion end with. The
// install and the sample app use the same words for both.
import * as vscode from 'vscode';
import type { ApplyReport, DeleteReport } from '../kube/apply/apply-engine';
import type { ObjectResult } from '../kube/apply/apply-result';
import { applyLine, countOutcomes, deleteLine } from '../kube/apply/apply-result';
import type { ManifestObject } from '../kube/apply/manifest';
import type { ObjectClient } from '../kube/apply/object-client';
import { outside } from './outside-text';

export interface Output {
  append(text: string): void;
  appendLine(text: string): void;
  show(): void;
}

/** The kubectl-like lines go to the Istio Lab log, one entry per line, under a heading. */
export function createOutput(log: vscode.LogOutputChannel, heading: string): Output {
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

export function abortSignal(token: vscode.CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

/** Counts the objects done on `bar`, "N of M objects", moving it by `share` of its length over all M. */
export function objectCounter(
  bar: vscode.Progress<{ message?: string; increment?: number }>,
  objects: readonly unknown[],
  share = 1,
): () => void {
  let done = 0;
  return () =>
    bar.report({
      increment: (100 * share) / objects.length,
      message: vscode.l10n.t('{0} of {1} objects', ++done, objects.length),
    });
}

/** How an apply shows itself: its lines on `output`, `share` of `bar` counted over the objects. */
export interface ApplyView {
  readonly bar: vscode.Progress<{ message?: string; increment?: number }>;
  readonly share: number;
  readonly output: Output;
  /** The file the objects were read from, named on each line. */
  readonly source: string;
  readonly signal: AbortSignal;
  /** Each result too, after its line. */
  readonly onResult?: (result: ObjectResult) => void;
}

/** Applies `objects` as the learner watches: a kubectl-like line and a step of the count for each. */
export async function applyWithProgress(
  client: ObjectClient,
  objects: readonly ManifestObject[],
  { bar, share, output, source, signal, onResult }: ApplyView,
): Promise<ApplyReport> {
  const { applyManifest } = await import('../kube/apply/apply-engine');
  const counted = objectCounter(bar, objects, share);
  return applyManifest(client, objects, {
    signal,
    onResult: (result) => {
      output.appendLine(applyLine(result, source));
      onResult?.(result);
      counted();
    },
  });
}

/** An apply's count line: "N created, N unchanged, N failed". */
export function appliedLine(report: ApplyReport): string {
  const counts = countOutcomes(report.results);
  return vscode.l10n.t(
    '{0} created, {1} unchanged, {2} failed',
    counts.created ?? 0,
    counts.unchanged ?? 0,
    counts.failed ?? 0,
  );
}

/** What a deletion did, and its count line ("N deleted, N already gone, N failed"), the last line of the output too. */
export interface Deletion {
  readonly report: DeleteReport;
  readonly line: string;
  readonly failed: number;
}

/** Deletes `objects` (read from `source`) under a cancellable notification titled `title` (outside text escaped here), a line of `output` for each. */
export async function deleteWithProgress(
  client: ObjectClient,
  objects: readonly ManifestObject[],
  title: string,
  output: Output,
  source: string,
): Promise<Deletion> {
  const { deleteManifest } = await import('../kube/apply/apply-engine');
  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: outside(title), cancellable: true },
    (bar, token) => {
      const counted = objectCounter(bar, objects);
      return deleteManifest(client, objects, {
        signal: abortSignal(token),
        onResult: (result) => {
          output.appendLine(deleteLine(result, source));
          counted();
        },
        onWaitingForNamespace: (name) =>
          bar.report({ message: vscode.l10n.t('Waiting for the namespace {0} to be deleted…', outside(name)) }),
      });
    },
  );
  const counts = countOutcomes(report.results);
  const line = vscode.l10n.t(
    '{0} deleted, {1} already gone, {2} failed',
    counts.deleted ?? 0,
    counts.absent ?? 0,
    counts.failed ?? 0,
  );
  output.appendLine(`# ${line}`);
  return { report, line, failed: counts.failed ?? 0 };
}
