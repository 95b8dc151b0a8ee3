// Controllers and what scales them: deployments, replica sets, stateful sets, daemon sets, jobs,
// cron jobs, replication controllers, controller revisions, HPAs and PDBs (printers.go, v1.32).
import type { KubeObject } from '../apimachinery/kube-object';
import { ageColumn, ageOf, containersColumn, imagesColumn, nameColumn, nameOf } from './common';
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
import type { Printer } from './table';
import { column } from './table';
import type { Json } from './values';
import { asArray, asInt, asObject, asObjects, asString, at, intOrString, isSet } from './values';

export const deploymentPrinter: Printer = {
  columns: [
    nameColumn,
    column('Ready', 'string', 'Number of the pod with ready state'),
    column('Up-to-date', 'string', DOC.deploymentUpdated),
    column('Available', 'string', DOC.deploymentAvailable),
    ageColumn,
    containersColumn,
    imagesColumn,
    column('Selector', 'string', DOC.deploymentSelector, { priority: 1 }),
  ],
  row(object, now) {
    const spec = asObject(object.spec);
    const status = asObject(object.status);
    // Deployment prints the selector's String() directly: "" rather than <none>, <invalid> on error.
    const selector = labelSelectorString(spec.selector) ?? '<invalid>';
    const [names, images] = layoutContainerCells(templateContainers(spec));
    return {
      cells: [
        nameOf(object),
        `${asInt(status.readyReplicas)}/${asInt(spec.replicas)}`,
        asInt(status.updatedReplicas),
        asInt(status.availableReplicas),
        ageOf(object, now),
        names,
        images,
        selector,
      ],
    };
  },
};

