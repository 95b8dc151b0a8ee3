// How each node of the Istio Pods tree looks: its TreeItem (label, description, icon, tooltip,
// contextValue) for the cluster, a role group, a component, a pod or a message. Cluster text goes
// through OutsideMarkdown; the words through vscode.l10n.t.
import * as vscode from 'vscode';
import type { PodEvent, PodProblem } from '../istio/pod-diagnosis';
import { injectionFacts } from '../istio/data-plane';
import { problemCommands } from '../istio/pod-diagnosis';
import type { ComponentNode, GroupNode, MessageNode, PodNode, PodTreeNode } from '../istio/pod-tree-model';
import { podRow } from '../istio/pod-tree-model';
import type { RoleGroup } from '../istio/roles/components';
import { COMPONENTS, explain } from '../istio/roles/components';
import { KubeError } from '../kube/kube-errors';
import type { ContainerSummary, PodSummary } from '../kube/pod-summary';
import { OutsideMarkdown } from './outside-markdown';
import { problemText } from './pod-problems';
import { kubeErrorMessage } from './kube-error-messages';
import type { IconSpec } from './theme-icon';
import { themeIcon } from './theme-icon';

/** How a role group's row starts: its icon and its name. */
const GROUPS: { readonly [G in RoleGroup]: { readonly icon: string; readonly label: () => string } } = {
  control: { icon: 'server-process', label: () => vscode.l10n.t('Control plane') },
  gateways: { icon: 'globe', label: () => vscode.l10n.t('Data plane: gateways') },
  sidecars: { icon: 'link', label: () => vscode.l10n.t('Data plane: sidecars') },
  nodeAgents: { icon: 'server', label: () => vscode.l10n.t('Data plane: node agents') },
  addons: { icon: 'extensions', label: () => vscode.l10n.t('Add-ons') },
  jobs: { icon: 'tasklist', label: () => vscode.l10n.t('Jobs') },
  other: { icon: 'question', label: () => vscode.l10n.t('Other') },
};

export function groupLabel(group: RoleGroup): string {
  return GROUPS[group].label();
}

/** What a role group is, for its tooltip. */
function groupExplanation(group: RoleGroup): string {
  const explanations: { readonly [G in RoleGroup]: string } = {
    control: vscode.l10n.t(
      'The control plane configures the proxies, issues certificates and checks policy; no request goes through it.',
    ),
    gateways: vscode.l10n.t(
      'Standalone Envoy proxies at the edge of the mesh: traffic entering or leaving it goes through them.',
    ),
    sidecars: vscode.l10n.t(
      'Application pods with an injected istio-proxy sidecar: the data plane that carries the requests.',
    ),
    nodeAgents: vscode.l10n.t('Agents running on every node (ztunnel, Istio CNI).'),
    addons: vscode.l10n.t('Telemetry and visualisation the demo profile adds: Prometheus, Grafana, tracing and Kiali.'),
    jobs: vscode.l10n.t('One-off tasks of the install; Completed is their normal end state.'),
    other: vscode.l10n.t('Pods in the Istio namespace that are not a known Istio component.'),
  };
  return explanations[group];
}

const language = (): string => vscode.env.language;

