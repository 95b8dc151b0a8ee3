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

interface Spec {
  group?: string;
  versions: string[];
  resource: string;
  kind: string;
  namespaced?: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs?: string[];
  subresources?: ResourceType['subresources'];
  isReview?: boolean;
}

function define(spec: Spec): ResourceType {
  return {
    group: spec.group ?? '',
    versions: spec.versions,
    storageVersion: spec.versions[0],
    resource: spec.resource,
    singular: spec.kind.toLowerCase(),
    kind: spec.kind,
    namespaced: spec.namespaced ?? true,
    shortNames: spec.shortNames ?? [],
    categories: spec.categories ?? [],
    verbs: spec.verbs ?? [...ALL_VERBS],
    subresources: spec.subresources ?? [],
    isReview: spec.isReview,
  };
}

const WORKLOAD_VERSIONS = ['v1', 'v1beta2', 'v1beta1'];

/** Built-in resources, in the order `kubectl api-resources` groups them on a real cluster. */
export const BUILTIN_RESOURCE_TYPES: readonly ResourceType[] = [
  define({ versions: ['v1'], resource: 'bindings', kind: 'Binding', verbs: CREATE_ONLY }),
  define({
    versions: ['v1'],
    resource: 'componentstatuses',
    kind: 'ComponentStatus',
    namespaced: false,
    shortNames: ['cs'],
    verbs: ['get', 'list'],
  }),
  define({ versions: ['v1'], resource: 'configmaps', kind: 'ConfigMap', shortNames: ['cm'] }),
  define({ versions: ['v1'], resource: 'endpoints', kind: 'Endpoints', shortNames: ['ep'] }),
  define({ versions: ['v1'], resource: 'events', kind: 'Event', shortNames: ['ev'] }),
  define({ versions: ['v1'], resource: 'limitranges', kind: 'LimitRange', shortNames: ['limits'] }),
  define({
    versions: ['v1'],
    resource: 'namespaces',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: ['status'],
  }),
  define({
    versions: ['v1'],
    resource: 'nodes',
    kind: 'Node',
    namespaced: false,
    shortNames: ['no'],
    subresources: ['status', 'proxy'],
  }),
  define({
    versions: ['v1'],
    resource: 'persistentvolumeclaims',
    kind: 'PersistentVolumeClaim',
    shortNames: ['pvc'],
    subresources: ['status'],
  }),
  define({
    versions: ['v1'],
    resource: 'persistentvolumes',
    kind: 'PersistentVolume',
    namespaced: false,
    shortNames: ['pv'],
    subresources: ['status'],
  }),
  define({
    versions: ['v1'],
    resource: 'pods',
    kind: 'Pod',
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['status', 'log', 'exec', 'attach', 'portforward', 'proxy', 'binding', 'eviction'],
  }),
  define({ versions: ['v1'], resource: 'podtemplates', kind: 'PodTemplate' }),
  define({
    versions: ['v1'],
    resource: 'replicationcontrollers',
    kind: 'ReplicationController',
    shortNames: ['rc'],
    categories: ['all'],
    subresources: ['status', 'scale'],
  }),
  define({
    versions: ['v1'],
    resource: 'resourcequotas',
    kind: 'ResourceQuota',
    shortNames: ['quota'],
    subresources: ['status'],
  }),
  define({ versions: ['v1'], resource: 'secrets', kind: 'Secret' }),
  define({ versions: ['v1'], resource: 'serviceaccounts', kind: 'ServiceAccount', shortNames: ['sa'] }),
  define({
    versions: ['v1'],
    resource: 'services',
    kind: 'Service',
    shortNames: ['svc'],
    categories: ['all'],
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: ['status', 'proxy'],
  }),

  define({
    group: 'admissionregistration.k8s.io',
    versions: ['v1', 'v1beta1'],
    resource: 'mutatingwebhookconfigurations',
    kind: 'MutatingWebhookConfiguration',
    namespaced: false,
    categories: ['api-extensions'],
  }),
  define({
    group: 'admissionregistration.k8s.io',
    versions: ['v1', 'v1beta1'],
    resource: 'validatingwebhookconfigurations',
    kind: 'ValidatingWebhookConfiguration',
    namespaced: false,
    categories: ['api-extensions'],
  }),
  define({
    group: 'apiextensions.k8s.io',
    versions: ['v1', 'v1beta1'],
    resource: 'customresourcedefinitions',
    kind: 'CustomResourceDefinition',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    subresources: ['status'],
  }),
  define({
    group: 'apiregistration.k8s.io',
    versions: ['v1', 'v1beta1'],
    resource: 'apiservices',
    kind: 'APIService',
    namespaced: false,
    categories: ['api-extensions'],
    subresources: ['status'],
  }),
  define({ group: 'apps', versions: WORKLOAD_VERSIONS, resource: 'controllerrevisions', kind: 'ControllerRevision' }),
  define({
    group: 'apps',
    versions: ['v1', 'v1beta2'],
    resource: 'daemonsets',
    kind: 'DaemonSet',
    shortNames: ['ds'],
    categories: ['all'],
    subresources: ['status'],
  }),
  define({
    group: 'apps',
    versions: WORKLOAD_VERSIONS,
    resource: 'deployments',
    kind: 'Deployment',
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: ['status', 'scale'],
  }),
  define({
    group: 'apps',
    versions: ['v1', 'v1beta2'],
    resource: 'replicasets',
    kind: 'ReplicaSet',
    shortNames: ['rs'],
    categories: ['all'],
    subresources: ['status', 'scale'],
  }),
  define({
    group: 'apps',
    versions: WORKLOAD_VERSIONS,
    resource: 'statefulsets',
    kind: 'StatefulSet',
    shortNames: ['sts'],
    categories: ['all'],
    subresources: ['status', 'scale'],
  }),
  define({
    group: 'authentication.k8s.io',
    versions: ['v1'],
    resource: 'selfsubjectreviews',
    kind: 'SelfSubjectReview',
    namespaced: false,
    verbs: CREATE_ONLY,
    isReview: true,
  }),
  define({
    group: 'authentication.k8s.io',
    versions: ['v1', 'v1beta1'],
    resource: 'tokenreviews',
    kind: 'TokenReview',
    namespaced: false,
    verbs: CREATE_ONLY,
    isReview: true,
  }),
  define({
    group: 'authorization.k8s.io',
    versions: ['v1', 'v1beta1'],
    resource: 'localsubjectaccessreviews',
    kind: 'LocalSubjectAccessReview',
    verbs: CREATE_ONLY,
    isReview: true,
  }),
  define({
    group: 'authorization.k8s.io',
    versions: ['v1', 'v1beta1'],
    resource: 'selfsubjectaccessreviews',
    kind: 'SelfSubjectAccessReview',
    namespaced: false,
    verbs: CREATE_ONLY,
    isReview: true,
  }),
  define({
    group: 'authorization.k8s.io',
    versions: ['v1', 'v1beta1'],
    resource: 'selfsubjectrulesreviews',
    kind: 'SelfSubjectRulesReview',
    namespaced: false,
    verbs: CREATE_ONLY,
    isReview: true,
  }),
  define({
    group: 'authorization.k8s.io',
    versions: ['v1', 'v1beta1'],
    resource: 'subjectaccessreviews',
    kind: 'SubjectAccessReview',
    namespaced: false,
    verbs: CREATE_ONLY,
    isReview: true,
  }),
  define({
    group: 'autoscaling',
    versions: ['v2', 'v1', 'v2beta2', 'v2beta1'],
    resource: 'horizontalpodautoscalers',
    kind: 'HorizontalPodAutoscaler',
    shortNames: ['hpa'],
    categories: ['all'],
    subresources: ['status'],
  }),
  define({
    group: 'batch',
    versions: ['v1', 'v1beta1'],
    resource: 'cronjobs',
    kind: 'CronJob',
    shortNames: ['cj'],
    categories: ['all'],
    subresources: ['status'],
  }),
  define({
    group: 'batch',
    versions: ['v1'],
    resource: 'jobs',
    kind: 'Job',
    categories: ['all'],
    subresources: ['status'],
  }),
  define({
    group: 'certificates.k8s.io',
    versions: ['v1', 'v1beta1'],
    resource: 'certificatesigningrequests',
    kind: 'CertificateSigningRequest',
    namespaced: false,
    shortNames: ['csr'],
    subresources: ['status'],
  }),
  define({ group: 'coordination.k8s.io', versions: ['v1', 'v1beta1'], resource: 'leases', kind: 'Lease' }),
  define({ group: 'discovery.k8s.io', versions: ['v1', 'v1beta1'], resource: 'endpointslices', kind: 'EndpointSlice' }),
  define({
    group: 'events.k8s.io',
    versions: ['v1', 'v1beta1'],
    resource: 'events',
    kind: 'Event',
    shortNames: ['ev'],
  }),
  define({
    group: 'extensions',
    versions: ['v1beta1'],
    resource: 'deployments',
    kind: 'Deployment',
    shortNames: ['deploy'],
    subresources: ['status', 'scale'],
  }),
  define({
    group: 'extensions',
    versions: ['v1beta1'],
    resource: 'daemonsets',
    kind: 'DaemonSet',
    shortNames: ['ds'],
    subresources: ['status'],
  }),
  define({
    group: 'extensions',
    versions: ['v1beta1'],
    resource: 'replicasets',
    kind: 'ReplicaSet',
    shortNames: ['rs'],
    subresources: ['status', 'scale'],
  }),
  define({
    group: 'extensions',
    versions: ['v1beta1'],
    resource: 'ingresses',
    kind: 'Ingress',
    shortNames: ['ing'],
    subresources: ['status'],
  }),
  define({
    group: 'extensions',
    versions: ['v1beta1'],
    resource: 'networkpolicies',
    kind: 'NetworkPolicy',
    shortNames: ['netpol'],
  }),
  define({
    group: 'extensions',
    versions: ['v1beta1'],
    resource: 'podsecuritypolicies',
    kind: 'PodSecurityPolicy',
    namespaced: false,
    shortNames: ['psp'],
  }),
  define({
    group: 'metrics.k8s.io',
    versions: ['v1beta1'],
    resource: 'nodes',
    kind: 'NodeMetrics',
    namespaced: false,
    verbs: ['get', 'list'],
  }),
  define({
    group: 'metrics.k8s.io',
    versions: ['v1beta1'],
    resource: 'pods',
    kind: 'PodMetrics',
    verbs: ['get', 'list'],
  }),
  define({
    group: 'networking.k8s.io',
    versions: ['v1', 'v1beta1'],
    resource: 'ingressclasses',
    kind: 'IngressClass',
    namespaced: false,
  }),
  define({
    group: 'networking.k8s.io',
    versions: ['v1', 'v1beta1'],
    resource: 'ingresses',
    kind: 'Ingress',
    shortNames: ['ing'],
    subresources: ['status'],
  }),
  define({
    group: 'networking.k8s.io',
    versions: ['v1'],
    resource: 'networkpolicies',
    kind: 'NetworkPolicy',
    shortNames: ['netpol'],
  }),
  define({
    group: 'policy',
    versions: ['v1', 'v1beta1'],
    resource: 'poddisruptionbudgets',
    kind: 'PodDisruptionBudget',
    shortNames: ['pdb'],
    subresources: ['status'],
  }),
  define({
    group: 'policy',
    versions: ['v1beta1'],
    resource: 'podsecuritypolicies',
    kind: 'PodSecurityPolicy',
    namespaced: false,
    shortNames: ['psp'],
  }),
  define({
    group: 'rbac.authorization.k8s.io',
    versions: ['v1', 'v1beta1'],
    resource: 'clusterrolebindings',
    kind: 'ClusterRoleBinding',
    namespaced: false,
  }),
  define({
    group: 'rbac.authorization.k8s.io',
    versions: ['v1', 'v1beta1'],
    resource: 'clusterroles',
    kind: 'ClusterRole',
    namespaced: false,
  }),
  define({
    group: 'rbac.authorization.k8s.io',
    versions: ['v1', 'v1beta1'],
    resource: 'rolebindings',
    kind: 'RoleBinding',
  }),
  define({ group: 'rbac.authorization.k8s.io', versions: ['v1', 'v1beta1'], resource: 'roles', kind: 'Role' }),
  define({
    group: 'scheduling.k8s.io',
    versions: ['v1', 'v1beta1'],
    resource: 'priorityclasses',
    kind: 'PriorityClass',
    namespaced: false,
    shortNames: ['pc'],
  }),
  define({
    group: 'storage.k8s.io',
    versions: ['v1', 'v1beta1'],
    resource: 'storageclasses',
    kind: 'StorageClass',
    namespaced: false,
    shortNames: ['sc'],
  }),
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
