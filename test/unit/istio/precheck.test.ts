import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { planInstall, commandLine } from '../../../src/istio/install-plan';
import type { ClusterFacts } from '../../../src/istio/precheck/precheck';
import {
  evaluatePrecheck,
  parseQuantity,
  precheckPassed,
  precheckVerdict,
  requiredPermissions,
} from '../../../src/istio/precheck/precheck';
import { BOOK_CLUSTER_RESULTS, demo122, demoOf, release122, resultLines } from './precheck-fixtures';

const demo1261 = demoOf('modern/istio-1.26.1/demo.yaml');
const Mi = 1024 * 1024;

const gkeNode = (name: string) => ({
  name,
  allocatableCpuMillis: 3920,
  allocatableMemoryBytes: 12700388 * 1024,
  requestedCpuMillis: 500,
  requestedMemoryBytes: 300 * Mi,
  providerID: `gce://istio-lab/us-central1-a/${name}`,
});
const book: ClusterFacts = {
  server: 'https://35.1.2.3',
  serverVersion: { gitVersion: 'v1.13.7-gke.8', major: 1, minor: 13 },
  permissions: requiredPermissions('istio-system').map((permission) => ({ ...permission, allowed: true })),
  istioNamespaceExists: false,
  nodes: ['a', 'b', 'c'].map(gkeNode),
  admissionWebhooksServed: true,
};

test('reads Kubernetes quantities', () => {
  assert.equal(parseQuantity('100m', 'cpu'), 100);
  assert.equal(parseQuantity('2', 'cpu'), 2000);
  assert.equal(parseQuantity('128Mi', 'memory'), 128 * Mi);
  assert.equal(parseQuantity('1G', 'memory'), 1e9);
  assert.equal(parseQuantity(undefined, 'cpu'), 0);
});

test('the 1.2.2 demo profile requests 190m CPU and 500 MiB, with Mixer telemetry the largest pod', () => {
  assert.equal(demo122.cpuMillis, 190);
  assert.equal(demo122.memoryBytes, 500 * Mi);
  assert.equal(demo122.largestPod.name, 'istio-telemetry');
  // The book's copy has the ingress as NodePort; 12 single-replica deployments (5 behind HPAs with min 1).
  assert.deepEqual(demo122.loadBalancerServices, []);
  assert.equal(demo122.singleReplicaDeployments.length, 12);
  assert.deepEqual(demo1261.loadBalancerServices, ['istio-ingressgateway']);
});

test("the book's GKE 1.13 cluster passes every check, noting the single replicas", () => {
  const results = evaluatePrecheck(book, release122);
  assert.deepEqual(resultLines(results), BOOK_CLUSTER_RESULTS);
  assert.equal(precheckPassed(results), true);
});

test('one verdict for the report and the notification: the release already installed is not "ready for the install"', () => {
  assert.equal(precheckVerdict(evaluatePrecheck(book, release122)), 'ready');
  const installed = evaluatePrecheck(
    { ...book, istioNamespaceExists: true, existingIstio: { deployment: 'istio-pilot', version: '1.2.2' } },
    release122,
  );
  assert.equal(installed.find((result) => result.id === 'existing')?.status, 'warn');
  assert.equal(precheckVerdict(installed), 'installed');
  const other = evaluatePrecheck(
    { ...book, istioNamespaceExists: true, existingIstio: { deployment: 'istiod', version: '1.26.1' } },
    release122,
  );
  assert.equal(precheckVerdict(other), 'blocked');
  const outside = evaluatePrecheck(
    { ...book, serverVersion: { gitVersion: 'v1.20.0', major: 1, minor: 20 } },
    { ...release122, supportedKubernetes: { min: '1.12', max: '1.14' } },
  );
  assert.equal(precheckVerdict(outside), 'warnings');
});

test('Kubernetes 1.11 is too old for 1.2 (strictly newer than 1.11, like its verify-install)', () => {
  const results = evaluatePrecheck(
    { ...book, serverVersion: { gitVersion: 'v1.11.10', major: 1, minor: 11 } },
    release122,
  );
  const version = results.find((result) => result.id === 'version')!;
  assert.equal(version.status, 'fail');
  assert.equal(version.params.min, '1.12');
  assert.equal(precheckPassed(results), false);
});

