// Cluster-level and bookkeeping kinds: namespaces, nodes, events, leases, component statuses and
// resource quotas (printers.go, v1.32).
import type { KubeObject } from '../apimachinery/kube-object';
import { namedPrinter, nameColumn, nameOf } from './common';
import { DOC } from './descriptions';
import { parseTime, since } from '../../shared/kubectl-time';
import type { Printer } from './table';
import { column } from './table';
import type { Json } from './values';
import { asInt, asObject, asObjects, asString, at, isSet, quantity, stringMap } from './values';

export const namespacePrinter = namedPrinter({
  columns: [column('Status', 'string', 'The status of the namespace')],
  cells: (object) => [asString(at(object, 'status', 'phase'))],
});

const LABEL_NODE_ROLE_PREFIX = 'node-role.kubernetes.io/';
const NODE_LABEL_ROLE = 'kubernetes.io/role';

/** findNodeRoles: `node-role.kubernetes.io/<role>` keys and `kubernetes.io/role` values, sorted. */
function findNodeRoles(node: KubeObject): string[] {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(stringMap(node.metadata.labels))) {
    if (key.startsWith(LABEL_NODE_ROLE_PREFIX)) {
      const role = key.slice(LABEL_NODE_ROLE_PREFIX.length);
      if (role) roles.add(role);
    } else if (key === NODE_LABEL_ROLE && value) {
      roles.add(value);
    }
  }
  return [...roles].sort();
}

function nodeAddress(node: KubeObject, type: string): string {
  const address = asObjects(at(node, 'status', 'addresses')).find((entry) => entry.type === type);
  return address ? asString(address.address) : '<none>';
}

export const nodePrinter = namedPrinter({
  columns: [column('Status', 'string', 'The status of the node'), column('Roles', 'string', 'The roles of the node')],
  afterAge: [
    column('Version', 'string', DOC.kubeletVersion),
    column('Internal-IP', 'string', DOC.nodeAddresses, { priority: 1 }),
    column('External-IP', 'string', DOC.nodeAddresses, { priority: 1 }),
    column('OS-Image', 'string', DOC.osImage, { priority: 1 }),
    column('Kernel-Version', 'string', DOC.kernelVersion, { priority: 1 }),
    column('Container-Runtime', 'string', DOC.containerRuntimeVersion, { priority: 1 }),
  ],
  cells(object) {
    // Only the Ready condition is shown; a later duplicate wins, as with Go's map.
    let ready: Json | undefined;
    for (const condition of asObjects(at(object, 'status', 'conditions')))
      if (condition.type === 'Ready') ready = condition;
    const status: string[] = [];
    if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady');
    if (!status.length) status.push('Unknown');
    if (at(object, 'spec', 'unschedulable') === true) status.push('SchedulingDisabled');
    const info = asObject(at(object, 'status', 'nodeInfo'));
    return [
      status.join(','),
      findNodeRoles(object).join(',') || '<none>',
      asString(info.kubeletVersion),
      nodeAddress(object, 'InternalIP'),
      nodeAddress(object, 'ExternalIP'),
      asString(info.osImage) || '<unknown>',
      asString(info.kernelVersion) || '<unknown>',
      asString(info.containerRuntimeVersion) || '<unknown>',
    ];
  },
});

/** formatEventSource: component (or reporting controller), then host (or reporting instance). */
function formatEventSource(source: Json, reportingController: string, reportingInstance: string): string {
  const component = asString(source.component) || reportingController;
  const instance = asString(source.host) || reportingInstance;
  return instance ? `${component}, ${instance}` : component;
}

/**
 * printEvent. Events reach the printer as core/v1 or, through events.k8s.io/v1, with that API's field
 * names; both are read the way the internal type is filled by conversion.
 */
function printEvent(object: KubeObject, now: Date) {
  const event = object as Json;
  const involvedObject = asObject(event.involvedObject ?? event.regarding);
  const source = asObject(event.source ?? event.deprecatedSource);
  const firstSeen = event.firstTimestamp ?? event.deprecatedFirstTimestamp;
  const lastSeen = event.lastTimestamp ?? event.deprecatedLastTimestamp;
  const message = asString(event.message ?? event.note);

  const firstTimestamp = parseTime(firstSeen) === undefined ? since(event.eventTime, now) : since(firstSeen, now);
  let lastTimestamp = parseTime(lastSeen) === undefined ? firstTimestamp : since(lastSeen, now);
  let count = asInt(event.count ?? event.deprecatedCount);
  if (isSet(event.series)) {
    const series = asObject(event.series);
    lastTimestamp = since(series.lastObservedTime, now);
    count = asInt(series.count);
  } else if (count === 0) {
    // Singleton events don't have a count set in the new API.
    count = 1;
  }
  const kind = asString(involvedObject.kind).toLowerCase();
  const target = asString(involvedObject.name) ? `${kind}/${asString(involvedObject.name)}` : kind;
  return {
    cells: [
      lastTimestamp,
      asString(event.type),
      asString(event.reason),
      target,
      asString(involvedObject.fieldPath),
      formatEventSource(source, asString(event.reportingController), asString(event.reportingInstance)),
      message.trim(),
      firstTimestamp,
      count,
      nameOf(object),
    ],
  };
}

export const eventPrinter: Printer = {
  columns: [
    column('Last Seen', 'string', DOC.eventLastTimestamp),
    column('Type', 'string', DOC.eventType),
    column('Reason', 'string', DOC.eventReason),
    column('Object', 'string', DOC.involvedObject),
    column('Subobject', 'string', DOC.fieldPath, { priority: 1 }),
    column('Source', 'string', DOC.eventSource, { priority: 1 }),
    column('Message', 'string', DOC.eventMessage),
    column('First Seen', 'string', DOC.eventFirstTimestamp, { priority: 1 }),
    column('Count', 'string', DOC.eventCount, { priority: 1 }),
    column('Name', 'string', DOC.name, { format: 'name', priority: 1 }),
  ],
  row: printEvent,
};

export const leasePrinter = namedPrinter({
  columns: [column('Holder', 'string', DOC.leaseHolder)],
  cells: (object) => [asString(at(object, 'spec', 'holderIdentity'))],
});

export const componentStatusPrinter: Printer = {
  columns: [
    nameColumn,
    column('Status', 'string', 'Status of the component conditions'),
    column('Message', 'string', 'Message of the component conditions'),
    column('Error', 'string', 'Error of the component conditions'),
  ],
  row(object) {
    const healthy = asObjects(object.conditions).find((condition) => condition.type === 'Healthy');
    const status = healthy ? (healthy.status === 'True' ? 'Healthy' : 'Unhealthy') : 'Unknown';
    return { cells: [nameOf(object), status, asString(healthy?.message), asString(healthy?.error)] };
  },
};

export const resourceQuotaPrinter = namedPrinter({
  columns: [
    column('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    column(
      'Limit',
      'string',
      'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.',
    ),
  ],
  cells(object) {
    const hard = asObject(at(object, 'status', 'hard'));
    const used = asObject(at(object, 'status', 'used'));
    const requests: string[] = [];
    const limits: string[] = [];
    for (const resource of Object.keys(hard).sort()) {
      const pieces = resource.split('.');
      const entry = `${resource}: ${quantity(used[resource])}/${quantity(hard[resource])}`;
      if (pieces.length > 1 && pieces[0] === 'limits') limits.push(entry);
      else requests.push(entry);
    }
    return [requests.join(', '), limits.join(', ')];
  },
});
