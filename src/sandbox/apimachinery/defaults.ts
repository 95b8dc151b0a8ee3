// Defaulting the API server does on write, for the kinds the lab touches: what `kubectl get -o yaml`
// shows on a real cluster even though the manifest did not say it.
import type { KubeObject } from './kube-object';

type Json = Record<string, unknown>;

const object = (value: unknown): Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};

function setDefault(target: Json, key: string, value: unknown): void {
  if (target[key] === undefined) target[key] = value;
}

function defaultPodSpec(spec: Json): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'securityContext', {});
  for (const list of ['initContainers', 'containers']) {
    for (const container of (spec[list] as Json[] | undefined) ?? []) {
      setDefault(container, 'terminationMessagePath', '/dev/termination-log');
      setDefault(container, 'terminationMessagePolicy', 'File');
      const image = String(container.image ?? '');
      setDefault(
        container,
        'imagePullPolicy',
        image.endsWith(':latest') || !/:[^/]+$/.test(image) ? 'Always' : 'IfNotPresent',
      );
      setDefault(container, 'resources', {});
      for (const port of (container.ports as Json[] | undefined) ?? []) setDefault(port, 'protocol', 'TCP');
    }
  }
}

/** SetDefaults_Pod (v1.13 pkg/apis/core/v1/defaults.go): a limit without its request asks for the limit. Pods only, not templates. */
function defaultRequestsToLimits(spec: Json): void {
  for (const list of ['initContainers', 'containers']) {
    for (const container of (spec[list] as Json[] | undefined) ?? []) {
      const resources = object(container.resources);
      const limits = object(resources.limits);
      if (resources.limits === undefined || resources.limits === null) continue;
      const requests = object(resources.requests);
      for (const [name, quantity] of Object.entries(limits)) setDefault(requests, name, quantity);
      resources.requests = requests;
    }
  }
}

function defaultTemplate(spec: Json): void {
  const template = object(spec.template);
  const podSpec = object(template.spec);
  defaultPodSpec(podSpec);
}

/**
 * v1.13 pkg/registry/batch/job/strategy.go generateSelector: unless `manualSelector`, the template
 * gets `controller-uid` and `job-name` labels (a value the user set stays, for validation to judge)
 * and the selector matches `controller-uid`, so a Job's pods are its own.
 */
function generateJobSelector(obj: KubeObject, spec: Json): void {
  const template = object(spec.template);
  const metadata = object(template.metadata);
  const labels = object(metadata.labels);
  setDefault(labels, 'job-name', obj.metadata.name);
  setDefault(labels, 'controller-uid', obj.metadata.uid);
  const selector = object(spec.selector);
  const matchLabels = object(selector.matchLabels);
  setDefault(matchLabels, 'controller-uid', obj.metadata.uid);
  spec.template = { ...template, metadata: { ...metadata, labels } };
  spec.selector = { ...selector, matchLabels };
}

/** Applies defaults in place; `isLegacyWorkload` for extensions/v1beta1 and apps/v1beta*. */
export function applyDefaults(obj: KubeObject, group: string): void {
  const spec = object(obj.spec);
  switch (`${group}/${obj.kind}`) {
    case '/Pod':
      defaultPodSpec(spec);
      defaultRequestsToLimits(spec);
      setDefault(spec, 'enableServiceLinks', true);
      break;
    case '/Namespace':
      obj.spec = { finalizers: ['kubernetes'], ...spec };
      obj.status = { phase: 'Active', ...object(obj.status) };
      break;
    case '/Service': {
      setDefault(spec, 'type', 'ClusterIP');
      setDefault(spec, 'sessionAffinity', 'None');
      for (const port of (spec.ports as Json[] | undefined) ?? []) {
        setDefault(port, 'protocol', 'TCP');
        setDefault(port, 'targetPort', port.port);
      }
      break;
    }
    case 'apps/Deployment':
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'revisionHistoryLimit', 10);
      setDefault(spec, 'progressDeadlineSeconds', 600);
      setDefault(spec, 'strategy', {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
      });
      defaultTemplate(spec);
      break;
    case 'extensions/Deployment':
      // pkg/apis/extensions/v1beta1/defaults.go (v1.13): 1 and 1, no deadline, every old ReplicaSet kept.
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'revisionHistoryLimit', 2147483647);
      setDefault(spec, 'progressDeadlineSeconds', 2147483647);
      setDefault(spec, 'strategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } });
      defaultTemplate(spec);
      break;
    case 'apps/ReplicaSet':
    case 'extensions/ReplicaSet':
      setDefault(spec, 'replicas', 1);
      defaultTemplate(spec);
      break;
    case 'apps/StatefulSet':
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'podManagementPolicy', 'OrderedReady');
      setDefault(spec, 'updateStrategy', { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
      setDefault(spec, 'revisionHistoryLimit', 10);
      setDefault(spec, 'persistentVolumeClaimRetentionPolicy', { whenDeleted: 'Retain', whenScaled: 'Retain' });
      defaultTemplate(spec);
      break;
    case 'apps/DaemonSet':
    case 'extensions/DaemonSet':
      setDefault(spec, 'revisionHistoryLimit', 10);
      setDefault(spec, 'updateStrategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } });
      defaultTemplate(spec);
      break;
    case 'batch/Job':
      // v1.13 pkg/apis/batch/v1/defaults.go SetDefaults_Job: completions only when neither is set.
      if (spec.completions === undefined && spec.parallelism === undefined) spec.completions = 1;
      setDefault(spec, 'parallelism', 1);
      setDefault(spec, 'backoffLimit', 6);
      if (spec.manualSelector !== true && obj.metadata.uid) generateJobSelector(obj, spec);
      // SetDefaults_Job copies the template's labels to an unlabelled Job; a real server defaults
      // again on every read, after the selector's labels went in, so a Job shows them too.
      if (Object.keys(obj.metadata.labels ?? {}).length === 0) {
        const labels = object(object(object(spec.template).metadata).labels);
        if (Object.keys(labels).length) obj.metadata.labels = { ...(labels as Record<string, string>) };
      }
      defaultTemplate(spec);
      break;
    case 'batch/CronJob': {
      // v1.13 pkg/apis/batch/v1beta1/defaults.go SetDefaults_CronJob (batch/v1 keeps them).
      setDefault(spec, 'concurrencyPolicy', 'Allow');
      setDefault(spec, 'suspend', false);
      setDefault(spec, 'successfulJobsHistoryLimit', 3);
      setDefault(spec, 'failedJobsHistoryLimit', 1);
      defaultTemplate(object(object(spec.jobTemplate).spec));
      break;
    }
    default:
      return;
  }
  if (obj.kind !== 'Namespace') obj.spec = spec;
}

/** Deployment/ReplicaSet/DaemonSet selectors default from the template labels in the legacy APIs. */
export function defaultLegacySelector(obj: KubeObject, group: string, version: string): void {
  const legacy = group === 'extensions' || (group === 'apps' && version !== 'v1');
  if (!legacy) return;
  const spec = object(obj.spec);
  if (spec.selector === undefined) {
    const labels = object(object(object(spec.template).metadata).labels);
    if (Object.keys(labels).length) spec.selector = { matchLabels: { ...labels } };
  }
}
