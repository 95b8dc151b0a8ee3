// Gathers what the pre-check evaluates (src/istio/precheck/precheck.ts) from a cluster: the
// server version, SelfSubjectAccessReviews for what an install creates, an existing Istio
// control plane, nodes with what their pods already request, and whether admission webhooks
// are served. Every probe is a read or a review; nothing is changed.
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import type { ClusterFacts, NodeFacts, PermissionAnswer, PermissionCheck } from '../istio/precheck/precheck';
import { parseQuantity } from '../istio/precheck/precheck';
import { failureOf } from './apply/apply-engine';
import { kubernetesClient } from './connection';

/** Control-plane deployments that name an Istio install, newest first. */
const CONTROL_PLANE = ['istiod', 'istio-pilot'];

function imageVersion(image: string | undefined): string | undefined {
  const tag = image?.split('@')[0].split(':').at(-1);
  return tag && /^\d+\.\d+/.test(tag) ? tag : undefined;
}

function podRequests(pod: V1Pod): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  for (const container of pod.spec?.containers ?? []) {
    cpu += parseQuantity(container.resources?.requests?.cpu, 'cpu');
    memory += parseQuantity(container.resources?.requests?.memory, 'memory');
  }
  return { cpu, memory };
}

export async function probeCluster(kubeConfig: KubeConfig, permissions: readonly PermissionCheck[], istioNamespace: string, signal?: AbortSignal): Promise<ClusterFacts> {
  const k8s = await kubernetesClient();
  const server = kubeConfig.getCurrentCluster()?.server ?? '';
  let gitVersion: string;
  let major: number;
  let minor: number;
  try {
    const version = await kubeConfig.makeApiClient(k8s.VersionApi).getCode();
    gitVersion = version.gitVersion;
    major = Number.parseInt(version.major, 10);
    minor = Number.parseInt(version.minor, 10);
  } catch (error) {
    const failure = failureOf(error);
    return { server, unreachable: { reason: failure.reason, message: failure.message }, permissions: [], istioNamespaceExists: false, nodes: [], admissionWebhooksServed: false };
  }
  signal?.throwIfAborted();
  const authorization = kubeConfig.makeApiClient(k8s.AuthorizationV1Api);
  const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
  const apps = kubeConfig.makeApiClient(k8s.AppsV1Api);
  const apis = kubeConfig.makeApiClient(k8s.ApisApi);

  const answers = Promise.all(
    permissions.map(async (permission): Promise<PermissionAnswer> => {
      const review = await authorization.createSelfSubjectAccessReview({
        body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb: permission.verb, group: permission.group, resource: permission.resource, namespace: permission.namespace } } },
      });
      return { ...permission, allowed: review.status?.allowed === true };
    }),
  );
  const namespaceExists = core.readNamespace({ name: istioNamespace }).then(
    () => true,
    (error: unknown) => {
      if (failureOf(error).reason === 'NotFound') return false;
      throw error;
    },
  );
  const existing = apps.listNamespacedDeployment({ namespace: istioNamespace }).then((list) => {
    for (const name of CONTROL_PLANE) {
      const deployment = list.items.find((item) => item.metadata?.name === name);
      if (deployment) {
        const container = deployment.spec?.template.spec?.containers.find((c) => c.name === 'discovery') ?? deployment.spec?.template.spec?.containers[0];
        return { deployment: name, version: imageVersion(container?.image) };
      }
    }
    return undefined;
  });
  const nodes = Promise.all([core.listNode(), core.listPodForAllNamespaces({ fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' })]).then(([nodeList, podList]) => {
    const requested = new Map<string, { cpu: number; memory: number }>();
    for (const pod of podList.items) {
      const node = pod.spec?.nodeName;
      if (!node) continue;
      const sum = requested.get(node) ?? { cpu: 0, memory: 0 };
      const pod_ = podRequests(pod);
      requested.set(node, { cpu: sum.cpu + pod_.cpu, memory: sum.memory + pod_.memory });
    }
    return nodeList.items.map((node): NodeFacts => {
      const name = node.metadata?.name ?? '';
      return {
        name,
        allocatableCpuMillis: parseQuantity(node.status?.allocatable?.cpu, 'cpu'),
        allocatableMemoryBytes: parseQuantity(node.status?.allocatable?.memory, 'memory'),
        requestedCpuMillis: requested.get(name)?.cpu ?? 0,
        requestedMemoryBytes: requested.get(name)?.memory ?? 0,
        ...(node.spec?.providerID ? { providerID: node.spec.providerID } : {}),
      };
    });
  });
  const webhooks = apis.getAPIVersions().then((groups) => groups.groups.some((group) => group.name === 'admissionregistration.k8s.io'));

  const [permissionAnswers, istioNamespaceExists, existingIstio, nodeFacts, admissionWebhooksServed] = await Promise.all([answers, namespaceExists, existing, nodes, webhooks]);
  return {
    server,
    serverVersion: { gitVersion, major, minor },
    permissions: permissionAnswers,
    istioNamespaceExists,
    ...(existingIstio ? { existingIstio } : {}),
    nodes: nodeFacts,
    admissionWebhooksServed,
  };
}
