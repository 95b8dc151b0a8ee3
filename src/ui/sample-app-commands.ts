// The lab's "Deploy the sample app" step from the editor: Deploy the Sample App labels the
// namespace for sidecar injection (asked first, like the install's confirmation) and creates the
// release's Bookinfo through the install engine with progress, then waits on the shared pod watch
// until every Bookinfo pod is 2/2 Running and ticks the step. Declining the label, or a namespace
// that is not labelled, refuses with the one-line fix. Remove the Sample App deletes what
// bookinfo.yaml created and leaves the label, saying how to remove it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isIstioAnnotation, istioPodScope } from '../istio/data-plane';
import type { ApplyReport, DeleteReport } from '../kube/apply/apply-engine';
import type { ManifestObject } from '../kube/apply/manifest';
import { parseManifest } from '../kube/apply/manifest';
import type { ObjectClient } from '../kube/apply/object-client';
import type { ClusterConnection } from '../kube/connection';
import { contextNamespace } from '../kube/context-namespace';
import type { PodObject } from '../kube/pod-summary';
import { summarizePod } from '../kube/pod-summary';
import { waitForPods } from '../kube/pod-wait';
import { INJECTION_LABEL, checkSampleApp, isBookinfoPod, labelCommand, unlabelCommand } from '../lab/sample-app';
import type { StepCheck } from '../lab/step-hints';
import { BOOKINFO_MANIFEST } from '../lab/steps';
import type { ClusterCommandServices } from './cluster-commands';
import { guardedCommand } from './cluster-commands';
import { message } from './install-flow';
import type { InstallArguments } from './install-release';
import { resolveRelease } from './install-release';
import { abortSignal, appliedLine, applyWithProgress, createOutput, deleteWithProgress } from './manifest-progress';
import { confirmModal } from './modal-question';
import { outside } from './outside-text';
import { istioNamespace } from './settings';

/** Arguments for links and tests. */
export interface SampleAppArguments extends Pick<InstallArguments, 'version' | 'yes'> {
  /** A bookinfo.yaml to use instead of the downloaded release's. */
  readonly bookinfo?: string;
  /** The answer to "label the namespace?" without asking: true labels it, false declines. */
  readonly label?: boolean;
}

const PODS_TIMEOUT_MS = 5 * 60_000;
const SOURCE = 'bookinfo.yaml';

/** The release's bookinfo.yaml (or the one given), when it is on disk. */
async function bookinfoFile(
  context: vscode.ExtensionContext,
  args: SampleAppArguments | undefined,
): Promise<{ file?: string; release: Awaited<ReturnType<typeof resolveRelease>> }> {
  const release = await resolveRelease(context, args?.version ? { version: args.version } : undefined);
  const file =
    args?.bookinfo || (release.downloaded ? path.join(release.downloaded.directory, BOOKINFO_MANIFEST) : undefined);
  return { file: file && fs.existsSync(file) ? file : undefined, release };
}

const readBookinfo = async (file: string): Promise<ManifestObject[]> =>
  parseManifest(await fs.promises.readFile(file, 'utf8'), SOURCE);

/** How many Bookinfo pods the step waits for: one per Deployment of bookinfo.yaml. */
const expectedPods = (objects: readonly ManifestObject[]): number =>
  objects.filter((object) => object.kind === 'Deployment').length;

/** What Deploy and Remove the Sample App work on. */
interface BookinfoTarget {
  readonly objects: ManifestObject[];
  readonly connection: ClusterConnection;
  readonly client: ObjectClient;
  /** The context's namespace, where bookinfo.yaml's objects go (they name none). */
  readonly namespace: string;
}

/**
 * The step's state on the cluster as it is now, decided as Deploy the Sample App decides it: the
 * pods of the context's namespace through checkSampleApp, one expected per Deployment of the
 * release's bookinfo.yaml (without it on disk, the Bookinfo pods there are all there is to check).
 * For the start-up re-check.
 */
export async function sampleAppOnCluster(
  context: vscode.ExtensionContext,
  connection: ClusterConnection,
): Promise<{ check: StepCheck; namespace: string }> {
  const { file } = await bookinfoFile(context, undefined);
  const expected = file ? expectedPods(await readBookinfo(file)) : 0;
  const namespace = contextNamespace(connection.kubeConfig);
  const { listPods } = await import('../kube/cluster-reads');
  const pods = (await listPods(connection.kubeConfig, namespace)).map((pod) =>
    summarizePod(pod as PodObject, isIstioAnnotation),
  );
  return { check: checkSampleApp(pods, expected, namespace), namespace };
}

