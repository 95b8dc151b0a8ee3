// The API server's side of Istio's injector webhook: which pods it sends, and the words of its
// refusal when the injector's Service has no ready endpoint, per server release.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { admitPodForIstio } from '../../../src/sandbox/admission/sidecar-injection';
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';
import { ObjectStore } from '../../../src/sandbox/storage/object-store';
import { StatusError } from '../../../src/sandbox/apimachinery/status-error';

const WEBHOOKS = 'admissionregistration.k8s.io/mutatingwebhookconfigurations';
const podCreate = [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }];

function cluster(webhooks: Record<string, unknown>[], service: string): ObjectStore {
  const store = new ObjectStore();
  store.put('/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'default', labels: { 'istio-injection': 'enabled' } },
  });
  store.put('/services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: service, namespace: 'istio-system' },
    spec: { ports: [{ port: 443 }] },
  });
  store.put(WEBHOOKS, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: 'istio-sidecar-injector' },
    webhooks,
  } as KubeObject);
  return store;
}

const pod = (labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', labels },
  spec: { containers: [{ name: 'web', image: 'nginx:1.17' }] },
});

const legacyWebhook = {
  name: 'sidecar-injector.istio.io',
  clientConfig: { service: { name: 'istio-sidecar-injector', namespace: 'istio-system', path: '/inject' } },
  rules: podCreate,
  failurePolicy: 'Fail',
  namespaceSelector: { matchLabels: { 'istio-injection': 'enabled' } },
};
const modernWebhook = {
  name: 'namespace.sidecar-injector.istio.io',
  admissionReviewVersions: ['v1'],
  clientConfig: { service: { name: 'istiod', namespace: 'istio-system', path: '/inject', port: 443 } },
  rules: podCreate,
  failurePolicy: 'Fail',
  namespaceSelector: { matchExpressions: [{ key: 'istio-injection', operator: 'In', values: ['enabled'] }] },
  objectSelector: { matchExpressions: [{ key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false'] }] },
};

function refusal(store: ObjectStore, kubeVersion: string, labels?: Record<string, string>): StatusError {
  try {
    admitPodForIstio(pod(labels), store, kubeVersion);
  } catch (error) {
    assert.ok(error instanceof StatusError);
    return error;
  }
  assert.fail('the pod was admitted');
}

test("a Kubernetes 1.13 server refuses a pod for Istio 1.2's injector without endpoints in its own words", () => {
  const error = refusal(cluster([legacyWebhook], 'istio-sidecar-injector'), 'v1.13.7');
  assert.equal(error.code, 500);
  assert.equal(error.reason, 'InternalError');
  assert.equal(
    error.message,
    'Internal error occurred: failed calling webhook "sidecar-injector.istio.io": Post https://istio-sidecar-injector.istio-system.svc:443/inject?timeout=30s: no endpoints available for service "istio-sidecar-injector"',
  );
  assert.deepEqual(error.details?.causes, [{ message: error.message.slice('Internal error occurred: '.length) }]);
});

test('a Kubernetes 1.32 server words the refusal for istiod with quoted URL, failed to call webhook and the v1 timeout', () => {
  const error = refusal(cluster([modernWebhook], 'istiod'), 'v1.32.2');
  assert.equal(
    error.message,
    'Internal error occurred: failed calling webhook "namespace.sidecar-injector.istio.io": failed to call webhook: Post "https://istiod.istio-system.svc:443/inject?timeout=10s": no endpoints available for service "istiod"',
  );
});

test('a pod the objectSelector leaves out (sidecar.istio.io/inject=false label) is admitted untouched even with the injector down', () => {
  const store = cluster([modernWebhook], 'istiod');
  const optedOut = pod({ 'sidecar.istio.io/inject': 'false' });
  assert.equal(admitPodForIstio(optedOut, store, 'v1.32.2'), false);
  assert.deepEqual(optedOut.spec, pod().spec);
});

test('a namespace without the label is not sent to the webhook', () => {
  const store = cluster([legacyWebhook], 'istio-sidecar-injector');
  store.put('/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  assert.equal(admitPodForIstio(pod(), store, 'v1.13.7'), false);
});

test('a webhook with failurePolicy Ignore lets the pod through without a sidecar', () => {
  const store = cluster([{ ...legacyWebhook, failurePolicy: 'Ignore' }], 'istio-sidecar-injector');
  assert.equal(admitPodForIstio(pod(), store, 'v1.13.7'), false);
});
