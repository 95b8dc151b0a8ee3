// "kubectl auth can-i" for one action: a SelfSubjectAccessReview asking whether the kubeconfig's
// user may do it. Used by the pre-check (what an install creates) and the registry fetch (may it
// port-forward to Pilot).
import type { KubeConfig } from '@kubernetes/client-node';
import { kubernetesClient } from './connection';

/** The action to ask about, as SelfSubjectAccessReview's resourceAttributes. */
export interface AccessAttributes {
  readonly verb: string;
  readonly group?: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly namespace?: string;
}

/** Whether RBAC allows the action; a failed review throws (client-node's error). */
export async function canI(kubeConfig: KubeConfig, attributes: AccessAttributes): Promise<boolean> {
  const k8s = await kubernetesClient();
  const review = await kubeConfig.makeApiClient(k8s.AuthorizationV1Api).createSelfSubjectAccessReview({
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { ...attributes } },
    },
  });
  return review.status?.allowed === true;
}
