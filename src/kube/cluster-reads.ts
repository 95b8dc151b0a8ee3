// Plain reads of a cluster that know nothing of Istio: the server's version, whether a namespace
// exists, the containers of a namespace's Deployments, the nodes' allocatable resources and what
// the pods scheduled on them request, the API groups the server serves, whether it answers at
// all, and a namespace's pods. The pre-check
// (src/istio/precheck/precheck-probes.ts) builds its facts from them; nothing here changes anything.
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { failureOf } from './apply/apply-engine';
import { kubernetesClient } from './connection';

export interface ServerVersion {
  readonly gitVersion: string;
  readonly major: number;
  readonly minor: number;
}

export interface DeploymentContainers {
  readonly name: string;
  readonly containers: readonly { readonly name: string; readonly image?: string }[];
}

export interface NodeResources {
  readonly name: string;
  /** Quantities as the API writes them (`4`, `3800m`, `16Gi`). */
  readonly allocatable: Readonly<Record<string, string>>;
  readonly providerID?: string;
}

export interface ScheduledPodRequests {
  readonly nodeName: string;
  /** Each container's resources.requests, as the API writes them. */
  readonly containerRequests: readonly Readonly<Record<string, string>>[];
}

/** `kubectl version`'s server part (GET /version). */
export async function readServerVersion(kubeConfig: KubeConfig): Promise<ServerVersion> {
  const k8s = await kubernetesClient();
  const version = await kubeConfig.makeApiClient(k8s.VersionApi).getCode();
  return {
    gitVersion: version.gitVersion,
    major: Number.parseInt(version.major, 10),
    minor: Number.parseInt(version.minor, 10),
  };
}

/** Whether the namespace exists; any answer but NotFound throws. */
export async function hasNamespace(kubeConfig: KubeConfig, name: string): Promise<boolean> {
  const k8s = await kubernetesClient();
  return kubeConfig
    .makeApiClient(k8s.CoreV1Api)
    .readNamespace({ name })
    .then(
      () => true,
      (error: unknown) => {
        if (failureOf(error).reason === 'NotFound') return false;
        throw error;
      },
    );
}

/** The Deployments of a namespace with their pod template's containers. */
export async function listDeploymentContainers(
  kubeConfig: KubeConfig,
  namespace: string,
): Promise<DeploymentContainers[]> {
  const k8s = await kubernetesClient();
  const list = await kubeConfig.makeApiClient(k8s.AppsV1Api).listNamespacedDeployment({ namespace });
  return list.items.map((deployment) => ({
    name: deployment.metadata?.name ?? '',
    containers: (deployment.spec?.template.spec?.containers ?? []).map((container) => ({
      name: container.name,
      image: container.image,
    })),
  }));
}

/** Every node's allocatable resources. */
export async function listNodeResources(kubeConfig: KubeConfig): Promise<NodeResources[]> {
  const k8s = await kubernetesClient();
  const list = await kubeConfig.makeApiClient(k8s.CoreV1Api).listNode();
  return list.items.map((node) => ({
    name: node.metadata?.name ?? '',
    allocatable: { ...node.status?.allocatable },
    ...(node.spec?.providerID ? { providerID: node.spec.providerID } : {}),
  }));
}

/** What the pods on a node that still hold resources (not Succeeded, not Failed) request, per pod. */
export async function listScheduledPodRequests(kubeConfig: KubeConfig): Promise<ScheduledPodRequests[]> {
  const k8s = await kubernetesClient();
  const list = await kubeConfig
    .makeApiClient(k8s.CoreV1Api)
    .listPodForAllNamespaces({ fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' });
  return list.items.flatMap((pod) =>
    pod.spec?.nodeName
      ? [
          {
            nodeName: pod.spec.nodeName,
            containerRequests: pod.spec.containers.map((container) => ({ ...container.resources?.requests })),
          },
        ]
      : [],
  );
}

/** The names of the API groups the server serves (GET /apis). */
export async function servedApiGroups(kubeConfig: KubeConfig): Promise<string[]> {
  const k8s = await kubernetesClient();
  const groups = await kubeConfig.makeApiClient(k8s.ApisApi).getAPIVersions();
  return groups.groups.map((group) => group.name);
}

/** Whether the API server answers the kubeconfig's user at all (a one-item list of namespaces). */
export async function isReachable(kubeConfig: KubeConfig): Promise<boolean> {
  const k8s = await kubernetesClient();
  return kubeConfig
    .makeApiClient(k8s.CoreV1Api)
    .listNamespace({ limit: 1 })
    .then(
      () => true,
      () => false,
    );
}

/** The pods of a namespace, whole. */
export async function listPods(kubeConfig: KubeConfig, namespace: string): Promise<V1Pod[]> {
  const k8s = await kubernetesClient();
  return (await kubeConfig.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace })).items;
}
