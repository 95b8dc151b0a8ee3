// Object names checked per resource with apimachinery's messages: subdomain, label, DNS-1035 label
// and RBAC's path segments, length before pattern.
import assert from 'node:assert/strict';
import test from 'node:test';
import { nameErrors } from '../../../src/sandbox/apimachinery/name-validation';

test('most names are RFC 1123 subdomains, with the example and the regex in the message', () => {
  assert.deepEqual(nameErrors('', 'configmaps', 'istio.sidecar-injector'), []);
  assert.deepEqual(nameErrors('apps', 'deployments', 'Web'), [
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  ]);
  assert.deepEqual(nameErrors('', 'pods', 'a'.repeat(254)), ['must be no more than 253 characters']);
});

test("namespaces are labels, services DNS-1035 labels: Go's two examples keep their double space", () => {
  assert.deepEqual(nameErrors('', 'namespaces', 'istio.system'), [
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  ]);
  assert.deepEqual(nameErrors('', 'namespaces', '123-abc'), []);
  assert.deepEqual(nameErrors('', 'services', '9080-reviews'), [
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
  ]);
  const long = `x${'y'.repeat(63)}`;
  assert.equal(nameErrors('', 'services', long)[0], 'must be no more than 63 characters');
});

test('RBAC names are path segments: system:controller:x is valid, a slash is not', () => {
  assert.deepEqual(nameErrors('rbac.authorization.k8s.io', 'clusterroles', 'system:controller:istio-pilot'), []);
  assert.deepEqual(nameErrors('rbac.authorization.k8s.io', 'roles', 'a/b%c'), [
    "may not contain '/'",
    "may not contain '%'",
  ]);
  assert.deepEqual(nameErrors('rbac.authorization.k8s.io', 'rolebindings', '..'), ["may not be '..'"]);
});
