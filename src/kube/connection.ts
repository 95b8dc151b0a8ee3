// Cluster access as kubectl does it: the kubeconfig from a setting, `KUBECONFIG` (a list, merged)
// or `~/.kube/config`, else in-cluster; one context of it. The Kubernetes client is heavy, so it
// is imported here on first use and never at activation.
import * as path from 'node:path';
import type * as k8sClient from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';

export interface ConnectionSettings {
  /** A kubeconfig file (or a `path.delimiter`-separated list); empty = KUBECONFIG or ~/.kube/config. */
  readonly kubeconfig?: string;
  /** A context of it; empty = its current-context. */
  readonly context?: string;
}

export interface ClusterConnection {
  readonly kubeConfig: KubeConfig;
  readonly contextName: string;
  readonly clusterName: string;
  readonly server: string;
  /** The context's namespace, when it sets one. */
  readonly namespace?: string;
}

export type KubernetesClient = typeof k8sClient;

let client: Promise<KubernetesClient> | undefined;

/** The Kubernetes client module, loaded once on first use. */
export function kubernetesClient(): Promise<KubernetesClient> {
  client ??= import('@kubernetes/client-node');
  return client;
}

export async function openConnection(settings: ConnectionSettings = {}): Promise<ClusterConnection> {
  const k8s = await kubernetesClient();
  const kubeConfig = new k8s.KubeConfig();
  if (settings.kubeconfig) {
    // Like KUBECONFIG: the first file that sets a current-context wins, the rest are merged in.
    const [first, ...rest] = settings.kubeconfig.split(path.delimiter).filter(Boolean);
    kubeConfig.loadFromFile(first);
    for (const file of rest) {
      const other = new k8s.KubeConfig();
      other.loadFromFile(file);
      kubeConfig.mergeConfig(other, Boolean(kubeConfig.getCurrentContext()));
    }
  } else {
    kubeConfig.loadFromDefault();
  }
  if (settings.context) kubeConfig.setCurrentContext(settings.context);
  const context = kubeConfig.getContextObject(kubeConfig.getCurrentContext());
  if (!context) throw new Error(`The kubeconfig has no context "${kubeConfig.getCurrentContext()}".`);
  const cluster = kubeConfig.getCluster(context.cluster);
  if (!cluster) throw new Error(`The context "${context.name}" names a cluster "${context.cluster}" the kubeconfig does not have.`);
  return {
    kubeConfig,
    contextName: context.name,
    clusterName: cluster.name,
    server: cluster.server,
    namespace: context.namespace,
  };
}
