// Defaulting the API server does on write, for the kinds the lab touches: what `kubectl get -o yaml`
// shows on a real cluster even though the manifest did not say it.
import type { KubeObject } from './kube-object';

type Json = Record<string, unknown>;

const object = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});

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
      setDefault(container, 'imagePullPolicy', image.endsWith(':latest') || !/:[^/]+$/.test(image) ? 'Always' : 'IfNotPresent');
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
    case 'extensions/Deployment':
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'revisionHistoryLimit', 10);
      setDefault(spec, 'progressDeadlineSeconds', 600);
      setDefault(spec, 'strategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
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
      setDefault(spec, 'parallelism', 1);
      setDefault(spec, 'completions', 1);
      setDefault(spec, 'backoffLimit', 6);
      defaultTemplate(spec);
      break;
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
