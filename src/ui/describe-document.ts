// "Describe" for a pod: a read-only virtual document (scheme `istio-lab-describe`) laid out like
// `kubectl describe pod`, read fresh from the cluster each time it opens or is refreshed.
import * as vscode from 'vscode';
import type { CoreV1Event, V1Container, V1ContainerState, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import type { ClusterConnection } from '../kube/connection';
import { kubernetesClient } from '../kube/connection';
import { humanDuration } from '../shared/kubectl-time';

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
    if (!connection) return vscode.l10n.t('Not connected to a cluster: pick a context first (Istio Lab: Select Cluster Context…).');
    const k8s = await kubernetesClient();
    const core = connection.kubeConfig.makeApiClient(k8s.CoreV1Api);
    try {
      const pod = await core.readNamespacedPod({ name, namespace });
      if (token.isCancellationRequested) return '';
      const events = await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.uid=${pod.metadata?.uid ?? ''}` });
      return describePod(pod, events.items, Date.now());
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return vscode.l10n.t('Could not read pod {0}/{1}: {2}', namespace, name, message);
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}

const age = (time: Date | string | undefined, now: number): string => (time ? humanDuration(now - new Date(time).getTime()) : '<unknown>');
const stamp = (time: Date | string | undefined): string => (time ? new Date(time).toUTCString() : '<unset>');

function field(label: string, value: string, indent = ''): string {
  return `${indent}${`${label}:`.padEnd(Math.max(14, label.length + 2))}${value}`;
}

/** `key=value` lines (labels) or `key: value` lines (annotations), continued under the first. */
function map(label: string, values: Record<string, string> | undefined, separator: string): string[] {
  const entries = Object.entries(values ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  if (entries.length === 0) return [field(label, '<none>')];
  return entries.map(([key, value], i) => (i === 0 ? field(label, `${key}${separator}${value}`) : `${' '.repeat(14)}${key}${separator}${value}`));
}

function stateLines(title: string, state: V1ContainerState | undefined, indent: string): string[] {
  if (state?.running) return [field(title, 'Running', indent), field('  Started', stamp(state.running.startedAt), indent)];
  if (state?.waiting) return [field(title, 'Waiting', indent), field('  Reason', state.waiting.reason ?? '', indent)];
  if (state?.terminated) {
    return [
      field(title, 'Terminated', indent),
      field('  Reason', state.terminated.reason ?? '', indent),
      field('  Exit Code', String(state.terminated.exitCode), indent),
      field('  Started', stamp(state.terminated.startedAt), indent),
      field('  Finished', stamp(state.terminated.finishedAt), indent),
    ];
  }
  return [field(title, 'Waiting', indent)];
}

function containerLines(container: V1Container, status: V1ContainerStatus | undefined): string[] {
  const indent = '    ';
  const lines = [`  ${container.name}:`, field('Image', container.image ?? '', indent)];
  const ports = (container.ports ?? []).map((port) => `${port.containerPort}/${port.protocol ?? 'TCP'}`);
  lines.push(field('Ports', ports.length ? ports.join(', ') : '<none>', indent));
  if (container.command?.length) lines.push(field('Command', container.command.join(' '), indent));
  if (container.args?.length) lines.push(field('Args', container.args.join(' '), indent));
  lines.push(...stateLines('State', status?.state, indent));
  if (status?.lastState && Object.values(status.lastState).some(Boolean)) lines.push(...stateLines('Last State', status.lastState, indent));
  lines.push(field('Ready', status?.ready ? 'True' : 'False', indent), field('Restart Count', String(status?.restartCount ?? 0), indent));
  const resources = (kind: 'limits' | 'requests'): string[] => Object.entries(container.resources?.[kind] ?? {}).map(([key, value]) => `      ${key}: ${value}`);
  if (resources('limits').length) lines.push(`${indent}Limits:`, ...resources('limits'));
  if (resources('requests').length) lines.push(`${indent}Requests:`, ...resources('requests'));
  if (container.readinessProbe?.httpGet) {
    const probe = container.readinessProbe.httpGet;
    lines.push(field('Readiness', `http-get http://:${probe.port}${probe.path ?? '/'}`, indent));
  }
  return lines;
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => `  ${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] + 2))).join('')}`.trimEnd());
}

/** The text `kubectl describe pod` prints, from the pod and its events. */
export function describePod(pod: V1Pod, events: readonly CoreV1Event[], now: number): string {
  const metadata = pod.metadata ?? {};
  const spec = pod.spec;
  const status = pod.status ?? {};
  const owner = metadata.ownerReferences?.find((reference) => reference.controller) ?? metadata.ownerReferences?.[0];
  const lines = [
    field('Name', metadata.name ?? ''),
    field('Namespace', metadata.namespace ?? ''),
    field('Node', spec?.nodeName ? `${spec.nodeName}/${status.hostIP ?? ''}` : '<none>'),
    field('Start Time', stamp(status.startTime)),
    ...map('Labels', metadata.labels, '='),
    ...map('Annotations', metadata.annotations, ': '),
    field('Status', metadata.deletionTimestamp ? 'Terminating' : (status.phase ?? 'Pending')),
    field('IP', status.podIP ?? ''),
    field('Controlled By', owner ? `${owner.kind}/${owner.name}` : '<none>'),
  ];
  const statuses = new Map([...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])].map((entry) => [entry.name, entry]));
  if (spec?.initContainers?.length) {
    lines.push('Init Containers:');
    for (const container of spec.initContainers) lines.push(...containerLines(container, statuses.get(container.name)));
  }
  lines.push('Containers:');
  for (const container of spec?.containers ?? []) lines.push(...containerLines(container, statuses.get(container.name)));
  lines.push('Conditions:', ...table([['Type', 'Status'], ...(status.conditions ?? []).map((condition) => [condition.type, condition.status])]));
  lines.push(field('QoS Class', status.qosClass ?? ''));
  if (events.length === 0) {
    lines.push(field('Events', '<none>'));
  } else {
    const sorted = [...events].sort((a, b) => new Date(a.lastTimestamp ?? a.eventTime ?? 0).getTime() - new Date(b.lastTimestamp ?? b.eventTime ?? 0).getTime());
    const rows = sorted.map((event) => {
      const last = event.lastTimestamp ?? event.eventTime;
      const first = event.firstTimestamp;
      const when = event.count && event.count > 1 && first ? `${age(last, now)} (x${event.count} over ${age(first, now)})` : age(last, now);
      const from = [event.source?.component, event.source?.host].filter(Boolean).join(', ');
      return [event.type ?? '', event.reason ?? '', when, from, event.message?.trim() ?? ''];
    });
    lines.push('Events:', ...table([['Type', 'Reason', 'Age', 'From', 'Message'], ['----', '------', '----', '----', '-------'], ...rows]));
  }
  return `${lines.join('\n')}\n`;
}
