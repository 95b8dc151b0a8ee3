// Which Istio component a pod is, from its labels first (the table below, every era: 1.0–1.4,
// 1.5+, ambient) and from its workload name only when no label tells; then data-plane sidecars
// (an istio-proxy container or the injector's status annotation) and, last, "other".
import type { ComponentId, RoleGroup } from './components';
import { COMPONENTS } from './components';
import { ISTIO_NAMESPACE } from '../../shared/istio-defaults';

/** What classification reads of a pod; `PodSummary` (src/kube/pod-summary.ts) fits it. */
export interface PodIdentity {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly ownerKind?: string;
  readonly ownerName?: string;
  readonly containers?: readonly { readonly name: string }[];
}

export interface PodRole {
  readonly group: RoleGroup;
  readonly component: ComponentId;
  /** The workload the pod belongs to (its Deployment, DaemonSet, StatefulSet or Job). */
  readonly workload: string;
  /** `istio.io/rev` when it names a revision other than the default one. */
  readonly revision?: string;
  /** How the pod was recognised; `name` means no label told and its workload name did. */
  readonly matchedBy: 'labels' | 'name' | 'sidecar' | 'none';
}

export interface ClassifyOptions {
  /** The namespace Istio is installed in (the `istioLab.namespace` setting). */
  readonly istioNamespace?: string;
}

/** A label's expected value; `true` = the label is present with any value. */
type LabelValue = string | RegExp | true;
type LabelMatch = Readonly<Record<string, LabelValue>>;

interface RoleRule {
  readonly component: ComponentId;
  /** The pod matches when it carries every label of any one of these sets. */
  readonly labels: readonly LabelMatch[];
  /** The workload names the component goes by, for pods whose labels say nothing. */
  readonly names?: RegExp;
  /** Add-ons share common app names (grafana, prometheus): only the Istio namespace's count. */
  readonly istioNamespaceOnly?: boolean;
}

/** Jobs of the install, by job name (the version suffix, as in `istio-cleanup-secrets-1.2.2`, is optional). */
const JOB_RULES: readonly { readonly component: ComponentId; readonly names: RegExp }[] = [
  { component: 'grafana-post-install', names: /^istio-grafana-post-install(-[\d.]+)?$/ },
  { component: 'security-post-install', names: /^istio-security-post-install(-[\d.]+)?$/ },
  { component: 'cleanup-secrets', names: /^istio-cleanup-secrets(-[\d.]+)?$/ },
  { component: 'init-crd', names: /^istio-init-crd-[\w-]+$/ },
];

/** Order matters: the first rule that matches wins (istiod before the legacy `istio: pilot`). */
const RULES: readonly RoleRule[] = [
  {
    component: 'waypoint',
    labels: [
      { 'gateway.istio.io/managed': 'istio.io-mesh-controller' },
      { 'gateway.networking.k8s.io/gateway-class-name': 'istio-waypoint' },
    ],
  },
  { component: 'gateway', labels: [{ 'gateway.istio.io/managed': 'istio.io-gateway-controller' }] },
  { component: 'istiod', labels: [{ app: 'istiod' }], names: /^istiod(-[\w-]+)?$/ },
  { component: 'pilot', labels: [{ istio: 'pilot' }, { app: 'pilot' }], names: /^istio-pilot$/ },
  {
    component: 'mixer-policy',
    labels: [
      { istio: 'mixer', 'istio-mixer-type': 'policy' },
      { istio: 'mixer', app: 'policy' },
    ],
    names: /^istio-policy$/,
  },
  {
    component: 'mixer-telemetry',
    labels: [
      { istio: 'mixer', 'istio-mixer-type': 'telemetry' },
      { istio: 'mixer', app: 'telemetry' },
    ],
    names: /^istio-telemetry$/,
  },
  { component: 'citadel', labels: [{ istio: 'citadel' }], names: /^istio-citadel$/ },
  { component: 'galley', labels: [{ istio: 'galley' }], names: /^istio-galley$/ },
  { component: 'sidecar-injector', labels: [{ istio: 'sidecar-injector' }], names: /^istio-sidecar-injector$/ },
  { component: 'nodeagent', labels: [{ istio: 'nodeagent' }, { app: 'nodeagent' }], names: /^istio-nodeagent$/ },
  { component: 'statsd-prom-bridge', labels: [{ istio: 'statsd-prom-bridge' }], names: /^istio-statsd-prom-bridge$/ },
  { component: 'operator', labels: [{ name: 'istio-operator' }], names: /^istio-operator$/ },
  {
    component: 'ingressgateway',
    labels: [{ istio: 'ingressgateway' }, { 'operator.istio.io/component': 'IngressGateways' }],
    names: /^istio-ingressgateway$/,
  },
  {
    component: 'egressgateway',
    labels: [{ istio: 'egressgateway' }, { 'operator.istio.io/component': 'EgressGateways' }],
    names: /^istio-egressgateway$/,
  },
  { component: 'eastwestgateway', labels: [{ istio: 'eastwestgateway' }], names: /^istio-eastwestgateway$/ },
  { component: 'gateway', labels: [{ istio: /gateway$/ }], names: /^istio-[\w-]*gateway$/ },
  { component: 'ztunnel', labels: [{ app: 'ztunnel' }], names: /^ztunnel$/ },
  { component: 'istio-cni', labels: [{ 'k8s-app': 'istio-cni-node' }], names: /^istio-cni-node$/ },
  {
    component: 'grafana',
    labels: [{ app: 'grafana' }, { 'app.kubernetes.io/name': 'grafana' }],
    names: /^grafana$/,
    istioNamespaceOnly: true,
  },
  {
    component: 'prometheus',
    labels: [{ app: 'prometheus' }, { 'app.kubernetes.io/name': 'prometheus' }],
    names: /^prometheus$/,
    istioNamespaceOnly: true,
  },
  {
    component: 'tracing',
    labels: [{ app: 'jaeger' }, { 'app.kubernetes.io/name': 'jaeger' }],
    names: /^(istio-tracing|jaeger)$/,
    istioNamespaceOnly: true,
  },
  { component: 'zipkin', labels: [{ app: 'zipkin' }], names: /^zipkin$/, istioNamespaceOnly: true },
  {
    component: 'kiali',
    labels: [{ app: 'kiali' }, { 'app.kubernetes.io/name': 'kiali' }],
    names: /^kiali$/,
    istioNamespaceOnly: true,
  },
  { component: 'servicegraph', labels: [{ app: 'servicegraph' }], names: /^servicegraph$/, istioNamespaceOnly: true },
  {
    component: 'loki',
    labels: [{ app: 'loki' }, { 'app.kubernetes.io/name': 'loki' }],
    names: /^loki$/,
    istioNamespaceOnly: true,
  },
];

