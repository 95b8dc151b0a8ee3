// Cluster errors as codes with the Kubernetes Status reason and the request they happened in,
// so the UI can say what happened and what to do.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KubeError, kubeErrorFromStatus, toKubeError } from '../../../src/kube/kube-errors';

const nodeError = (code: string, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(`${code} happened`), { code, ...extra });

describe('kube errors', () => {
  test('a 403 names the verb, resource and namespace and suggests kubectl auth can-i', () => {
    const error = kubeErrorFromStatus(
      403,
      {
        kind: 'Status',
        code: 403,
        reason: 'Forbidden',
        message:
          'pods is forbidden: User "learner" cannot list resource "pods" in API group "" in the namespace "istio-system"',
      },
      { verb: 'list', resource: 'pods', namespace: 'istio-system', context: 'gke_lab' },
    );
    assert.equal(error.code, 'forbidden');
    assert.equal(error.reason, 'Forbidden');
    assert.equal(error.statusCode, 403);
    assert.deepEqual(
      [error.details.verb, error.details.resource, error.details.namespace],
      ['list', 'pods', 'istio-system'],
    );
    assert.equal(error.kubectlHint, 'kubectl auth can-i list pods -n istio-system --context gke_lab');
    assert.match(error.message, /cannot list pods in the namespace "istio-system"/);
    assert.equal(error.isPersistent, true);
  });

  test('a cluster-wide 403 suggests can-i across all namespaces', () => {
    const error = kubeErrorFromStatus(403, { reason: 'Forbidden' }, { verb: 'watch', resource: 'pods' });
    assert.equal(error.kubectlHint, 'kubectl auth can-i watch pods --all-namespaces');
  });

  test('401, 404, 410 and 5xx map to their codes; only 401 and 403 are persistent', () => {
    assert.equal(kubeErrorFromStatus(401, { reason: 'Unauthorized' }).code, 'unauthorized');
    assert.equal(kubeErrorFromStatus(401, undefined).isPersistent, true);
    assert.equal(kubeErrorFromStatus(404, { reason: 'NotFound' }).code, 'not-found');
    assert.equal(kubeErrorFromStatus(410, { reason: 'Expired' }).code, 'gone');
    assert.equal(kubeErrorFromStatus(410, { reason: 'Expired' }).reason, 'Expired');
    const unavailable = kubeErrorFromStatus(503, { message: 'etcd leader changed' });
    assert.equal(unavailable.code, 'server-error');
    assert.equal(unavailable.isPersistent, false);
    assert.equal(kubeErrorFromStatus(504, undefined).code, 'timeout');
  });

  test('socket errors say whether the server is unreachable, unknown or slow, through wrapping errors too', () => {
    assert.equal(toKubeError(nodeError('ECONNREFUSED'), { server: 'https://127.0.0.1:6443' }).code, 'unreachable');
    assert.equal(toKubeError(nodeError('ECONNREFUSED')).isPersistent, false);
    assert.equal(toKubeError(nodeError('ENOTFOUND')).code, 'host-not-found');
    assert.equal(toKubeError(nodeError('ETIMEDOUT')).code, 'timeout');
    // node-fetch's FetchError carries the system error's code as `code` and `errno`.
    const wrapped = Object.assign(new Error('request to https://x failed'), {
      type: 'system',
      errno: 'ECONNRESET',
      code: 'ECONNRESET',
    });
    assert.equal(toKubeError(wrapped).code, 'unreachable');
    assert.equal(toKubeError(new Error('outer', { cause: nodeError('EHOSTUNREACH') })).code, 'unreachable');
  });

  test('certificate problems are TLS errors with the Node code as the cause', () => {
    for (const code of [
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'CERT_HAS_EXPIRED',
      'ERR_TLS_CERT_ALTNAME_INVALID',
    ]) {
      const error = toKubeError(nodeError(code));
      assert.equal(error.code, 'tls', code);
      assert.equal(error.details.cause, code);
    }
  });

  test('a missing exec plugin names the command', () => {
    const error = toKubeError(
      nodeError('ENOENT', { syscall: 'spawn gke-gcloud-auth-plugin', path: 'gke-gcloud-auth-plugin' }),
    );
    assert.equal(error.code, 'exec-plugin-missing');
    assert.equal(error.details.command, 'gke-gcloud-auth-plugin');
  });

  test('a client error with a statusCode keeps it; a KubeError passes through unchanged', () => {
    const fromWatch = Object.assign(new Error('Forbidden'), { statusCode: 403 });
    assert.equal(toKubeError(fromWatch, { verb: 'watch', resource: 'pods' }).code, 'forbidden');
    const original = new KubeError('no-kubeconfig');
    assert.equal(toKubeError(original), original);
    assert.equal(toKubeError('weird').code, 'unknown');
  });
});
