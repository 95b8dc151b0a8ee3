// The pure parts of the sandbox's controllers: names, the pod-template-hash, and the status a
// Deployment reports for its ReplicaSets.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';
import { endpointSubsets, resolvePorts } from '../../../src/sandbox/controllers/endpoints';
import { fnv32a, gkeNodeNames, podTemplateHash, safeEncodeString } from '../../../src/sandbox/controllers/naming';
import { nodeAddressing, nodeObject } from '../../../src/sandbox/controllers/nodes';
import { selectorMatches } from '../../../src/sandbox/apimachinery/objects';
import { deploymentStatus } from '../../../src/sandbox/controllers/deployment-status';
import { fnv32 } from '../../../src/sandbox/controllers/controller-revisions';
import { apiObject, podObject } from './test-objects';

const SAFE = /^[bcdfghjklmnpqrstvwxz2456789]+$/;

describe('controller naming', () => {
  test('FNV-1 (for revision names) and FNV-1a (for the pod-template-hash) match the reference values', () => {
    const references: [input: string, fnv1: number, fnv1a: number][] = [
      ['', 0x811c9dc5, 0x811c9dc5],
      ['a', 0x050c5d7e, 0xe40c292c],
      ['foobar', 0x31f0b262, 0xbf9cf968],
    ];
    for (const [input, fnv1, fnv1a] of references) {
      assert.equal(fnv32(input), fnv1, `FNV-1 of "${input}"`);
      assert.equal(fnv32a(input), fnv1a, `FNV-1a of "${input}"`);
    }
  });

  test('safeEncodeString maps digits the way rand.SafeEncodeString does', () => {
    // '0' is 48 → 48 % 27 = 21 → '4'; '9' is 57 → 3 → 'f'.
    assert.equal(safeEncodeString('09'), '4f');
  });

  test('the pod-template-hash is 8 to 10 safe characters and ignores key order', () => {
    const template = {
      metadata: { labels: { app: 'pilot', istio: 'pilot' } },
      spec: { containers: [{ name: 'discovery', image: 'docker.io/istio/pilot:1.2.2' }] },
    };
    const reordered = { spec: template.spec, metadata: { labels: { istio: 'pilot', app: 'pilot' } } };
    const hash = podTemplateHash(template);
    assert.match(hash, SAFE);
    assert.ok(hash.length >= 8 && hash.length <= 10, hash);
    assert.equal(podTemplateHash(reordered), hash);
    assert.notEqual(
      podTemplateHash({
        ...template,
        spec: { containers: [{ name: 'discovery', image: 'docker.io/istio/pilot:1.2.3' }] },
      }),
      hash,
    );
  });

  test('nodes get GKE-like names from one pool, distinct per node', () => {
    const names = gkeNodeNames(3, 'seed');
    assert.equal(new Set(names).size, 3);
    for (const name of names) assert.match(name, /^gke-istio-lab-default-pool-[0-9a-f]{8}-[a-z0-9]{4}$/);
    assert.equal(new Set(names.map((name) => name.split('-')[5])).size, 1);
  });

  test('node N gets the pod CIDR 10.0.N.0/24 and reports the server version', () => {
    const node = nodeObject(nodeAddressing('gke-x', 2), 2, 'v1.13.7', '2019-07-01T00:00:00Z');
    assert.deepEqual(node.spec, {
      podCIDR: '10.0.2.0/24',
      podCIDRs: ['10.0.2.0/24'],
      providerID: 'gce://istio-lab/us-central1-a/gke-x',
    });
    const status = node.status as {
      nodeInfo: { kubeletVersion: string };
      conditions: { type: string; status: string }[];
    };
    assert.equal(status.nodeInfo.kubeletVersion, 'v1.13.7');
    assert.equal(status.conditions.find((c) => c.type === 'Ready')?.status, 'True');
  });
});

describe('label selectors', () => {
  test('matchLabels and matchExpressions both have to hold; an empty selector selects nothing', () => {
    const selector = {
      matchLabels: { app: 'pilot' },
      matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }],
    };
    assert.ok(selectorMatches(selector, { app: 'pilot' }));
    assert.ok(!selectorMatches(selector, { app: 'pilot', tier: 'web' }));
    assert.ok(!selectorMatches(selector, { app: 'mixer' }));
    assert.ok(!selectorMatches({}, { app: 'pilot' }));
  });
});

