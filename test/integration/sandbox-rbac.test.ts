// RBAC in the sandbox, judged by the real kubectl: Roles, ClusterRoles and their bindings decide
// what a service account or an impersonated user may do, `kubectl auth can-i` agrees with what
// requests get, denials carry the v1.13 apiserver's words, and the kubeconfig's user stays admin.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubectlResult, KubectlSandbox } from './kubectl';
import { startKubectlSandbox } from './kubectl';
import { useKubectlSandbox } from './suite-sandbox';

const READER = 'system:serviceaccount:demo:reader';
const WATCHER = 'system:serviceaccount:monitoring:watcher';

/** A one-container Pod in `demo`. */
const demoPod = (name: string, image: string) => `apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: demo }
spec:
  containers:
  - { name: ${name}, image: "${image}" }
`;

const POLICY = `
apiVersion: v1
kind: Namespace
metadata: { name: demo }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: reader, namespace: demo }
---
apiVersion: v1
kind: Namespace
metadata: { name: monitoring }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: watcher, namespace: monitoring }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: pod-reader, namespace: demo }
rules:
- { apiGroups: [""], resources: [pods, pods/log], verbs: [get, list, watch] }
- { apiGroups: [""], resources: [configmaps], resourceNames: [settings], verbs: [get] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: reader-binding, namespace: demo }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader }
subjects:
- { kind: ServiceAccount, name: reader }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: monitoring-accounts-view }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view }
subjects:
- { kind: Group, name: "system:serviceaccounts:monitoring", apiGroup: rbac.authorization.k8s.io }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: ops-edit }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit }
subjects:
- { kind: Group, name: ops, apiGroup: rbac.authorization.k8s.io }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: settings, namespace: demo }
data: { mode: lab }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: secrets-of-others, namespace: demo }
data: { mode: hidden }
---
${demoPod('web', 'docker.io/library/nginx:1.15')}`;

const POD = demoPod('intruder', 'docker.io/library/busybox:1.30');

/** `kubectl auth can-i` prints yes (exit 0) or no (exit 1); anything else is a failure of the test. */
async function canI(cluster: KubectlSandbox, args: string[]): Promise<string> {
  const result = await cluster.kubectl(['auth', 'can-i', ...args]);
  const answer = result.stdout.trim();
  assert.ok(
    (answer === 'yes' && result.code === 0) || (answer === 'no' && result.code === 1),
    `can-i ${args.join(' ')}: ${JSON.stringify(result)}`,
  );
  return answer;
}

function assertForbidden(result: KubectlResult, message: string): void {
  assert.notEqual(result.code, 0, result.stdout);
  assert.match(result.stderr, /Error from server \(Forbidden\)/);
  assert.ok(result.stderr.includes(message), `expected ${message}\nin ${result.stderr}`);
}

