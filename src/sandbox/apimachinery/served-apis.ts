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
const APPS_V1BETA1 = ['controllerrevisions', 'deployments', 'statefulsets'];
/** What extensions/v1beta1 served until 1.16 moved it to apps, networking and policy (ingresses stayed to 1.22). */
const EXTENSIONS_MOVED = ['daemonsets', 'deployments', 'networkpolicies', 'podsecuritypolicies', 'replicasets'];
const ACCESS_REVIEWS = [
  'localsubjectaccessreviews',
  'selfsubjectaccessreviews',
  'selfsubjectrulesreviews',
  'subjectaccessreviews',
];
const RBAC = ['clusterrolebindings', 'clusterroles', 'rolebindings', 'roles'];
const HPA = ['horizontalpodautoscalers'];

/** A group's resources at v1beta1 from release `beta` until `betaUntil`, and at v1 from `v1`: how most groups graduated. */
function graduated(
  group: string,
  resources: readonly string[],
  { beta, betaUntil, v1 }: { beta: number; betaUntil: number; v1: number },
): ServedSpan[] {
  return [
    { groupVersion: `${group}/v1beta1`, resources, since: beta, until: betaUntil },
    { groupVersion: `${group}/v1`, resources, since: v1 },
  ];
}

/** The oldest release the table describes; older claims are served as this one. */
export const OLDEST_DESCRIBED_MINOR = 13;

export const SERVED_SPANS: readonly ServedSpan[] = [
  { groupVersion: 'v1', resources: CORE, since: 0 },
  ...graduated('admissionregistration.k8s.io', WEBHOOKS, { beta: 9, betaUntil: 22, v1: 16 }),
  ...graduated('apiextensions.k8s.io', ['customresourcedefinitions'], { beta: 7, betaUntil: 22, v1: 16 }),
  ...graduated('apiregistration.k8s.io', ['apiservices'], { beta: 7, betaUntil: 22, v1: 10 }),
  { groupVersion: 'apps/v1beta1', resources: APPS_V1BETA1, since: 5, until: 16 },
  { groupVersion: 'apps/v1beta2', resources: WORKLOADS, since: 8, until: 16 },
  { groupVersion: 'apps/v1', resources: WORKLOADS, since: 9 },
  ...graduated('authentication.k8s.io', ['tokenreviews'], { beta: 3, betaUntil: 22, v1: 6 }),
  { groupVersion: 'authentication.k8s.io/v1', resources: ['selfsubjectreviews'], since: 28 },
  ...graduated('authorization.k8s.io', ACCESS_REVIEWS, { beta: 3, betaUntil: 22, v1: 6 }),
  { groupVersion: 'autoscaling/v1', resources: HPA, since: 2 },
  { groupVersion: 'autoscaling/v2beta1', resources: HPA, since: 8, until: 25 },
  { groupVersion: 'autoscaling/v2beta2', resources: HPA, since: 12, until: 26 },
  { groupVersion: 'autoscaling/v2', resources: HPA, since: 23 },
  { groupVersion: 'batch/v1', resources: ['jobs'], since: 2 },
  ...graduated('batch', ['cronjobs'], { beta: 8, betaUntil: 25, v1: 21 }),
  ...graduated('certificates.k8s.io', ['certificatesigningrequests'], { beta: 6, betaUntil: 22, v1: 19 }),
  ...graduated('coordination.k8s.io', ['leases'], { beta: 12, betaUntil: 22, v1: 14 }),
  ...graduated('discovery.k8s.io', ['endpointslices'], { beta: 17, betaUntil: 25, v1: 21 }),
  ...graduated('events.k8s.io', ['events'], { beta: 8, betaUntil: 25, v1: 19 }),
  { groupVersion: 'extensions/v1beta1', resources: EXTENSIONS_MOVED, since: 2, until: 16 },
  { groupVersion: 'extensions/v1beta1', resources: ['ingresses'], since: 2, until: 22 },
  { groupVersion: 'networking.k8s.io/v1', resources: ['networkpolicies'], since: 7 },
  { groupVersion: 'networking.k8s.io/v1beta1', resources: ['ingresses'], since: 14, until: 22 },
  { groupVersion: 'networking.k8s.io/v1beta1', resources: ['ingressclasses'], since: 18, until: 22 },
  { groupVersion: 'networking.k8s.io/v1', resources: ['ingresses', 'ingressclasses'], since: 19 },
  { groupVersion: 'policy/v1beta1', resources: ['poddisruptionbudgets'], since: 5, until: 25 },
  { groupVersion: 'policy/v1beta1', resources: ['podsecuritypolicies'], since: 10, until: 25 },
  { groupVersion: 'policy/v1', resources: ['poddisruptionbudgets'], since: 21 },
  ...graduated('rbac.authorization.k8s.io', RBAC, { beta: 6, betaUntil: 22, v1: 8 }),
  ...graduated('scheduling.k8s.io', ['priorityclasses'], { beta: 11, betaUntil: 22, v1: 14 }),
  ...graduated('storage.k8s.io', ['storageclasses'], { beta: 6, betaUntil: 22, v1: 6 }),
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
