// Fields and write paths that came after the claimed release, judged by the real kubectl
// (release-fields.ts): 1.13 keeps no managedFields, refuses server-side apply with its 415, and
// writes no podIPs or containers' `started`; 1.32 has them all.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubectlSandbox } from './kubectl';
import { useKubectlSandbox } from './suite-sandbox';

const configMap = JSON.stringify({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'x', namespace: 'default' },
  data: { a: '1' },
});

async function runningPod(
  cluster: KubectlSandbox,
): Promise<{ status: { podIP?: string; podIPs?: unknown; containerStatuses: Record<string, unknown>[] } }> {
  const created = await cluster.kubectl(['run', 'web', '--image=docker.io/library/nginx:1.17']);
  assert.equal(created.code, 0, created.stderr);
  const ready = await cluster.kubectl(['wait', '--for=condition=Ready', 'pod/web', '--timeout=60s']);
  assert.equal(ready.code, 0, ready.stderr);
  const got = await cluster.kubectl(['get', 'pod', 'web', '-o', 'json']);
  assert.equal(got.code, 0, got.stderr);
  return JSON.parse(got.stdout);
}

describe("fields of the release claimed: the book's 1.13", () => {
  const cluster = useKubectlSandbox({ nodes: 1, speed: 0 });

  test('a ConfigMap carries no managedFields, even when asked to show them', async () => {
    const created = await cluster.kubectl(['create', '-f', '-'], { stdin: configMap });
    assert.equal(created.code, 0, created.stderr);
    const labelled = await cluster.kubectl(['label', 'cm', 'x', 'tier=web']);
    assert.equal(labelled.code, 0, labelled.stderr);
    const shown = await cluster.kubectl(['get', 'cm', 'x', '-o', 'yaml', '--show-managed-fields']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /tier: web/);
    assert.doesNotMatch(shown.stdout, /managedFields/);
  });

  test("kubectl apply --server-side is refused with 1.13's 415", async () => {
    const applied = await cluster.kubectl(['apply', '--server-side', '-f', '-'], { stdin: configMap });
    assert.notEqual(applied.code, 0);
    assert.match(
      applied.stderr,
      /the body of the request was in an unknown format - accepted media types include: application\/json-patch\+json, application\/merge-patch\+json, application\/strategic-merge-patch\+json\)$/m,
    );
  });

  test('a running pod has podIP but no podIPs, and its containers no `started`', async () => {
    const pod = await runningPod(cluster);
    assert.match(pod.status.podIP ?? '', /^\d+\.\d+\.\d+\.\d+$/);
    assert.equal(pod.status.podIPs, undefined);
    assert.ok(pod.status.containerStatuses.length > 0);
    for (const status of pod.status.containerStatuses) assert.ok(!('started' in status), JSON.stringify(status));
  });
});

describe('fields of the release claimed: 1.32', () => {
  const cluster = useKubectlSandbox({ kubeVersion: 'v1.32.0', nodes: 1, speed: 0 });

  test('writes record managedFields and kubectl apply --server-side owns its fields', async () => {
    const created = await cluster.kubectl(['create', '-f', '-'], { stdin: configMap });
    assert.equal(created.code, 0, created.stderr);
    const applied = await cluster.kubectl(['apply', '--server-side', '--field-manager=lab', '-f', '-'], {
      stdin: configMap,
    });
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /configmap\/x serverside-applied/);
    const shown = await cluster.kubectl(['get', 'cm', 'x', '-o', 'json', '--show-managed-fields']);
    const managers = (
      JSON.parse(shown.stdout) as { metadata: { managedFields: { manager: string; operation: string }[] } }
    ).metadata.managedFields;
    assert.ok(
      managers.some((entry) => entry.manager === 'lab' && entry.operation === 'Apply'),
      shown.stdout,
    );
    assert.ok(
      managers.some((entry) => entry.operation === 'Update'),
      shown.stdout,
    );
  });

  test('a running pod has podIPs, and its containers `started`', async () => {
    const pod = await runningPod(cluster);
    assert.deepEqual(pod.status.podIPs, [{ ip: pod.status.podIP }]);
    for (const status of pod.status.containerStatuses) assert.equal(status.started, true);
  });
});
