// Keeps the Lab Steps true to the disk and the cluster: on start, what the saved progress says is
// re-checked in the background (is the release downloaded and verified; is the cluster reachable,
// is Istio installed, is its control plane ready, does Bookinfo run 2/2 as Deploy the Sample App
// requires), and again when the download folder, the lab's version or the cluster connection
// changes. A re-check runs beside the commands, so it marks with `checkedSince`: what a command
// marks while it looks stays.
import * as vscode from 'vscode';
import { isVerified } from '../lab/downloaded-release';
import { checkControlPlane, checkInstall } from '../lab/step-hints';
import type { ClusterService } from './cluster-service';
import { message } from './install-flow';
import { resolveRelease } from './install-release';
import type { LabProgressService } from './lab-progress-service';
import { releasePresence } from './release-presence';
import { sampleAppOnCluster } from './sample-app-commands';
import { affectsSettings, istioNamespace } from './settings';

export function registerProgressSync(
  context: vscode.ExtensionContext,
  cluster: ClusterService,
  progress: LabProgressService,
  log: vscode.LogOutputChannel,
): void {
  // On start, re-check against the disk and the cluster what the saved progress says (in the
  // background); again when the download folder, the lab's version or the cluster changes.
  const recheckFailed = (error: unknown) => log.warn(`could not re-check the lab progress: ${message(error)}`);
  void recheckDownload().then(recheckCluster).catch(recheckFailed);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsSettings(event, 'downloadDir', 'istioVersion')) void recheckDownload().catch(recheckFailed);
    }),
    cluster.onDidChangeConnection(() => void recheckCluster().catch(recheckFailed)),
  );
  async function recheckDownload(): Promise<void> {
    const since = Date.now();
    const release = await resolveRelease(context, undefined);
    if (release.downloaded)
      await progress.mark('download', isVerified(release.downloaded) ? 'done' : 'warning', {
        detail: release.plan.version,
        checkedSince: since,
      });
    else await progress.mark('download', 'todo', { checkedSince: since });
  }
  async function recheckCluster(): Promise<void> {
    const since = Date.now();
    const release = await resolveRelease(context, undefined);
    // "Prepared" means reachable with the selected context, nothing less: no connection is not done.
    const connection = await cluster.current().catch(() => undefined);
    if (!connection) {
      await progress.mark('cluster', 'todo', { checkedSince: since });
      return;
    }
    const { isReachable, listPods } = await import('../kube/cluster-reads');
    const reachable = await isReachable(connection.kubeConfig);
    await progress.mark('cluster', reachable ? 'done' : 'failed', {
      detail: connection.contextName,
      checkedSince: since,
    });
    if (!reachable) return;
    const pods = await listPods(connection.kubeConfig, istioNamespace()).catch(() => []);
    // No pods: an install interrupted by a window reload leaves objects without workloads.
    const presence = pods.length ? undefined : await releasePresence(release, connection, log);
    // The same checks tick the steps and say why they are not done yet.
    const install = checkInstall(pods.length, presence?.state === 'interrupted' ? presence : undefined);
    await progress.mark('install', install.status, {
      detail: install.status === 'done' ? release.plan.version : undefined,
      checkedSince: since,
      hint: install.hint,
    });
    const watch = checkControlPlane(pods);
    await progress.mark('watch', watch.status, {
      detail: pods.length ? release.plan.version : undefined,
      checkedSince: since,
      hint: watch.hint,
    });
    const { check, namespace } = await sampleAppOnCluster(context, connection);
    // Nothing deployed: the step's own hint says what comes first (the control plane, or the deploy).
    const deployed = check.hint?.code !== 'sample-app-not-deployed';
    await progress.mark('sample-app', check.status, {
      detail: check.status === 'done' ? namespace : undefined,
      checkedSince: since,
      hint: deployed ? check.hint : undefined,
    });
  }
}
