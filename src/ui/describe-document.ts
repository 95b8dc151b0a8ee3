// "Describe" for a pod: a read-only virtual document (scheme `istio-lab-describe`) laid out like
// `kubectl describe pod` (src/kube/describe-pod.ts), read fresh from the cluster (src/kube/pod-reads.ts)
// each time it opens or is refreshed.
import * as vscode from 'vscode';
import type { ClusterConnection } from '../kube/connection';
import { describePod } from '../kube/describe-pod';
import { listPodEvents, readPod } from '../kube/pod-reads';

export const DESCRIBE_SCHEME = 'istio-lab-describe';

export function describeUri(namespace: string, name: string): vscode.Uri {
  return vscode.Uri.from({ scheme: DESCRIBE_SCHEME, path: `/${namespace}/${name}` });
}

export class DescribeDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly connection: () => ClusterConnection | undefined) {}

  /** Reads the pod again for an open describe document. */
  refresh(uri: vscode.Uri): void {
    this.changed.fire(uri);
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const [, namespace, name] = uri.path.split('/');
    const connection = this.connection();
    if (!connection)
      return vscode.l10n.t('Not connected to a cluster: pick a context first (Istio Lab: Select Cluster Context…).');
    try {
      const pod = await readPod(connection, namespace, name);
      if (token.isCancellationRequested) return '';
      const events = await listPodEvents(connection, namespace, pod.metadata?.uid ?? '');
      return describePod(pod, events, Date.now());
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return vscode.l10n.t('Could not read pod {0}/{1}: {2}', namespace, name, message);
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
