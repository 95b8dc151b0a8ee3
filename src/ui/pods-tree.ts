// The "Istio Pods" view: renders the pure pod tree (src/istio/live-pod-tree.ts) as TreeItems
// (pod-tree-items.ts says how each node looks). Each
// store change updates only its pods' nodes in the model at once; the view's refreshes are
// coalesced (at most one every 250 ms) and cover only the subtree that changed, through elements
// that keep their identity (a stable handle per node id).
import * as vscode from 'vscode';
import { diagnosePod } from '../istio/pod-diagnosis';
import type { ClusterInfo, PodTree, PodTreeNode } from '../istio/pod-tree-model';
import { CLUSTER_ID, commonAncestor, podId } from '../istio/pod-tree-model';
import { LivePodTree } from '../istio/live-pod-tree';
import type { ClusterConnection } from '../kube/connection';
import type { PodStore, PodSummary } from '../kube/pod-summary';
import { listPodEvents, readPreviousLog } from '../kube/pod-reads';
import { kubeErrorMessage } from './kube-error-messages';
import { podTooltip, renderNode } from './pod-tree-items';

/** What VS Code holds for a node: one object per id for the life of the view, so refreshes find it. */
export interface PodsElement {
  readonly id: string;
}

/** Which welcome the view shows instead of a tree (see viewsWelcome in package.json). */
export type PodsWelcome = 'none' | 'noCluster' | 'unreachable' | 'noIstio';

/**
 * At most one refresh per this many milliseconds, however fast events arrive (4 per second). VS Code
 * debounces a view's change events by 200 ms, so firing more often would starve its refresh.
 */
const REFRESH_INTERVAL_MS = 250;
/** Ages ("5m") are re-read, and the time-bound diagnoses (pending too long) redone, this often. */
const AGE_REFRESH_MS = 60_000;

interface Source {
  readonly connection: ClusterConnection;
  readonly store: PodStore;
  cluster: ClusterInfo;
  hasSynced: boolean;
  readonly unsubscribe: () => void;
}

