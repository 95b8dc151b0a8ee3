import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { COMPONENTS } from '../../../src/istio/roles/components';
import { classifyPod, workloadName } from '../../../src/istio/roles/role-classifier';
import { istioVersionOfImage, istioVersions } from '../../../src/istio/roles/istio-version';
import { countBy, podsFromCapture, podsFromManifest, podSummary } from './pod-fixtures';

const groupsOf = (pods: ReturnType<typeof podsFromManifest>) =>
  countBy(
    pods.map((pod) => classifyPod(pod)),
    (role) => role.group,
  );
const componentsOf = (pods: ReturnType<typeof podsFromManifest>) =>
  pods.map((pod) => classifyPod(pod).component).sort();

describe('classifying pods of the real Istio manifests by their labels', () => {
  test("the book's 1.2.2 demo: 6 control plane, 2 gateways, 4 add-ons and 3 jobs", () => {
    const pods = podsFromManifest('legacy/istio-1.2.2/istio-demo.yaml');
    assert.deepEqual(groupsOf(pods), { control: 6, gateways: 2, addons: 4, jobs: 3 });
    assert.deepEqual(componentsOf(pods), [
      'citadel',
      'cleanup-secrets',
      'egressgateway',
      'galley',
      'grafana',
      'grafana-post-install',
      'ingressgateway',
      'kiali',
      'mixer-policy',
      'mixer-telemetry',
      'pilot',
      'prometheus',
      'security-post-install',
      'sidecar-injector',
      'tracing',
    ]);
    assert.ok(
      pods.every((pod) => classifyPod(pod).matchedBy === 'labels'),
      'every pod is told by its labels, not its name',
    );
  });

  test('Istio 1.1.0 and 1.2.3 have the same roles as 1.2.2', () => {
    for (const file of ['legacy/istio-1.1.0/istio-demo.yaml', 'legacy/istio-1.2.3/istio-demo.yaml']) {
      assert.deepEqual(groupsOf(podsFromManifest(file)), { control: 6, gateways: 2, addons: 4, jobs: 3 }, file);
    }
  });

  test('the Job pods that share app: security with Citadel are jobs, not Citadel', () => {
    const pods = podsFromManifest('legacy/istio-1.2.2/istio-demo.yaml').filter((pod) => pod.labels.app === 'security');
    assert.deepEqual(pods.map((pod) => classifyPod(pod).component).sort(), [
      'citadel',
      'cleanup-secrets',
      'security-post-install',
    ]);
  });

  test('modern 1.9.0 and 1.26.1: istiod is the control plane, not the legacy pilot its istio: pilot label suggests', () => {
    for (const file of ['modern/istio-1.9.0/demo.yaml', 'modern/istio-1.26.1/demo.yaml']) {
      const pods = podsFromManifest(file);
      assert.deepEqual(groupsOf(pods), { control: 1, gateways: 2 }, file);
      assert.deepEqual(componentsOf(pods), ['egressgateway', 'ingressgateway', 'istiod'], file);
    }
  });

  test('the workload of a pod is its Deployment, Job or DaemonSet', () => {
    const pods = podsFromManifest('legacy/istio-1.2.2/istio-demo.yaml');
    assert.deepEqual(pods.map((pod) => classifyPod(pod).workload).sort(), [
      'grafana',
      'istio-citadel',
      'istio-cleanup-secrets-1.2.2',
      'istio-egressgateway',
      'istio-galley',
      'istio-grafana-post-install-1.2.2',
      'istio-ingressgateway',
      'istio-pilot',
      'istio-policy',
      'istio-security-post-install-1.2.2',
      'istio-sidecar-injector',
      'istio-telemetry',
      'istio-tracing',
      'kiali',
      'prometheus',
    ]);
  });
});

describe('classifying pods of real `kubectl get po` captures, which show names only', () => {
  test("the book's capture: the same 6 + 2 + 4 + 3 pods", () => {
    const pods = podsFromCapture('book-1.2.2.txt');
    assert.equal(pods.length, 15);
    assert.deepEqual(groupsOf(pods), { control: 6, gateways: 2, addons: 4, jobs: 3 });
    assert.ok(pods.every((pod) => classifyPod(pod).matchedBy === 'name'));
  });

  test('the other 1.2.2 captures agree, SDS node agents included', () => {
    assert.deepEqual(groupsOf(podsFromCapture('istio-1.2.2-kubeadm-1.13.8.txt')), {
      control: 6,
      gateways: 2,
      addons: 4,
      jobs: 3,
    });
    assert.deepEqual(groupsOf(podsFromCapture('istio-1.2.2-nodeport-fresh.txt')), {
      control: 6,
      gateways: 2,
      addons: 4,
      jobs: 3,
    });
    const sds = podsFromCapture('istio-1.2.2-sds-crashloop.txt');
    assert.deepEqual(groupsOf(sds), { control: 10, gateways: 2, addons: 4, jobs: 3 });
    assert.equal(sds.filter((pod) => classifyPod(pod).component === 'nodeagent').length, 3);
  });

  test('Istio 1.8.0: istiod and two gateways', () => {
    const pods = podsFromCapture('istio-1.8.0-demo-istioctl.txt');
    assert.deepEqual(componentsOf(pods), ['egressgateway', 'ingressgateway', 'istiod']);
    assert.deepEqual(pods.map((pod) => classifyPod(pod).workload).sort(), [
      'istio-egressgateway',
      'istio-ingressgateway',
      'istiod',
    ]);
  });

  test('workload names drop only generated parts', () => {
    const name = (podName: string) => workloadName({ name: podName, labels: {} });
    assert.equal(name('istio-pilot-68f587df5d-wzwxn'), 'istio-pilot');
    assert.equal(name('istio-cleanup-secrets-1.2.2-bcwf6'), 'istio-cleanup-secrets-1.2.2');
    assert.equal(name('istio-nodeagent-7kcgk'), 'istio-nodeagent');
    assert.equal(name('prometheus-0'), 'prometheus-0');
  });
});

