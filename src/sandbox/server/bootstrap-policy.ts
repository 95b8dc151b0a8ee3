// The default ClusterRoles and ClusterRoleBindings a v1.13 API server creates at start-up, as data:
// the part of kubernetes/kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go (its
// testdata/cluster-roles.yaml and cluster-role-bindings.yaml of that time) that people meet —
// cluster-admin for `system:masters`, discovery and self-review for everyone, and the user-facing
// admin, edit and view, aggregated from their system:aggregate-to-* parts. The node, controller
// and add-on roles are left out: nothing in the sandbox signs in as them.
import type { KubeObject } from '../apimachinery/kube-object';
import type { PolicyRule } from './rbac-authorizer';

const RBAC = 'rbac.authorization.k8s.io/v1';
const BOOTSTRAPPING = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
const AUTOUPDATE = { 'rbac.authorization.kubernetes.io/autoupdate': 'true' };

const READ = ['get', 'list', 'watch'];
const READ_WRITE = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

type ResourceRule = PolicyRule & { readonly apiGroups: readonly string[]; readonly resources: readonly string[] };

const rule = (verbs: string[], apiGroups: readonly string[], resources: readonly string[]): ResourceRule => ({
  verbs,
  apiGroups,
  resources,
});

function clusterRole(
  name: string,
  rules: PolicyRule[] | null,
  extra: { labels?: Record<string, string>; aggregateFrom?: string } = {},
): KubeObject {
  return {
    apiVersion: RBAC,
    kind: 'ClusterRole',
    metadata: { name, labels: { ...BOOTSTRAPPING, ...extra.labels }, annotations: { ...AUTOUPDATE } },
    ...(extra.aggregateFrom
      ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [extra.aggregateFrom]: 'true' } }] } }
      : {}),
    rules,
  };
}

function clusterRoleBinding(name: string, role: string, groups: string[]): KubeObject {
  return {
    apiVersion: RBAC,
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: { ...BOOTSTRAPPING }, annotations: { ...AUTOUPDATE } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: groups.map((group) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group })),
  };
}

/** What view grants in the core group, and edit and admin repeat in part (1.13 does not chain the aggregations yet). */
const VIEW_CORE_RULES: ResourceRule[] = [
  rule(
    READ,
    [''],
    [
      'configmaps',
      'endpoints',
      'persistentvolumeclaims',
      'pods',
      'replicationcontrollers',
      'replicationcontrollers/scale',
      'serviceaccounts',
      'services',
    ],
  ),
  rule(
    READ,
    [''],
    [
      'bindings',
      'events',
      'limitranges',
      'namespaces/status',
      'pods/log',
      'pods/status',
      'replicationcontrollers/status',
      'resourcequotas',
      'resourcequotas/status',
    ],
  ),
  rule(READ, [''], ['namespaces']),
];

/** View's rules for the workload groups; edit and admin hold them with every verb (writable). */
const VIEW_WORKLOAD_RULES: ResourceRule[] = [
  rule(
    READ,
    ['apps'],
    [
      'daemonsets',
      'deployments',
      'deployments/scale',
      'replicasets',
      'replicasets/scale',
      'statefulsets',
      'statefulsets/scale',
    ],
  ),
  rule(READ, ['autoscaling'], ['horizontalpodautoscalers']),
  rule(READ, ['batch'], ['cronjobs', 'jobs']),
  rule(
    READ,
    ['extensions'],
    [
      'daemonsets',
      'deployments',
      'deployments/scale',
      'ingresses',
      'networkpolicies',
      'replicasets',
      'replicasets/scale',
      'replicationcontrollers/scale',
    ],
  ),
  rule(READ, ['policy'], ['poddisruptionbudgets']),
  rule(READ, ['networking.k8s.io'], ['networkpolicies']),
];

const VIEW_RULES: PolicyRule[] = [...VIEW_CORE_RULES, ...VIEW_WORKLOAD_RULES];

/**
 * Edit's form of one of view's workload rules: every verb, and Deployments' rollback too (policy.go
 * grants the same resources with ReadWrite plus "deployments/rollback"; its rule builder sorts them).
 */
function writable({ apiGroups, resources }: ResourceRule): ResourceRule {
  return rule(
    READ_WRITE,
    apiGroups,
    resources.includes('deployments') ? [...resources, 'deployments/rollback'].sort() : [...resources],
  );
}

const EDIT_RULES: PolicyRule[] = [
  rule(READ_WRITE, [''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy']),
  rule(
    READ_WRITE,
    [''],
    [
      'configmaps',
      'endpoints',
      'persistentvolumeclaims',
      'replicationcontrollers',
      'replicationcontrollers/scale',
      'secrets',
      'serviceaccounts',
      'services',
      'services/proxy',
    ],
  ),
  VIEW_CORE_RULES[1],
  VIEW_CORE_RULES[2],
  rule(['impersonate'], [''], ['serviceaccounts']),
  ...VIEW_WORKLOAD_RULES.map(writable),
];

const ADMIN_RULES: PolicyRule[] = [
  ...EDIT_RULES,
  rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
  rule(READ_WRITE, ['rbac.authorization.k8s.io'], ['rolebindings', 'roles']),
];

const DISCOVERY_URLS = [
  '/api',
  '/api/*',
  '/apis',
  '/apis/*',
  '/healthz',
  '/openapi',
  '/openapi/*',
  '/swagger-2.0.0.pb-v1',
  '/swagger.json',
  '/swaggerapi',
  '/swaggerapi/*',
  '/version',
  '/version/',
];

const AGGREGATE_TO = (role: string) => `rbac.authorization.k8s.io/aggregate-to-${role}`;

/** The bootstrap ClusterRoles; admin, edit and view carry the rules their aggregation gathers, as a running cluster shows them. */
export function bootstrapClusterRoles(): KubeObject[] {
  return [
    clusterRole('cluster-admin', [rule(['*'], ['*'], ['*']), { verbs: ['*'], nonResourceURLs: ['*'] }]),
    clusterRole('system:discovery', [{ verbs: ['get'], nonResourceURLs: DISCOVERY_URLS }]),
    clusterRole('system:basic-user', [
      rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
    ]),
    clusterRole('admin', ADMIN_RULES, { aggregateFrom: AGGREGATE_TO('admin') }),
    clusterRole('edit', EDIT_RULES, { aggregateFrom: AGGREGATE_TO('edit') }),
    clusterRole('view', VIEW_RULES, { aggregateFrom: AGGREGATE_TO('view') }),
    clusterRole('system:aggregate-to-admin', ADMIN_RULES, { labels: { [AGGREGATE_TO('admin')]: 'true' } }),
    clusterRole('system:aggregate-to-edit', EDIT_RULES, { labels: { [AGGREGATE_TO('edit')]: 'true' } }),
    clusterRole('system:aggregate-to-view', VIEW_RULES, { labels: { [AGGREGATE_TO('view')]: 'true' } }),
  ];
}

export function bootstrapClusterRoleBindings(): KubeObject[] {
  return [
    clusterRoleBinding('cluster-admin', 'cluster-admin', ['system:masters']),
    clusterRoleBinding('system:discovery', 'system:discovery', ['system:authenticated', 'system:unauthenticated']),
    clusterRoleBinding('system:basic-user', 'system:basic-user', ['system:authenticated', 'system:unauthenticated']),
  ];
}
