// Controllers and what scales them: deployments, replica sets, stateful sets, daemon sets, jobs,
// cron jobs, replication controllers, controller revisions, HPAs and PDBs (printers.go, v1.32).
import type { KubeObject } from '../apimachinery/kube-object';
import { containersColumn, imagesColumn, namedPrinter } from './common';
import { DOC } from './descriptions';
import { humanDuration, parseTime, since } from '../../shared/kubectl-time';
import {
  formatLabelSelector,
  formatLabels,
  labelSelectorString,
  layoutContainerCells,
  printBoolPtr,
  templateContainers,
} from './format';
import type { Cell, Printer, TableColumnDefinition } from './table';
import { column } from './table';
import type { Json } from './values';
import { asArray, asInt, asObject, asObjects, asString, at, intOrString, isSet } from './values';

interface WorkloadColumns {
  /** The kind's own columns, between NAME and AGE, and their cells. */
  readonly columns: readonly TableColumnDefinition[];
  cells(object: KubeObject, now: Date): Cell[];
  /** The wide SELECTOR column's description and cell; StatefulSets print none. */
  readonly selector?: { description: string; cell(ownerSpec: Json): Cell };
  /** Where the pod template lives: the object's spec, or a CronJob's jobTemplate.spec. */
  ownerSpec?(object: KubeObject): Json;
}

/** A workload's table: NAME, its own columns, AGE, its pod template's CONTAINERS and IMAGES, SELECTOR. */
function workloadPrinter({
  columns,
  cells,
  selector,
  ownerSpec = (object) => asObject(object.spec),
}: WorkloadColumns): Printer {
  const selectorColumns = selector ? [column('Selector', 'string', selector.description, { priority: 1 })] : [];
  return namedPrinter({
    columns,
    afterAge: [containersColumn, imagesColumn, ...selectorColumns],
    cells(object, now) {
      const spec = ownerSpec(object);
      const [names, images] = layoutContainerCells(templateContainers(spec));
      return [...cells(object, now), names, images, ...(selector ? [selector.cell(spec)] : [])];
    },
  });
}

const readyColumn = column('Ready', 'string', 'Number of the pod with ready state');

/** READY of Deployments and StatefulSets: ready replicas over desired ones. */
const readyOfDesired = (object: KubeObject): string =>
  `${asInt(at(object, 'status', 'readyReplicas'))}/${asInt(at(object, 'spec', 'replicas'))}`;

export const deploymentPrinter = workloadPrinter({
  columns: [
    readyColumn,
    column('Up-to-date', 'string', DOC.deploymentUpdated),
    column('Available', 'string', DOC.deploymentAvailable),
  ],
  cells: (object) => [
    readyOfDesired(object),
    asInt(at(object, 'status', 'updatedReplicas')),
    asInt(at(object, 'status', 'availableReplicas')),
  ],
  // Deployment prints the selector's String() directly: "" rather than <none>, <invalid> on error.
  selector: { description: DOC.deploymentSelector, cell: (spec) => labelSelectorString(spec.selector) ?? '<invalid>' },
});

/** ReplicaSets and ReplicationControllers print alike; only the selector type differs. */
function replicaPrinter(
  doc: { replicas: string; current: string; ready: string; selector: string },
  formatSelector: (selector: unknown) => string,
): Printer {
  return workloadPrinter({
    columns: [
      column('Desired', 'integer', doc.replicas),
      column('Current', 'integer', doc.current),
      column('Ready', 'integer', doc.ready),
    ],
    cells: (object) => [
      asInt(at(object, 'spec', 'replicas')),
      asInt(at(object, 'status', 'replicas')),
      asInt(at(object, 'status', 'readyReplicas')),
    ],
    selector: { description: doc.selector, cell: (spec) => formatSelector(spec.selector) },
  });
}

