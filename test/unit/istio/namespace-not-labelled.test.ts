// The explainer on the lab's most common mistake (src/istio/pod-diagnosis.ts): Bookinfo applied
// before its namespace was labelled runs 1/1 without istio-proxy; the pod watch keeps such pods
// (src/istio/data-plane.ts) so the tree can say it; and a meshed pod's injection facts.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { ISTIO_DATA_PLANE, injectionFacts } from '../../../src/istio/data-plane';
import { diagnosePod, podHealth, problemCommands } from '../../../src/istio/pod-diagnosis';
import type { ContainerSummary } from '../../../src/kube/pod-summary';
import { podSummary } from './pod-fixtures';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const running = (name: string, image = `docker.io/istio/examples-bookinfo-${name}-v1:1.15.0`): ContainerSummary => ({
  name,
  image,
  ready: true,
  restartCount: 0,
  state: 'running',
});
const ratings = (fields: Parameters<typeof podSummary>[0]) =>
  podSummary({ namespace: 'default', nodeName: 'node-1', labels: { app: 'ratings', version: 'v1' }, ...fields });

test('a Bookinfo pod 1/1 without istio-proxy: the namespace is not labelled, with the fix', () => {
  const pod = ratings({ name: 'ratings-v1-5f9699cfdf-2nbwn', containers: [running('ratings')] });
  const problems = diagnosePod(pod, NOW);
  assert.deepEqual(problems, [{ code: 'namespaceNotLabelled', namespace: 'default' }]);
  assert.deepEqual(problemCommands(pod, problems[0]), [
    'kubectl label namespace default istio-injection=enabled',
    'kubectl delete pod -n default ratings-v1-5f9699cfdf-2nbwn',
  ]);
  assert.equal(podHealth(pod, problems), 'ready', 'it runs; it is only outside the mesh');
});

test('not said of a meshed pod, of one opted out, of another app, or of a pod on its way out', () => {
  const meshed = ratings({
    name: 'ratings-v1-1',
    containers: [running('ratings'), running('istio-proxy', 'docker.io/istio/proxyv2:1.2.2')],
    annotations: { 'sidecar.istio.io/status': '{"version":"1"}' },
  });
  assert.deepEqual(diagnosePod(meshed, NOW), []);
  assert.deepEqual(
    diagnosePod(
      ratings({
        name: 'ratings-v1-2',
        containers: [running('ratings')],
        annotations: { 'sidecar.istio.io/inject': 'false' },
      }),
      NOW,
    ),
    [],
  );
  assert.deepEqual(
    diagnosePod(
      podSummary({
        name: 'web-1',
        namespace: 'default',
        nodeName: 'n',
        labels: { app: 'web' },
        containers: [running('web')],
      }),
      NOW,
    ),
    [],
  );
  assert.deepEqual(
    diagnosePod(ratings({ name: 'ratings-v1-3', containers: [running('ratings')], deleting: true }), NOW),
    [],
  );
});

test('the pod watch keeps Bookinfo pods with or without their sidecar, and not other apps', () => {
  assert.equal(
    ISTIO_DATA_PLANE.keeps({
      metadata: { namespace: 'default', labels: { app: 'reviews' } },
      spec: { containers: [{ name: 'reviews' }] },
    }),
    true,
  );
  assert.equal(
    ISTIO_DATA_PLANE.keeps({
      metadata: { namespace: 'default', labels: { app: 'web' } },
      spec: { containers: [{ name: 'web' }] },
    }),
    false,
  );
});

test("a meshed pod's injection facts: app and sidecar containers, webhook, namespace label, proxy image", () => {
  const pod = ratings({
    name: 'ratings-v1-1',
    containers: [running('ratings'), running('istio-proxy', 'docker.io/istio/proxyv2:1.2.2')],
  });
  assert.deepEqual(injectionFacts(pod), {
    appContainers: ['ratings'],
    proxyImage: 'docker.io/istio/proxyv2:1.2.2',
    namespaceLabel: 'istio-injection=enabled',
    webhookConfiguration: 'istio-sidecar-injector',
    webhook: 'sidecar-injector.istio.io',
  });
  assert.equal(injectionFacts({ ...pod, labels: { 'istio.io/rev': 'canary' } })?.namespaceLabel, 'istio.io/rev=canary');
  assert.equal(injectionFacts(ratings({ name: 'ratings-v1-2', containers: [running('ratings')] })), undefined);
});