export function registerSampleAppCommands(services: ClusterCommandServices): void {
  const { context, cluster, podStores, log, lab } = services;
  const { progress, revealPod } = lab;

  /** The Bookinfo manifest's objects, or undefined (and the learner told why) when there is none. */
  const bookinfo = async (args: SampleAppArguments | undefined): Promise<ManifestObject[] | undefined> => {
    const { file, release } = await bookinfoFile(context, args);
    if (!file) {
      const download = vscode.l10n.t('Download Istio Release…');
      const choice = await vscode.window.showErrorMessage(
        vscode.l10n.t(
          'Istio {0} is not downloaded yet, so there is no {1} to deploy. Download it first.',
          outside(release.plan.version),
          outside(BOOKINFO_MANIFEST),
        ),
        download,
      );
      if (choice === download) await vscode.commands.executeCommand('istioLab.downloadRelease', release.plan.version);
      return undefined;
    }
    const objects = await readBookinfo(file);
    if (expectedPods(objects) === 0) {
      // Nothing would ever run, and the step would wait five minutes for pods that cannot come.
      void vscode.window.showErrorMessage(
        vscode.l10n.t(
          '{0} has no Deployment, so there is no sample app to deploy. Delete the release folder and download Istio {1} again.',
          outside(file),
          outside(release.plan.version),
        ),
      );
      return undefined;
    }
    return objects;
  };

  const connect = async (): Promise<ClusterConnection | undefined> => {
    try {
      return await cluster.current();
    } catch (error) {
      void vscode.window.showErrorMessage(
        vscode.l10n.t(
          'Cannot open the cluster connection: {0} Check istioLab.kubeconfig and istioLab.context, or select a context.',
          outside(message(error)),
        ),
      );
      return undefined;
    }
  };

  const guarded = guardedCommand(log);

  /**
   * Runs `work` on Bookinfo's objects in the context's namespace, with an object client it closes
   * after; undefined, the learner told why, without the manifest or a connection.
   */
  async function onCluster<R>(
    args: SampleAppArguments | undefined,
    work: (target: BookinfoTarget) => Promise<R>,
  ): Promise<R | undefined> {
    const objects = await bookinfo(args);
    if (!objects) return undefined;
    const connection = await connect();
    if (!connection) return undefined;
    const { createObjectClient } = await import('../kube/apply/object-client');
    const client = await createObjectClient(connection.kubeConfig);
    try {
      return await work({ objects, connection, client, namespace: client.defaultNamespace });
    } finally {
      client.dispose();
    }
  }

  /** Labels the namespace when the learner agrees (or it already is); false after the refusal is shown. */
  async function ensureLabel(
    connection: ClusterConnection,
    namespace: string,
    objects: readonly ManifestObject[],
    args: SampleAppArguments | undefined,
  ): Promise<boolean> {
    const { labelNamespace, readNamespaceLabels } = await import('../kube/namespace-labels');
    const labels = await readNamespaceLabels(connection.kubeConfig, namespace);
    if (labels[INJECTION_LABEL.key] === INJECTION_LABEL.value) return true;
    const agreed =
      args?.label ??
      (args?.yes ||
        (await confirmModal({
          question: vscode.l10n.t(
            'Label the namespace {0} for sidecar injection and deploy Bookinfo into {1}? {2} objects from {3}.',
            namespace,
            connection.contextName,
            objects.length,
            SOURCE,
          ),
          detail: `${labelCommand(namespace)}\nkubectl apply -f ${BOOKINFO_MANIFEST}`,
          action: vscode.l10n.t('Label and Deploy'),
        })));
    if (!agreed) {
      const fix = labelCommand(namespace);
      log.info(`Deploy the sample app: ${namespace} is not labelled for injection; refused (fix: ${fix})`);
      await progress.mark('sample-app', 'todo', { hint: { code: 'namespace-not-labelled', namespace } });
      void vscode.window.showErrorMessage(
        vscode.l10n.t(
          "Not deployed: the namespace {0} is not labelled for sidecar injection, so Bookinfo's pods would run 1/1 without istio-proxy. Fix: {1}",
          outside(namespace),
          outside(fix),
        ),
      );
      return false;
    }
    await labelNamespace(connection.kubeConfig, namespace, INJECTION_LABEL.key, INJECTION_LABEL.value);
    log.info(`$ ${labelCommand(namespace)}   # ${connection.contextName}`);
    return true;
  }

  function deploy(args?: SampleAppArguments): Promise<ApplyReport | undefined> {
    return onCluster(args, async ({ objects, connection, client, namespace }) => {
      if (args?.label === undefined && !args?.yes && !(await confirmDeploy(connection, namespace, objects)))
        return undefined;
      if (!(await ensureLabel(connection, namespace, objects, args))) return undefined;
      const output = createOutput(log, vscode.l10n.t('Deploy the sample app (Bookinfo)'));
      output.appendLine(`$ kubectl apply -f ${BOOKINFO_MANIFEST}   # ${connection.contextName}`);
      const expected = expectedPods(objects);
      const outcome = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: vscode.l10n.t('Deploying Bookinfo into {0}', outside(namespace)),
          cancellable: true,
        },
        async (report, token) => {
          const signal = abortSignal(token);
          // The shared pod watch (the tree's): it keeps injected pods of every namespace.
          const watch = podStores.acquire(connection, istioPodScope(istioNamespace()));
          let revealed = false;
          watch.onChange((change) => {
            const pod = change.added.find((added) => added.namespace === namespace && isBookinfoPod(added));
            if (!pod || revealed) return;
            revealed = true;
            revealPod(namespace, pod.name).catch((error: unknown) =>
              log.warn(`could not show ${pod.name} in the Istio Pods view: ${message(error)}`),
            );
          });
          try {
            const applied = await applyWithProgress(client, objects, {
              bar: report,
              share: 0.5,
              output,
              source: SOURCE,
              signal,
            });
            if (applied.cancelled || applied.results.some((result) => result.outcome === 'failed'))
              return { applied, wait: undefined };
            report.report({ message: vscode.l10n.t('Waiting for every Bookinfo pod to be 2/2 Running…') });
            const wait = await waitForPods(
              watch,
              (pods) => checkSampleApp(pods, expected, namespace).status === 'done',
              PODS_TIMEOUT_MS,
              { signal },
            );
            return { applied, wait };
          } finally {
            watch.dispose();
          }
        },
      );
      const line = appliedLine(outcome.applied);
      output.appendLine(`# ${line}`);
      const check = outcome.wait ? checkSampleApp(outcome.wait.pods, expected, namespace) : undefined;
      if (check?.status === 'done') {
        await progress.mark('sample-app', 'done', { detail: namespace });
        void vscode.window.showInformationMessage(
          vscode.l10n.t(
            'Bookinfo runs in {0}: {1} pods 2/2, each with its istio-proxy sidecar ({2}).',
            outside(namespace),
            outside(expected),
            outside(line),
          ),
        );
      } else if (check) {
        await progress.mark('sample-app', check.status, { hint: check.hint });
        void vscode.window.showWarningMessage(
          vscode.l10n.t(
            'Bookinfo is created in {0} ({1}), but not every pod is 2/2 Running yet. Watch them in the Istio Pods view.',
            outside(namespace),
            outside(line),
          ),
        );
      } else {
        void vscode.window.showErrorMessage(
          vscode.l10n.t(
            'Bookinfo is not completely deployed: {0}. Run Deploy the Sample App again to finish.',
            outside(line),
          ),
        );
      }
      return outcome.applied;
    });
  }

  /** The deploy's question when the namespace is already labelled (otherwise the label's question asks both). */
  async function confirmDeploy(
    connection: ClusterConnection,
    namespace: string,
    objects: readonly ManifestObject[],
  ): Promise<boolean> {
    const { readNamespaceLabels } = await import('../kube/namespace-labels');
    const labels = await readNamespaceLabels(connection.kubeConfig, namespace);
    if (labels[INJECTION_LABEL.key] !== INJECTION_LABEL.value) return true;
    return confirmModal({
      question: vscode.l10n.t(
        'Deploy Bookinfo into {0} of {1}? {2} objects from {3}.',
        namespace,
        connection.contextName,
        objects.length,
        SOURCE,
      ),
      detail: `kubectl apply -f ${BOOKINFO_MANIFEST}`,
      action: vscode.l10n.t('Deploy'),
    });
  }

  function remove(args?: SampleAppArguments): Promise<DeleteReport | undefined> {
    return onCluster(args, async ({ objects, connection, client, namespace }) => {
      if (
        !args?.yes &&
        !(await confirmModal({
          question: vscode.l10n.t(
            'Remove Bookinfo from {0} of {1}? The {2} objects of {3} are deleted.',
            namespace,
            connection.contextName,
            objects.length,
            SOURCE,
          ),
          detail: `kubectl delete -f ${BOOKINFO_MANIFEST}`,
          action: vscode.l10n.t('Remove'),
          warning: true,
        }))
      )
        return undefined;
      const output = createOutput(log, vscode.l10n.t('Remove the sample app (Bookinfo)'));
      output.appendLine(`$ kubectl delete -f ${BOOKINFO_MANIFEST}   # ${connection.contextName}`);
      const { report, line, failed } = await deleteWithProgress(
        client,
        objects,
        vscode.l10n.t('Removing Bookinfo from {0}', namespace),
        output,
        SOURCE,
      );
      if (report.cancelled || failed) {
        void vscode.window.showWarningMessage(
          vscode.l10n.t(
            'Bookinfo is not completely removed: {0}. Run Remove the Sample App again to finish.',
            outside(line),
          ),
        );
      } else {
        await progress.mark('sample-app', 'todo');
        void vscode.window.showInformationMessage(
          vscode.l10n.t(
            'Bookinfo is removed ({0}). The namespace {1} keeps its label {2}; to remove it: {3}',
            outside(line),
            outside(namespace),
            outside(`${INJECTION_LABEL.key}=${INJECTION_LABEL.value}`),
            outside(unlabelCommand(namespace)),
          ),
        );
      }
      return report;
    });
  }

  context.subscriptions.push(
    vscode.commands.registerCommand(
      'istioLab.deploySampleApp',
      guarded(vscode.l10n.t('Deploy the Sample App'), deploy),
    ),
    vscode.commands.registerCommand(
      'istioLab.removeSampleApp',
      guarded(vscode.l10n.t('Remove the Sample App'), remove),
    ),
  );
}