export const replicaSetPrinter = replicaPrinter(
  { replicas: DOC.rsSpecReplicas, current: DOC.rsStatusReplicas, ready: DOC.rsReadyReplicas, selector: DOC.rsSelector },
  formatLabelSelector,
);

// A ReplicationController's selector is a plain label map.
export const replicationControllerPrinter = replicaPrinter(
  { replicas: DOC.rcSpecReplicas, current: DOC.rcStatusReplicas, ready: DOC.rcReadyReplicas, selector: DOC.rcSelector },
  formatLabels,
);

export const statefulSetPrinter = workloadPrinter({
  columns: [readyColumn],
  cells: (object) => [readyOfDesired(object)],
});

export const daemonSetPrinter = workloadPrinter({
  columns: [
    column('Desired', 'integer', DOC.dsDesired),
    column('Current', 'integer', DOC.dsCurrent),
    column('Ready', 'integer', DOC.dsReady),
    column('Up-to-date', 'integer', DOC.dsUpdated),
    column('Available', 'integer', DOC.dsAvailable),
    column('Node Selector', 'string', DOC.nodeSelector),
  ],
  cells(object) {
    const status = asObject(object.status);
    return [
      asInt(status.desiredNumberScheduled),
      asInt(status.currentNumberScheduled),
      asInt(status.numberReady),
      asInt(status.updatedNumberScheduled),
      asInt(status.numberAvailable),
      formatLabels(at(object, 'spec', 'template', 'spec', 'nodeSelector')),
    ];
  },
  selector: { description: DOC.dsSelector, cell: (spec) => formatLabelSelector(spec.selector) },
});

/** hasJobCondition: the first condition of the type decides. */
function hasJobCondition(status: Json, type: string): boolean {
  const condition = asObjects(status.conditions).find((entry) => entry.type === type);
  return condition?.status === 'True';
}

export const jobPrinter = workloadPrinter({
  columns: [
    column('Status', 'string', 'Status of the job.'),
    column('Completions', 'string', DOC.jobSucceeded),
    column('Duration', 'string', 'Time required to complete the job.'),
  ],
  cells(object, now) {
    const spec = asObject(object.spec);
    const status = asObject(object.status);
    const succeeded = asInt(status.succeeded);
    let completions: string;
    if (isSet(spec.completions)) {
      completions = `${succeeded}/${asInt(spec.completions)}`;
    } else {
      const parallelism = asInt(spec.parallelism);
      completions = parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
    }
    const start = parseTime(status.startTime);
    const completion = parseTime(status.completionTime);
    let duration = '';
    if (start !== undefined) duration = humanDuration((completion ?? now.getTime()) - start);
    let state = 'Running';
    if (hasJobCondition(status, 'Complete')) state = 'Complete';
    else if (hasJobCondition(status, 'Failed')) state = 'Failed';
    else if (isSet(object.metadata.deletionTimestamp)) state = 'Terminating';
    else if (hasJobCondition(status, 'Suspended')) state = 'Suspended';
    else if (hasJobCondition(status, 'FailureTarget')) state = 'FailureTarget';
    return [state, completions, duration];
  },
  selector: { description: DOC.jobSelector, cell: (spec) => formatLabelSelector(spec.selector) },
});

export const cronJobPrinter = workloadPrinter({
  columns: [
    column('Schedule', 'string', DOC.cronSchedule),
    column('Timezone', 'string', DOC.cronTimeZone),
    column('Suspend', 'boolean', DOC.cronSuspend),
    column('Active', 'integer', DOC.cronActive),
    column('Last Schedule', 'string', DOC.cronLastSchedule),
  ],
  cells(object, now) {
    const spec = asObject(object.spec);
    const status = asObject(object.status);
    return [
      asString(spec.schedule),
      typeof spec.timeZone === 'string' ? spec.timeZone : '<none>',
      printBoolPtr(spec.suspend),
      asArray(status.active).length,
      isSet(status.lastScheduleTime) ? since(status.lastScheduleTime, now) : '<none>',
    ];
  },
  // The containers, images and selector are the job template's.
  ownerSpec: (object) => asObject(at(object, 'spec', 'jobTemplate', 'spec')),
  selector: { description: DOC.jobSelector, cell: (spec) => formatLabelSelector(spec.selector) },
});

