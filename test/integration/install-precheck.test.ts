// The native pre-check against the sandbox: GKE-like, 3 nodes, Kubernetes v1.13.7, as in the book.
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { evaluatePrecheck, precheckPassed, requiredPermissions } from '../../src/istio/precheck/precheck';
import { kubernetesClient } from '../../src/kube/connection';
import { probeCluster } from '../../src/istio/precheck/precheck-probes';
import type { Sandbox } from '../../src/sandbox';
import { startSandbox } from '../../src/sandbox';
import { BOOK_CLUSTER_RESULTS, release122, resultLines } from '../unit/istio/precheck-fixtures';

describe('the pre-check on the book-like sandbox', () => {
  let sandbox: Sandbox;
  const check = async () => {
    const k8s = await kubernetesClient();
    const kubeConfig = new k8s.KubeConfig();
    kubeConfig.loadFromString(sandbox.kubeconfig);
    return evaluatePrecheck(
      await probeCluster(kubeConfig, requiredPermissions('istio-system'), 'istio-system'),
      release122,
    );
  };

  before(async () => {
    sandbox = await startSandbox({ nodes: 3, speed: 0 });
  });
  after(() => sandbox.close());

  test('passes: v1.13.7-gke.8 reachable, permissions granted, nothing installed, room on 3 nodes, webhooks served', async () => {
    const results = await check();
    assert.deepEqual(resultLines(results), BOOK_CLUSTER_RESULTS);
    assert.equal(results[1].params.version, 'v1.13.7-gke.8');
    assert.equal(results[4].params.nodes, 3);
    assert.equal(precheckPassed(results), true);
  });

  test('an RBAC denial on ClusterRoleBindings fails the permissions check and names it', async () => {
    sandbox.faults.set({ deny: [{ verb: 'create', resource: 'clusterrolebindings' }] });
    try {
      const permissions = (await check()).find((result) => result.id === 'permissions')!;
      assert.equal(permissions.status, 'fail');
      assert.equal(permissions.params.missing, 'create clusterrolebindings.rbac.authorization.k8s.io');
    } finally {
      sandbox.faults.clear();
    }
  });

  test('an expired token makes the API check fail with Unauthorized, and nothing else is checked', async () => {
    sandbox.faults.set({ expiredToken: true });
    try {
      const results = await check();
      assert.deepEqual(
        results.map((result) => `${result.id}:${result.status}:${result.params.reason}`),
        ['api:fail:Unauthorized'],
      );
    } finally {
      sandbox.faults.clear();
    }
  });
});
