// `Istio Lab: Select Cluster Context…`: a quick pick of the kubeconfig's contexts (cluster,
// server, namespace) plus the built-in sandbox ("Sandbox cluster (simulated, offline)", which
// picking starts) and `npm start`'s sandbox when its kubeconfig exists, writing
// `istioLab.context` (and `istioLab.kubeconfig` for the sandbox) — the cluster service reconnects.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { ContextEntry } from '../kube/connection';
import { listContexts, SANDBOX_CONTEXT_NAME, SANDBOX_KUBECONFIG_PATH } from '../kube/connection';
import { KubeError } from '../kube/kube-errors';
import type { SandboxCluster } from './sandbox-cluster';
import { START_SANDBOX_COMMAND } from './sandbox-cluster';
import { connectionSettings, updateConnectionSettings } from './settings';

interface ContextItem extends vscode.QuickPickItem {
  /** What picking it writes; undefined kubeconfig = leave the setting's file list alone. */
  readonly choice: { readonly context: string; readonly kubeconfig?: string } | 'start-sandbox';
}

export const SELECT_CONTEXT_COMMAND = 'istioLab.selectContext';

export function registerContextPicker(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  sandbox: SandboxCluster,
): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(SELECT_CONTEXT_COMMAND, () => selectContext(log, sandbox)),
  );
}

/** The extension's own sandbox: picking it starts it (or attaches) and selects its context. */
function builtinSandboxItem(sandbox: SandboxCluster, isSelected: boolean): ContextItem {
  return {
    label: vscode.l10n.t('Sandbox cluster (simulated, offline)'),
    iconPath: new vscode.ThemeIcon(isSelected ? 'check' : 'beaker'),
    description: sandbox.isRunning()
      ? vscode.l10n.t('running · {0}', SANDBOX_CONTEXT_NAME)
      : vscode.l10n.t('starts on this machine'),
    detail: vscode.l10n.t(
      "Istio Lab's built-in cluster: a simulated Kubernetes API server, no containers run. Its state is kept between sessions.",
    ),
    choice: 'start-sandbox',
  };
}

function contextItem(entry: ContextEntry, kubeconfig?: string): ContextItem {
  const description = [entry.cluster, entry.namespace ? vscode.l10n.t('namespace {0}', entry.namespace) : undefined]
    .filter(Boolean)
    .join(' · ');
  return {
    label: entry.name,
    iconPath: new vscode.ThemeIcon(entry.isCurrent ? 'check' : 'server-environment'),
    description,
    detail: entry.server,
    choice: { context: entry.name, kubeconfig },
  };
}

/** `npm start`'s sandbox contexts, when it has written its kubeconfig. */
async function sandboxItems(log: vscode.LogOutputChannel): Promise<ContextItem[]> {
  if (!fs.existsSync(SANDBOX_KUBECONFIG_PATH)) return [];
  try {
    const settings = connectionSettings();
    const entries = await listContexts({ kubeconfig: SANDBOX_KUBECONFIG_PATH });
    return entries.map((entry) => ({
      ...contextItem(
        { ...entry, isCurrent: settings.kubeconfig === SANDBOX_KUBECONFIG_PATH && entry.isCurrent },
        SANDBOX_KUBECONFIG_PATH,
      ),
      iconPath: new vscode.ThemeIcon('beaker'),
      description: vscode.l10n.t('simulated cluster (Istio Lab sandbox, npm start)'),
    }));
  } catch (error) {
    log.warn(
      `the sandbox kubeconfig ${SANDBOX_KUBECONFIG_PATH} cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    );
    return [];
  }
}

async function selectContext(log: vscode.LogOutputChannel, builtin: SandboxCluster): Promise<void> {
  const settings = connectionSettings();
  const onSandbox = settings.kubeconfig === SANDBOX_KUBECONFIG_PATH || settings.kubeconfig === builtin.kubeconfig;
  // While a sandbox is chosen, list the user's own kubeconfig (KUBECONFIG, ~/.kube/config) beside it.
  const ownSettings = onSandbox ? { context: undefined } : settings;
  let own: ContextItem[] = [];
  let problem: string | undefined;
  try {
    own = (await listContexts(ownSettings)).map((entry) =>
      contextItem(onSandbox ? { ...entry, isCurrent: false } : entry),
    );
  } catch (error) {
    problem =
      error instanceof KubeError && error.code === 'no-kubeconfig'
        ? vscode.l10n.t('No kubeconfig found (KUBECONFIG, ~/.kube/config).')
        : vscode.l10n.t('The kubeconfig cannot be read: {0}', error instanceof Error ? error.message : String(error));
    log.warn(`select context: ${error instanceof Error ? error.message : String(error)}`);
  }
  const sandbox = (await sandboxItems(log)).filter(
    (item) => !own.some((mine) => mine.label === item.label && mine.detail === item.detail),
  );
  const items: (ContextItem | vscode.QuickPickItem)[] = [...own];
  items.push(
    { label: vscode.l10n.t('Sandbox'), kind: vscode.QuickPickItemKind.Separator },
    builtinSandboxItem(builtin, settings.kubeconfig === builtin.kubeconfig),
    ...sandbox,
  );
  if (own.length && settings.context) {
    items.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, {
      label: vscode.l10n.t("Use the kubeconfig's current-context"),
      iconPath: new vscode.ThemeIcon('discard'),
      choice: { context: '', kubeconfig: onSandbox ? '' : undefined },
    } as ContextItem);
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Select Cluster Context'),
    placeHolder: problem ?? vscode.l10n.t('The cluster Istio Lab works on (kubectl keeps its own current-context)'),
    matchOnDescription: true,
    matchOnDetail: true,
    ignoreFocusOut: true,
  });
  if (!picked || !('choice' in picked)) return;
  const { choice } = picked as ContextItem;
  if (choice === 'start-sandbox') {
    await vscode.commands.executeCommand(START_SANDBOX_COMMAND);
    return;
  }
  const { context, kubeconfig } = choice;
  // Leaving the sandbox for the user's own kubeconfig clears the sandbox's file from the setting.
  const nextKubeconfig = kubeconfig ?? (onSandbox ? '' : settings.kubeconfig);
  await updateConnectionSettings({ kubeconfig: nextKubeconfig, context });
  log.info(
    `cluster context set to ${context || '(current-context)'}${context === SANDBOX_CONTEXT_NAME ? ' (sandbox)' : ''}`,
  );
}