/** schema.GroupKind.String(): `Kind.group`, or `Kind` for the core group. */
function groupKindOf(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  const group = slash >= 0 ? apiVersion.slice(0, slash) : '';
  return group ? `${kind}.${group}` : kind;
}

export const controllerRevisionPrinter = namedPrinter({
  columns: [column('Controller', 'string', 'Controller of the object'), column('Revision', 'string', DOC.revision)],
  cells(object) {
    const owner = asObjects(object.metadata.ownerReferences).find((reference) => reference.controller === true);
    let controller = '<none>';
    if (owner) {
      const groupKind = groupKindOf(asString(owner.apiVersion), asString(owner.kind));
      controller = groupKind ? `${groupKind.toLowerCase()}/${asString(owner.name)}` : asString(owner.name);
    }
    return [controller, asInt(object.revision)];
  },
});

// ── HorizontalPodAutoscaler ────────────────────────────────────────────────────────────────

interface MetricTarget {
  type?: string;
  value?: unknown;
  averageValue?: unknown;
  averageUtilization?: unknown;
}

interface MetricValue {
  value?: unknown;
  averageValue?: unknown;
  averageUtilization?: unknown;
}

interface Metric {
  type: string;
  name: string;
  target: MetricTarget;
  current?: MetricValue;
}

const sourceKey: Record<string, string> = {
  Resource: 'resource',
  ContainerResource: 'containerResource',
  Pods: 'pods',
  Object: 'object',
  External: 'external',
};

/**
 * The internal (autoscaling/v2-shaped) metric target, whichever version the object was written in:
 * v2/v2beta2 carry `target`, v2beta1 carries `targetAverageUtilization` and friends.
 */
function specTarget(source: Json): MetricTarget {
  if (isSet(source.target)) return asObject(source.target) as MetricTarget;
  return {
    value: source.targetValue,
    // v2beta1's ObjectMetricSource names its average target `averageValue`.
    averageValue: source.targetAverageValue ?? source.averageValue,
    averageUtilization: source.targetAverageUtilization,
  };
}

function statusValue(source: Json): MetricValue {
  if (isSet(source.current)) return asObject(source.current) as MetricValue;
  return {
    value: source.currentValue,
    averageValue: source.currentAverageValue ?? source.averageValue,
    averageUtilization: source.currentAverageUtilization,
  };
}

function hpaMetrics(object: KubeObject): { specs: Metric[]; statuses: (Metric | undefined)[] } {
  const spec = asObject(object.spec);
  const status = asObject(object.status);
  const toMetric = (entry: Json, isStatus: boolean): Metric => {
    const type = asString(entry.type);
    const source = asObject(entry[sourceKey[type] ?? '']);
    const name = asString(source.name) || asString(source.metricName) || asString(at(source, 'metric', 'name'));
    return { type, name, target: specTarget(source), current: isStatus ? statusValue(source) : undefined };
  };
  const cpu = (target: MetricTarget, current?: MetricValue): Metric => ({
    type: 'Resource',
    name: 'cpu',
    target,
    current,
  });
  let specs: Metric[];
  // autoscaling/v1 holds a single CPU target; without any target the server defaults to 80% CPU.
  if (isSet(spec.targetCPUUtilizationPercentage))
    specs = [cpu({ type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage })];
  else if (isSet(spec.metrics)) specs = asObjects(spec.metrics).map((entry) => toMetric(entry, false));
  else specs = [cpu({ type: 'Utilization', averageUtilization: 80 })];
  let statuses: Metric[] = asObjects(status.currentMetrics).map((entry) => toMetric(entry, true));
  if (!isSet(status.currentMetrics) && isSet(status.currentCPUUtilizationPercentage))
    statuses = [cpu({}, { averageUtilization: status.currentCPUUtilizationPercentage })];
  return { specs, statuses };
}