describe('classifying what other eras and modes run', () => {
  const pod = (labels: Record<string, string>, extra: Partial<Parameters<typeof podSummary>[0]> = {}) =>
    podSummary({ name: 'x-7c7c5f5c99-g5k4s', labels, ...extra });

  test('a revisioned istiod keeps its revision', () => {
    const role = classifyPod(
      pod(
        { app: 'istiod', istio: 'pilot', 'istio.io/rev': '1-16' },
        { ownerKind: 'ReplicaSet', ownerName: 'istiod-1-16-6bf46fc8cc' },
      ),
    );
    assert.deepEqual(role, {
      group: 'control',
      component: 'istiod',
      workload: 'istiod-1-16',
      matchedBy: 'labels',
      revision: '1-16',
    });
  });

  test('ambient: ztunnel and istio-cni are node agents, a waypoint is a gateway', () => {
    assert.equal(classifyPod(pod({ app: 'ztunnel' })).component, 'ztunnel');
    assert.equal(classifyPod(pod({ 'k8s-app': 'istio-cni-node' }, { namespace: 'kube-system' })).group, 'nodeAgents');
    const waypoint = classifyPod(
      pod(
        {
          'gateway.istio.io/managed': 'istio.io-mesh-controller',
          'gateway.networking.k8s.io/gateway-name': 'waypoint',
        },
        { namespace: 'bookinfo' },
      ),
    );
    assert.deepEqual([waypoint.group, waypoint.component], ['gateways', 'waypoint']);
  });

  test('an application pod with an injected sidecar is data plane, also when it is called prometheus', () => {
    const proxy = [
      { name: 'app', image: 'prom/prometheus:v2.8.0', ready: true, restartCount: 0, state: 'running' as const },
      {
        name: 'istio-proxy',
        image: 'docker.io/istio/proxyv2:1.2.2',
        ready: true,
        restartCount: 0,
        state: 'running' as const,
      },
    ];
    const role = classifyPod(
      pod(
        { app: 'prometheus' },
        {
          namespace: 'default',
          containers: proxy,
          ownerKind: 'ReplicaSet',
          ownerName: 'reviews-v1-7c7c5f5c99',
          labels: { app: 'prometheus', 'pod-template-hash': '7c7c5f5c99' },
        },
      ),
    );
    assert.deepEqual([role.group, role.component, role.workload], ['sidecars', 'sidecar', 'reviews-v1']);
    const annotated = classifyPod(
      pod({ app: 'ratings' }, { namespace: 'default', annotations: { 'sidecar.istio.io/status': '{"version":"x"}' } }),
    );
    assert.equal(annotated.group, 'sidecars');
  });

  test('an unknown pod in the Istio namespace is other, and every component has an explanation in both languages', () => {
    assert.equal(classifyPod(pod({ app: 'my-debug-shell' })).group, 'other');
    for (const info of Object.values(COMPONENTS)) {
      assert.ok(info.explanation.en.length > 10 && info.explanation.ko.length > 5, info.id);
      assert.match(info.explanation.ko, /[가-힣]/, `${info.id} has no Korean`);
    }
  });
});

describe('detecting the Istio version from images', () => {
  test('reads the tag of Istio images and ignores add-on images', () => {
    assert.equal(istioVersionOfImage('docker.io/istio/pilot:1.2.2'), '1.2.2');
    assert.equal(istioVersionOfImage('gcr.io/istio-release/proxyv2:1.26.1-distroless'), '1.26.1');
    assert.equal(istioVersionOfImage('docker.io/jaegertracing/all-in-one:1.9'), undefined);
    assert.equal(istioVersionOfImage('grafana/grafana:6.1.6'), undefined);
  });

  test("finds 1.2.2 in the book's pods and 1.26.1 in the modern demo", () => {
    assert.deepEqual(istioVersions(podsFromManifest('legacy/istio-1.2.2/istio-demo.yaml')), ['1.2.2']);
    assert.deepEqual(istioVersions(podsFromManifest('modern/istio-1.26.1/demo.yaml')), ['1.26.1']);
  });
});
