// The namespace a kubeconfig's current context names: where kubectl and client-node put and look
// for objects when a command names no namespace. The context's `namespace`, else `default`, as
// client-go decides it (kubernetes/kubernetes v1.32.0,
// staging/src/k8s.io/client-go/tools/clientcmd/client_config.go, DirectClientConfig.Namespace)
// and client-node 1.4 too (src/object.ts, KubernetesObjectApi.setDefaultNamespace).
import type { KubeConfig } from './connection';

export function contextNamespace(kubeConfig: KubeConfig): string {
  const current = kubeConfig.getCurrentContext();
  return (current && kubeConfig.getContextObject(current)?.namespace) || 'default';
}
