// Pods and pod templates: printPod's READY / STATUS / RESTARTS logic from printers.go (v1.32),
// including sidecar (restartable init) containers, Init:N/M, Terminating and "(5m ago)" restarts.
import type { KubeObject } from '../apimachinery/kube-object';
import { DOC } from './descriptions';
import { humanDuration, parseTime, since } from '../../shared/kubectl-time';
import { formatLabels, layoutContainerCells } from './format';
import type { Printer, PrintedRow, TableRowCondition } from './table';
import { column } from './table';
import type { Json } from './values';
import { asArray, asInt, asObject, asObjects, asString, at, isSet } from './values';

const NODE_UNREACHABLE_POD_REASON = 'NodeLost';

const POD_SUCCESS_CONDITIONS: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
const POD_FAILED_CONDITIONS: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];

const isRestartableInitContainer = (container: Json | undefined): boolean => container?.restartPolicy === 'Always';

/** The later of two times; undefined is Go's zero time. */
function later(current: number | undefined, candidate: unknown): number | undefined {
  const time = parseTime(candidate);
  if (time === undefined) return current;
  return current === undefined || current < time ? time : current;
}

function conditionIsTrue(status: Json, type: string): boolean {
  const condition = asObjects(status.conditions).find((entry) => entry.type === type);
  return condition?.status === 'True';
}

function hasPodReadyCondition(status: Json): boolean {
  return asObjects(status.conditions).some((condition) => condition.type === 'Ready' && condition.status === 'True');
}

function terminatedReason(terminated: Json, prefix: string): string {
  const reason = asString(terminated.reason);
  if (reason) return prefix + reason;
  const signal = asInt(terminated.signal);
  return signal !== 0 ? `${prefix}Signal:${signal}` : `${prefix}ExitCode:${asInt(terminated.exitCode)}`;
}

