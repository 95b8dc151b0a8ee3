import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ObjectRef } from '../../../src/istio/install-presence';
import { installPresence } from '../../../src/istio/install-presence';

const plan: ObjectRef[] = [
  { apiVersion: 'v1', kind: 'Namespace', name: 'istio-system' },
  {
    apiVersion: 'apiextensions.k8s.io/v1beta1',
    kind: 'CustomResourceDefinition',
    name: 'gateways.networking.istio.io',
  },
  { apiVersion: 'v1', kind: 'ConfigMap', name: 'istio', namespace: 'istio-system' },
  { apiVersion: 'v1', kind: 'Service', name: 'istio-pilot', namespace: 'istio-system' },
  { apiVersion: 'extensions/v1beta1', kind: 'Deployment', name: 'istio-pilot', namespace: 'istio-system' },
  { apiVersion: 'batch/v1', kind: 'Job', name: 'istio-security-post-install-1.2.2', namespace: 'istio-system' },
];

test('none of the planned objects: absent', () => {
  assert.deepEqual(installPresence(plan, []), { state: 'absent', total: 6 });
});

test('objects present but a workload missing: interrupted, with the counts', () => {
  assert.deepEqual(installPresence(plan, plan.slice(0, 4)), { state: 'interrupted', present: 4, total: 6 });
  assert.deepEqual(installPresence(plan, plan.slice(0, 5)), { state: 'interrupted', present: 5, total: 6 });
});

test('every workload present: complete, even with a ConfigMap deleted by hand', () => {
  assert.deepEqual(installPresence(plan, plan), { state: 'complete', total: 6 });
  assert.deepEqual(
    installPresence(
      plan,
      plan.filter((object) => object.kind !== 'ConfigMap'),
    ),
    { state: 'complete', total: 6 },
  );
});

test('matches by group, kind, namespace and name, not by version; other objects outside the plan do not count', () => {
  const found: ObjectRef[] = [
    { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'gateways.networking.istio.io' },
    { apiVersion: 'v1', kind: 'ConfigMap', name: 'istio', namespace: 'default' },
    { apiVersion: 'v1', kind: 'Service', name: 'reviews', namespace: 'istio-system' },
  ];
  // The CRD (same group, another version) counts; the ConfigMap is in another namespace.
  assert.deepEqual(installPresence(plan, found), { state: 'interrupted', present: 1, total: 6 });
});
