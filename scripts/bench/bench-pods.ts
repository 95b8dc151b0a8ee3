// A data-plane pod as the API server writes it once a kubelet runs it: Bookinfo's productpage with
// Istio 1.2.2's injected istio-init and istio-proxy (the fields `kubectl get pod -o json` shows),
// for the scenarios that build the store and the tree of many pods without a cluster.
import type { PodObject } from '../../src/kube/pod-summary';

const STARTED = '2026-01-01T00:00:00Z';
const SIDECAR_STATUS =
  '{"version":"761ebc5a63976754715f22fcf548f05270fb4b8db07324894aebdb31fa8d7a5a","initContainers":["istio-init"],"containers":["istio-proxy"],"volumes":["istio-envoy","istio-certs"],"imagePullSecrets":null}';

/** Pod `i` of `namespaces` namespaces; `tick` changes it as a watch event would: even ticks count a restart, odd ones flip readiness. */
export function productpagePod(i: number, tick: number, namespaces = 200): PodObject {
  const namespace = `bench-${i % namespaces}`;
  const ready = tick % 2 === 0 || tick === 0;
  const running = (name: string, image: string, restartCount: number) => ({
    name,
    image,
    imageID: `docker-pullable://${image}@sha256:0f5c2e1d4b0e4c3c9f2a8e1b7d6c5a4b3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b`,
    containerID: `containerd://${(i * 2654435761).toString(16).padStart(12, '0')}${name.length}`,
    ready: name === 'productpage' ? ready : true,
    started: true,
    restartCount,
    state: { running: { startedAt: STARTED } },
  });
  return {
    metadata: {
      name: `productpage-v1-7c7c5f5c99-${i.toString(36).padStart(5, '0')}`,
      namespace,
      uid: `0b1c2d3e-${String(i).padStart(4, '0')}-4f5a-8b6c-7d8e9f0a1b2c`,
      resourceVersion: String(1000 + i + tick * 100_000),
      creationTimestamp: STARTED,
      labels: {
        app: 'productpage',
        version: 'v1',
        'pod-template-hash': '7c7c5f5c99',
        'security.istio.io/tlsMode': 'istio',
      },
      annotations: { 'sidecar.istio.io/status': SIDECAR_STATUS, 'kubectl.kubernetes.io/restartedAt': STARTED },
      ownerReferences: [{ kind: 'ReplicaSet', name: 'productpage-v1-7c7c5f5c99', controller: true }],
    },
    spec: {
      nodeName: `gke-istio-lab-default-pool-${i % 3}`,
      initContainers: [{ name: 'istio-init', image: 'docker.io/istio/proxy_init:1.2.2' }],
      containers: [
        { name: 'productpage', image: 'docker.io/istio/examples-bookinfo-productpage-v1:1.12.0' },
        { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.2.2' },
      ],
    },
    status: {
      phase: 'Running',
      podIP: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      conditions: [
        { type: 'Initialized', status: 'True' },
        {
          type: 'Ready',
          status: ready ? 'True' : 'False',
          ...(ready ? {} : { reason: 'ContainersNotReady', message: 'containers with unready status: [productpage]' }),
        },
        { type: 'ContainersReady', status: ready ? 'True' : 'False' },
        { type: 'PodScheduled', status: 'True' },
      ],
      initContainerStatuses: [
        {
          name: 'istio-init',
          image: 'docker.io/istio/proxy_init:1.2.2',
          ready: true,
          restartCount: 0,
          state: { terminated: { exitCode: 0, reason: 'Completed' } },
        },
      ],
      containerStatuses: [
        running('istio-proxy', 'docker.io/istio/proxyv2:1.2.2', 0),
        running('productpage', 'docker.io/istio/examples-bookinfo-productpage-v1:1.12.0', Math.floor(tick / 2)),
      ],
    },
  };
}