const rs = (name: string, status: Record<string, number>): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name },
  spec: { replicas: status.replicas },
  status,
});

describe('deployment status', () => {
  const deployment: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'istio-pilot', generation: 2 },
    spec: { replicas: 2, progressDeadlineSeconds: 600 },
  };

  test('a rolled-out deployment is Available with NewReplicaSetAvailable', () => {
    const current = rs('istio-pilot-68f587df5d', { replicas: 2, readyReplicas: 2, availableReplicas: 2 });
    const status = deploymentStatus(deployment, current, [current], '2019-07-01T00:00:00Z');
    assert.equal(status.observedGeneration, 2);
    assert.equal(status.replicas, 2);
    assert.equal(status.updatedReplicas, 2);
    assert.equal(status.availableReplicas, 2);
    assert.equal(status.unavailableReplicas, undefined);
    const conditions = status.conditions as { type: string; status: string; reason: string; message: string }[];
    assert.deepEqual(
      conditions.map(({ type, status, reason, message }) => ({ type, status, reason, message })),
      [
        {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        },
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: 'ReplicaSet "istio-pilot-68f587df5d" has successfully progressed.',
        },
      ],
    );
  });

  test("during a rollout the old ReplicaSet's pods count, and Progressing says ReplicaSetUpdated", () => {
    const old = rs('istio-pilot-old', { replicas: 2, readyReplicas: 2, availableReplicas: 2 });
    const current = rs('istio-pilot-new', { replicas: 2 });
    const status = deploymentStatus(deployment, current, [old, current], '2019-07-01T00:00:00Z');
    assert.equal(status.replicas, 4);
    assert.equal(status.updatedReplicas, 2);
    const progressing = (status.conditions as { type: string; reason: string }[]).find((c) => c.type === 'Progressing');
    assert.equal(progressing?.reason, 'ReplicaSetUpdated');
  });

  test('a single-replica deployment without a ready pod does not have minimum availability', () => {
    const single: KubeObject = { ...deployment, spec: { replicas: 1, progressDeadlineSeconds: 600 } };
    const current = rs('istio-pilot-68f587df5d', { replicas: 1 });
    const status = deploymentStatus(single, current, [current], '2019-07-01T00:00:00Z');
    assert.equal(status.unavailableReplicas, 1);
    assert.equal((status.conditions as { type: string; status: string }[])[0].status, 'False');
  });
});

describe('endpoints', () => {
  const service = apiObject(
    'v1',
    'Service',
    { name: 'istio-pilot' },
    {
      spec: {
        ports: [
          { name: 'grpc-xds', port: 15010 },
          { name: 'http-monitoring', port: 15014, targetPort: 'monitoring' },
          { name: 'missing', port: 99, targetPort: 'nope' },
        ],
      },
    },
  );
  const pod = (name: string, ready: boolean): KubeObject =>
    podObject(
      { name, namespace: 'istio-system', uid: name },
      {
        nodeName: 'node-a',
        containers: [{ name: 'discovery', ports: [{ name: 'monitoring', containerPort: 9093, protocol: 'TCP' }] }],
      },
      { podIP: `10.0.0.${name.length}`, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
    );

  test('named targetPorts resolve against container ports; unresolvable ones are left out', () => {
    assert.deepEqual(resolvePorts(service, pod('a', true)), [
      { name: 'grpc-xds', port: 15010, protocol: 'TCP' },
      { name: 'http-monitoring', port: 9093, protocol: 'TCP' },
    ]);
  });

  test('ready pods are addresses, others notReadyAddresses', () => {
    const [subset] = endpointSubsets(service, [pod('a', true), pod('bb', false)]);
    assert.deepEqual(
      (subset.addresses as { ip: string }[]).map((a) => a.ip),
      ['10.0.0.1'],
    );
    assert.deepEqual(
      (subset.notReadyAddresses as { ip: string }[]).map((a) => a.ip),
      ['10.0.0.2'],
    );
  });
});
