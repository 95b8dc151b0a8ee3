// Gathers what the pre-check evaluates (precheck.ts) from a cluster: the server version,
// SelfSubjectAccessReviews for what an install creates, an existing Istio control plane, nodes
// with what their pods already request, and whether admission webhooks are served. The reads
// themselves are src/kube's (cluster-reads.ts, access-review.ts); this file knows which ones an
// Istio install cares about. Every probe is a read or a review; nothing is changed.
import type { KubeConfig } from '../../kube/connection';
import { canI } from '../../kube/access-review';
import { failureOf } from '../../kube/apply/apply-engine';
import type { DeploymentContainers, ScheduledPodRequests, ServerVersion } from '../../kube/cluster-reads';
import {
  hasNamespace,
  listDeploymentContainers,
  listNodeResources,
  listScheduledPodRequests,
  readServerVersion,
  servedApiGroups,
} from '../../kube/cluster-reads';
import type { ClusterFacts, NodeFacts, PermissionAnswer, PermissionCheck } from './precheck';
import { parseQuantity } from './precheck';

/** Control-plane deployments that name an Istio install, newest first. */
const CONTROL_PLANE = ['istiod', 'istio-pilot'];

function imageVersion(image: string | undefined): string | undefined {
  const tag = image?.split('@')[0].split(':').at(-1);
  return tag && /^\d+\.\d+/.test(tag) ? tag : undefined;
}

/** The Istio control plane a namespace's Deployments show, with the version its image tag says. */
function existingControlPlane(deployments: readonly DeploymentContainers[]): ClusterFacts['existingIstio'] {
  for (const name of CONTROL_PLANE) {
    const deployment = deployments.find((item) => item.name === name);
    if (deployment) {
      const container = deployment.containers.find((c) => c.name === 'discovery') ?? deployment.containers[0];
      return { deployment: name, version: imageVersion(container?.image) };
    }
  }
  return undefined;
}

/** CPU millis and memory bytes the pods on each node request. */
function requestedPerNode(pods: readonly ScheduledPodRequests[]): Map<string, { cpu: number; memory: number }> {
  const requested = new Map<string, { cpu: number; memory: number }>();
  for (const pod of pods) {
    const sum = requested.get(pod.nodeName) ?? { cpu: 0, memory: 0 };
    for (const requests of pod.containerRequests) {
      sum.cpu += parseQuantity(requests.cpu, 'cpu');
      sum.memory += parseQuantity(requests.memory, 'memory');
    }
    requested.set(pod.nodeName, sum);
  }
  return requested;
}

export async function probeCluster(
  kubeConfig: KubeConfig,
  permissions: readonly PermissionCheck[],
  istioNamespace: string,
  signal?: AbortSignal,
): Promise<ClusterFacts> {
  const server = kubeConfig.getCurrentCluster()?.server ?? '';
  let serverVersion: ServerVersion;
  try {
    serverVersion = await readServerVersion(kubeConfig);
  } catch (error) {
    const failure = failureOf(error);
    return {
      server,
      unreachable: { reason: failure.reason, message: failure.message },
      permissions: [],
      istioNamespaceExists: false,
      nodes: [],
      admissionWebhooksServed: false,
    };
  }
  signal?.throwIfAborted();

  const answers = Promise.all(
    permissions.map(async (permission): Promise<PermissionAnswer> => ({
      ...permission,
      allowed: await canI(kubeConfig, {
        verb: permission.verb,
        group: permission.group,
        resource: permission.resource,
        namespace: permission.namespace,
      }),
    })),
  );
  const nodes = Promise.all([listNodeResources(kubeConfig), listScheduledPodRequests(kubeConfig)]).then(
    ([nodeList, pods]) => {
      const requested = requestedPerNode(pods);
      return nodeList.map((node): NodeFacts => ({
        name: node.name,
        allocatableCpuMillis: parseQuantity(node.allocatable.cpu, 'cpu'),
        allocatableMemoryBytes: parseQuantity(node.allocatable.memory, 'memory'),
        requestedCpuMillis: requested.get(node.name)?.cpu ?? 0,
        requestedMemoryBytes: requested.get(node.name)?.memory ?? 0,
        ...(node.providerID ? { providerID: node.providerID } : {}),
      }));
    },
  );
  const [permissionAnswers, istioNamespaceExists, deployments, nodeFacts, groups] = await Promise.all([
    answers,
    hasNamespace(kubeConfig, istioNamespace),
    listDeploymentContainers(kubeConfig, istioNamespace),
    nodes,
    servedApiGroups(kubeConfig),
  ]);
  const existingIstio = existingControlPlane(deployments);
  return {
    server,
    serverVersion,
    permissions: permissionAnswers,
    istioNamespaceExists,
    ...(existingIstio ? { existingIstio } : {}),
    nodes: nodeFacts,
    admissionWebhooksServed: groups.includes('admissionregistration.k8s.io'),
  };
}
