// Faults on demand, as the real kubectl reports them: RBAC denials, expired tokens, injected
// server errors, added latency and refused connections.
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KubectlSandbox } from './kubectl';
import { startKubectlSandbox } from './kubectl';

const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lab\n  namespace: default\n';

describe('sandbox faults, as kubectl reports them', () => {
  let cluster: KubectlSandbox;
  before(async () => {
    cluster = await startKubectlSandbox();
    await cluster.kubectl(['get', 'ns']);
  });
  after(() => cluster.close());

  test('an RBAC denial is a 403 with the usual message, for that verb and resource only', async () => {
    cluster.sandbox.faults.set({ deny: [{ verb: 'create', resource: 'configmaps' }] });
    try {
      const denied = await cluster.kubectl(['create', '-f', '-'], { stdin: configMap });
      assert.notEqual(denied.code, 0);
      assert.match(
        denied.stderr,
        /Error from server \(Forbidden\).*configmaps is forbidden: User "istio-lab-learner" cannot create resource "configmaps" in API group "" in the namespace "default"/,
      );
      const listed = await cluster.kubectl(['get', 'cm', '-n', 'default']);
      assert.equal(listed.code, 0, listed.stderr);
    } finally {
      cluster.sandbox.faults.clear();
    }
  });

  test('an expired token is a 401 that kubectl reports as a login problem', async () => {
    cluster.sandbox.faults.set({ expiredToken: true });
    try {
      const result = await cluster.kubectl(['get', 'pods', '-n', 'default']);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /You must be logged in to the server \(Unauthorized\)/);
    } finally {
      cluster.sandbox.faults.clear();
    }
  });

  test('an injected error answers that verb and resource with the chosen code, then stops after its count', async () => {
    cluster.sandbox.faults.set({ errors: [{ verb: 'list', resource: 'services', code: 503, count: 1 }] });
    try {
      const failed = await cluster.kubectl(['get', 'svc', '-n', 'default']);
      assert.notEqual(failed.code, 0);
      assert.match(failed.stderr, /injected fault: list services answered 503/);
      const recovered = await cluster.kubectl(['get', 'svc', 'kubernetes', '-n', 'default', '-o', 'name']);
      assert.equal(recovered.stdout.trim(), 'service/kubernetes');
    } finally {
      cluster.sandbox.faults.clear();
    }
  });

  test('added latency delays every answer; refused connections make kubectl fail to connect', async () => {
    cluster.sandbox.faults.set({ latencyMs: 300 });
    const started = Date.now();
    const slow = await cluster.kubectl(['get', 'ns', 'default', '-o', 'name', '--request-timeout=100ms']);
    assert.notEqual(slow.code, 0, 'a 100 ms request timeout is shorter than the 300 ms latency');
    assert.ok(Date.now() - started >= 100);
    cluster.sandbox.faults.set({ refuseConnectionsForMs: 60_000 });
    try {
      const refused = await cluster.kubectl(['get', 'ns', '--request-timeout=5s']);
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /connection reset by peer|EOF|Unable to connect to the server/);
    } finally {
      cluster.sandbox.faults.clear();
    }
  });
});
