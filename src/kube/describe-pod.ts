// `kubectl describe pod` as text, from the pod and its events (pod-reads.ts): the layout of
// describePod in kubernetes/kubernetes staging/src/k8s.io/kubectl/pkg/describe/describe.go, cut to
// what a learner of the lab reads (containers, state, conditions, events).
import type { V1Container, V1ContainerState, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { humanDuration } from '../shared/kubectl-time';
import type { PodEventRecord } from './pod-reads';

const age = (time: number | undefined, now: number): string =>
  time !== undefined ? humanDuration(now - time) : '<unknown>';
const stamp = (time: Date | string | undefined): string => (time ? new Date(time).toUTCString() : '<unset>');

function field(label: string, value: string, indent = ''): string {
  return `${indent}${`${label}:`.padEnd(Math.max(14, label.length + 2))}${value}`;
}

/** `key=value` lines (labels) or `key: value` lines (annotations), continued under the first. */
function map(label: string, values: Record<string, string> | undefined, separator: string): string[] {
  const entries = Object.entries(values ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  if (entries.length === 0) return [field(label, '<none>')];
  return entries.map(([key, value], i) =>
    i === 0 ? field(label, `${key}${separator}${value}`) : `${' '.repeat(14)}${key}${separator}${value}`,
  );
}

function stateLines(title: string, state: V1ContainerState | undefined, indent: string): string[] {
  if (state?.running)
    return [field(title, 'Running', indent), field('  Started', stamp(state.running.startedAt), indent)];
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
  if (status?.lastState && Object.values(status.lastState).some(Boolean))
    lines.push(...stateLines('Last State', status.lastState, indent));
  lines.push(
    field('Ready', status?.ready ? 'True' : 'False', indent),
    field('Restart Count', String(status?.restartCount ?? 0), indent),
  );
  const resources = (kind: 'limits' | 'requests'): string[] =>
    Object.entries(container.resources?.[kind] ?? {}).map(([key, value]) => `      ${key}: ${value}`);
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
  return rows.map((row) =>
    `  ${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] + 2))).join('')}`.trimEnd(),
  );
}

/** The text `kubectl describe pod` prints, from the pod and its events. */
export function describePod(pod: V1Pod, events: readonly PodEventRecord[], now: number): string {
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
  const statuses = new Map(
    [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])].map((entry) => [entry.name, entry]),
  );
  if (spec?.initContainers?.length) {
    lines.push('Init Containers:');
    for (const container of spec.initContainers) lines.push(...containerLines(container, statuses.get(container.name)));
  }
  lines.push('Containers:');
  for (const container of spec?.containers ?? [])
    lines.push(...containerLines(container, statuses.get(container.name)));
  lines.push(
    'Conditions:',
    ...table([['Type', 'Status'], ...(status.conditions ?? []).map((condition) => [condition.type, condition.status])]),
  );
  lines.push(field('QoS Class', status.qosClass ?? ''));
  if (events.length === 0) {
    lines.push(field('Events', '<none>'));
  } else {
    const sorted = [...events].sort((a, b) => (a.lastSeen ?? 0) - (b.lastSeen ?? 0));
    const rows = sorted.map((event) => {
      const when =
        event.count && event.count > 1 && event.firstSeen !== undefined
          ? `${age(event.lastSeen, now)} (x${event.count} over ${age(event.firstSeen, now)})`
          : age(event.lastSeen, now);
      return [event.type, event.reason, when, event.source, event.message.trim()];
    });
    lines.push(
      'Events:',
      ...table([['Type', 'Reason', 'Age', 'From', 'Message'], ['----', '------', '----', '----', '-------'], ...rows]),
    );
  }
  return `${lines.join('\n')}\n`;
}
