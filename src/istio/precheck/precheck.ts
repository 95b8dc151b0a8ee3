// The cluster pre-check as data: what an Istio install needs (what `istioctl verify-install` of
// 1.2 and `istioctl x precheck` check, plus what makes the demo profile time out on small or
// local clusters) and a pure evaluation of facts gathered from the cluster
// (precheck-probes.ts). Results are codes with parameters; src/ui words them.
import { kubernetesMinor } from '../releases/catalogue';

export type CheckId =
  'api' | 'version' | 'permissions' | 'existing' | 'resources' | 'loadBalancer' | 'replicas' | 'webhooks';
export type CheckStatus = 'pass' | 'info' | 'warn' | 'fail';

export interface CheckResult {
  readonly id: CheckId;
  readonly status: CheckStatus;
  /** What was found, e.g. `versionTooOld`; the UI has a sentence and a fix for each. */
  readonly code: string;
  readonly params: Readonly<Record<string, string | number>>;
}

export interface PermissionCheck {
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly namespace?: string;
}

export interface PermissionAnswer extends PermissionCheck {
  readonly allowed: boolean;
}

export interface NodeFacts {
  readonly name: string;
  readonly allocatableCpuMillis: number;
  readonly allocatableMemoryBytes: number;
  /** What the pods already on the node request. */
  readonly requestedCpuMillis: number;
  readonly requestedMemoryBytes: number;
  readonly providerID?: string;
}

export interface ClusterFacts {
  readonly server: string;
  /** Undefined when the API answered; otherwise why not (Status reason, message). */
  readonly unreachable?: { readonly reason: string; readonly message: string };
  readonly serverVersion?: { readonly gitVersion: string; readonly major: number; readonly minor: number };
  readonly permissions: readonly PermissionAnswer[];
  readonly istioNamespaceExists: boolean;
  /** An Istio control plane already running: the deployment and its image's version. */
  readonly existingIstio?: { readonly deployment: string; readonly version?: string };
  readonly nodes: readonly NodeFacts[];
  readonly admissionWebhooksServed: boolean;
}

export interface DemoRequirements {
  readonly cpuMillis: number;
  readonly memoryBytes: number;
  /** The largest single pod's requests: it needs one node with that much free. */
  readonly largestPod: { readonly name: string; readonly cpuMillis: number; readonly memoryBytes: number };
  readonly loadBalancerServices: readonly string[];
  readonly singleReplicaDeployments: readonly string[];
}

export interface ReleaseFacts {
  readonly version: string;
  /** The minimum Kubernetes minor the release's istioctl enforces. */
  readonly minKubernetesMinor?: number;
  /** The Kubernetes versions the release is supported on (the release catalogue), e.g. 1.12–1.14. */
  readonly supportedKubernetes?: { readonly min: string; readonly max: string };
  /** Undefined until the release's manifest can be read. */
  readonly demo?: DemoRequirements;
  readonly istioNamespace: string;
}

/** What an install creates (Istio 1.2's verify-install and 1.26's precheck, together). */
export function requiredPermissions(istioNamespace: string): PermissionCheck[] {
  const cluster = (group: string, resource: string): PermissionCheck => ({ verb: 'create', group, resource });
  const namespaced = (group: string, resource: string): PermissionCheck => ({
    verb: 'create',
    group,
    resource,
    namespace: istioNamespace,
  });
  return [
    cluster('', 'namespaces'),
    cluster('rbac.authorization.k8s.io', 'clusterroles'),
    cluster('rbac.authorization.k8s.io', 'clusterrolebindings'),
    cluster('apiextensions.k8s.io', 'customresourcedefinitions'),
    cluster('admissionregistration.k8s.io', 'mutatingwebhookconfigurations'),
    cluster('admissionregistration.k8s.io', 'validatingwebhookconfigurations'),
    namespaced('rbac.authorization.k8s.io', 'roles'),
    namespaced('', 'serviceaccounts'),
    namespaced('', 'services'),
    namespaced('', 'configmaps'),
    namespaced('apps', 'deployments'),
  ];
}

/** Cloud providers whose controller gives a LoadBalancer Service an external IP. */
const CLOUD_PROVIDERS = [
  'gce',
  'aws',
  'azure',
  'digitalocean',
  'openstack',
  'ibm',
  'alicloud',
  'linode',
  'vsphere',
  'oci',
  'hcloud',
  'exoscale',
  'k3s',
];

const MiB = 1024 * 1024;