/** The alphabet Kubernetes uses for generated name parts (pod-template-hash, pod suffix): no vowels. */
const GENERATED = /^[bcdfghjklmnpqrstvwxz2456789]+$/;

/** The label sets as arrays, made once: classification runs for every pod on every tree rebuild. */
const compiled = new WeakMap<LabelMatch, readonly (readonly [string, LabelValue])[]>();

function labelMatches(labels: Readonly<Record<string, string>>, match: LabelMatch): boolean {
  let entries = compiled.get(match);
  if (!entries) {
    entries = Object.entries(match);
    compiled.set(match, entries);
  }
  for (const [key, expected] of entries) {
    const value = labels[key];
    if (value === undefined) return false;
    if (expected === true) continue;
    if (typeof expected === 'string' ? value !== expected : !expected.test(value)) return false;
  }
  return true;
}

/**
 * The workload a pod belongs to: its owner (a ReplicaSet's name minus its pod-template-hash is the
 * Deployment), else its name minus the generated parts (`istio-pilot-68f587df5d-wzwxn` → `istio-pilot`).
 */
export function workloadName(pod: Pick<PodIdentity, 'name' | 'labels' | 'ownerKind' | 'ownerName'>): string {
  const hash = pod.labels['pod-template-hash'];
  if (pod.ownerName) {
    if (pod.ownerKind === 'ReplicaSet') {
      if (hash && pod.ownerName.endsWith(`-${hash}`)) return pod.ownerName.slice(0, -hash.length - 1);
      return stripGenerated(pod.ownerName, 1);
    }
    return pod.ownerName;
  }
  return stripGenerated(pod.name, 2);
}

/** Drops the trailing generated name parts: a pod's 5-character suffix, then a ReplicaSet's hash. */
function stripGenerated(name: string, parts: 1 | 2): string {
  const segments = name.split('-');
  const expected: readonly (readonly [number, number])[] =
    parts === 2
      ? [
          [5, 5],
          [6, 10],
        ]
      : [[6, 10]];
  for (const [min, max] of expected) {
    const last = segments[segments.length - 1];
    if (segments.length < 2 || last.length < min || last.length > max || !GENERATED.test(last)) break;
    segments.pop();
  }
  return segments.join('-');
}

function hasSidecar(pod: PodIdentity): boolean {
  return (
    Boolean(pod.annotations?.['sidecar.istio.io/status']) ||
    (pod.containers ?? []).some((container) => container.name === 'istio-proxy')
  );
}

function revisionOf(pod: PodIdentity): string | undefined {
  const revision = pod.labels['istio.io/rev'] ?? pod.annotations?.['istio.io/rev'];
  return revision && revision !== 'default' ? revision : undefined;
}

function role(component: ComponentId, workload: string, pod: PodIdentity, matchedBy: PodRole['matchedBy']): PodRole {
  const revision = revisionOf(pod);
  return { group: COMPONENTS[component].group, component, workload, matchedBy, ...(revision ? { revision } : {}) };
}

export function classifyPod(pod: PodIdentity, options: ClassifyOptions = {}): PodRole {
  const inIstioNamespace = pod.namespace === (options.istioNamespace ?? ISTIO_NAMESPACE);
  const workload = workloadName(pod);
  const isJob = pod.ownerKind === 'Job' || pod.labels['job-name'] !== undefined;
  if (isJob && inIstioNamespace) {
    const jobName = pod.labels['job-name'] ?? workload;
    const known = JOB_RULES.find((rule) => rule.names.test(jobName));
    return role(known?.component ?? 'job', jobName, pod, 'labels');
  }
  for (const rule of RULES) {
    if (rule.istioNamespaceOnly && !inIstioNamespace) continue;
    if (rule.labels.some((match) => labelMatches(pod.labels, match)))
      return role(rule.component, workload, pod, 'labels');
  }
  if (hasSidecar(pod)) return role('sidecar', workload, pod, 'sidecar');
  if (inIstioNamespace) {
    // No telling label (a pod list without labels, or a hand-made Deployment): the workload name decides.
    const job = JOB_RULES.find((rule) => rule.names.test(workload));
    if (job) return role(job.component, workload, pod, 'name');
    const named = RULES.find((rule) => rule.names?.test(workload));
    if (named) return role(named.component, workload, pod, 'name');
  }
  return role('other', workload, pod, 'none');
}