/** ReplicaSets and ReplicationControllers print alike; only the selector type differs. */
function replicaPrinter(
  doc: { replicas: string; current: string; ready: string; selector: string },
  formatSelector: (selector: unknown) => string,
): Printer {
  return {
    columns: [
      nameColumn,
      column('Desired', 'integer', doc.replicas),
      column('Current', 'integer', doc.current),
      column('Ready', 'integer', doc.ready),
      ageColumn,
      containersColumn,
      imagesColumn,
      column('Selector', 'string', doc.selector, { priority: 1 }),
    ],
    row(object, now) {
      const spec = asObject(object.spec);
      const status = asObject(object.status);
      const [names, images] = layoutContainerCells(templateContainers(spec));
      return {
        cells: [
          nameOf(object),
          asInt(spec.replicas),
          asInt(status.replicas),
          asInt(status.readyReplicas),
          ageOf(object, now),
          names,
          images,
          formatSelector(spec.selector),
        ],
      };
    },
  };
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

export const statefulSetPrinter: Printer = {
  columns: [
    nameColumn,
    column('Ready', 'string', 'Number of the pod with ready state'),
    ageColumn,
    containersColumn,
    imagesColumn,
  ],
  row(object, now) {
    const spec = asObject(object.spec);
    const [names, images] = layoutContainerCells(templateContainers(spec));
    return {
      cells: [
        nameOf(object),
        `${asInt(at(object, 'status', 'readyReplicas'))}/${asInt(spec.replicas)}`,
        ageOf(object, now),
        names,
        images,
      ],
    };
  },
};

export const daemonSetPrinter: Printer = {
  columns: [
    nameColumn,
    column('Desired', 'integer', DOC.dsDesired),
    column('Current', 'integer', DOC.dsCurrent),
    column('Ready', 'integer', DOC.dsReady),
    column('Up-to-date', 'integer', DOC.dsUpdated),
    column('Available', 'integer', DOC.dsAvailable),
    column('Node Selector', 'string', DOC.nodeSelector),
    ageColumn,
    containersColumn,
    imagesColumn,
    column('Selector', 'string', DOC.dsSelector, { priority: 1 }),
  ],
  row(object, now) {
    const spec = asObject(object.spec);
    const status = asObject(object.status);
    const [names, images] = layoutContainerCells(templateContainers(spec));
    return {
      cells: [
        nameOf(object),
        asInt(status.desiredNumberScheduled),
        asInt(status.currentNumberScheduled),
        asInt(status.numberReady),
        asInt(status.updatedNumberScheduled),
        asInt(status.numberAvailable),
        formatLabels(at(spec, 'template', 'spec', 'nodeSelector')),
        ageOf(object, now),
        names,
        images,
        formatLabelSelector(spec.selector),
      ],
    };
  },
};

/** hasJobCondition: the first condition of the type decides. */
function hasJobCondition(status: Json, type: string): boolean {
  const condition = asObjects(status.conditions).find((entry) => entry.type === type);
  return condition?.status === 'True';
}

export const jobPrinter: Printer = {
  columns: [
    nameColumn,
    column('Status', 'string', 'Status of the job.'),
    column('Completions', 'string', DOC.jobSucceeded),
    column('Duration', 'string', 'Time required to complete the job.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    column('Selector', 'string', DOC.jobSelector, { priority: 1 }),
  ],
  row(object, now) {
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
    const [names, images] = layoutContainerCells(templateContainers(spec));
    return {
      cells: [
        nameOf(object),
        state,
        completions,
        duration,
        ageOf(object, now),
        names,
        images,
        formatLabelSelector(spec.selector),
      ],
    };
  },
};

export const cronJobPrinter: Printer = {
  columns: [
    nameColumn,
    column('Schedule', 'string', DOC.cronSchedule),
    column('Timezone', 'string', DOC.cronTimeZone),
    column('Suspend', 'boolean', DOC.cronSuspend),
    column('Active', 'integer', DOC.cronActive),
    column('Last Schedule', 'string', DOC.cronLastSchedule),
    ageColumn,
    containersColumn,
    imagesColumn,
    column('Selector', 'string', DOC.jobSelector, { priority: 1 }),
  ],
  row(object, now) {
    const spec = asObject(object.spec);
    const status = asObject(object.status);
    const jobSpec = asObject(at(spec, 'jobTemplate', 'spec'));
    const lastSchedule = isSet(status.lastScheduleTime) ? since(status.lastScheduleTime, now) : '<none>';
    const timeZone = typeof spec.timeZone === 'string' ? spec.timeZone : '<none>';
    const [names, images] = layoutContainerCells(templateContainers(jobSpec));
    return {
      cells: [
        nameOf(object),
        asString(spec.schedule),
        timeZone,
        printBoolPtr(spec.suspend),
        asArray(status.active).length,
        lastSchedule,
        ageOf(object, now),
        names,
        images,
        formatLabelSelector(jobSpec.selector),
      ],
    };
  },
};

/** schema.GroupKind.String(): `Kind.group`, or `Kind` for the core group. */
function groupKindOf(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  const group = slash >= 0 ? apiVersion.slice(0, slash) : '';
  return group ? `${kind}.${group}` : kind;
}

export const controllerRevisionPrinter: Printer = {
  columns: [
    nameColumn,
    column('Controller', 'string', 'Controller of the object'),
    column('Revision', 'string', DOC.revision),
    ageColumn,
  ],
  row(object, now) {
    const owner = asObjects(object.metadata.ownerReferences).find((reference) => reference.controller === true);
    let controller = '<none>';
    if (owner) {
      const groupKind = groupKindOf(asString(owner.apiVersion), asString(owner.kind));
      controller = groupKind ? `${groupKind.toLowerCase()}/${asString(owner.name)}` : asString(owner.name);
    }
    return { cells: [nameOf(object), controller, asInt(object.revision), ageOf(object, now)] };
  },
};

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

export const horizontalPodAutoscalerPrinter: Printer = {
  columns: [
    nameColumn,
    column('Reference', 'string', DOC.hpaScaleTargetRef),
    column('Targets', 'string', DOC.hpaMetrics),
    column('MinPods', 'string', DOC.hpaMinReplicas),
    column('MaxPods', 'string', DOC.hpaMaxReplicas),
    column('Replicas', 'string', DOC.hpaCurrentReplicas),
    ageColumn,
  ],
  row(object, now) {
    const spec = asObject(object.spec);
    const target = asObject(spec.scaleTargetRef);
    const minPods = isSet(spec.minReplicas) ? String(asInt(spec.minReplicas)) : '<unset>';
    return {
      cells: [
        nameOf(object),
        `${asString(target.kind)}/${asString(target.name)}`,
        formatHPAMetrics(object),
        minPods,
        asInt(spec.maxReplicas),
        asInt(at(object, 'status', 'currentReplicas')),
        ageOf(object, now),
      ],
    };
  },
};

export const podDisruptionBudgetPrinter: Printer = {
  columns: [
    nameColumn,
    column('Min Available', 'string', 'The minimum number of pods that must be available.'),
    column('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    column('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    ageColumn,
  ],
  row(object, now) {
    const spec = asObject(object.spec);
    const minAvailable = isSet(spec.minAvailable) ? intOrString(spec.minAvailable) : 'N/A';
    const maxUnavailable = isSet(spec.maxUnavailable) ? intOrString(spec.maxUnavailable) : 'N/A';
    return {
      cells: [
        nameOf(object),
        minAvailable,
        maxUnavailable,
        asInt(at(object, 'status', 'disruptionsAllowed')),
        ageOf(object, now),
      ],
    };
  },
};
