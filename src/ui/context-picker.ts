// `Istio Lab: Select Cluster Context…`: a quick pick of the kubeconfig's contexts (cluster,
// server, namespace) plus the built-in sandbox when its kubeconfig exists, writing
// `istioLab.context` (and `istioLab.kubeconfig` for the sandbox) — the cluster service reconnects.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { ContextEntry } from '../kube/connection';
import { listContexts, SANDBOX_CONTEXT_NAME, SANDBOX_KUBECONFIG_PATH } from '../kube/connection';
import { KubeError } from '../kube/kube-errors';
import { connectionSettings, updateConnectionSettings } from './settings';

interface ContextItem extends vscode.QuickPickItem {
  /** What picking it writes; undefined kubeconfig = leave the setting's file list alone. */
  readonly choice: { readonly context: string; readonly kubeconfig?: string };
}

export const SELECT_CONTEXT_COMMAND = 'istioLab.selectContext';

export function registerContextPicker(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  context.subscriptions.push(vscode.commands.registerCommand(SELECT_CONTEXT_COMMAND, () => selectContext(log)));
}

function contextItem(entry: ContextEntry, kubeconfig?: string): ContextItem {
  const description = [entry.cluster, entry.namespace ? vscode.l10n.t('namespace {0}', entry.namespace) : undefined].filter(Boolean).join(' · ');
  return {
    label: entry.name,
    iconPath: new vscode.ThemeIcon(entry.isCurrent ? 'check' : 'server-environment'),
    description,
    detail: entry.server,
    choice: { context: entry.name, kubeconfig },
  };
}

/** The sandbox's contexts, when `npm start` or the lab has written its kubeconfig. */
async function sandboxItems(log: vscode.LogOutputChannel): Promise<ContextItem[]> {
  if (!fs.existsSync(SANDBOX_KUBECONFIG_PATH)) return [];
  try {
    const settings = connectionSettings();
    const entries = await listContexts({ kubeconfig: SANDBOX_KUBECONFIG_PATH });
    return entries.map((entry) => ({
      ...contextItem({ ...entry, isCurrent: settings.kubeconfig === SANDBOX_KUBECONFIG_PATH && entry.isCurrent }, SANDBOX_KUBECONFIG_PATH),
      iconPath: new vscode.ThemeIcon('beaker'),
      description: vscode.l10n.t('simulated cluster (Istio Lab sandbox)'),
    }));
  } catch (error) {
    log.warn(`the sandbox kubeconfig ${SANDBOX_KUBECONFIG_PATH} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
    return [];
  }
}

async function selectContext(log: vscode.LogOutputChannel): Promise<void> {
  const settings = connectionSettings();
  // While the sandbox is chosen, list the user's own kubeconfig (KUBECONFIG, ~/.kube/config) beside it.
  const ownSettings = settings.kubeconfig === SANDBOX_KUBECONFIG_PATH ? { context: undefined } : settings;
  let own: ContextItem[] = [];
  let problem: string | undefined;
  try {
    own = (await listContexts(ownSettings)).map((entry) => contextItem(settings.kubeconfig === SANDBOX_KUBECONFIG_PATH ? { ...entry, isCurrent: false } : entry));
  } catch (error) {
    problem = error instanceof KubeError && error.code === 'no-kubeconfig'
      ? vscode.l10n.t('No kubeconfig found (KUBECONFIG, ~/.kube/config).')
      : vscode.l10n.t('The kubeconfig cannot be read: {0}', error instanceof Error ? error.message : String(error));
    log.warn(`select context: ${error instanceof Error ? error.message : String(error)}`);
  }
  const sandbox = (await sandboxItems(log)).filter((item) => !own.some((mine) => mine.label === item.label && mine.detail === item.detail));
  const items: (ContextItem | vscode.QuickPickItem)[] = [...own];
  if (sandbox.length) items.push({ label: vscode.l10n.t('Sandbox'), kind: vscode.QuickPickItemKind.Separator }, ...sandbox);
  if (own.length && settings.context) {
    items.push(
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      { label: vscode.l10n.t('Use the kubeconfig\'s current-context'), iconPath: new vscode.ThemeIcon('discard'), choice: { context: '', kubeconfig: settings.kubeconfig === SANDBOX_KUBECONFIG_PATH ? '' : undefined } } as ContextItem,
    );
  }
  if (!items.length) {
    void vscode.window.showErrorMessage(
      problem ?? vscode.l10n.t('The kubeconfig has no contexts.'),
      { detail: vscode.l10n.t('Create a cluster (kind, minikube, GKE…) so kubectl can reach it, or start the Istio Lab sandbox with npm start.') },
    );
    return;
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Select Cluster Context'),
    placeHolder: problem ?? vscode.l10n.t('The cluster Istio Lab works on (kubectl keeps its own current-context)'),
    matchOnDescription: true,
    matchOnDetail: true,
    ignoreFocusOut: true,
  });
  if (!picked || !('choice' in picked)) return;
  const { context, kubeconfig } = (picked as ContextItem).choice;
  // Leaving the sandbox for the user's own kubeconfig clears the sandbox's file from the setting.
  const nextKubeconfig = kubeconfig ?? (settings.kubeconfig === SANDBOX_KUBECONFIG_PATH ? '' : settings.kubeconfig);
  await updateConnectionSettings({ kubeconfig: nextKubeconfig, context });
  log.info(`cluster context set to ${context || '(current-context)'}${context === SANDBOX_CONTEXT_NAME ? ' (sandbox)' : ''}`);
}