export class PodsTreeProvider implements vscode.TreeDataProvider<PodsElement>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<PodsElement | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly updated = new vscode.EventEmitter<void>();
  /** Fires after each rebuild (status bar, context keys). */
  readonly onDidUpdate = this.updated.event;

  private tree: LivePodTree | PodTree | undefined;
  /** What happened since the last refresh, applied to the model when the view refreshes, so VS
   *  Code never reads a model that changed under a refresh it has not been told of. */
  private queued: ((tree: LivePodTree) => readonly string[])[] = [];
  private readonly elements = new Map<string, PodsElement>();
  private source: Source | undefined;
  private connectError: Error | undefined;
  private filterText = '';
  private timer: NodeJS.Timeout | undefined;
  private lastRebuild = 0;
  private welcomeShown: PodsWelcome = 'none';
  /** Reveals under way; their refreshes wait in `held` (node ids, or 'all') until the last ends. */
  private reveals = 0;
  private held: Set<string> | 'all' | undefined;
  private readonly ageTimer: NodeJS.Timeout;

  constructor(private readonly istioNamespace: () => string) {
    this.ageTimer = setInterval(() => this.rebuild(true), AGE_REFRESH_MS);
  }

  /** Shows the pods of a store (a new connection); the previous store is the caller's to dispose. */
  attach(connection: ClusterConnection, store: PodStore): void {
    this.source?.unsubscribe();
    const offChange = store.onChange((change) => this.queue((tree) => tree.apply(change, Date.now())));
    const offState = store.onState((state) => {
      if (this.source?.store === store && state.kind === 'synced') this.source.hasSynced = true;
      this.queue((tree) => tree.setState(state));
    });
    this.source = {
      connection,
      store,
      cluster: { context: connection.contextName, server: connection.server, simulated: Boolean(connection.isSandbox) },
      hasSynced: store.state().kind === 'synced',
      unsubscribe: () => {
        offChange();
        offState();
      },
    };
    this.connectError = undefined;
    this.rebuild(true);
  }

  /** No cluster to show: the connection could not be opened (the error says why). */
  detach(error: Error): void {
    this.source?.unsubscribe();
    this.source = undefined;
    this.connectError = error;
    this.rebuild(true);
  }

  setServerVersion(connection: ClusterConnection, serverVersion: string): void {
    if (this.source?.connection !== connection) return;
    this.source.cluster = { ...this.source.cluster, serverVersion };
    const cluster = this.source.cluster;
    this.queue((tree) => tree.setCluster(cluster));
  }

  get filter(): string {
    return this.filterText;
  }

  setFilter(text: string): void {
    this.filterText = text.trim();
    // A new filter reshapes the whole tree: one refresh from the root.
    this.rebuild(true);
  }

  get connection(): ClusterConnection | undefined {
    return this.source?.connection;
  }

  get error(): Error | undefined {
    if (this.connectError) return this.connectError;
    const state = this.source?.store.state();
    return state && (state.kind === 'failed' || state.kind === 'reconnecting') ? state.error : undefined;
  }

  /** The Istio versions the installation's images name, most common first. */
  get istioVersions(): readonly string[] {
    const root = this.tree?.nodes.get(CLUSTER_ID);
    return root?.kind === 'cluster' ? root.istioVersions : [];
  }

  get pods(): readonly PodSummary[] {
    return this.source?.store.pods() ?? [];
  }

  /** The installation's pods (what the status bar's "12/12 ready" counts), without reading every pod. */
  get installationPods(): readonly PodSummary[] {
    return this.tree instanceof LivePodTree ? this.tree.installationPods() : [];
  }

  welcome(): PodsWelcome {
    if (!this.source) return this.connectError ? 'noCluster' : 'none';
    const state = this.source.store.state();
    if (!this.source.hasSynced && (state.kind === 'failed' || state.kind === 'reconnecting')) return 'unreachable';
    if (state.kind === 'synced' && this.source.store.pods().length === 0) return 'noIstio';
    return 'none';
  }

  node(element: PodsElement): PodTreeNode | undefined {
    return this.tree?.nodes.get(element.id);
  }

  /** The element of a pod, for `TreeView.reveal`. */
  findPod(namespace: string, name: string): PodsElement | undefined {
    const pod = this.pods.find((candidate) => candidate.namespace === namespace && candidate.name === name);
    return pod && this.tree?.nodes.has(podId(pod.uid)) ? this.element(podId(pod.uid)) : undefined;
  }

  getChildren(element?: PodsElement): PodsElement[] {
    if (!this.tree) return [];
    if (!element) return this.welcome() === 'none' ? this.tree.roots.map((id) => this.element(id)) : [];
    return (this.tree.nodes.get(element.id)?.children ?? []).map((id) => this.element(id));
  }

  getParent(element: PodsElement): PodsElement | undefined {
    const parent = this.tree?.nodes.get(element.id)?.parent;
    return parent ? this.element(parent) : undefined;
  }

  getTreeItem(element: PodsElement): vscode.TreeItem {
    const node = this.tree?.nodes.get(element.id);
    if (!node) {
      // Gone since VS Code asked (its parent's refresh is on the way): same id, so VS Code keeps
      // matching the row by id rather than taking it for another element.
      const gone = new vscode.TreeItem('…', vscode.TreeItemCollapsibleState.None);
      gone.id = element.id;
      return gone;
    }
    const item = renderNode(node, this.istioNamespace());
    item.id = node.id;
    return item;
  }

  /** A pod's tooltip with its last events (and, in a crash loop, the last log lines), fetched on hover. */
  async resolveTreeItem(
    item: vscode.TreeItem,
    element: PodsElement,
    token: vscode.CancellationToken,
  ): Promise<vscode.TreeItem> {
    const node = this.tree?.nodes.get(element.id);
    const connection = this.source?.connection;
    if (node?.kind !== 'pod' || !connection) return item;
    try {
      const events = await listPodEvents(connection, node.pod.namespace, node.pod.uid);
      if (token.isCancellationRequested) return item;
      const problems = diagnosePod(node.pod, Date.now(), events);
      const crash = problems.find((problem) => problem.code === 'crashLoop');
      const logLines = crash
        ? await readPreviousLog(connection, node.pod.namespace, node.pod.name, crash.container, 10)
        : undefined;
      item.tooltip = podTooltip(node, problems, events, logLines);
    } catch (error) {
      item.tooltip = podTooltip(node, node.problems, undefined, undefined, kubeErrorMessage(error));
    }
    return item;
  }

  private element(id: string): PodsElement {
    let element = this.elements.get(id);
    if (!element) {
      element = { id };
      this.elements.set(id, element);
    }
    return element;
  }

  /**
   * The one element whose refresh covers every changed node: the nodes VS Code has never been
   * given count through their nearest known ancestor, and several nodes through their common
   * ancestor. One element, never a list: VS Code 1.100 re-reads the elements of one change event
   * in parallel, and its batched children requests then answer a node with another node's
   * children (rows under the wrong parent until the next full refresh). `undefined` when only a
   * refresh from the root will do.
   */
  private refreshTarget(ids: readonly string[]): PodsElement | undefined {
    const known: string[] = [];
    for (const id of ids) {
      let current: string | undefined = id;
      while (current && !this.elements.has(current)) current = this.tree?.nodes.get(current)?.parent;
      if (!current) return undefined;
      known.push(current);
    }
    const target = this.tree && commonAncestor(this.tree, known);
    return target ? this.elements.get(target) : undefined;
  }

  /** A store change or state: applied to the model, node by node, with the next batch of refreshes. */
  private queue(update: (tree: LivePodTree) => readonly string[]): void {
    this.queued.push(update);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastRebuild + REFRESH_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush(false);
    }, wait);
  }

  /** A full build: a new store, cluster or filter, and once a minute for the ages and time-bound diagnoses. */
  private rebuild(replaced: boolean): void {
    this.tree = this.source
      ? new LivePodTree({
          cluster: this.source.cluster,
          pods: this.source.store.pods(),
          state: this.source.store.state(),
          istioNamespace: this.istioNamespace(),
          filter: this.filterText,
          now: Date.now(),
        })
      : { roots: [], nodes: new Map() };
    // The new model read the store as it is now: what was queued is in it already.
    this.queued = [];
    this.flush(replaced);
  }

  /** Hands the changed nodes to VS Code (all of them when the welcome or the tree was replaced). */
  private flush(replaced: boolean): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.lastRebuild = Date.now();
    const tree = this.tree ?? { roots: [], nodes: new Map() };
    const welcomeBefore = this.welcomeShown;
    const pending = new Set<string>();
    if (tree instanceof LivePodTree) for (const update of this.queued) for (const id of update(tree)) pending.add(id);
    this.queued = [];
    this.welcomeShown = this.welcome();
    // Nodes gone since they changed were replaced through their parent, which is pending too.
    const changes =
      replaced || welcomeBefore !== this.welcomeShown ? 'all' : [...pending].filter((id) => tree.nodes.has(id));
    for (const id of this.elements.keys()) if (!tree.nodes.has(id)) this.elements.delete(id);
    if (this.reveals) this.hold(changes);
    else this.refresh(changes);
    this.updated.fire();
  }

  private refresh(changes: 'all' | readonly string[]): void {
    if (changes === 'all') this.changed.fire(undefined);
    else if (changes.length) this.changed.fire(this.refreshTarget(changes));
  }

  private hold(changes: 'all' | readonly string[]): void {
    if (changes === 'all' || this.held === 'all') this.held = 'all';
    else if (changes.length) this.held = new Set([...(this.held ?? []), ...changes]);
  }

  /**
   * Runs a `TreeView.reveal` with the view's refreshes held back until it ends: VS Code expands
   * the revealed node's ancestors with its own children requests, and a refresh running beside
   * them can answer one node with another's children (its batched requests mix them up).
   */
  async revealing<T>(reveal: () => Thenable<T>): Promise<T> {
    this.reveals++;
    try {
      return await reveal();
    } finally {
      if (--this.reveals === 0 && this.held) {
        const held = this.held;
        this.held = undefined;
        // Nodes gone since they changed are refreshed from the root.
        this.refresh(held === 'all' || [...held].some((id) => !this.tree?.nodes.has(id)) ? 'all' : [...held]);
      }
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    clearInterval(this.ageTimer);
    this.source?.unsubscribe();
    this.changed.dispose();
    this.updated.dispose();
  }
}