export function renderNode(node: PodTreeNode, istioNamespace: string): vscode.TreeItem {
  switch (node.kind) {
    case 'cluster': {
      const item = new vscode.TreeItem(node.cluster.context, vscode.TreeItemCollapsibleState.Expanded);
      const parts = [
        node.cluster.serverVersion,
        ...node.istioVersions.slice(0, 2).map((version) => `Istio ${version}`),
      ];
      if (node.cluster.simulated) parts.push(vscode.l10n.t('simulated'));
      item.description = parts.filter(Boolean).join(' · ');
      item.iconPath = new vscode.ThemeIcon(node.cluster.simulated ? 'beaker' : 'cloud');
      item.contextValue = 'podsCluster';
      const tooltip = new OutsideMarkdown();
      tooltip.appendMarkdown(`**${vscode.l10n.t('Context')}:** `).appendText(node.cluster.context);
      tooltip.appendMarkdown(`  \n**${vscode.l10n.t('Server')}:** `).appendText(node.cluster.server);
      if (node.cluster.serverVersion)
        tooltip.appendMarkdown(`  \n**Kubernetes:** `).appendText(node.cluster.serverVersion);
      if (node.istioVersions.length)
        tooltip.appendMarkdown(`  \n**Istio:** `).appendText(node.istioVersions.join(', '));
      if (node.cluster.simulated)
        tooltip
          .appendMarkdown('\n\n')
          .appendText(
            vscode.l10n.t(
              'The built-in sandbox: a simulated cluster. Pods go through the same states as on a real cluster, but no container really runs.',
            ),
          );
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
  const item = new vscode.TreeItem(
    groupLabel(node.group),
    collapsed ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded,
  );
  const ready =
    node.group === 'jobs'
      ? vscode.l10n.t('{0}/{1} completed', node.completed, node.pods)
      : vscode.l10n.t('{0}/{1} ready', node.health.ready, node.health.total);
  const parts = [node.group === 'sidecars' ? `${podsInNamespaces(node.pods, node.namespaces)} · ${ready}` : ready];
  if (node.singleReplicas > 0) parts.push(vscode.l10n.t('one replica each'));
  item.description = parts.join(' · ');
  item.iconPath = new vscode.ThemeIcon(GROUPS[node.group].icon);
  // The demo profile runs one replica of everything: the single point of failure is said once,
  // here, as the book does, not as a warning on every component.
  item.tooltip =
    node.singleReplicas > 0
      ? `${groupExplanation(node.group)}\n\n${singleReplicaExplanation()}`
      : groupExplanation(node.group);
  item.contextValue = 'podsGroup';
  return item;
}

/** `6 pods in 1 namespace`: each count with its own plural, whole sentences for the translations. */
function podsInNamespaces(pods: number, namespaces: number): string {
  if (namespaces !== 1) return vscode.l10n.t('{0} pods in {1} namespaces', pods, namespaces);
  return pods === 1 ? vscode.l10n.t('1 pod in 1 namespace') : vscode.l10n.t('{0} pods in 1 namespace', pods);
}

function singleReplicaExplanation(): string {
  return vscode.l10n.t(
    'The demo profile runs one replica of each component: each is a single point of failure. If one fails, that part of the control plane is gone until Kubernetes restarts it; running Envoys keep serving traffic with their last configuration. Production installs run several replicas.',
  );
}

function renderComponent(node: ComponentNode, istioNamespace: string): vscode.TreeItem {
  const expanded = node.group !== 'sidecars';
  const item = new vscode.TreeItem(
    node.workload,
    expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
  );
  const info = COMPONENTS[node.component];
  const parts = [
    node.group === 'jobs'
      ? vscode.l10n.t('{0}/{1} completed', node.completed, node.children.length)
      : vscode.l10n.t('{0}/{1} ready', node.replicas.ready, node.replicas.total),
  ];
  if (node.revision) parts.push(vscode.l10n.t('revision {0}', node.revision));
  if (node.namespace !== istioNamespace) parts.push(node.namespace);
  item.description = parts.join(' · ');
  item.iconPath = componentIcon(node);
  const tooltip = new OutsideMarkdown();
  tooltip
    .appendMarkdown('**')
    .appendText(info.title)
    .appendMarkdown('**  \n')
    .appendText(explain(node.component, language()));
  tooltip.supportThemeIcons = true;
  item.tooltip = tooltip;
  item.contextValue = 'podsComponent';
  return item;
}

function componentIcon(node: ComponentNode): vscode.ThemeIcon {
  if (node.hasFailingPod) return themeIcon(POD_ICONS.failing);
  const settled =
    node.group === 'jobs' ? node.completed === node.children.length : node.replicas.ready === node.replicas.total;
  return themeIcon(settled ? ['package'] : POD_ICONS.progressing);
}

const POD_ICONS: { readonly [H in PodNode['health']]: IconSpec } = {
  ready: ['pass-filled', 'testing.iconPassed'],
  progressing: ['loading~spin', 'charts.yellow'],
  completed: ['pass', 'descriptionForeground'],
  failing: ['error', 'testing.iconFailed'],
  terminating: ['circle-slash', 'disabledForeground'],
};

/** `2/2 · Running · 0 restarts · 5m`, the columns of `kubectl get pods`. */
export function podDescription(pod: PodSummary, now: number): string {
  const row = podRow(pod, now);
  const restarts = row.restarts === 1 ? vscode.l10n.t('1 restart') : vscode.l10n.t('{0} restarts', row.restarts);
  return `${row.ready} · ${row.status} · ${restarts} · ${row.age}`;
}

function renderPod(node: PodNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.pod.name, vscode.TreeItemCollapsibleState.None);
  item.description = podDescription(node.pod, Date.now());
  item.iconPath = themeIcon(POD_ICONS[node.health]);
  item.tooltip = podTooltip(node, node.problems);
  item.contextValue = node.pod.phase === 'Running' && !node.pod.deleting ? 'pod.running' : 'pod';
  item.accessibilityInformation = { label: `${node.pod.name}, ${item.description}` };
  return item;
}

export function podTooltip(
  node: PodNode,
  problems: readonly PodProblem[],
  events?: readonly PodEvent[],
  logLines?: string,
  eventsError?: string,
): vscode.MarkdownString {
  const { pod } = node;
  const tooltip = new OutsideMarkdown();
  tooltip.supportThemeIcons = true;
  tooltip.appendMarkdown('**').appendText(pod.name).appendMarkdown('** · ').appendText(pod.namespace);
  tooltip
    .appendMarkdown('  \n')
    .appendText(`${COMPONENTS[node.role.component].title}: ${explain(node.role.component, language())}`);
  if (node.role.component === 'sidecar') appendInjection(tooltip, pod);
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
    const state = [CONTAINER_STATES[container.state](), container.reason].filter(Boolean).join(': ');
    const ready = container.ready ? `, ${vscode.l10n.t('ready')}` : '';
    tooltip
      .appendMarkdown('\n- **')
      .appendText(container.name)
      .appendMarkdown('** ')
      .appendText(`${container.image} — ${state}${ready}, ${container.restartCount} ⟳`);
  }
  tooltip.appendMarkdown(`\n\n**${vscode.l10n.t('Node')}:** `).appendText(pod.nodeName ?? '—');
  tooltip.appendMarkdown(`  \n**IP:** `).appendText(pod.podIP ?? '—');
  if (pod.conditions.length) {
    tooltip
      .appendMarkdown(`  \n**${vscode.l10n.t('Conditions')}:** `)
      .appendText(pod.conditions.map((condition) => `${condition.type}=${condition.status}`).join(', '));
  }
  if (events) {
    tooltip.appendMarkdown(`\n\n**${vscode.l10n.t('Events')}**`);
    if (events.length === 0) tooltip.appendMarkdown('\n\n').appendText(vscode.l10n.t('No recent events.'));
    for (const event of events.slice(-5)) {
      tooltip
        .appendMarkdown('\n- ')
        .appendText(
          `${event.type} ${event.reason}${event.count && event.count > 1 ? ` (×${event.count})` : ''}: ${event.message}`,
        );
    }
  } else if (eventsError) {
    tooltip.appendMarkdown('\n\n').appendText(vscode.l10n.t('Events could not be read: {0}', eventsError));
  }
  return tooltip;
}

