// The "Istio Pods" view: renders the pure pod tree (src/istio/live-pod-tree.ts) as TreeItems. Each
// store change updates only its pods' nodes in the model at once; the view's refreshes are
// coalesced (at most one every 250 ms) and cover only the subtree that changed, through elements
// that keep their identity (a stable handle per node id).
import * as vscode from 'vscode';
import type { PodEvent, PodProblem } from '../istio/pod-diagnosis';
import { diagnosePod, problemCommands } from '../istio/pod-diagnosis';
import type { ClusterInfo, ComponentNode, GroupNode, MessageNode, PodNode, PodTree, PodTreeNode } from '../istio/pod-tree-model';
import { CLUSTER_ID, commonAncestor, podId, podRow } from '../istio/pod-tree-model';
import { LivePodTree } from '../istio/live-pod-tree';
import type { RoleGroup } from '../istio/roles/components';
import { COMPONENTS, explain } from '../istio/roles/components';
import type { ClusterConnection } from '../kube/connection';
import { kubernetesClient } from '../kube/connection';
import { KubeError } from '../kube/kube-errors';
import type { ContainerSummary, PodStore, PodStoreChange, PodSummary } from '../kube/pod-summary';
import { OutsideMarkdown } from './outside-markdown';
import { problemText } from './pod-problems';
import { kubeErrorMessage } from './kube-error-messages';

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
  /** Nodes changed since the last refresh ('all': refresh from the root). */
  private pending: Set<string> | 'all' = new Set();
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
    const offChange = store.onChange((change) => this.applyChange(change));
    const offState = store.onState((state) => {
      if (this.source?.store === store && state.kind === 'synced') this.source.hasSynced = true;
      if (this.tree instanceof LivePodTree) this.pend(this.tree.setState(state));
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
    if (this.tree instanceof LivePodTree) this.pend(this.tree.setCluster(this.source.cluster));
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
  async resolveTreeItem(item: vscode.TreeItem, element: PodsElement, token: vscode.CancellationToken): Promise<vscode.TreeItem> {
    const node = this.tree?.nodes.get(element.id);
    const connection = this.source?.connection;
    if (node?.kind !== 'pod' || !connection) return item;
    try {
      const events = await podEvents(connection, node.pod);
      if (token.isCancellationRequested) return item;
      const problems = diagnosePod(node.pod, Date.now(), events);
      const crash = problems.find((problem) => problem.code === 'crashLoop');
      const logLines = crash ? await previousLogLines(connection, node.pod, crash.container) : undefined;
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

  /** A store change: the model updates its pods' nodes now; the view refreshes them with the next batch. */
  private applyChange(change: PodStoreChange): void {
    if (this.tree instanceof LivePodTree) this.pend(this.tree.apply(change, Date.now()));
  }

  private pend(ids: readonly string[]): void {
    if (this.pending !== 'all') for (const id of ids) this.pending.add(id);
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
    this.flush(replaced);
  }

  /** Hands the changed nodes to VS Code (all of them when the welcome or the tree was replaced). */
  private flush(replaced: boolean): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.lastRebuild = Date.now();
    const tree = this.tree ?? { roots: [], nodes: new Map() };
    const welcomeBefore = this.welcomeShown;
    this.welcomeShown = this.welcome();
    const pending = this.pending;
    this.pending = new Set();
    // Nodes gone since they changed were replaced through their parent, which is pending too.
    const changes = replaced || welcomeBefore !== this.welcomeShown || pending === 'all' ? 'all' : [...pending].filter((id) => tree.nodes.has(id));
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

async function podEvents(connection: ClusterConnection, pod: PodSummary): Promise<PodEvent[]> {
  const k8s = await kubernetesClient();
  const core = connection.kubeConfig.makeApiClient(k8s.CoreV1Api);
  const list = await core.listNamespacedEvent({ namespace: pod.namespace, fieldSelector: `involvedObject.uid=${pod.uid}` });
  const time = (value: Date | string | undefined): number | undefined => (value ? new Date(value).getTime() : undefined);
  return list.items
    .map((event) => ({
      type: event.type ?? '',
      reason: event.reason ?? '',
      message: event.message ?? '',
      count: event.count,
      lastSeen: time(event.lastTimestamp ?? event.eventTime ?? event.metadata?.creationTimestamp),
    }))
    .sort((a, b) => (a.lastSeen ?? 0) - (b.lastSeen ?? 0));
}

async function previousLogLines(connection: ClusterConnection, pod: PodSummary, container: string): Promise<string | undefined> {
  const k8s = await kubernetesClient();
  const core = connection.kubeConfig.makeApiClient(k8s.CoreV1Api);
  try {
    return await core.readNamespacedPodLog({ name: pod.name, namespace: pod.namespace, container, previous: true, tailLines: 10 });
  } catch {
    // No previous run to read yet (the kubelet answers 400): the tooltip simply has no log.
    return undefined;
  }
}

const GROUP_ICONS: Readonly<Record<RoleGroup, string>> = {
  control: 'server-process',
  gateways: 'globe',
  sidecars: 'link',
  nodeAgents: 'server',
  addons: 'extensions',
  jobs: 'tasklist',
  other: 'question',
};

export function groupLabel(group: RoleGroup): string {
  switch (group) {
    case 'control':
      return vscode.l10n.t('Control plane');
    case 'gateways':
      return vscode.l10n.t('Data plane: gateways');
    case 'sidecars':
      return vscode.l10n.t('Data plane: sidecars');
    case 'nodeAgents':
      return vscode.l10n.t('Data plane: node agents');
    case 'addons':
      return vscode.l10n.t('Add-ons');
    case 'jobs':
      return vscode.l10n.t('Jobs');
    case 'other':
      return vscode.l10n.t('Other');
  }
}

function groupExplanation(group: RoleGroup): string {
  switch (group) {
    case 'control':
      return vscode.l10n.t('The control plane configures the proxies, issues certificates and checks policy; no request goes through it.');
    case 'gateways':
      return vscode.l10n.t('Standalone Envoy proxies at the edge of the mesh: traffic entering or leaving it goes through them.');
    case 'sidecars':
      return vscode.l10n.t('Application pods with an injected istio-proxy sidecar: the data plane that carries the requests.');
    case 'nodeAgents':
      return vscode.l10n.t('Agents running on every node (ztunnel, Istio CNI).');
    case 'addons':
      return vscode.l10n.t('Telemetry and visualisation the demo profile adds: Prometheus, Grafana, tracing and Kiali.');
    case 'jobs':
      return vscode.l10n.t('One-off tasks of the install; Completed is their normal end state.');
    case 'other':
      return vscode.l10n.t('Pods in the Istio namespace that are not a known Istio component.');
  }
}

const language = (): string => vscode.env.language;

function renderNode(node: PodTreeNode, istioNamespace: string): vscode.TreeItem {
  switch (node.kind) {
    case 'cluster': {
      const item = new vscode.TreeItem(node.cluster.context, vscode.TreeItemCollapsibleState.Expanded);
      const parts = [node.cluster.serverVersion, ...node.istioVersions.slice(0, 2).map((version) => `Istio ${version}`)];
      if (node.cluster.simulated) parts.push(vscode.l10n.t('simulated'));
      item.description = parts.filter(Boolean).join(' · ');
      item.iconPath = new vscode.ThemeIcon(node.cluster.simulated ? 'beaker' : 'cloud');
      item.contextValue = 'podsCluster';
      const tooltip = new OutsideMarkdown();
      tooltip.appendMarkdown(`**${vscode.l10n.t('Context')}:** `).appendText(node.cluster.context);
      tooltip.appendMarkdown(`  \n**${vscode.l10n.t('Server')}:** `).appendText(node.cluster.server);
      if (node.cluster.serverVersion) tooltip.appendMarkdown(`  \n**Kubernetes:** `).appendText(node.cluster.serverVersion);
      if (node.istioVersions.length) tooltip.appendMarkdown(`  \n**Istio:** `).appendText(node.istioVersions.join(', '));
      if (node.cluster.simulated) tooltip.appendMarkdown('\n\n').appendText(vscode.l10n.t('The built-in sandbox: a simulated cluster. Pods go through the same states as on a real cluster, but no container really runs.'));
      item.tooltip = tooltip;
      return item;
    }
    case 'group':
      return renderGroup(node);
    case 'component':
      return renderComponent(node, istioNamespace);
    case 'pod':
      return renderPod(node);
    case 'message':
      return renderMessage(node);
  }
}

function renderGroup(node: GroupNode): vscode.TreeItem {
  const collapsed = node.group === 'sidecars' || node.group === 'other';
  const item = new vscode.TreeItem(groupLabel(node.group), collapsed ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded);
  const ready = node.group === 'jobs' ? vscode.l10n.t('{0}/{1} completed', node.completed, node.pods) : vscode.l10n.t('{0}/{1} ready', node.health.ready, node.health.total);
  const parts = [node.group === 'sidecars' ? `${vscode.l10n.t('{0} pods in {1} namespaces', node.pods, node.namespaces)} · ${ready}` : ready];
  if (node.singleReplicas > 0) parts.push(vscode.l10n.t('one replica each'));
  item.description = parts.join(' · ');
  item.iconPath = new vscode.ThemeIcon(GROUP_ICONS[node.group]);
  // The demo profile runs one replica of everything: the single point of failure is said once,
  // here, as the book does, not as a warning on every component.
  item.tooltip = node.singleReplicas > 0 ? `${groupExplanation(node.group)}\n\n${singleReplicaExplanation()}` : groupExplanation(node.group);
  item.contextValue = 'podsGroup';
  return item;
}

function singleReplicaExplanation(): string {
  return vscode.l10n.t('The demo profile runs one replica of each component: each is a single point of failure. If one fails, that part of the control plane is gone until Kubernetes restarts it; running Envoys keep serving traffic with their last configuration. Production installs run several replicas.');
}

function renderComponent(node: ComponentNode, istioNamespace: string): vscode.TreeItem {
  const expanded = node.group !== 'sidecars';
  const item = new vscode.TreeItem(node.workload, expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
  const info = COMPONENTS[node.component];
  const parts = [node.group === 'jobs' ? vscode.l10n.t('{0}/{1} completed', node.completed, node.children.length) : vscode.l10n.t('{0}/{1} ready', node.replicas.ready, node.replicas.total)];
  if (node.revision) parts.push(vscode.l10n.t('revision {0}', node.revision));
  if (node.namespace !== istioNamespace) parts.push(node.namespace);
  item.description = parts.join(' · ');
  item.iconPath = componentIcon(node);
  const tooltip = new OutsideMarkdown();
  tooltip.appendMarkdown('**').appendText(info.title).appendMarkdown('**  \n').appendText(explain(node.component, language()));
  tooltip.supportThemeIcons = true;
  item.tooltip = tooltip;
  item.contextValue = 'podsComponent';
  return item;
}

function componentIcon(node: ComponentNode): vscode.ThemeIcon {
  if (node.hasFailingPod) return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
  const settled = node.group === 'jobs' ? node.completed === node.children.length : node.replicas.ready === node.replicas.total;
  return settled ? new vscode.ThemeIcon('package') : new vscode.ThemeIcon('loading~spin', new vscode.ThemeColor('charts.yellow'));
}

function podIcon(node: PodNode): vscode.ThemeIcon {
  switch (node.health) {
    case 'ready':
      return new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'));
    case 'progressing':
      return new vscode.ThemeIcon('loading~spin', new vscode.ThemeColor('charts.yellow'));
    case 'completed':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('descriptionForeground'));
    case 'failing':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    case 'terminating':
      return new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground'));
  }
}

/** `2/2 · Running · 0 restarts · 5m`, the columns of `kubectl get pods`. */
export function podDescription(pod: PodSummary, now: number): string {
  const row = podRow(pod, now);
  const restarts = row.restarts === 1 ? vscode.l10n.t('1 restart') : vscode.l10n.t('{0} restarts', row.restarts);
  return `${row.ready} · ${row.status} · ${restarts} · ${row.age}`;
}

function renderPod(node: PodNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.pod.name, vscode.TreeItemCollapsibleState.None);
  item.description = podDescription(node.pod, Date.now());
  item.iconPath = podIcon(node);
  item.tooltip = podTooltip(node, node.problems);
  item.contextValue = node.pod.phase === 'Running' && !node.pod.deleting ? 'pod.running' : 'pod';
  item.accessibilityInformation = { label: `${node.pod.name}, ${item.description}` };
  return item;
}

function podTooltip(node: PodNode, problems: readonly PodProblem[], events?: readonly PodEvent[], logLines?: string, eventsError?: string): vscode.MarkdownString {
  const { pod } = node;
  const tooltip = new OutsideMarkdown();
  tooltip.supportThemeIcons = true;
  tooltip.appendMarkdown('**').appendText(pod.name).appendMarkdown('** · ').appendText(pod.namespace);
  tooltip.appendMarkdown('  \n').appendText(`${COMPONENTS[node.role.component].title}: ${explain(node.role.component, language())}`);
  for (const problem of problems) {
    const text = problemText(problem);
    tooltip.appendMarkdown('\n\n$(error) **').appendText(text.why).appendMarkdown('**  \n').appendText(text.fix);
    tooltip.appendCodeblock(problemCommands(pod, problem).join('\n'), 'sh');
    if (problem.code === 'crashLoop' && logLines) {
      tooltip.appendMarkdown('\n').appendText(vscode.l10n.t('Last lines of the previous run:'));
      tooltip.appendCodeblock(logLines.trimEnd(), 'log');
    }
  }
  tooltip.appendMarkdown(`\n\n**${vscode.l10n.t('Containers')}**`);
  for (const container of [...pod.initContainers, ...pod.containers]) {
    // The reason stays as Kubernetes writes it (ContainerCreating, CrashLoopBackOff): learners meet it in kubectl.
    const state = [containerStateText(container.state), container.reason].filter(Boolean).join(': ');
    const ready = container.ready ? `, ${vscode.l10n.t('ready')}` : '';
    tooltip.appendMarkdown('\n- **').appendText(container.name).appendMarkdown('** ').appendText(`${container.image} — ${state}${ready}, ${container.restartCount} ⟳`);
  }
  tooltip.appendMarkdown(`\n\n**${vscode.l10n.t('Node')}:** `).appendText(pod.nodeName ?? '—');
  tooltip.appendMarkdown(`  \n**IP:** `).appendText(pod.podIP ?? '—');
  if (pod.conditions.length) {
    tooltip.appendMarkdown(`  \n**${vscode.l10n.t('Conditions')}:** `).appendText(pod.conditions.map((condition) => `${condition.type}=${condition.status}`).join(', '));
  }
  if (events) {
    tooltip.appendMarkdown(`\n\n**${vscode.l10n.t('Events')}**`);
    if (events.length === 0) tooltip.appendMarkdown('\n\n').appendText(vscode.l10n.t('No recent events.'));
    for (const event of events.slice(-5)) {
      tooltip.appendMarkdown('\n- ').appendText(`${event.type} ${event.reason}${event.count && event.count > 1 ? ` (×${event.count})` : ''}: ${event.message}`);
    }
  } else if (eventsError) {
    tooltip.appendMarkdown('\n\n').appendText(vscode.l10n.t('Events could not be read: {0}', eventsError));
  }
  return tooltip;
}

function containerStateText(state: ContainerSummary['state']): string {
  switch (state) {
    case 'running':
      return vscode.l10n.t('running');
    case 'waiting':
      return vscode.l10n.t('waiting');
    case 'terminated':
      return vscode.l10n.t('terminated');
    case 'unknown':
      return vscode.l10n.t('unknown');
  }
}

function errorFix(error: Error | undefined): string | undefined {
  return error instanceof KubeError ? error.kubectlHint : undefined;
}

function renderMessage(node: MessageNode): vscode.TreeItem {
  const item = new vscode.TreeItem('', vscode.TreeItemCollapsibleState.None);
  item.contextValue = 'podsMessage';
  const tooltip = new OutsideMarkdown();
  switch (node.code) {
    case 'connecting':
      item.label = vscode.l10n.t('Connecting…');
      item.iconPath = new vscode.ThemeIcon('loading~spin');
      break;
    case 'reconnecting':
      item.label = vscode.l10n.t('Reconnecting… (attempt {0})', node.attempt ?? 1);
      item.iconPath = new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('list.warningForeground'));
      break;
    case 'failed':
      item.label = vscode.l10n.t('Cannot watch the pods');
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
      break;
    case 'noMatch':
      item.label = vscode.l10n.t('No pod matches the filter');
      item.iconPath = new vscode.ThemeIcon('filter');
      item.command = { command: 'istioLab.pods.clearFilter', title: vscode.l10n.t('Clear Filter') };
      break;
  }
  if (node.error) {
    const message = kubeErrorMessage(node.error);
    item.description = message;
    tooltip.appendText(message);
    const fix = errorFix(node.error);
    if (fix) tooltip.appendMarkdown('\n\n').appendText(vscode.l10n.t('Try it in a terminal:')).appendCodeblock(fix, 'sh');
    if (node.code === 'reconnecting') tooltip.appendMarkdown('\n\n').appendText(vscode.l10n.t('The view keeps the pods it knows and retries by itself.'));
    item.tooltip = tooltip;
  }
  return item;
}
