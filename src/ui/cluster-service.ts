// The cluster the lab works on: the connection from the `istioLab.kubeconfig` and
// `istioLab.context` settings, opened on first use and reopened when they change. Every view and
// command asks this service for the connection instead of reading kubeconfig itself.
import * as vscode from 'vscode';
import type { ClusterConnection } from '../kube/connection';
import { openConnection } from '../kube/connection';
import { affectsSettings, connectionSettings } from './settings';

export class ClusterService implements vscode.Disposable {
  private connection: Promise<ClusterConnection> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the settings name another cluster or context; listeners reconnect. */
  readonly onDidChangeConnection = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [this.changed];

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
      const attempt = openConnection(connectionSettings());
      this.connection = attempt;
      attempt.catch(() => {
        if (this.connection === attempt) this.connection = undefined;
      });
    }
    return this.connection;
  }

  /** Forgets the connection (settings changed, or the user asked to reconnect). */
  reset(): void {
    this.connection = undefined;
    this.changed.fire();
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