export function printPod(pod: KubeObject, now: Date): PrintedRow {
  const spec = asObject(pod.spec);
  const status = asObject(pod.status);
  const initContainerSpecs = asObjects(spec.initContainers);
  let restarts = 0;
  let restartableInitContainerRestarts = 0;
  let totalContainers = asArray(spec.containers).length;
  let readyContainers = 0;
  let lastRestartDate: number | undefined;
  let lastRestartableInitContainerRestartDate: number | undefined;

  // The pod registry sets Pending on create, so a stored pod without a phase has not been seen by a kubelet.
  const podPhase = asString(status.phase) || 'Pending';
  let reason = asString(status.reason) || podPhase;

  for (const condition of asObjects(status.conditions)) {
    if (condition.type === 'PodScheduled' && condition.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  let conditions: TableRowCondition[] | undefined;
  if (status.phase === 'Succeeded') conditions = POD_SUCCESS_CONDITIONS;
  else if (status.phase === 'Failed') conditions = POD_FAILED_CONDITIONS;

  const initContainers = new Map<string, Json>();
  for (const container of initContainerSpecs) {
    initContainers.set(asString(container.name), container);
    if (isRestartableInitContainer(container)) totalContainers++;
  }

  let initializing = false;
  const initStatuses = asObjects(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const container = initStatuses[i];
    const state = asObject(container.state);
    const terminated = isSet(state.terminated) ? asObject(state.terminated) : undefined;
    const waiting = isSet(state.waiting) ? asObject(state.waiting) : undefined;
    const restartable = isRestartableInitContainer(initContainers.get(asString(container.name)));
    restarts += asInt(container.restartCount);
    lastRestartDate = later(lastRestartDate, at(container, 'lastState', 'terminated', 'finishedAt'));
    if (restartable) {
      restartableInitContainerRestarts += asInt(container.restartCount);
      lastRestartableInitContainerRestartDate = later(lastRestartableInitContainerRestartDate, at(container, 'lastState', 'terminated', 'finishedAt'));
    }
    if (terminated && asInt(terminated.exitCode) === 0) continue;
    if (restartable && container.started === true) {
      if (container.ready === true) readyContainers++;
      continue;
    }
    if (terminated) {
      // initialization has failed
      reason = terminatedReason(terminated, 'Init:');
    } else if (waiting && asString(waiting.reason) && waiting.reason !== 'PodInitializing') {
      reason = `Init:${asString(waiting.reason)}`;
    } else {
      reason = `Init:${i}/${initContainerSpecs.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionIsTrue(status, 'Initialized')) {
    restarts = restartableInitContainerRestarts;
    lastRestartDate = lastRestartableInitContainerRestartDate;
    let hasRunning = false;
    const containerStatuses = asObjects(status.containerStatuses);
    for (let i = containerStatuses.length - 1; i >= 0; i--) {
      const container = containerStatuses[i];
      const state = asObject(container.state);
      restarts += asInt(container.restartCount);
      lastRestartDate = later(lastRestartDate, at(container, 'lastState', 'terminated', 'finishedAt'));
      if (isSet(state.waiting) && asString(asObject(state.waiting).reason)) {
        reason = asString(asObject(state.waiting).reason);
      } else if (isSet(state.terminated)) {
        reason = terminatedReason(asObject(state.terminated), '');
      } else if (container.ready === true && isSet(state.running)) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // change pod status back to "Running" if there is at least one container still reporting as "Running" status
    if (reason === 'Completed' && hasRunning) reason = hasPodReadyCondition(status) ? 'Running' : 'NotReady';
  }

  const deleting = isSet(pod.metadata.deletionTimestamp);
  if (deleting && status.reason === NODE_UNREACHABLE_POD_REASON) reason = 'Unknown';
  else if (deleting && podPhase !== 'Failed' && podPhase !== 'Succeeded') reason = 'Terminating';

  const restartsText = restarts !== 0 && lastRestartDate !== undefined ? `${restarts} (${humanDuration(now.getTime() - lastRestartDate)} ago)` : String(restarts);

  // The v1 → internal conversion fills podIPs from podIP when only the latter is set.
  const podIP = asString(asObjects(status.podIPs)[0]?.ip) || asString(status.podIP) || '<none>';
  const nodeName = asString(spec.nodeName) || '<none>';
  const nominatedNodeName = asString(status.nominatedNodeName) || '<none>';
  const gates = asObjects(spec.readinessGates);
  let readinessGates = '<none>';
  if (gates.length) {
    let trueConditions = 0;
    for (const gate of gates) {
      const condition = asObjects(status.conditions).find((entry) => entry.type === gate.conditionType);
      if (condition?.status === 'True') trueConditions++;
    }
    readinessGates = `${trueConditions}/${gates.length}`;
  }

  return {
    cells: [
      asString(pod.metadata.name),
      `${readyContainers}/${totalContainers}`,
      reason,
      restartsText,
      since(pod.metadata.creationTimestamp, now),
      podIP,
      nodeName,
      nominatedNodeName,
      readinessGates,
    ],
    conditions,
  };
}

export const podPrinter: Printer = {
  columns: [
    column('Name', 'string', DOC.name, { format: 'name' }),
    column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'string', 'The aggregate status of the containers in this pod.'),
    column('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    column('Age', 'string', DOC.creationTimestamp),
    column('IP', 'string', DOC.podIP, { priority: 1 }),
    column('Node', 'string', DOC.podNodeName, { priority: 1 }),
    column('Nominated Node', 'string', DOC.nominatedNodeName, { priority: 1 }),
    column('Readiness Gates', 'string', DOC.readinessGates, { priority: 1 }),
  ],
  row: printPod,
};

export const podTemplatePrinter: Printer = {
  columns: [
    column('Name', 'string', DOC.name, { format: 'name' }),
    column('Containers', 'string', DOC.containers),
    column('Images', 'string', DOC.images),
    column('Pod Labels', 'string', 'The labels for the pod template.'),
  ],
  row(object) {
    const template = asObject(object.template);
    const [names, images] = layoutContainerCells(at(template, 'spec', 'containers'));
    return { cells: [asString(object.metadata.name), names, images, formatLabels(at(template, 'metadata', 'labels'))] };
  },
};
