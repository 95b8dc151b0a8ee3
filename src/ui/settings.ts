// The one place that reads the extension's settings; everything else receives plain values.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConnectionSettings } from '../kube/connection';
import type { ReleaseSource } from '../lab/download/release-download';
import { ISTIO_NAMESPACE, LAB_ISTIO_VERSION } from '../shared/istio-defaults';

const SECTION = 'istioLab';

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION);
}

/** Which cluster to connect to (`istioLab.kubeconfig`, `istioLab.context`). */
export function connectionSettings(): ConnectionSettings {
  return {
    kubeconfig: config().get<string>('kubeconfig') || undefined,
    context: config().get<string>('context') || undefined,
  };
}

/** Writes `istioLab.kubeconfig` / `istioLab.context` where they are set now (the workspace, or
 *  else the user settings), so a workspace value does not silently shadow the choice. */
export async function updateConnectionSettings(settings: ConnectionSettings): Promise<void> {
  for (const [key, value] of Object.entries(settings) as [keyof ConnectionSettings, string | undefined][]) {
    const inspected = config().inspect<string>(key);
    const target =
      inspected?.workspaceFolderValue !== undefined
        ? vscode.ConfigurationTarget.WorkspaceFolder
        : inspected?.workspaceValue !== undefined
          ? vscode.ConfigurationTarget.Workspace
          : vscode.ConfigurationTarget.Global;
    await config().update(key, value || undefined, target);
  }
}

/** The namespace Istio is installed in (`istioLab.namespace`), watched by the pod explorer. */
export function istioNamespace(): string {
  return config().get<string>('namespace') || ISTIO_NAMESPACE;
}

/** Seconds between automatic refreshes of the open registry viewer (`istioLab.registry.autoRefreshSeconds`; 0 = off). */
export function registryAutoRefreshSeconds(): number {
  const seconds = config().get<number>('registry.autoRefreshSeconds') ?? 0;
  return Number.isFinite(seconds) && seconds > 0 ? Math.max(5, seconds) : 0;
}

/** The Istio release the lab uses (`istioLab.istioVersion`; default the book's 1.2.2). */
export function istioVersion(): string {
  return config().get<string>('istioVersion')?.trim() || LAB_ISTIO_VERSION;
}

/** Where releases come from: `istioLab.releaseBaseUrl` (empty = GitHub) through VS Code's proxy settings. */
export function releaseSource(): ReleaseSource {
  const http = vscode.workspace.getConfiguration('http');
  // Like VS Code itself: the http.proxy setting, else the usual environment variables.
  const proxy =
    http.get<string>('proxy') ||
    process.env.HTTPS_PROXY ||
    process.env.https_proxy ||
    process.env.HTTP_PROXY ||
    process.env.http_proxy ||
    undefined;
  return {
    baseUrl: config().get<string>('releaseBaseUrl')?.trim() || undefined,
    proxy: {
      url: proxy,
      strictSSL: http.get<boolean>('proxyStrictSSL', true),
      noProxy: http.get<string[]>('noProxy', []),
    },
  };
}

/** Where releases are unpacked (`istioLab.downloadDir`, `~` expanded); `fallback` (the extension's storage) when unset. */
export function downloadDirectory(fallback: string): string {
  const setting = config().get<string>('downloadDir')?.trim();
  if (!setting) return fallback;
  return setting === '~' || setting.startsWith('~/')
    ? path.join(os.homedir(), setting.slice(1))
    : path.resolve(setting);
}

/** True when the change touches one of the given settings (names without the `istioLab.` prefix). */
export function affectsSettings(event: vscode.ConfigurationChangeEvent, ...names: string[]): boolean {
  return names.some((name) => event.affectsConfiguration(`${SECTION}.${name}`));
}
