// The token controller of kubernetes v1.13 (pkg/controller/serviceaccount/tokens_controller.go):
// every ServiceAccount gets a `kubernetes.io/service-account-token` Secret named
// `<account>-token-<5 random characters>`, holding `ca.crt` (the cluster's CA), `namespace` and a
// `token`, and listed in the account's `secrets` (so `kubectl get sa` shows SECRETS 1). A token
// whose account is gone, or was replaced by a new one of the same name, is deleted; a reference to
// a deleted token is dropped and a new token made. The token has the shape and claims of a legacy
// service account JWT but a signature that says it is simulated: the sandbox does not accept it.
import type { KubeObject } from '../apimachinery/kube-object';
import { asList } from '../apimachinery/objects';
import {
  isTokenOf,
  randomName,
  referencedToken,
  SERVICE_ACCOUNT_NAME_KEY,
  SERVICE_ACCOUNT_TOKEN_TYPE,
  SERVICE_ACCOUNT_UID_KEY,
} from '../apimachinery/service-account-token';
import type { ControllerClient, Resource } from '../client/client';

export const SERVICE_ACCOUNTS: Resource = { group: '', version: 'v1', resource: 'serviceaccounts' };
export const SECRETS: Resource = { group: '', version: 'v1', resource: 'secrets' };
const NAMESPACES: Resource = { group: '', version: 'v1', resource: 'namespaces' };

const base64url = (text: string): string => Buffer.from(text).toString('base64url');
const base64 = (text: string): string => Buffer.from(text).toString('base64');

/** serviceaccount.LegacyClaims signed by nobody: header and claims as v1.13 writes them, a signature that says so. */
export function simulatedToken(account: KubeObject, secretName: string): string {
  const namespace = account.metadata.namespace!;
  const name = account.metadata.name!;
  const claims = {
    iss: 'kubernetes/serviceaccount',
    'kubernetes.io/serviceaccount/namespace': namespace,
    'kubernetes.io/serviceaccount/secret.name': secretName,
    'kubernetes.io/serviceaccount/service-account.name': name,
    'kubernetes.io/serviceaccount/service-account.uid': account.metadata.uid ?? '',
    sub: `system:serviceaccount:${namespace}:${name}`,
  };
  return [
    base64url(JSON.stringify({ alg: 'RS256', kid: '' })),
    base64url(JSON.stringify(claims)),
    base64url('simulated by Istio Lab: not a signature'),
  ].join('.');
}

function tokenSecret(account: KubeObject, caCert: string | undefined): KubeObject {
  const name = `${account.metadata.name}-token-${randomName()}`;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace: account.metadata.namespace,
      annotations: {
        [SERVICE_ACCOUNT_NAME_KEY]: account.metadata.name!,
        [SERVICE_ACCOUNT_UID_KEY]: account.metadata.uid ?? '',
      },
    },
    type: SERVICE_ACCOUNT_TOKEN_TYPE,
    data: {
      ...(caCert ? { 'ca.crt': base64(caCert) } : {}),
      namespace: base64(account.metadata.namespace!),
      token: base64(simulatedToken(account, name)),
    },
  };
}

/** Nothing new can be made in a namespace being deleted. */
export function isTerminating(client: ControllerClient, namespace: string | undefined): boolean {
  return Boolean(namespace && client.get(NAMESPACES, undefined, namespace)?.metadata.deletionTimestamp);
}

export function syncServiceAccountTokens(client: ControllerClient, caCert: string | undefined): void {
  const accounts = client.list(SERVICE_ACCOUNTS);
  const byKey = new Map(accounts.map((account) => [`${account.metadata.namespace}/${account.metadata.name}`, account]));
  // syncSecret: a token whose account is gone (or has another uid) goes with it.
  for (const secret of client.list(SECRETS)) {
    if (secret.type !== SERVICE_ACCOUNT_TOKEN_TYPE || secret.metadata.deletionTimestamp) continue;
    const account = byKey.get(
      `${secret.metadata.namespace}/${secret.metadata.annotations?.[SERVICE_ACCOUNT_NAME_KEY] ?? ''}`,
    );
    if (!account || !isTokenOf(secret, account)) client.delete(SECRETS, secret);
  }
  for (const account of accounts) {
    if (account.metadata.deletionTimestamp || isTerminating(client, account.metadata.namespace)) continue;
    const references = asList(account.secrets);
    // removeSecretReference: the account forgets its own tokens once they are deleted.
    const prefix = `${account.metadata.name}-token-`;
    const kept = references.filter((reference) => {
      const name = String(reference.name ?? '');
      return !name.startsWith(prefix) || client.get(SECRETS, account.metadata.namespace, name) !== undefined;
    });
    const isPruned = kept.length !== references.length;
    // ensureReferencedToken: create the Secret first, then reference it.
    if (referencedToken((namespace, name) => client.get(SECRETS, namespace, name), { ...account, secrets: kept })) {
      if (isPruned) client.update(SERVICE_ACCOUNTS, { ...account, secrets: kept });
      continue;
    }
    const created = client.create(SECRETS, tokenSecret(account, caCert));
    client.update(SERVICE_ACCOUNTS, { ...account, secrets: [...kept, { name: created.metadata.name }] });
  }
}
