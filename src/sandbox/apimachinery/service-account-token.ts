// Service account token Secrets as the token controller writes them and the ServiceAccount admission
// plugin finds them (kubernetes v1.13 pkg/serviceaccount/util.go IsServiceAccountToken,
// plugin/pkg/admission/serviceaccount/admission.go getReferencedServiceAccountToken).
import type { KubeObject } from './kube-object';
import { asList } from './objects';

/** names.SimpleNameGenerator's alphabet (k8s.io/apimachinery/pkg/util/rand). */
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export const SERVICE_ACCOUNT_TOKEN_TYPE = 'kubernetes.io/service-account-token';
export const SERVICE_ACCOUNT_NAME_KEY = 'kubernetes.io/service-account.name';
export const SERVICE_ACCOUNT_UID_KEY = 'kubernetes.io/service-account.uid';

/** serviceaccount.IsServiceAccountToken: a token Secret of this account (name and uid). */
export function isTokenOf(secret: KubeObject, account: KubeObject): boolean {
  const annotations = secret.metadata.annotations ?? {};
  return (
    secret.type === SERVICE_ACCOUNT_TOKEN_TYPE &&
    annotations[SERVICE_ACCOUNT_NAME_KEY] === account.metadata.name &&
    (!annotations[SERVICE_ACCOUNT_UID_KEY] || annotations[SERVICE_ACCOUNT_UID_KEY] === account.metadata.uid)
  );
}

/** getReferencedServiceAccountToken: the first of the account's `secrets` that is one of its tokens. */
export function referencedToken(
  getSecret: (namespace: string | undefined, name: string) => KubeObject | undefined,
  account: KubeObject,
): string | undefined {
  for (const reference of asList(account.secrets)) {
    const name = String(reference.name ?? '');
    const secret = name ? getSecret(account.metadata.namespace, name) : undefined;
    if (secret && isTokenOf(secret, account)) return name;
  }
  return undefined;
}

/** names.SimpleNameGenerator's five characters. */
export function randomName(length = 5): string {
  return Array.from({ length }, () => NAME_ALPHABET[Math.floor(Math.random() * NAME_ALPHABET.length)]).join('');
}
