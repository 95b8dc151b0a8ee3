// The native pre-check against the sandbox: GKE-like, 3 nodes, Kubernetes v1.13.7, as in the book.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { planInstall } from '../../src/istio/install-plan';
import type { ReleaseFacts } from '../../src/istio/precheck/precheck';
import {
  demoRequirements,
  evaluatePrecheck,
  precheckPassed,
  requiredPermissions,
} from '../../src/istio/precheck/precheck';
import { parseManifest } from '../../src/kube/apply/manifest';
import { kubernetesClient } from '../../src/kube/connection';
import { probeCluster } from '../../src/istio/precheck/precheck-probes';
import type { Sandbox } from '../../src/sandbox';
import { startSandbox } from '../../src/sandbox';
import { fixtures } from './kubectl';

const manifest = parseManifest(
  fs.readFileSync(path.join(fixtures, 'legacy', 'istio-1.2.2', 'istio-demo.yaml'), 'utf8'),
);
const release: ReleaseFacts = {
  version: '1.2.2',
  minKubernetesMinor: planInstall('1.2.2').minKubernetesMinor,
  demo: demoRequirements(manifest),
  istioNamespace: 'istio-system',
};

describe('the pre-check on the book-like sandbox', () => {
  let sandbox: Sandbox;
  const check = async () => {
    const k8s = await kubernetesClient();
    const kubeConfig = new k8s.KubeConfig();
    kubeConfig.loadFromString(sandbox.kubeconfig);
    return evaluatePrecheck(
      await probeCluster(kubeConfig, requiredPermissions('istio-system'), 'istio-system'),
      release,
    );
  };

  before(async () => {
    sandbox = await startSandbox({ nodes: 3, speed: 0 });
  });
  after(() => sandbox.close());

  test('passes: v1.13.7-gke.8 reachable, permissions granted, nothing installed, room on 3 nodes, webhooks served', async () => {
    const results = await check();
    assert.deepEqual(
      results.map((result) => `${result.id}:${result.status}:${result.code}`),
      [
        'api:pass:reachable',
        'version:pass:versionSupported',
        'permissions:pass:permissionsGranted',
        'existing:pass:notInstalled',
        'resources:pass:resourcesFit',
        'loadBalancer:pass:noLoadBalancerService',
        'replicas:info:singleReplicas',
        'webhooks:pass:webhooksServed',
      ],
    );
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
