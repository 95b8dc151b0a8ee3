// Pods and pod templates: printPod of printers.go (v1.32). READY / STATUS / RESTARTS come from the
// one port of it the extension's pod tree also uses (src/shared/pod-status.ts); this file adds the
// "(5m ago)" of RESTARTS, the wide columns and the row conditions.
import type { KubeObject } from '../apimachinery/kube-object';
import { DOC } from './descriptions';
import { humanDuration, since } from '../../shared/kubectl-time';
import type { PodStatusInput } from '../../shared/pod-status';
import { podStatusColumns } from '../../shared/pod-status';
import { formatLabels, layoutContainerCells } from './format';
import type { Printer, PrintedRow, TableRowCondition } from './table';
import { column } from './table';
import { asObject, asObjects, asString, at } from './values';

const POD_SUCCESS_CONDITIONS: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
];
const POD_FAILED_CONDITIONS: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' },
];

export function printPod(pod: KubeObject, now: Date): PrintedRow {
  const spec = asObject(pod.spec);
  const status = asObject(pod.status);
  const {
    status: reason,
    readyContainers,
    totalContainers,
    restarts,
    lastRestartAt,
  } = podStatusColumns(pod as PodStatusInput);

  let conditions: TableRowCondition[] | undefined;
  if (status.phase === 'Succeeded') conditions = POD_SUCCESS_CONDITIONS;
  else if (status.phase === 'Failed') conditions = POD_FAILED_CONDITIONS;

  const restartsText =
    restarts !== 0 && lastRestartAt !== undefined
      ? `${restarts} (${humanDuration(now.getTime() - lastRestartAt)} ago)`
      : String(restarts);

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
    column(
      'Restarts',
      'string',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
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