test('a version outside the supported range is a warning that names the range', () => {
  const results = evaluatePrecheck(
    { ...book, serverVersion: { gitVersion: 'v1.20.0', major: 1, minor: 20 } },
    { ...release122, supportedKubernetes: { min: '1.12', max: '1.14' } },
  );
  const version = results.find((result) => result.id === 'version')!;
  assert.equal(version.code, 'versionOutsideRange');
  assert.equal(version.params.range, '1.12–1.14');
  assert.equal(precheckPassed(results), true);
});

test('missing permissions fail the check and are listed as RBAC names them', () => {
  const permissions = book.permissions.map((permission) =>
    permission.resource === 'clusterrolebindings' || permission.resource === 'deployments'
      ? { ...permission, allowed: false }
      : permission,
  );
  const result = evaluatePrecheck({ ...book, permissions }, release122).find((r) => r.id === 'permissions')!;
  assert.equal(result.status, 'fail');
  assert.equal(
    result.params.missing,
    'create clusterrolebindings.rbac.authorization.k8s.io, create deployments.apps (istio-system)',
  );
});

test('an existing install of the same release warns, another release fails', () => {
  const same = evaluatePrecheck(
    { ...book, istioNamespaceExists: true, existingIstio: { deployment: 'istio-pilot', version: '1.2.2' } },
    release122,
  );
  assert.equal(same.find((r) => r.id === 'existing')!.status, 'warn');
  const other = evaluatePrecheck(
    { ...book, istioNamespaceExists: true, existingIstio: { deployment: 'istiod', version: '1.26.1' } },
    release122,
  );
  assert.equal(other.find((r) => r.id === 'existing')!.code, 'otherVersionInstalled');
});

test('a small minikube-like node that cannot hold the largest pod fails the resources check', () => {
  const tiny = {
    name: 'minikube',
    allocatableCpuMillis: 200,
    allocatableMemoryBytes: 2048 * Mi,
    requestedCpuMillis: 150,
    requestedMemoryBytes: 200 * Mi,
  };
  const result = evaluatePrecheck({ ...book, nodes: [tiny] }, release122).find((r) => r.id === 'resources')!;
  assert.equal(result.code, 'resourcesShort');
  assert.equal(result.params.freeCpu, 50);
});

test('a LoadBalancer ingress on nodes without a cloud provider will stay <pending>', () => {
  const kind = { ...gkeNode('kind-control-plane'), providerID: 'kind://docker/kind/kind-control-plane' };
  const result = evaluatePrecheck({ ...book, nodes: [kind] }, { ...release122, demo: demo1261 }).find(
    (r) => r.id === 'loadBalancer',
  )!;
  assert.equal(result.status, 'warn');
  assert.equal(result.code, 'loadBalancerPending');
  assert.equal(result.params.services, 'istio-ingressgateway');
});

test('an unreachable API is the only result, with its reason', () => {
  const results = evaluatePrecheck(
    { ...book, unreachable: { reason: 'Unauthorized', message: 'Unauthorized' } },
    release122,
  );
  assert.deepEqual(
    results.map((r) => `${r.id}:${r.status}:${r.params.reason}`),
    ['api:fail:Unauthorized'],
  );
});

test('each release gets its own install, pre-check and verify commands', () => {
  const p122 = planInstall('1.2.2');
  assert.equal(p122.install.kind, 'manifest');
  assert.equal(commandLine(p122.install), 'kubectl create -f install/kubernetes/istio-demo.yaml');
  assert.deepEqual(p122.precheckArgs, ['verify-install']);
  assert.deepEqual(p122.verifyArgs, ['verify-install', '-f', 'install/kubernetes/istio-demo.yaml']);
  assert.equal(commandLine(planInstall('1.5.10').install), 'istioctl manifest apply --set profile=demo');
  assert.equal(commandLine(planInstall('1.8.0').install), 'istioctl install --set profile=demo -y');
  assert.deepEqual(planInstall('1.26.1').precheckArgs, ['x', 'precheck']);
  assert.equal(planInstall('1.26.1').verifyArgs, undefined);
  assert.equal(planInstall('1.26.1').minKubernetesMinor, 29);
  assert.equal(planInstall('1.0.0').precheckArgs, undefined);
  assert.equal(
    commandLine(planInstall('1.6.14').uninstall),
    'istioctl manifest generate --set profile=demo | kubectl delete -f -',
  );
  assert.throws(() => planInstall('latest'), /not an Istio release version/);
});
