// Which pods of other namespaces count as Istio's data plane (src/istio/data-plane.ts): the pods the
// shared pod watch keeps beside the control-plane namespace, and the annotations it keeps of a pod.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PodObject } from '../../../src/kube/pod-summary';
import { ISTIO_DATA_PLANE, isDataPlanePod, isIstioAnnotation, istioPodScope } from '../../../src/istio/data-plane';
import { summarizePod } from '../../../src/kube/pod-summary';
import { sandboxPod, withNativeSidecar } from '../kube/sandbox-pods';

const pod = sandboxPod;

test('counts pods with an injected sidecar, ztunnel and waypoints; not the 1.2 control plane without a proxy', () => {
  assert.equal(isDataPlanePod(pod('istio-galley')), false);
  assert.equal(isDataPlanePod(pod('istio-pilot')), true, 'pilot carries an istio-proxy container in 1.2');
  assert.equal(isDataPlanePod({ metadata: { annotations: { 'sidecar.istio.io/status': '{"version":"1"}' } } }), true);
  assert.equal(isDataPlanePod({ metadata: { labels: { app: 'ztunnel' } } }), true);
  assert.equal(
    isDataPlanePod({ metadata: { labels: { 'gateway.istio.io/managed': 'istio.io-mesh-controller' } } }),
    true,
  );
  assert.equal(
    isDataPlanePod({ metadata: { labels: { app: 'reviews' } }, spec: { containers: [{ name: 'reviews' }] } }),
    false,
  );
});

test('a native sidecar (restartable init istio-proxy, Istio 1.27+) is the data plane', () => {
  assert.equal(isDataPlanePod(withNativeSidecar(pod('istio-galley'))), true);
});

test("the lab's pod scope watches the namespace and keeps the data plane of the others", () => {
  const scope = istioPodScope('istio-system');
  assert.equal(scope.namespace, 'istio-system');
  assert.equal(scope.otherNamespaces, ISTIO_DATA_PLANE);
  assert.equal(scope.otherNamespaces!.keeps(pod('istio-pilot')), true);
  assert.equal(scope.otherNamespaces!.keeps(pod('istio-galley')), false);
});

test("Istio's annotations are kept in the projection, others dropped", () => {
  const annotated: PodObject = {
    metadata: {
      name: 'reviews-v1-abc12',
      namespace: 'default',
      annotations: {
        'sidecar.istio.io/status': '{"version":"1"}',
        'sidecar.istio.io/inject': 'true',
        'istio.io/rev': 'default',
        'ambient.istio.io/redirection': 'enabled',
        'proxy.istio.io/config': '{}',
        'kubectl.kubernetes.io/last-applied-configuration': '{"a":1}',
        'prometheus.io/scrape': 'true',
      },
    },
  };
  assert.equal(ISTIO_DATA_PLANE.keepsAnnotation, isIstioAnnotation);
  assert.deepEqual(Object.keys(summarizePod(annotated, isIstioAnnotation).annotations).sort(), [
    'ambient.istio.io/redirection',
    'istio.io/rev',
    'proxy.istio.io/config',
    'sidecar.istio.io/inject',
    'sidecar.istio.io/status',
  ]);
});
