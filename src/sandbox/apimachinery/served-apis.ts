// Which built-in group-versions and resources a kube-apiserver of a given release serves by default,
// as data: one row per group-version with the first minor release that served its resources and
// the first that no longer did. `--kube-version` picks the rows; discovery, routing and OpenAPI
// serve only those (resource-registry.ts).
//
// Sources, kubernetes/kubernetes at the tag named (DefaultAPIResourceConfigSource, plus the
// apiextensions-apiserver and kube-aggregator the same binary runs):
// - v1.13.7 `pkg/master/master.go`: admissionregistration v1beta1, v1, apps v1beta1/v1beta2/v1,
//   authentication and authorization v1/v1beta1, autoscaling v1/v2beta1/v2beta2, batch v1/v1beta1,
//   certificates v1beta1, coordination v1beta1, events v1beta1, extensions v1beta1 (daemonsets,
//   deployments, ingresses, networkpolicies, podsecuritypolicies, replicasets), networking v1,
//   policy v1beta1, rbac v1/v1beta1, storage v1/v1beta1, scheduling v1beta1.
// - v1.18.0 `pkg/master/master.go`: adds admissionregistration v1, coordination v1, discovery
//   v1beta1, networking v1beta1, scheduling v1; extensions v1beta1 keeps only ingresses; apps
//   v1beta1/v1beta2 are gone (1.16). apiextensions v1 is 1.16's (`staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/apiserver.go`).
// - v1.32.0 `pkg/controlplane/apiserver/options` / `pkg/controlplane/instance.go`
//   (stableAPIGroupVersionsEnabledByDefault): only the v1/v2 versions; the betas that 1.22 and 1.25
//   removed are no longer there (https://kubernetes.io/docs/reference/using-api/deprecation-guide/).
// metrics.k8s.io is not kube-apiserver's: metrics-server registers it as an APIService, which GKE runs.

/** `group/version` ('v1' for the core group), its resources, and the minor releases that serve them. */
export interface ServedSpan {
  readonly groupVersion: string;
  readonly resources: readonly string[];
  /** First minor release (of 1.x) that serves them by default. */
  readonly since: number;
  /** First minor release that no longer does; absent while still served. */
  readonly until?: number;
}

const CORE = [
  'bindings',
  'componentstatuses',
  'configmaps',
  'endpoints',
  'events',
  'limitranges',
  'namespaces',
  'nodes',
  'persistentvolumeclaims',
  'persistentvolumes',
  'pods',
  'podtemplates',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'serviceaccounts',
  'services',
];
const WEBHOOKS = ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'];
const WORKLOADS = ['controllerrevisions', 'daemonsets', 'deployments', 'replicasets', 'statefulsets'];
const ACCESS_REVIEWS = [
  'localsubjectaccessreviews',
  'selfsubjectaccessreviews',
  'selfsubjectrulesreviews',
  'subjectaccessreviews',
];
const RBAC = ['clusterrolebindings', 'clusterroles', 'rolebindings', 'roles'];
const HPA = ['horizontalpodautoscalers'];

/** The oldest release the table describes; older claims are served as this one. */
export const OLDEST_DESCRIBED_MINOR = 13;

