// The one place that reads the extension's settings; everything else receives plain values.
import * as vscode from 'vscode';
import type { ConnectionSettings } from '../kube/connection';

const SECTION = 'istioLab';

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION);
}

/** Which cluster to connect to (`istioLab.kubeconfig`, `istioLab.context`). */
export function connectionSettings(): ConnectionSettings {
  return { kubeconfig: config().get<string>('kubeconfig') || undefined, context: config().get<string>('context') || undefined };
}

/** True when the change touches one of the given settings (names without the `istioLab.` prefix). */
export function affectsSettings(event: vscode.ConfigurationChangeEvent, ...names: string[]): boolean {
  return names.some((name) => event.affectsConfiguration(`${SECTION}.${name}`));
}
