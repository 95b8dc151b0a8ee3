// The cluster the lab works on: the connection from the `istioLab.kubeconfig` and
// `istioLab.context` settings, opened on first use and reopened when they change — or when the
// kubeconfig files themselves change (`kubectl config use-context`, `gcloud … get-credentials`,
// the sandbox restarting on a new port), since kubectl re-reads them on every run. Every view and
// command asks this service for the connection instead of reading kubeconfig itself.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ClusterConnection } from '../kube/connection';
import { kubeconfigFiles, openConnection } from '../kube/connection';
import { affectsSettings, connectionSettings } from './settings';

/** Editors and tools write a kubeconfig in several steps; reconnect once they are done. */
const FILE_CHANGE_SETTLE_MS = 300;

export class ClusterService implements vscode.Disposable {
  private connection: Promise<ClusterConnection> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the settings or the kubeconfig files name another cluster or context; listeners reconnect. */
  readonly onDidChangeConnection = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [this.changed];
  private fileWatchers: vscode.Disposable[] = [];
  private settle: NodeJS.Timeout | undefined;

  constructor() {
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (affectsSettings(event, 'kubeconfig', 'context')) this.reset();
      }),
    );
  }

  /** The current connection; a failed attempt is not cached, so the next call tries again. */
  current(): Promise<ClusterConnection> {
    if (!this.connection) {
      const settings = connectionSettings();
      const attempt = openConnection(settings);
      this.connection = attempt;
      // Watch the files looked at, even when none exists yet: creating one is the fix for "no kubeconfig".
      this.watchFiles(kubeconfigFiles(settings));
      attempt.catch(() => {
        if (this.connection === attempt) this.connection = undefined;
      });
    }
    return this.connection;
  }

  /** Forgets the connection (settings or files changed, or the user asked to reconnect). */
  reset(): void {
    this.connection = undefined;
    this.changed.fire();
  }

  private watchFiles(files: readonly string[]): void {
    for (const watcher of this.fileWatchers) watcher.dispose();
    this.fileWatchers = files.map((file) => {
      const watcher = vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)),
      );
      const onChange = (): void => {
        clearTimeout(this.settle);
        this.settle = setTimeout(() => this.reset(), FILE_CHANGE_SETTLE_MS);
      };
      watcher.onDidChange(onChange);
      watcher.onDidCreate(onChange);
      watcher.onDidDelete(onChange);
      return watcher;
    });
  }

  dispose(): void {
    clearTimeout(this.settle);
    for (const watcher of this.fileWatchers) watcher.dispose();
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
