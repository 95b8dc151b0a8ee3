// The registry viewer: `Istio Lab: Show Service Registry` opens a webview with the architecture
// diagram and Pilot's service registry. This file is the VS Code shell around it: the panel (CSP,
// resource roots, serializer), fetching with progress and cancellation, the pod store behind the
// diagram's live state, auto-refresh, export and copy. The words of its errors are
// registry-errors.ts'.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import { componentHealth, guessEra } from '../istio/registry/component-health';
import { equivalentCommands, proxyStatusCommand } from '../istio/registry/equivalent-commands';
import { istioVersions } from '../istio/roles/istio-version';
import type { PodFacts } from '../istio/registry/registry-model';
import { countEndpoints, diffSnapshots, registryCsv, withPods } from '../istio/registry/registry-model';
import { classifyPod } from '../istio/roles/role-classifier';
import type { ClusterConnection } from '../kube/connection';
import type { PodStore, PodSummary } from '../kube/pod-summary';
import type { SharedPodStores } from '../kube/shared-pod-store';
import { istioPodScope } from '../istio/data-plane';
import type { RegistryFetchResult } from '../istio/registry/registry-fetch';
import { RegistryFetchError, fetchRegistry } from '../istio/registry/registry-fetch';
import type {
  ComponentId,
  EquivalentCommand,
  ExtensionMessage,
  IstioEra,
  RegistryDiff,
  RegistrySnapshot,
  RegistryViewState,
} from '../shared/registry-messages';
import { DEFAULT_VIEW_STATE, RAW_DISPLAY_LIMIT, asViewState, asWebviewMessage } from '../shared/registry-messages';
import type { ClusterService } from './cluster-service';
import { describeRegistryError } from './registry-errors';
import { createNonce, registryPageHtml } from './registry-html';
import { outside } from './outside-text';
import { affectsSettings, istioNamespace, istioVersion, registryAutoRefreshSeconds } from './settings';
import { REGISTRY_VIEW_TYPE } from './view-ids';
import type { LabServices } from './lab-progress-service';

const HEALTH_DEBOUNCE_MS = 250;

class RegistryPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private state: RegistryViewState;
  private era: IstioEra | undefined;
  private previous: RegistrySnapshot | undefined;
  /** The last registry fetched; its pods follow the pod store, and `stale` says why a later refresh found no Pilot. */
  private last:
    | {
        result: RegistryFetchResult;
        snapshot: RegistrySnapshot;
        fetchedAt: number;
        diff?: RegistryDiff;
        stale?: string;
      }
    | undefined;
  private inFlight: AbortController | undefined;
  private store: PodStore | undefined;
  private storeConnection: ClusterConnection | undefined;
  private healthTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshTimer: ReturnType<typeof setInterval> | undefined;
  private disposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    private readonly cluster: ClusterService,
    private readonly podStores: SharedPodStores,
    private readonly log: vscode.LogOutputChannel,
    private readonly lab: LabServices,
    state: RegistryViewState,
    private readonly onDispose: () => void,
  ) {
    this.state = state;
    const media = vscode.Uri.joinPath(context.extensionUri, 'media');
    const dist = vscode.Uri.joinPath(context.extensionUri, 'dist');
    panel.webview.options = { enableScripts: true, localResourceRoots: [media, dist] };
    panel.iconPath = vscode.Uri.joinPath(media, 'istio-lab.svg');
    const svg = (name: string): string => fs.readFileSync(vscode.Uri.joinPath(media, 'registry', name).fsPath, 'utf8');
    panel.webview.html = registryPageHtml({
      cspSource: panel.webview.cspSource,
      nonce: createNonce(),
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'registry', 'registry.css')).toString(),
      legacySvg: svg('architecture-legacy.svg'),
      istiodSvg: svg('architecture-istiod.svg'),
      lang: vscode.env.language,
      l10nBundle: vscode.l10n.bundle,
    });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((data: unknown) => this.receive(data)),
      panel.onDidChangeViewState(() => this.scheduleAutoRefresh()),
      cluster.onDidChangeConnection(() => {
        this.stopStore();
        this.previous = undefined;
        void this.refresh(false);
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (affectsSettings(event, 'registry.autoRefreshSeconds')) this.scheduleAutoRefresh();
      }),
    );
  }

  /**
   * Sends a message to the webview. If it cannot be sent (postMessage serialises it, which can
   * throw), the webview gets an error instead of waiting on "loading" for ever.
   */
  private post(message: ExtensionMessage): void {
    if (this.disposed) return;
    const failed = (error: unknown): void => {
      this.log.error(`registry viewer: could not send the ${message.type} message`, error);
      if (message.type === 'error' || this.disposed) return;
      const reason = error instanceof Error ? error.message : String(error);
      this.post({
        type: 'error',
        message: vscode.l10n.t('The registry could not be handed to the viewer: {0}', reason),
        commands: this.commands(this.era ?? 'legacy'),
      });
    };
    try {
      this.panel.webview.postMessage(message).then(undefined, failed);
    } catch (error) {
      failed(error);
    }
  }

  private receive(data: unknown): void {
    const message = asWebviewMessage(data);
    if (!message) {
      this.log.warn('registry viewer: ignored a malformed message from the webview');
      return;
    }
    switch (message.type) {
      case 'ready':
        this.post({ type: 'init', state: this.state });
        if (this.last) this.postRegistry();
        this.postHealth();
        void this.refresh(false);
        this.scheduleAutoRefresh();
        return;
      case 'refresh':
        void this.refresh(true);
        return;
      case 'state':
        this.state = message.state;
        return;
      case 'export':
        void this.export(message.format);
        return;
      case 'copy':
        void vscode.env.clipboard
          .writeText(message.text)
          .then(() => vscode.window.setStatusBarMessage(vscode.l10n.t('Copied: {0}', message.text), 3000));
        return;
      case 'component':
        this.revealPods(message.id).catch((error: unknown) =>
          this.log.warn(
            `registry: cannot show the component's pod: ${error instanceof Error ? error.message : String(error)}`,
          ),
        );
        // Exploring the diagram is what the lab's architecture step asks for.
        this.markStep('architecture');
        return;
      case 'revealPod':
        void this.revealPod(message.namespace, message.name);
        return;
    }
  }

  /** Marks a lab step done (the service logs and shows a failure to save it). */
  private markStep(step: 'architecture' | 'registry', detail?: string): void {
    void this.lab.progress.mark(step, 'done', { detail });
  }

  /** Fetches the registry; `visible` shows a cancellable notification (manual refresh), auto-refresh stays quiet. */
  async refresh(visible: boolean): Promise<void> {
    this.inFlight?.abort();
    const abort = new AbortController();
    this.inFlight = abort;
    this.post({ type: 'loading' });
    const work = async (token?: vscode.CancellationToken): Promise<void> => {
      token?.onCancellationRequested(() => abort.abort());
      const started = performance.now();
      let connection: ClusterConnection;
      try {
        connection = await this.cluster.current();
        this.ensureStore(connection);
        const result = await fetchRegistry(connection.kubeConfig, {
          signal: abort.signal,
          namespace: istioNamespace(),
        });
        if (abort.signal.aborted) return;
        this.era = result.target.era;
        const snapshot = withPods(result.snapshot, (this.store?.pods() ?? []) as readonly PodFacts[]);
        const fetchedAt = Date.now();
        const diff =
          this.previous && this.previous.format === snapshot.format
            ? diffSnapshots(this.previous, snapshot)
            : undefined;
        this.previous = snapshot;
        this.last = { result, snapshot, fetchedAt, ...(diff ? { diff } : {}) };
        this.postRegistry();
        this.postHealth();
        // The Lab Steps view (and the walkthrough, from it) shows the registry step done, with the service that answered.
        this.markStep('registry', result.target.service);
        const counts = countEndpoints(snapshot);
        this.log.info(
          `registry: ${counts.services} services, ${counts.ports} ports, ${counts.endpoints} endpoints from ${result.target.service} via ${result.via}${result.fallbackReason ? ` (${result.fallbackReason})` : ''} in ${(performance.now() - started).toFixed(0)} ms`,
        );
      } catch (error) {
        if (abort.signal.aborted && !(error instanceof RegistryFetchError && error.code === 'timeout')) return;
        const era = error instanceof RegistryFetchError ? (error.details.era ?? this.era) : this.era;
        this.log.warn(`registry: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
        if (error instanceof RegistryFetchError && error.code === 'not-installed' && this.last) {
          // Istio was uninstalled: the last registry stays visible, greyed and dated, so the learner
          // sees what Pilot knew and that it is gone; the next fetch from a new Pilot diffs against nothing.
          this.previous = undefined;
          this.last = {
            result: this.last.result,
            snapshot: this.last.snapshot,
            fetchedAt: this.last.fetchedAt,
            stale: describeRegistryError(error, era),
          };
          this.postRegistry();
          return;
        }
        this.post({
          type: 'error',
          message: describeRegistryError(error, era),
          commands: this.commands(era ?? 'legacy'),
        });
      } finally {
        if (this.inFlight === abort) this.inFlight = undefined;
      }
    };
    if (!visible) return work();
    await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Fetching Pilot’s service registry…'),
        cancellable: true,
      },
      (_progress, token) => work(token),
    );
  }

  private commands(era: IstioEra): EquivalentCommand[] {
    const namespace = istioNamespace();
    return equivalentCommands(
      era === 'legacy'
        ? { era, namespace, service: 'istio-pilot', port: 8080 }
        : { era, namespace, service: 'istiod', port: 15014 },
      this.istioVersion(),
    );
  }

  /** The release the commands are for: the one running on the cluster, else the lab's. */
  private istioVersion(): string {
    return istioVersions(this.store?.pods() ?? [])[0] ?? istioVersion();
  }

  private postRegistry(): void {
    if (!this.last) return;
    const { result, snapshot, fetchedAt, diff, stale } = this.last;
    this.post({
      type: 'registry',
      era: result.target.era,
      snapshot,
      raw: result.raw.length > RAW_DISPLAY_LIMIT ? result.raw.slice(0, RAW_DISPLAY_LIMIT) : result.raw,
      rawTruncated: result.raw.length > RAW_DISPLAY_LIMIT,
      fetchedAt,
      via: result.via,
      ...(diff ? { diff } : {}),
      commands: equivalentCommands(result.target, this.istioVersion()),
      ...(stale ? { stale } : {}),
      proxies: {
        ...('rows' in result.proxies
          ? { rows: result.proxies.rows }
          : { rows: [], error: describeRegistryError(result.proxies.error, result.target.era) }),
        command: proxyStatusCommand(istioNamespace()),
      },
    });
  }

  /** The connection's shared pod watch (the tree reads the same one): the diagram's live state and the pods behind endpoint IPs. */
  private ensureStore(connection: ClusterConnection): void {
    if (this.store && this.storeConnection === connection) return;
    this.stopStore();
    this.storeConnection = connection;
    const store = this.podStores.acquire(connection, istioPodScope(istioNamespace()));
    this.store = store;
    store.onChange(() => {
      clearTimeout(this.healthTimer);
      this.healthTimer = setTimeout(() => {
        this.postHealth();
        this.followPods();
      }, HEALTH_DEBOUNCE_MS);
    });
    store.onState((state) => {
      if (state.kind === 'synced') this.postHealth();
    });
    // Disposing the lease (stopStore) drops these subscriptions.
  }

  private stopStore(): void {
    clearTimeout(this.healthTimer);
    this.store?.dispose();
    this.store = undefined;
    this.storeConnection = undefined;
  }

  /** Re-annotates the shown registry's endpoints with the live pods: a deleted pod shows as gone, not ready. */
  private followPods(): void {
    if (!this.last || !this.store) return;
    const snapshot = withPods(this.last.snapshot, this.store.pods() as readonly PodFacts[]);
    if (snapshot === this.last.snapshot) return;
    this.last = { ...this.last, snapshot };
    this.postRegistry();
  }

  private postHealth(): void {
    const pods = this.store?.pods() ?? [];
    if (this.store?.state().kind !== 'synced' && pods.length === 0) return;
    const era = this.era ?? guessEra(pods);
    this.post({ type: 'health', era, components: componentHealth(pods, era, vscode.env.language, istioNamespace()) });
  }

  /** Shows the component's first pod in the pod tree (the pod explorer's), when there is one. */
  private async revealPods(id: ComponentId): Promise<void> {
    const pods: readonly PodSummary[] = this.store?.pods() ?? [];
    const namespace = istioNamespace();
    const role = id === 'sidecars' ? 'sidecar' : id;
    const pod = pods.find((candidate) => {
      const component = classifyPod(candidate, { istioNamespace: namespace }).component;
      return component === role || (id === 'tracing' && component === 'zipkin');
    });
    if (pod) await this.revealPod(pod.namespace, pod.name);
  }

  /** Shows a pod in the pod tree (a component's first pod, a proxy's pod), keeping the focus here. */
  private async revealPod(namespace: string, name: string): Promise<void> {
    await this.lab.revealPod(namespace, name);
    // The webview keeps the focus: the learner is filtering the registry, the tree follows along.
    this.panel.reveal(undefined, false);
  }

  private async export(format: 'json' | 'csv'): Promise<void> {
    if (!this.last) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Fetch the registry first, then export it.'));
      return;
    }
    const { result, snapshot, fetchedAt } = this.last;
    const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
    const target = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Export the service registry'),
      defaultUri: vscode.Uri.joinPath(base, `istio-registry.${format}`),
      filters: format === 'json' ? { JSON: ['json'] } : { CSV: ['csv'] },
    });
    if (!target) return;
    const text =
      format === 'csv'
        ? registryCsv(snapshot)
        : `${JSON.stringify({ source: { era: result.target.era, service: result.target.service, port: result.target.port, via: result.via, fetchedAt: new Date(fetchedAt).toISOString() }, ...snapshot }, null, 2)}\n`;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
    void vscode.window.showInformationMessage(vscode.l10n.t('Saved the registry to {0}.', outside(target.fsPath)));
  }

  private scheduleAutoRefresh(): void {
    clearInterval(this.refreshTimer);
    this.refreshTimer = undefined;
    const seconds = registryAutoRefreshSeconds();
    if (seconds > 0 && this.panel.visible && !this.disposed) {
      this.refreshTimer = setInterval(() => {
        if (!this.inFlight) void this.refresh(false);
      }, seconds * 1000);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.inFlight?.abort();
    clearInterval(this.refreshTimer);
    this.stopStore();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.panel.dispose();
    this.onDispose();
  }
}

/**
 * Registers `istioLab.showRegistry`; returns what restores the panel after a reload (the
 * serializer itself is registered at activation, before this module loads).
 */
export function registerRegistryViewer(
  context: vscode.ExtensionContext,
  cluster: ClusterService,
  podStores: SharedPodStores,
  log: vscode.LogOutputChannel,
  lab: LabServices,
): (panel: vscode.WebviewPanel, state: unknown) => void {
  let current: RegistryPanel | undefined;
  const adopt = (panel: vscode.WebviewPanel, state: RegistryViewState): RegistryPanel => {
    current?.dispose();
    const created = new RegistryPanel(panel, context, cluster, podStores, log, lab, state, () => {
      if (current === created) current = undefined;
    });
    current = created;
    return created;
  };
  context.subscriptions.push(
    { dispose: () => current?.dispose() },
    vscode.commands.registerCommand('istioLab.showRegistry', async () => {
      if (current) {
        current.panel.reveal();
        await current.refresh(true);
        return;
      }
      const panel = vscode.window.createWebviewPanel(
        REGISTRY_VIEW_TYPE,
        vscode.l10n.t('Service Registry'),
        vscode.ViewColumn.Active,
        { enableScripts: true, retainContextWhenHidden: false },
      );
      adopt(panel, DEFAULT_VIEW_STATE);
    }),
  );
  return (panel, state) => {
    adopt(panel, asViewState(state) ?? DEFAULT_VIEW_STATE);
  };
}
