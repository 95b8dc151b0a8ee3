// What the sandbox serves: every built-in resource with the names, short names, categories,
// verbs and subresources a real API server announces in discovery. CRDs add to this at run time.

export interface ResourceType {
  /** '' for the core group. */
  readonly group: string;
  /** Versions served, preferred first; objects are stored in `storageVersion`. */
  readonly versions: readonly string[];
  readonly storageVersion: string;
  /** Plural, lower case: `deployments`. */
  readonly resource: string;
  readonly singular: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly verbs: readonly string[];
  readonly subresources: readonly (
    'status' | 'scale' | 'log' | 'exec' | 'attach' | 'portforward' | 'proxy' | 'binding' | 'eviction'
  )[];
  /** Create-only kinds (reviews) are answered, not stored. */
  readonly isReview?: boolean;
  /** Set for resources that a CustomResourceDefinition defines. */
  readonly crd?: string;
  /** The minor release (of 1.x) whose server serves it so: set on the types clients reach, for release-dependent output such as Table columns. */
  readonly release?: number;
}

export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;
const CREATE_ONLY = ['create'];
const GET_LIST = ['get', 'list'];
/** The access and token reviews: created, answered, never stored. */
const REVIEW = { verbs: CREATE_ONLY, isReview: true };

const V1 = ['v1'];
const V1_V1BETA1 = ['v1', 'v1beta1'];
const V1BETA1 = ['v1beta1'];
const WORKLOAD_VERSIONS = ['v1', 'v1beta2', 'v1beta1'];
const STATUS: ResourceType['subresources'] = ['status'];
const STATUS_SCALE: ResourceType['subresources'] = ['status', 'scale'];

/** What a resource has beyond its group, versions and kind; absent, none (and every verb). */
interface Extra {
  /** Where the plural is not the one guessed from the kind. */
  resource?: string;
  shortNames?: string[];
  categories?: string[];
  verbs?: readonly string[];
  subresources?: ResourceType['subresources'];
  isReview?: boolean;
}

/**
 * The plural apimachinery guesses from a kind (k8s.io/apimachinery pkg/api/meta/restmapper.go
 * UnsafeGuessKindToResource): lower case, `-s` gets `-es`, `-y` becomes `-ies`, "endpoints" stays.
 */
function guessResource(kind: string): string {
  const singular = kind.toLowerCase();
  if (singular.endsWith('endpoints')) return singular;
  if (singular.endsWith('s')) return `${singular}es`;
  if (singular.endsWith('y')) return `${singular.slice(0, -1)}ies`;
  return `${singular}s`;
}

function define(group: string, versions: string[], kind: string, namespaced: boolean, extra: Extra): ResourceType {
  return {
    group,
    versions: [...versions],
    storageVersion: versions[0],
    resource: extra.resource ?? guessResource(kind),
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    shortNames: [...(extra.shortNames ?? [])],
    categories: [...(extra.categories ?? [])],
    verbs: [...(extra.verbs ?? ALL_VERBS)],
    subresources: [...(extra.subresources ?? [])],
    isReview: extra.isReview,
  };
}

const namespaced = (group: string, versions: string[], kind: string, extra: Extra = {}): ResourceType =>
  define(group, versions, kind, true, extra);
const clusterScoped = (group: string, versions: string[], kind: string, extra: Extra = {}): ResourceType =>
  define(group, versions, kind, false, extra);

