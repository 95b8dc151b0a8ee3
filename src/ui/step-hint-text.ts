// Words a lab step's "not yet" hint (src/lab/step-hints.ts) for the Lab Steps view, and an
// interrupted install for the views that show it.
import * as vscode from 'vscode';
import type { StepHint } from '../lab/step-hints';
import type { LabStepId } from '../lab/steps';
import { labSteps } from '../lab/steps';

/** `stepTitle` of lab-steps-tree.ts, passed in so this file does not import the view. */
export function stepHintText(hint: StepHint, title: (id: LabStepId) => string, now = Date.now()): string {
  switch (hint.code) {
    case 'no-cluster':
      return vscode.l10n.t('no cluster context is selected, or it cannot be reached');
    case 'cluster-unreachable':
      return vscode.l10n.t('the selected cluster does not answer');
    case 'not-downloaded':
      return vscode.l10n.t('the release is not downloaded yet');
    case 'checksum-not-verified':
      return vscode.l10n.t('the release is downloaded, but its checksum was not verified');
    case 'needs-step':
      return vscode.l10n.t(
        'first do step {0}: {1}',
        labSteps.findIndex((step) => step.id === hint.step) + 1,
        title(hint.step),
      );
    case 'precheck-not-run':
      return vscode.l10n.t('the pre-check has not been run on this cluster');
    case 'precheck-blocked':
      return vscode.l10n.t('the pre-check found problems: see its report');
    case 'precheck-warnings':
      return vscode.l10n.t('the pre-check passed with warnings: see its report');
    case 'not-installed':
      return vscode.l10n.t('Istio is not installed on this cluster');
    case 'install-interrupted':
      return interruptedText(hint);
    case 'install-failed':
      return vscode.l10n.t('the last install did not finish: see the Istio Lab output');
    case 'pods-not-ready': {
      const counts = vscode.l10n.t('{0} of {1} pods ready', hint.ready, hint.total);
      if (!hint.waitingFor) return counts;
      const seconds = hint.since === undefined ? undefined : Math.max(0, Math.round((now - hint.since) / 1000));
      if (hint.reason && seconds !== undefined)
        return vscode.l10n.t('{0}: waiting for {1} ({2} for {3} s)', counts, hint.waitingFor, hint.reason, seconds);
      if (hint.reason) return vscode.l10n.t('{0}: waiting for {1} ({2})', counts, hint.waitingFor, hint.reason);
      return vscode.l10n.t('{0}: waiting for {1}', counts, hint.waitingFor);
    }
    case 'control-plane-not-ready':
      return vscode.l10n.t('the control plane was not ready at the last look');
    case 'sample-app-not-deployed':
      return vscode.l10n.t('Bookinfo is not running with its sidecars (every pod 2/2) yet');
    case 'namespace-not-labelled':
      return vscode.l10n.t(
        'the namespace {0} is not labelled for injection: kubectl label namespace {0} istio-injection=enabled',
        hint.namespace,
      );
    case 'guide-not-read':
      return vscode.l10n.t('the step has not been opened: list the components or explore the diagram');
    case 'registry-not-opened':
      return vscode.l10n.t('Pilot answers, but the registry has not been opened');
  }
}

/** An install a window reload (or a cancel) stopped half-way: the Lab Steps view, the Pods view's status bar item and the Install confirmation say it alike. */
export function interruptedText(counts: { readonly present: number; readonly total: number }): string {
  return vscode.l10n.t(
    'Install was interrupted: {0} of {1} objects exist. Install again to finish, or Uninstall',
    counts.present,
    counts.total,
  );
}