export const SERVED_SPANS: readonly ServedSpan[] = [
  { groupVersion: 'v1', resources: CORE, since: 0 },
  { groupVersion: 'admissionregistration.k8s.io/v1beta1', resources: WEBHOOKS, since: 9, until: 22 },
  { groupVersion: 'admissionregistration.k8s.io/v1', resources: WEBHOOKS, since: 16 },
  { groupVersion: 'apiextensions.k8s.io/v1beta1', resources: ['customresourcedefinitions'], since: 7, until: 22 },
  { groupVersion: 'apiextensions.k8s.io/v1', resources: ['customresourcedefinitions'], since: 16 },
  { groupVersion: 'apiregistration.k8s.io/v1beta1', resources: ['apiservices'], since: 7, until: 22 },
  { groupVersion: 'apiregistration.k8s.io/v1', resources: ['apiservices'], since: 10 },
  {
    groupVersion: 'apps/v1beta1',
    resources: ['controllerrevisions', 'deployments', 'statefulsets'],
    since: 5,
    until: 16,
  },
  { groupVersion: 'apps/v1beta2', resources: WORKLOADS, since: 8, until: 16 },
  { groupVersion: 'apps/v1', resources: WORKLOADS, since: 9 },
  { groupVersion: 'authentication.k8s.io/v1beta1', resources: ['tokenreviews'], since: 3, until: 22 },
  { groupVersion: 'authentication.k8s.io/v1', resources: ['tokenreviews'], since: 6 },
  { groupVersion: 'authentication.k8s.io/v1', resources: ['selfsubjectreviews'], since: 28 },
  { groupVersion: 'authorization.k8s.io/v1beta1', resources: ACCESS_REVIEWS, since: 3, until: 22 },
  { groupVersion: 'authorization.k8s.io/v1', resources: ACCESS_REVIEWS, since: 6 },
  { groupVersion: 'autoscaling/v1', resources: HPA, since: 2 },
  { groupVersion: 'autoscaling/v2beta1', resources: HPA, since: 8, until: 25 },
  { groupVersion: 'autoscaling/v2beta2', resources: HPA, since: 12, until: 26 },
  { groupVersion: 'autoscaling/v2', resources: HPA, since: 23 },
  { groupVersion: 'batch/v1', resources: ['jobs'], since: 2 },
  { groupVersion: 'batch/v1beta1', resources: ['cronjobs'], since: 8, until: 25 },
  { groupVersion: 'batch/v1', resources: ['cronjobs'], since: 21 },
  { groupVersion: 'certificates.k8s.io/v1beta1', resources: ['certificatesigningrequests'], since: 6, until: 22 },
  { groupVersion: 'certificates.k8s.io/v1', resources: ['certificatesigningrequests'], since: 19 },
  { groupVersion: 'coordination.k8s.io/v1beta1', resources: ['leases'], since: 12, until: 22 },
  { groupVersion: 'coordination.k8s.io/v1', resources: ['leases'], since: 14 },
  { groupVersion: 'discovery.k8s.io/v1beta1', resources: ['endpointslices'], since: 17, until: 25 },
  { groupVersion: 'discovery.k8s.io/v1', resources: ['endpointslices'], since: 21 },
  { groupVersion: 'events.k8s.io/v1beta1', resources: ['events'], since: 8, until: 25 },
  { groupVersion: 'events.k8s.io/v1', resources: ['events'], since: 19 },
  {
    groupVersion: 'extensions/v1beta1',
    resources: ['daemonsets', 'deployments', 'networkpolicies', 'podsecuritypolicies', 'replicasets'],
    since: 2,
    until: 16,
  },
  { groupVersion: 'extensions/v1beta1', resources: ['ingresses'], since: 2, until: 22 },
  { groupVersion: 'networking.k8s.io/v1', resources: ['networkpolicies'], since: 7 },
  { groupVersion: 'networking.k8s.io/v1beta1', resources: ['ingresses'], since: 14, until: 22 },
  { groupVersion: 'networking.k8s.io/v1beta1', resources: ['ingressclasses'], since: 18, until: 22 },
  { groupVersion: 'networking.k8s.io/v1', resources: ['ingresses', 'ingressclasses'], since: 19 },
  { groupVersion: 'policy/v1beta1', resources: ['poddisruptionbudgets'], since: 5, until: 25 },
  { groupVersion: 'policy/v1beta1', resources: ['podsecuritypolicies'], since: 10, until: 25 },
  { groupVersion: 'policy/v1', resources: ['poddisruptionbudgets'], since: 21 },
  { groupVersion: 'rbac.authorization.k8s.io/v1beta1', resources: RBAC, since: 6, until: 22 },
  { groupVersion: 'rbac.authorization.k8s.io/v1', resources: RBAC, since: 8 },
  { groupVersion: 'scheduling.k8s.io/v1beta1', resources: ['priorityclasses'], since: 11, until: 22 },
  { groupVersion: 'scheduling.k8s.io/v1', resources: ['priorityclasses'], since: 14 },
  { groupVersion: 'storage.k8s.io/v1beta1', resources: ['storageclasses'], since: 6, until: 22 },
  { groupVersion: 'storage.k8s.io/v1', resources: ['storageclasses'], since: 6 },
];

/** metrics-server's API, served where the cluster runs it (the GKE seed does). */
export const METRICS_SPAN: ServedSpan = {
  groupVersion: 'metrics.k8s.io/v1beta1',
  resources: ['nodes', 'pods'],
  since: 8,
};

/** The minor release of a version string ("v1.13.7-gke.8" → 13); undefined when it is not one. */
export function kubeMinor(kubeVersion: string): number | undefined {
  const match = /^v?1\.(\d+)(?:\.|$)/.exec(kubeVersion);
  return match ? Number(match[1]) : undefined;
}

/** "group/version/resource" keys ("/v1/pods" for the core group) a release serves. */
export type ServedSet = ReadonlySet<string>;

export function servedKey(group: string, version: string, resource: string): string {
  return `${group}/${version}/${resource}`;
}

/** What a kube-apiserver of `kubeVersion` serves, plus metrics.k8s.io when asked; an unreadable version serves every row. */
export function servedApis(kubeVersion: string, options: { metrics?: boolean } = {}): ServedSet {
  const claimed = kubeMinor(kubeVersion);
  const minor = claimed === undefined ? undefined : Math.max(claimed, OLDEST_DESCRIBED_MINOR);
  const served = new Set<string>();
  for (const span of [...SERVED_SPANS, ...(options.metrics ? [METRICS_SPAN] : [])]) {
    if (minor !== undefined && (minor < span.since || (span.until !== undefined && minor >= span.until))) continue;
    const [group, version] = span.groupVersion.includes('/') ? span.groupVersion.split('/') : ['', span.groupVersion];
    for (const resource of span.resources) served.add(servedKey(group, version, resource));
  }
  return served;
}
