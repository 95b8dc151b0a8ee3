// A modal yes-or-cancel question, as Install, Uninstall, Deploy and Remove the Sample App and Reset
// Sandbox Cluster ask it before they change the cluster: one button says yes; Cancel, Escape or
// closing the dialog is no. The question is escaped here as a whole (src/ui/outside-text.ts), so a
// caller builds it with `vscode.l10n.t` and passes namespaces, context names and versions as they are.
import * as vscode from 'vscode';
import { outside } from './outside-text';

export interface ModalQuestion {
  /** The question, a `vscode.l10n.t` sentence whose arguments may be outside text. */
  readonly question: string;
  /** The dialog's smaller text under it: the command line it stands for, or what it costs. */
  readonly detail?: string;
  /** The one button that answers yes. */
  readonly action: string;
  /** A warning dialog, for what deletes; otherwise an information one. */
  readonly warning?: boolean;
}

/** True only when the learner pressed `action`. */
export async function confirmModal({ question, detail, action, warning }: ModalQuestion): Promise<boolean> {
  const options: vscode.MessageOptions = { modal: true, detail };
  const choice = warning
    ? await vscode.window.showWarningMessage(outside(question), options, action)
    : await vscode.window.showInformationMessage(outside(question), options, action);
  return choice === action;
}
