// What a v1.13 cluster adds to what a learner writes, judged by the real kubectl: service account
// token Secrets (`kubectl get sa` SECRETS 1), the ServiceAccount and DefaultTolerationSeconds
// admission plugins on every pod, `status.qosClass` by the real rules, and Istio 1.2's Citadel
// making `istio.<serviceaccount>` Secrets for the `istio-certs` volume injected pods mount.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { KubectlResult, KubectlSandbox } from './kubectl';
import { fixtures, startKubectlSandbox } from './kubectl';

const MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const SAFE = '[bcdfghjklmnpqrstvwxz2456789]';

interface Secret {
  metadata: { name: string; annotations?: Record<string, string> };
  type: string;
  data: Record<string, string>;
}

interface Pod {
  spec: {
    serviceAccountName?: string;
    serviceAccount?: string;
    containers: { name: string; volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[] }[];
    volumes?: { name: string; secret?: { secretName: string; defaultMode?: number } }[];
    tolerations?: Record<string, unknown>[];
  };
  status: { qosClass?: string };
}

function succeeded(result: KubectlResult): string {
  assert.equal(result.code, 0, result.stderr);
  return result.stdout;
}

const decode = (value: string): string => Buffer.from(value, 'base64').toString('utf8');

describe('admission defaults of a v1.13 cluster', () => {
  let cluster: KubectlSandbox;
  const kubectl = (args: string[], stdin?: string): Promise<KubectlResult> => cluster.kubectl(args, { stdin });
  const json = async <T>(args: string[]): Promise<T> =>
    JSON.parse(succeeded(await kubectl([...args, '-o', 'json']))) as T;
  /** Waits, with a real `kubectl get -w`, for a line of the listing to match. */
  const watchFor = async (args: string[], pattern: RegExp): Promise<string> => {
    const watch = cluster.followKubectl(['get', ...args, '-w']);
    try {
      return (await watch.until(pattern))[0];
    } finally {
      watch.kill();
    }
  };
  const podYaml = (name: string, extra: string, container = ''): string =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n${extra}  containers:\n  - name: web\n    image: nginx:1.17\n${container}`;
  const createdPod = async (name: string, yaml: string): Promise<Pod> => {
    succeeded(await kubectl(['create', '-f', '-'], yaml));
    succeeded(await kubectl(['wait', '--for=condition=Ready', `pod/${name}`, '--timeout=60s']));
    return json<Pod>(['get', 'pod', name]);
  };

  before(async () => {
    cluster = await startKubectlSandbox({ nodes: 1, speed: 0 });
  });
  after(() => cluster.close());

  test('every ServiceAccount gets a token Secret it lists, so kubectl get sa shows SECRETS 1', async () => {
    const tokenName = (await watchFor(['secrets', '-n', 'default'], new RegExp(`default-token-${SAFE}{5}`))).trim();
    assert.match(succeeded(await kubectl(['get', 'sa', 'default'])), /^NAME\s+SECRETS\s+AGE\ndefault\s+1\s+/);
    const account = await json<{ metadata: { uid: string }; secrets: { name: string }[] }>(['get', 'sa', 'default']);
    assert.deepEqual(account.secrets, [{ name: tokenName }]);
    const secret = await json<Secret>(['get', 'secret', tokenName]);
    assert.equal(secret.type, 'kubernetes.io/service-account-token');
    assert.deepEqual(secret.metadata.annotations, {
      'kubernetes.io/service-account.name': 'default',
      'kubernetes.io/service-account.uid': account.metadata.uid,
    });
    assert.deepEqual(Object.keys(secret.data).sort(), ['ca.crt', 'namespace', 'token']);
    assert.equal(decode(secret.data.namespace), 'default');
    const kubeconfigCa = succeeded(
      await kubectl(['config', 'view', '--raw', '-o', 'jsonpath={.clusters[0].cluster.certificate-authority-data}']),
    );
    assert.equal(decode(secret.data['ca.crt']), decode(kubeconfigCa), 'ca.crt is the cluster CA');
    const segments = decode(secret.data.token).split('.');
    assert.equal(segments.length, 3, 'a JWT: header, claims, signature');
    const claims = JSON.parse(Buffer.from(segments[1], 'base64url').toString('utf8')) as Record<string, string>;
    assert.equal(claims.sub, 'system:serviceaccount:default:default');
    assert.equal(claims['kubernetes.io/serviceaccount/secret.name'], tokenName);
    assert.match(Buffer.from(segments[2], 'base64url').toString('utf8'), /simulated/);
    // kube-system's accounts (the GKE seed's) have theirs too.
    assert.match(
      succeeded(await kubectl(['get', 'sa', 'kube-dns', '-n', 'kube-system', '--no-headers'])),
      /^kube-dns\s+1\s/,
    );
  });

  test('a new ServiceAccount gets its token; deleting the account deletes the token', async () => {
    succeeded(await kubectl(['create', 'sa', 'reader']));
    const tokenName = (await watchFor(['secrets'], new RegExp(`reader-token-${SAFE}{5}`))).trim();
    succeeded(await kubectl(['delete', 'sa', 'reader']));
    succeeded(await kubectl(['wait', '--for=delete', `secret/${tokenName}`, '--timeout=60s']));
  });

  test('a pod runs as the default account, with its token mounted read-only in every container, and tolerates lost nodes for 300 s', async () => {
    const pod = await createdPod(
      'plain',
      podYaml('plain', '', '  - name: sidecar\n    image: busybox:1.31\n    command: ["sleep", "3600"]\n'),
    );
    const token = (await json<{ secrets: { name: string }[] }>(['get', 'sa', 'default'])).secrets[0].name;
    assert.equal(pod.spec.serviceAccountName, 'default');
    assert.equal(pod.spec.serviceAccount, 'default');
    for (const container of pod.spec.containers)
      assert.deepEqual(
        container.volumeMounts,
        [{ name: token, readOnly: true, mountPath: MOUNT_PATH }],
        container.name,
      );
    assert.deepEqual(pod.spec.volumes, [{ name: token, secret: { secretName: token, defaultMode: 420 } }]);
    assert.deepEqual(pod.spec.tolerations, [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    const mounts = succeeded(
      await kubectl(['get', 'pod', 'plain', '-o', 'jsonpath={.spec.containers[*].volumeMounts[*].mountPath}']),
    );
    assert.equal(mounts, `${MOUNT_PATH} ${MOUNT_PATH}`);
  });

  test('automountServiceAccountToken: false keeps the token out; a toleration of every taint keeps the defaults out', async () => {
    const pod = await createdPod(
      'quiet',
      podYaml('quiet', '  automountServiceAccountToken: false\n  tolerations:\n  - operator: Exists\n'),
    );
    assert.equal(pod.spec.serviceAccountName, 'default');
    assert.equal(pod.spec.volumes, undefined);
    assert.equal(pod.spec.containers[0].volumeMounts, undefined);
    assert.deepEqual(pod.spec.tolerations, [{ operator: 'Exists' }]);
  });

  test('a pod naming a ServiceAccount that does not exist is refused as v1.13 refuses it', async () => {
    const refused = await kubectl(['create', '-f', '-'], podYaml('lost', '  serviceAccountName: missing\n'));
    assert.notEqual(refused.code, 0);
    assert.match(
      refused.stderr,
      /Error from server \(Forbidden\).*pods "lost" is forbidden: error looking up service account default\/missing: serviceaccount "missing" not found/,
    );
  });

  test('status.qosClass follows requests and limits; limits alone default the requests and make the pod Guaranteed', async () => {
    const qos = async (name: string, resources: string): Promise<[string, string]> => {
      await createdPod(name, podYaml(name, '', resources));
      return [
        name,
        succeeded(
          await kubectl([
            'get',
            'pod',
            name,
            '-o',
            'jsonpath={.status.qosClass} {.spec.containers[0].resources.requests}',
          ]),
        ),
      ];
    };
    assert.deepEqual(
      [
        await qos('besteffort', ''),
        await qos('burstable', '    resources:\n      requests: {cpu: 100m}\n'),
        await qos('guaranteed', '    resources:\n      limits: {cpu: 500m, memory: 128Mi}\n'),
      ],
      [
        ['besteffort', 'BestEffort '],
        ['burstable', 'Burstable {"cpu":"100m"}'],
        ['guaranteed', 'Guaranteed {"cpu":"500m","memory":"128Mi"}'],
      ],
    );
  });

  test("with Istio 1.2.2's Citadel running every ServiceAccount has istio.<account>, which injected pods mount; it goes with its account", async () => {
    assert.doesNotMatch(
      succeeded(await kubectl(['get', 'secrets', '-n', 'default'])),
      /istio\.default/,
      'no Citadel, no istio.* Secrets',
    );
    succeeded(await kubectl(['create', '-f', path.join(fixtures, 'legacy', 'istio-1.2.2', 'istio-demo.yaml')]));
    succeeded(await kubectl(['rollout', 'status', 'deploy/istio-citadel', '-n', 'istio-system', '--timeout=60s']));
    await watchFor(['secrets', '-n', 'default'], /istio\.default\s+istio\.io\/key-and-cert\s+3\s/);
    const secret = await json<Secret>(['get', 'secret', 'istio.default']);
    assert.deepEqual(secret.metadata.annotations, { 'istio.io/service-account.name': 'default' });
    assert.deepEqual(Object.keys(secret.data).sort(), ['cert-chain.pem', 'key.pem', 'root-cert.pem']);
    assert.match(
      decode(secret.data['cert-chain.pem']),
      /^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+\n-----END CERTIFICATE-----\n$/,
    );
    assert.match(
      Buffer.from(decode(secret.data['cert-chain.pem']).split('\n').slice(1, -2).join(''), 'base64').toString('utf8'),
      /Simulated.*spiffe:\/\/cluster\.local\/ns\/default\/sa\/default/,
    );
    assert.match(
      succeeded(
        await kubectl(['get', 'secret', 'istio.istio-pilot-service-account', '-n', 'istio-system', '--no-headers']),
      ),
      /key-and-cert/,
    );

    succeeded(await kubectl(['label', 'ns', 'default', 'istio-injection=enabled']));
    succeeded(await kubectl(['create', 'deployment', 'web', '--image=nginx:1.17']));
    succeeded(await kubectl(['rollout', 'status', 'deploy/web', '--timeout=60s']));
    const certs = succeeded(
      await kubectl([
        'get',
        'pod',
        '-l',
        'app=web',
        '-o',
        'jsonpath={.items[0].spec.volumes[?(@.name=="istio-certs")].secret.secretName}',
      ]),
    );
    assert.equal(certs, 'istio.default');
    succeeded(await kubectl(['get', 'secret', certs]));

    succeeded(await kubectl(['create', 'sa', 'bookinfo-reviews']));
    await watchFor(['secrets'], /istio\.bookinfo-reviews\s/);
    succeeded(await kubectl(['delete', 'sa', 'bookinfo-reviews']));
    succeeded(await kubectl(['wait', '--for=delete', 'secret/istio.bookinfo-reviews', '--timeout=60s']));
  });
});