/** `cpu: 100m` / `2` → millicores; `memory: 128Mi` / `1G` → bytes (Kubernetes quantities). */
export function parseQuantity(value: unknown, unit: 'cpu' | 'memory'): number {
  if (value === undefined || value === null) return 0;
  const match = /^([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(value).trim());
  if (!match) return 0;
  const number = Number(match[1]);
  const suffix = match[2] ?? '';
  if (unit === 'cpu') return suffix === 'm' ? number : number * 1000;
  const multipliers: Record<string, number> = {
    '': 1,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 1024,
    Mi: MiB,
    Gi: 1024 * MiB,
    Ti: 1024 * 1024 * MiB,
    m: 0.001,
  };
  return number * multipliers[suffix];
}

interface ManifestLike {
  readonly kind: string;
  readonly name: string;
  readonly body: Readonly<Record<string, unknown>>;
}

type PodSpec = { containers?: { resources?: { requests?: Record<string, unknown> } }[] };

/** What the demo profile's workloads request, and what of it depends on the cluster's kind. */
export function demoRequirements(objects: readonly ManifestLike[]): DemoRequirements {
  let cpuMillis = 0;
  let memoryBytes = 0;
  let largestPod = { name: '', cpuMillis: 0, memoryBytes: 0 };
  const loadBalancerServices: string[] = [];
  const autoscaled = new Map<string, number>();
  for (const object of objects) {
    if (object.kind !== 'HorizontalPodAutoscaler') continue;
    const spec = object.body.spec as { scaleTargetRef?: { name?: string }; minReplicas?: number } | undefined;
    if (spec?.scaleTargetRef?.name) autoscaled.set(spec.scaleTargetRef.name, spec.minReplicas ?? 1);
  }
  const singleReplicaDeployments: string[] = [];
  for (const object of objects) {
    const spec = object.body.spec as { replicas?: number; type?: string; template?: { spec?: PodSpec } } | undefined;
    if (object.kind === 'Service' && spec?.type === 'LoadBalancer') loadBalancerServices.push(object.name);
    if (!['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(object.kind)) continue;
    const replicas = object.kind === 'Deployment' ? (spec?.replicas ?? autoscaled.get(object.name) ?? 1) : 1;
    if (object.kind === 'Deployment' && replicas === 1) singleReplicaDeployments.push(object.name);
    let podCpu = 0;
    let podMemory = 0;
    for (const container of spec?.template?.spec?.containers ?? []) {
      podCpu += parseQuantity(container.resources?.requests?.cpu, 'cpu');
      podMemory += parseQuantity(container.resources?.requests?.memory, 'memory');
    }
    cpuMillis += podCpu * replicas;
    memoryBytes += podMemory * replicas;
    if (podCpu > largestPod.cpuMillis || (podCpu === largestPod.cpuMillis && podMemory > largestPod.memoryBytes)) {
      largestPod = { name: object.name, cpuMillis: podCpu, memoryBytes: podMemory };
    }
  }
  return { cpuMillis, memoryBytes, largestPod, loadBalancerServices, singleReplicaDeployments };
}

const mib = (bytes: number) => Math.round(bytes / MiB);

export function evaluatePrecheck(cluster: ClusterFacts, release: ReleaseFacts): CheckResult[] {
  if (cluster.unreachable) {
    return [
      {
        id: 'api',
        status: 'fail',
        code: 'unreachable',
        params: { server: cluster.server, reason: cluster.unreachable.reason, message: cluster.unreachable.message },
      },
    ];
  }
  const results: CheckResult[] = [{ id: 'api', status: 'pass', code: 'reachable', params: { server: cluster.server } }];

  const version = cluster.serverVersion;
  if (version) {
    const params = {
      version: version.gitVersion,
      release: release.version,
      min: release.minKubernetesMinor ? `1.${release.minKubernetesMinor}` : '',
      range: release.supportedKubernetes ? `${release.supportedKubernetes.min}–${release.supportedKubernetes.max}` : '',
    };
    if (release.minKubernetesMinor !== undefined && version.major === 1 && version.minor < release.minKubernetesMinor) {
      results.push({ id: 'version', status: 'fail', code: 'versionTooOld', params });
    } else if (
      release.supportedKubernetes &&
      (version.minor < (kubernetesMinor(release.supportedKubernetes.min) ?? 0) ||
        version.minor > (kubernetesMinor(release.supportedKubernetes.max) ?? 0))
    ) {
      results.push({ id: 'version', status: 'warn', code: 'versionOutsideRange', params });
    } else {
      results.push({ id: 'version', status: 'pass', code: 'versionSupported', params });
    }
  }

  const denied = cluster.permissions.filter((permission) => !permission.allowed);
  const describe = (permission: PermissionCheck) =>
    `${permission.verb} ${permission.group ? `${permission.resource}.${permission.group}` : permission.resource}${permission.namespace ? ` (${permission.namespace})` : ''}`;
  results.push(
    denied.length
      ? {
          id: 'permissions',
          status: 'fail',
          code: 'permissionsMissing',
          params: { missing: denied.map(describe).join(', '), count: denied.length },
        }
      : {
          id: 'permissions',
          status: 'pass',
          code: 'permissionsGranted',
          params: { count: cluster.permissions.length },
        },
  );

  if (cluster.existingIstio) {
    const sameVersion = cluster.existingIstio.version === release.version;
    results.push({
      id: 'existing',
      status: sameVersion ? 'warn' : 'fail',
      code: sameVersion ? 'sameVersionInstalled' : 'otherVersionInstalled',
      params: {
        deployment: cluster.existingIstio.deployment,
        version: cluster.existingIstio.version ?? '?',
        release: release.version,
        namespace: release.istioNamespace,
      },
    });
  } else {
    results.push({
      id: 'existing',
      status: 'pass',
      code: cluster.istioNamespaceExists ? 'namespaceWithoutIstio' : 'notInstalled',
      params: { namespace: release.istioNamespace },
    });
  }

  const demo = release.demo;
  if (demo) {
    const freeCpu = cluster.nodes.reduce((sum, node) => sum + node.allocatableCpuMillis - node.requestedCpuMillis, 0);
    const freeMemory = cluster.nodes.reduce(
      (sum, node) => sum + node.allocatableMemoryBytes - node.requestedMemoryBytes,
      0,
    );
    const fitsOneNode = cluster.nodes.some(
      (node) =>
        node.allocatableCpuMillis - node.requestedCpuMillis >= demo.largestPod.cpuMillis &&
        node.allocatableMemoryBytes - node.requestedMemoryBytes >= demo.largestPod.memoryBytes,
    );
    const params = {
      nodes: cluster.nodes.length,
      freeCpu: freeCpu,
      freeMemoryMi: mib(freeMemory),
      needCpu: demo.cpuMillis,
      needMemoryMi: mib(demo.memoryBytes),
      pod: demo.largestPod.name,
      podCpu: demo.largestPod.cpuMillis,
      podMemoryMi: mib(demo.largestPod.memoryBytes),
    };
    const fits = freeCpu >= demo.cpuMillis && freeMemory >= demo.memoryBytes && fitsOneNode;
    results.push({
      id: 'resources',
      status: cluster.nodes.length === 0 ? 'fail' : fits ? 'pass' : 'fail',
      code: cluster.nodes.length === 0 ? 'noNodes' : fits ? 'resourcesFit' : 'resourcesShort',
      params,
    });

    if (demo.loadBalancerServices.length === 0) {
      results.push({ id: 'loadBalancer', status: 'pass', code: 'noLoadBalancerService', params: {} });
    } else {
      const providers = cluster.nodes.map((node) => node.providerID?.split(':')[0] ?? '');
      const cloud = providers.length > 0 && providers.every((provider) => CLOUD_PROVIDERS.includes(provider));
      results.push({
        id: 'loadBalancer',
        status: cloud ? 'pass' : 'warn',
        code: cloud ? 'loadBalancerProvided' : 'loadBalancerPending',
        params: { services: demo.loadBalancerServices.join(', '), provider: providers[0] || 'none' },
      });
    }
    results.push({
      id: 'replicas',
      status: demo.singleReplicaDeployments.length ? 'info' : 'pass',
      code: demo.singleReplicaDeployments.length ? 'singleReplicas' : 'replicated',
      params: { count: demo.singleReplicaDeployments.length, deployments: demo.singleReplicaDeployments.join(', ') },
    });
  } else {
    results.push({ id: 'resources', status: 'info', code: 'releaseNotRead', params: { nodes: cluster.nodes.length } });
  }

  results.push({
    id: 'webhooks',
    status: cluster.admissionWebhooksServed ? 'pass' : 'warn',
    code: cluster.admissionWebhooksServed ? 'webhooksServed' : 'webhooksMissing',
    params: {},
  });
  return results;
}

/** The checklist's verdict: fails block the install, warnings do not. */
export function precheckPassed(results: readonly CheckResult[]): boolean {
  return results.every((result) => result.status !== 'fail');
}

/**
 * One verdict for the report's last line and the notification, so they say the same thing:
 * `installed` when the release itself is already there (the pre-check's ⚠ Existing Istio),
 * `warnings` when something else deserves a look, `blocked` when a check fails.
 */
export type PrecheckVerdict = 'ready' | 'warnings' | 'installed' | 'blocked';

export function precheckVerdict(results: readonly CheckResult[]): PrecheckVerdict {
  if (!precheckPassed(results)) return 'blocked';
  if (results.some((result) => result.code === 'sameVersionInstalled')) return 'installed';
  return results.some((result) => result.status === 'warn') ? 'warnings' : 'ready';
}
