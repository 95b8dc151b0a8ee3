// What the commands that change the cluster (Check Cluster, Install and Uninstall Istio, Deploy and
// Remove the Sample App) are registered with, and the wrapper each of them runs in: an unexpected
// failure (an unreadable manifest, a bad istioLab.istioVersion…) is logged and shown as a message,
// not a stack, and the command returns undefined.
import * as vscode from 'vscode';
import type { SharedPodStores } from '../kube/shared-pod-store';
import type { ClusterService } from './cluster-service';
import { message } from './install-flow';
import type { LabServices } from './lab-progress-service';
import { outside } from './outside-text';

export interface ClusterCommandServices {
  readonly context: vscode.ExtensionContext;
  readonly cluster: ClusterService;
  /** The shared pod watches: the install and the sample app wait on them. */
  readonly podStores: SharedPodStores;
  readonly log: vscode.LogOutputChannel;
  readonly lab: LabServices;
}

/** `run` as a command named `name` (localised) whose failure `log` records and a message shows. */
export const guardedCommand =
  (log: vscode.LogOutputChannel) =>
  <A extends unknown[], R>(name: string, run: (...args: A) => Promise<R>) =>
  async (...args: A): Promise<R | undefined> => {
    try {
      return await run(...args);
    } catch (error) {
      log.error(`${name} failed`, error);
      void vscode.window.showErrorMessage(vscode.l10n.t('{0} failed: {1}', outside(name), outside(message(error))));
      return undefined;
    }
  };
