// Words a lab step's "not yet" hint (src/lab/step-hints.ts) for the Lab Steps view, and an
// interrupted install for the views that show it.
import * as vscode from 'vscode';
import type { StepHint } from '../lab/step-hints';
import type { LabStepId } from '../lab/steps';
import { labSteps } from '../lab/steps';

type Hint<C extends StepHint['code']> = Extract<StepHint, { readonly code: C }>;
type StepTitle = (id: LabStepId) => string;

/** Each hint's words; `title` is `stepTitle` of lab-steps-tree.ts, passed in so this file does not import the view. */
const HINT_TEXTS: { readonly [C in StepHint['code']]: (hint: Hint<C>, title: StepTitle, now: number) => string } = {
  'no-cluster': () => vscode.l10n.t('no cluster context is selected, or it cannot be reached'),
  'cluster-unreachable': () => vscode.l10n.t('the selected cluster does not answer'),
  'not-downloaded': () => vscode.l10n.t('the release is not downloaded yet'),
  'checksum-not-verified': () => vscode.l10n.t('the release is downloaded, but its checksum was not verified'),
  'needs-step': (hint, title) =>
    vscode.l10n.t('first do step {0}: {1}', labSteps.findIndex((step) => step.id === hint.step) + 1, title(hint.step)),
  'precheck-not-run': () => vscode.l10n.t('the pre-check has not been run on this cluster'),
  'precheck-blocked': () => vscode.l10n.t('the pre-check found problems: see its report'),
  'precheck-warnings': () => vscode.l10n.t('the pre-check passed with warnings: see its report'),
  'not-installed': () => vscode.l10n.t('Istio is not installed on this cluster'),
  'install-interrupted': (hint) => interruptedText(hint),
  'install-failed': () => vscode.l10n.t('the last install did not finish: see the Istio Lab output'),
  'pods-not-ready': (hint, _title, now) => podsNotReadyText(hint, now),
  'control-plane-not-ready': () => vscode.l10n.t('the control plane was not ready at the last look'),
  'sample-app-not-deployed': () => vscode.l10n.t('Bookinfo is not running with its sidecars (every pod 2/2) yet'),
  'namespace-not-labelled': (hint) =>
    vscode.l10n.t(
      'the namespace {0} is not labelled for injection: kubectl label namespace {0} istio-injection=enabled',
      hint.namespace,
    ),
  'guide-not-read': () => vscode.l10n.t('the step has not been opened: list the components or explore the diagram'),
  'registry-not-opened': () => vscode.l10n.t('Pilot answers, but the registry has not been opened'),
};

export function stepHintText(hint: StepHint, title: StepTitle, now = Date.now()): string {
  // The table is typed per code; looked up by a code, TypeScript sees only the union.
  return (HINT_TEXTS[hint.code] as (hint: StepHint, title: StepTitle, now: number) => string)(hint, title, now);
}

function podsNotReadyText(hint: Hint<'pods-not-ready'>, now: number): string {
  const counts = vscode.l10n.t('{0} of {1} pods ready', hint.ready, hint.total);
  if (!hint.waitingFor) return counts;
  const seconds = hint.since === undefined ? undefined : Math.max(0, Math.round((now - hint.since) / 1000));
  if (hint.reason && seconds !== undefined)
    return vscode.l10n.t('{0}: waiting for {1} ({2} for {3} s)', counts, hint.waitingFor, hint.reason, seconds);
  if (hint.reason) return vscode.l10n.t('{0}: waiting for {1} ({2})', counts, hint.waitingFor, hint.reason);
  return vscode.l10n.t('{0}: waiting for {1}', counts, hint.waitingFor);
}

/** An install a window reload (or a cancel) stopped half-way: the Lab Steps view, the Pods view's status bar item and the Install confirmation say it alike. */
export function interruptedText(counts: { readonly present: number; readonly total: number }): string {
  return vscode.l10n.t(
    'Install was interrupted: {0} of {1} objects exist. Install again to finish, or Uninstall',
    counts.present,
    counts.total,
  );
}