/** A *resource.Quantity's String(): as written (not re-canonicalised), `<nil>` when unset. */
const quantity = (value: unknown): string => {
  if (!isSet(value)) return '<nil>';
  return typeof value === 'number' ? String(value) : asString(value);
};

/** formatHPAMetrics: at most two targets, then "+ N more...". */
export function formatHPAMetrics(object: KubeObject): string {
  const { specs, statuses } = hpaMetrics(object);
  if (!specs.length) return '<none>';
  const list: string[] = [];
  specs.forEach((spec, i) => {
    // Go looks at statuses[i] only if it is of the same source type.
    const current = statuses[i]?.type === spec.type ? statuses[i]?.current : undefined;
    switch (spec.type) {
      case 'External':
      case 'Object':
        if (isSet(spec.target.averageValue)) {
          const now = current && isSet(current.averageValue) ? quantity(current.averageValue) : '<unknown>';
          list.push(`${now}/${quantity(spec.target.averageValue)} (avg)`);
        } else {
          list.push(`${current ? quantity(current.value) : '<unknown>'}/${quantity(spec.target.value)}`);
        }
        break;
      case 'Pods':
        list.push(`${current ? quantity(current.averageValue) : '<unknown>'}/${quantity(spec.target.averageValue)}`);
        break;
      case 'Resource':
      case 'ContainerResource':
        if (isSet(spec.target.averageValue)) {
          list.push(
            `${spec.name}: ${current ? quantity(current.averageValue) : '<unknown>'}/${quantity(spec.target.averageValue)}`,
          );
        } else {
          const now =
            current && isSet(current.averageUtilization) ? `${asInt(current.averageUtilization)}%` : '<unknown>';
          const target = isSet(spec.target.averageUtilization) ? `${asInt(spec.target.averageUtilization)}%` : '<auto>';
          list.push(`${spec.name}: ${now}/${target}`);
        }
        break;
      default:
        list.push('<unknown type>');
    }
  });
  const max = 2;
  if (list.length > max) return `${list.slice(0, max).join(', ')} + ${list.length - max} more...`;
  return list.join(', ');
}

export const horizontalPodAutoscalerPrinter = namedPrinter({
  columns: [
    column('Reference', 'string', DOC.hpaScaleTargetRef),
    column('Targets', 'string', DOC.hpaMetrics),
    column('MinPods', 'string', DOC.hpaMinReplicas),
    column('MaxPods', 'string', DOC.hpaMaxReplicas),
    column('Replicas', 'string', DOC.hpaCurrentReplicas),
  ],
  cells(object) {
    const spec = asObject(object.spec);
    const target = asObject(spec.scaleTargetRef);
    return [
      `${asString(target.kind)}/${asString(target.name)}`,
      formatHPAMetrics(object),
      isSet(spec.minReplicas) ? String(asInt(spec.minReplicas)) : '<unset>',
      asInt(spec.maxReplicas),
      asInt(at(object, 'status', 'currentReplicas')),
    ];
  },
});

/** A PDB's minAvailable or maxUnavailable: the int or percentage, N/A when unset. */
const budget = (value: unknown): Cell => (isSet(value) ? intOrString(value) : 'N/A');

export const podDisruptionBudgetPrinter = namedPrinter({
  columns: [
    column('Min Available', 'string', 'The minimum number of pods that must be available.'),
    column('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    column('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
  ],
  cells: (object) => [
    budget(at(object, 'spec', 'minAvailable')),
    budget(at(object, 'spec', 'maxUnavailable')),
    asInt(at(object, 'status', 'disruptionsAllowed')),
  ],
});