/** A data-plane pod's app and sidecar containers, and what the sidecar injector did to it. */
function appendInjection(tooltip: OutsideMarkdown, pod: PodSummary): void {
  const facts = injectionFacts(pod);
  if (!facts) return;
  tooltip.appendMarkdown(`\n\n**${vscode.l10n.t('App')}:** `).appendText(facts.appContainers.join(', ') || '—');
  tooltip.appendMarkdown(` · **${vscode.l10n.t('Sidecar')}:** `).appendText('istio-proxy');
  tooltip
    .appendMarkdown('  \n')
    .appendText(
      vscode.l10n.t(
        'Injected when the pod was created: the {0} webhook of the MutatingWebhookConfiguration {1} added istio-proxy ({2}) because the namespace {3} is labelled {4}.',
        facts.webhook,
        facts.webhookConfiguration,
        facts.proxyImage,
        pod.namespace,
        facts.namespaceLabel,
      ),
    );
}

const CONTAINER_STATES: { readonly [S in ContainerSummary['state']]: () => string } = {
  running: () => vscode.l10n.t('running'),
  waiting: () => vscode.l10n.t('waiting'),
  terminated: () => vscode.l10n.t('terminated'),
  unknown: () => vscode.l10n.t('unknown'),
};

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
    if (fix)
      tooltip.appendMarkdown('\n\n').appendText(vscode.l10n.t('Try it in a terminal:')).appendCodeblock(fix, 'sh');
    if (node.code === 'reconnecting')
      tooltip
        .appendMarkdown('\n\n')
        .appendText(vscode.l10n.t('The view keeps the pods it knows and retries by itself.'));
    item.tooltip = tooltip;
  }
  return item;
}