describe('RBAC in the sandbox, as kubectl sees it', () => {
  const cluster = useKubectlSandbox({ nodes: 1, speed: 0 }, async (cluster) => {
    const created = await cluster.kubectl(['create', '-f', '-'], { stdin: POLICY });
    assert.equal(created.code, 0, created.stderr);
    const ready = await cluster.kubectl(['wait', '--for=condition=Ready', 'pod/web', '-n', 'demo', '--timeout=60s']);
    assert.equal(ready.code, 0, ready.stderr);
  });

  test('auth can-i answers from a RoleBinding of a service account: yes for what its Role grants, no for the rest', async () => {
    assert.equal(await canI(cluster, ['get', 'pods', '-n', 'demo', `--as=${READER}`]), 'yes');
    assert.equal(await canI(cluster, ['watch', 'pods', '-n', 'demo', `--as=${READER}`]), 'yes');
    assert.equal(await canI(cluster, ['create', 'pods', '-n', 'demo', `--as=${READER}`]), 'no');
    assert.equal(await canI(cluster, ['delete', 'pods', '-n', 'demo', `--as=${READER}`]), 'no');
    assert.equal(await canI(cluster, ['get', 'secrets', '-n', 'demo', `--as=${READER}`]), 'no');
  });

  test("get pods as the service account is allowed, create pods is Forbidden in the apiserver's words", async () => {
    const listed = await cluster.kubectl(['get', 'pods', '-n', 'demo', '-o', 'name', `--as=${READER}`]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(listed.stdout.trim(), 'pod/web');
    const created = await cluster.kubectl(['create', '-f', '-', `--as=${READER}`], { stdin: POD });
    assertForbidden(
      created,
      `pods is forbidden: User "${READER}" cannot create resource "pods" in API group "" in the namespace "demo"`,
    );
    const stillOne = await cluster.kubectl(['get', 'pods', '-n', 'demo', '-o', 'name']);
    assert.equal(stillOne.stdout.trim(), 'pod/web');
  });

  test('a Role limited by resourceNames grants that object and no other', async () => {
    assert.equal(await canI(cluster, ['get', 'configmap/settings', '-n', 'demo', `--as=${READER}`]), 'yes');
    assert.equal(await canI(cluster, ['get', 'configmap/secrets-of-others', '-n', 'demo', `--as=${READER}`]), 'no');
    const allowed = await cluster.kubectl([
      'get',
      'configmap',
      'settings',
      '-n',
      'demo',
      '-o',
      'jsonpath={.data.mode}',
      `--as=${READER}`,
    ]);
    assert.equal(allowed.stdout, 'lab', allowed.stderr);
    const denied = await cluster.kubectl(['get', 'configmap', 'secrets-of-others', '-n', 'demo', `--as=${READER}`]);
    assertForbidden(
      denied,
      `configmaps "secrets-of-others" is forbidden: User "${READER}" cannot get resource "configmaps" in API group "" in the namespace "demo"`,
    );
  });

  test('a subresource is its own grant: the reader may read pods/log, and may not create pods/exec', async () => {
    assert.equal(await canI(cluster, ['get', 'pods', '--subresource=log', '-n', 'demo', `--as=${READER}`]), 'yes');
    assert.equal(await canI(cluster, ['create', 'pods', '--subresource=exec', '-n', 'demo', `--as=${READER}`]), 'no');
    const logs = await cluster.kubectl(['logs', 'web', '-n', 'demo', `--as=${READER}`]);
    assert.equal(logs.code, 0, logs.stderr);
    const exec = await cluster.kubectl(['exec', 'web', '-n', 'demo', `--as=${READER}`, '--', 'echo', 'hi']);
    assertForbidden(
      exec,
      `pods "web" is forbidden: User "${READER}" cannot create resource "pods/exec" in API group "" in the namespace "demo"`,
    );
  });

  test("a ClusterRoleBinding to the group of a namespace's service accounts grants view everywhere, and no more", async () => {
    assert.equal(await canI(cluster, ['list', 'deployments.apps', '-n', 'kube-system', `--as=${WATCHER}`]), 'yes');
    assert.equal(await canI(cluster, ['get', 'pods', '--subresource=log', '-n', 'default', `--as=${WATCHER}`]), 'yes');
    assert.equal(await canI(cluster, ['get', 'secrets', '-n', 'kube-system', `--as=${WATCHER}`]), 'no');
    const listed = await cluster.kubectl(['get', 'pods', '-n', 'demo', '-o', 'name', `--as=${WATCHER}`]);
    assert.equal(listed.stdout.trim(), 'pod/web', listed.stderr);
    const nodes = await cluster.kubectl(['get', 'nodes', `--as=${WATCHER}`]);
    assertForbidden(
      nodes,
      `nodes is forbidden: User "${WATCHER}" cannot list resource "nodes" in API group "" at the cluster scope`,
    );
  });

  test('an impersonated user has only what its impersonated groups are bound to', async () => {
    const asOps = ['--as=jane', '--as-group=ops', '--as-group=system:authenticated'];
    assert.equal(await canI(cluster, ['create', 'deployments.apps', '-n', 'demo', ...asOps]), 'yes');
    assert.equal(await canI(cluster, ['create', 'deployments.apps', '-n', 'demo', '--as=jane']), 'no');
    assert.equal(
      await canI(cluster, ['create', 'rolebindings.rbac.authorization.k8s.io', '-n', 'demo', ...asOps]),
      'no',
    );
    const denied = await cluster.kubectl(['get', 'pods', '-n', 'demo', '--as=jane']);
    assertForbidden(
      denied,
      'pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "demo"',
    );
    const allowed = await cluster.kubectl(['get', 'pods', '-n', 'demo', '-o', 'name', ...asOps]);
    assert.equal(allowed.stdout.trim(), 'pod/web', allowed.stderr);
    // Groups given replace the defaults, system:authenticated included: edit alone may not even ask.
    const unauthenticatedGroups = await cluster.kubectl([
      'auth',
      'can-i',
      'get',
      'pods',
      '-n',
      'demo',
      '--as=jane',
      '--as-group=ops',
    ]);
    assertForbidden(
      unauthenticatedGroups,
      'selfsubjectaccessreviews.authorization.k8s.io is forbidden: User "jane" cannot create resource "selfsubjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope',
    );
  });

  test('non-resource paths: discovery for every authenticated user, any other path only as granted', async () => {
    const version = await cluster.kubectl(['get', '--raw', '/version', '--as=jane']);
    assert.equal(JSON.parse(version.stdout).gitVersion, 'v1.13.7-gke.8', version.stderr);
    const metrics = await cluster.kubectl(['get', '--raw', '/metrics', '--as=jane']);
    assertForbidden(metrics, 'forbidden: User "jane" cannot get path "/metrics"');
  });

  test('auth can-i --list shows the rules a service account has in a namespace', async () => {
    const { code, stdout, stderr } = await cluster.kubectl(['auth', 'can-i', '--list', '-n', 'demo', `--as=${READER}`]);
    assert.equal(code, 0, stderr);
    const rows = stdout.split('\n').map((line) => line.trim().split(/\s{2,}/));
    assert.deepEqual(
      rows.find((row) => row[0] === 'configmaps'),
      ['configmaps', '[]', '[settings]', '[get]'],
    );
    assert.ok(
      rows.some((row) => row[0] === 'pods/log' && row[3].includes('watch')),
      stdout,
    );
    assert.ok(
      rows.some((row) => row[0] === 'selfsubjectaccessreviews.authorization.k8s.io'),
      stdout,
    );
  });

  test("a SubjectAccessReview names the binding that allows, as the apiserver's RBAC reason", async () => {
    const review = `{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"${READER}","groups":["system:serviceaccounts","system:serviceaccounts:demo","system:authenticated"],"resourceAttributes":{"namespace":"demo","verb":"get","resource":"pods"}}}`;
    // --validate=false: kubectl 1.32 looks up a kind's PATCH path to learn whether the server validates
    // fields; a create-only kind has none, so it then lists CRDs through apiextensions.k8s.io/v1, which
    // a 1.13 server (real or sandbox) does not serve, and gives up.
    const { code, stdout, stderr } = await cluster.kubectl(['create', '--validate=false', '-f', '-', '-o', 'json'], {
      stdin: review,
    });
    assert.equal(code, 0, stderr);
    assert.deepEqual(JSON.parse(stdout).status, {
      allowed: true,
      reason: 'RBAC: allowed by RoleBinding "reader-binding/demo" of Role "pod-reader" to ServiceAccount "reader/demo"',
    });
  });

  test("the kubeconfig's own user stays cluster-admin through system:masters", async () => {
    assert.equal(await canI(cluster, ['*', '*']), 'yes');
    assert.equal(await canI(cluster, ['impersonate', 'serviceaccounts', '-n', 'demo']), 'yes');
    const created = await cluster.kubectl(['create', '-f', '-'], { stdin: POD });
    assert.equal(created.code, 0, created.stderr);
    // `kubectl auth whoami` needs SelfSubjectReview (authentication.k8s.io/v1 since 1.28): 1.13 has none.
    const whoami = await cluster.kubectl(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.groups}']);
    assert.match(whoami.stderr, /the selfsubjectreviews API is not enabled in the cluster/);
    const current = await startKubectlSandbox({ nodes: 0, kubeVersion: 'v1.32.0' });
    try {
      const groups = await current.kubectl(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.groups}']);
      assert.equal(groups.stdout, '["system:masters","system:authenticated"]', groups.stderr);
    } finally {
      await current.close();
    }
    const bindings = await cluster.kubectl([
      'get',
      'clusterrolebinding',
      'cluster-admin',
      '-o',
      'jsonpath={.subjects[0].name}',
    ]);
    assert.equal(bindings.stdout, 'system:masters', bindings.stderr);
  });
});