/** Built-in resources, in the order `kubectl api-resources` groups them on a real cluster. */
export const BUILTIN_RESOURCE_TYPES: readonly ResourceType[] = [
  namespaced('', V1, 'Binding', { verbs: CREATE_ONLY }),
  clusterScoped('', V1, 'ComponentStatus', { shortNames: ['cs'], verbs: GET_LIST }),
  namespaced('', V1, 'ConfigMap', { shortNames: ['cm'] }),
  namespaced('', V1, 'Endpoints', { shortNames: ['ep'] }),
  namespaced('', V1, 'Event', { shortNames: ['ev'] }),
  namespaced('', V1, 'LimitRange', { shortNames: ['limits'] }),
  clusterScoped('', V1, 'Namespace', {
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: STATUS,
  }),
  clusterScoped('', V1, 'Node', { shortNames: ['no'], subresources: ['status', 'proxy'] }),
  namespaced('', V1, 'PersistentVolumeClaim', { shortNames: ['pvc'], subresources: STATUS }),
  clusterScoped('', V1, 'PersistentVolume', { shortNames: ['pv'], subresources: STATUS }),
  namespaced('', V1, 'Pod', {
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['status', 'log', 'exec', 'attach', 'portforward', 'proxy', 'binding', 'eviction'],
  }),
  namespaced('', V1, 'PodTemplate'),
  namespaced('', V1, 'ReplicationController', { shortNames: ['rc'], categories: ['all'], subresources: STATUS_SCALE }),
  namespaced('', V1, 'ResourceQuota', { shortNames: ['quota'], subresources: STATUS }),
  namespaced('', V1, 'Secret'),
  namespaced('', V1, 'ServiceAccount', { shortNames: ['sa'] }),
  namespaced('', V1, 'Service', { shortNames: ['svc'], categories: ['all'], subresources: ['status', 'proxy'] }),

  clusterScoped('admissionregistration.k8s.io', V1_V1BETA1, 'MutatingWebhookConfiguration', {
    categories: ['api-extensions'],
  }),
  clusterScoped('admissionregistration.k8s.io', V1_V1BETA1, 'ValidatingWebhookConfiguration', {
    categories: ['api-extensions'],
  }),
  clusterScoped('apiextensions.k8s.io', V1_V1BETA1, 'CustomResourceDefinition', {
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    subresources: STATUS,
  }),
  clusterScoped('apiregistration.k8s.io', V1_V1BETA1, 'APIService', {
    categories: ['api-extensions'],
    subresources: STATUS,
  }),
  namespaced('apps', WORKLOAD_VERSIONS, 'ControllerRevision'),
  namespaced('apps', ['v1', 'v1beta2'], 'DaemonSet', { shortNames: ['ds'], categories: ['all'], subresources: STATUS }),
  namespaced('apps', WORKLOAD_VERSIONS, 'Deployment', {
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: STATUS_SCALE,
  }),
  namespaced('apps', ['v1', 'v1beta2'], 'ReplicaSet', {
    shortNames: ['rs'],
    categories: ['all'],
    subresources: STATUS_SCALE,
  }),
  namespaced('apps', WORKLOAD_VERSIONS, 'StatefulSet', {
    shortNames: ['sts'],
    categories: ['all'],
    subresources: STATUS_SCALE,
  }),
  clusterScoped('authentication.k8s.io', V1, 'SelfSubjectReview', REVIEW),
  clusterScoped('authentication.k8s.io', V1_V1BETA1, 'TokenReview', REVIEW),
  namespaced('authorization.k8s.io', V1_V1BETA1, 'LocalSubjectAccessReview', REVIEW),
  clusterScoped('authorization.k8s.io', V1_V1BETA1, 'SelfSubjectAccessReview', REVIEW),
  clusterScoped('authorization.k8s.io', V1_V1BETA1, 'SelfSubjectRulesReview', REVIEW),
  clusterScoped('authorization.k8s.io', V1_V1BETA1, 'SubjectAccessReview', REVIEW),
  namespaced('autoscaling', ['v2', 'v1', 'v2beta2', 'v2beta1'], 'HorizontalPodAutoscaler', {
    shortNames: ['hpa'],
    categories: ['all'],
    subresources: STATUS,
  }),
  namespaced('batch', V1_V1BETA1, 'CronJob', { shortNames: ['cj'], categories: ['all'], subresources: STATUS }),
  namespaced('batch', V1, 'Job', { categories: ['all'], subresources: STATUS }),
  clusterScoped('certificates.k8s.io', V1_V1BETA1, 'CertificateSigningRequest', {
    shortNames: ['csr'],
    subresources: STATUS,
  }),
  namespaced('coordination.k8s.io', V1_V1BETA1, 'Lease'),
  namespaced('discovery.k8s.io', V1_V1BETA1, 'EndpointSlice'),
  namespaced('events.k8s.io', V1_V1BETA1, 'Event', { shortNames: ['ev'] }),
  namespaced('extensions', V1BETA1, 'Deployment', { shortNames: ['deploy'], subresources: STATUS_SCALE }),
  namespaced('extensions', V1BETA1, 'DaemonSet', { shortNames: ['ds'], subresources: STATUS }),
  namespaced('extensions', V1BETA1, 'ReplicaSet', { shortNames: ['rs'], subresources: STATUS_SCALE }),
  namespaced('extensions', V1BETA1, 'Ingress', { shortNames: ['ing'], subresources: STATUS }),
  namespaced('extensions', V1BETA1, 'NetworkPolicy', { shortNames: ['netpol'] }),
  clusterScoped('extensions', V1BETA1, 'PodSecurityPolicy', { shortNames: ['psp'] }),
  clusterScoped('metrics.k8s.io', V1BETA1, 'NodeMetrics', { resource: 'nodes', verbs: GET_LIST }),
  namespaced('metrics.k8s.io', V1BETA1, 'PodMetrics', { resource: 'pods', verbs: GET_LIST }),
  clusterScoped('networking.k8s.io', V1_V1BETA1, 'IngressClass'),
  namespaced('networking.k8s.io', V1_V1BETA1, 'Ingress', { shortNames: ['ing'], subresources: STATUS }),
  namespaced('networking.k8s.io', V1, 'NetworkPolicy', { shortNames: ['netpol'] }),
  namespaced('policy', V1_V1BETA1, 'PodDisruptionBudget', { shortNames: ['pdb'], subresources: STATUS }),
  clusterScoped('policy', V1BETA1, 'PodSecurityPolicy', { shortNames: ['psp'] }),
  clusterScoped('rbac.authorization.k8s.io', V1_V1BETA1, 'ClusterRoleBinding'),
  clusterScoped('rbac.authorization.k8s.io', V1_V1BETA1, 'ClusterRole'),
  namespaced('rbac.authorization.k8s.io', V1_V1BETA1, 'RoleBinding'),
  namespaced('rbac.authorization.k8s.io', V1_V1BETA1, 'Role'),
  clusterScoped('scheduling.k8s.io', V1_V1BETA1, 'PriorityClass', { shortNames: ['pc'] }),
  clusterScoped('storage.k8s.io', V1_V1BETA1, 'StorageClass', { shortNames: ['sc'] }),
];

