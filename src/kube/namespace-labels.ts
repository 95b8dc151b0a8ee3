// A namespace's labels: read them, and set one as `kubectl label namespace` does (a JSON merge
// patch of metadata.labels). Knows nothing of Istio; the sample app step uses it for the
// injection label.
import type { KubeConfig } from '@kubernetes/client-node';
import { kubernetesClient } from './connection';

/** The namespace's labels (empty when it has none); a missing namespace throws NotFound. */
export async function readNamespaceLabels(
  kubeConfig: KubeConfig,
  name: string,
): Promise<Readonly<Record<string, string>>> {
  const k8s = await kubernetesClient();
  const namespace = await kubeConfig.makeApiClient(k8s.CoreV1Api).readNamespace({ name });
  return namespace.metadata?.labels ?? {};
}

/** Sets one label, keeping the others (`kubectl label namespace <name> <key>=<value> --overwrite`). */
export async function labelNamespace(kubeConfig: KubeConfig, name: string, key: string, value: string): Promise<void> {
  const k8s = await kubernetesClient();
  await kubeConfig
    .makeApiClient(k8s.CoreV1Api)
    .patchNamespace(
      { name, body: { metadata: { labels: { [key]: value } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
}
