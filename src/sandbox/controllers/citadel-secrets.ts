// Istio 1.2's Citadel, as far as the cluster sees it (istio/istio 1.2.2
// security/pkg/k8s/controller/workloadsecret.go, SecretController): while a Citadel pod
// (`istio=citadel`) runs, every ServiceAccount in every namespace has a Secret `istio.<account>` of
// type `istio.io/key-and-cert`, annotated `istio.io/service-account.name`, holding `cert-chain.pem`,
// `key.pem` and `root-cert.pem` — what an injected pod's `istio-certs` volume mounts. A Secret whose
// account is deleted is deleted (saDeleted); one deleted while its account lives is made again
// (scrtDeleted). The PEM blocks are PEM-shaped text that says it is simulated, not certificates.
import type { KubeObject } from '../apimachinery/kube-object';
import type { ControllerClient } from '../client/client';
import { PODS } from '../client/client';
import { isTerminating, SECRETS, SERVICE_ACCOUNTS } from './service-account-tokens';

export const ISTIO_SECRET_TYPE = 'istio.io/key-and-cert';
export const ISTIO_SERVICE_ACCOUNT_KEY = 'istio.io/service-account.name';
const SECRET_PREFIX = 'istio.';

/** A PEM block whose body says what it stands for (base64, 64 columns, as PEM has it). */
function simulatedPem(label: string, text: string): string {
  const body = Buffer.from(`Simulated by Istio Lab, not a real key or certificate: ${text}`)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trim();
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

const base64 = (text: string): string => Buffer.from(text).toString('base64');

function istioSecret(account: KubeObject, domain: string): KubeObject {
  const { name, namespace } = account.metadata;
  const identity = `spiffe://${domain}/ns/${namespace}/sa/${name}`;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `${SECRET_PREFIX}${name}`, namespace, annotations: { [ISTIO_SERVICE_ACCOUNT_KEY]: name! } },
    type: ISTIO_SECRET_TYPE,
    data: {
      'cert-chain.pem': base64(
        simulatedPem('CERTIFICATE', `workload certificate for ${identity}, signed by Citadel's self-signed root`),
      ),
      'key.pem': base64(simulatedPem('RSA PRIVATE KEY', `2048-bit key of ${identity}`)),
      'root-cert.pem': base64(simulatedPem('CERTIFICATE', 'Citadel self-signed root, O=k8s.cluster.local')),
    },
  };
}

function isCitadelRunning(client: ControllerClient): boolean {
  return client
    .list(PODS)
    .some(
      (pod) =>
        pod.metadata.labels?.istio === 'citadel' &&
        !pod.metadata.deletionTimestamp &&
        (pod.status as { phase?: string } | undefined)?.phase === 'Running',
    );
}

export function syncCitadelSecrets(client: ControllerClient, domain = 'cluster.local'): void {
  if (!isCitadelRunning(client)) return;
  const accounts = client.list(SERVICE_ACCOUNTS).filter((account) => !account.metadata.deletionTimestamp);
  const names = new Set(accounts.map((account) => `${account.metadata.namespace}/${account.metadata.name}`));
  for (const secret of client.list(SECRETS)) {
    if (secret.type !== ISTIO_SECRET_TYPE || secret.metadata.deletionTimestamp) continue;
    const account = secret.metadata.annotations?.[ISTIO_SERVICE_ACCOUNT_KEY];
    if (account !== undefined && !names.has(`${secret.metadata.namespace}/${account}`)) client.delete(SECRETS, secret);
  }
  for (const account of accounts) {
    if (isTerminating(client, account.metadata.namespace)) continue;
    if (!client.get(SECRETS, account.metadata.namespace, `${SECRET_PREFIX}${account.metadata.name}`))
      client.create(SECRETS, istioSecret(account, domain));
  }
}