/**
 * Resources that different groups serve as one (a Deployment created through
 * extensions/v1beta1 is read through apps/v1): they share storage under the canonical group.
 */
export const STORAGE_ALIASES: Readonly<Record<string, string>> = {
  'extensions/deployments': 'apps/deployments',
  'extensions/daemonsets': 'apps/daemonsets',
  'extensions/replicasets': 'apps/replicasets',
  'extensions/ingresses': 'networking.k8s.io/ingresses',
  'extensions/networkpolicies': 'networking.k8s.io/networkpolicies',
  'extensions/podsecuritypolicies': 'policy/podsecuritypolicies',
  'events.k8s.io/events': '/events',
};

export function storageKey(type: Pick<ResourceType, 'group' | 'resource'>): string {
  const key = `${type.group}/${type.resource}`;
  return STORAGE_ALIASES[key] ?? key;
}

export function groupVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/** The apiVersion objects of this type are stored in (for aliases, the canonical group's). */
export function storageApiVersion(type: ResourceType): string {
  const key = storageKey(type);
  const canonical =
    key === `${type.group}/${type.resource}`
      ? type
      : (BUILTIN_RESOURCE_TYPES.find((candidate) => `${candidate.group}/${candidate.resource}` === key) ?? type);
  return groupVersion(canonical.group, canonical.storageVersion);
}
