// Pilot's legacy /v1/registration and istiod's registryz/endpointz, computed from Services and Endpoints.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';
import { gkeSeedObjects } from '../../../src/sandbox/controllers/gke-seed';
import {
  endpointz,
  legacyRegistration,
  legacyRegistrationBody,
  registryz,
} from '../../../src/sandbox/istio/pilot-registry';
import { parseImage, simulatedContainerFor } from '../../../src/sandbox/istio/simulated-containers';
import { splitSchemeNamePort } from '../../../src/sandbox/istio/service-proxy';

function svc(
  namespace: string,
  name: string,
  ports: Record<string, unknown>[],
  spec: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, creationTimestamp: '2019-07-01T00:00:00Z', resourceVersion: '7' },
    spec: { clusterIP: '10.3.240.20', ports, selector: { app: name }, ...spec },
  };
}

function eps(namespace: string, name: string, subsets: Record<string, unknown>[]): KubeObject {
  return { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace }, subsets };
}

const grafana = svc('istio-system', 'grafana', [{ name: 'http', port: 3000, targetPort: 3000, protocol: 'TCP' }]);
const injector = svc('istio-system', 'istio-sidecar-injector', [{ port: 443 }]);
const reviews = svc('nino', 'reviews', [{ name: 'http', port: 9080 }]);
const external = svc('default', 'outside', [{ name: 'http', port: 80 }], {
  type: 'ExternalName',
  externalName: 'example.com',
  clusterIP: undefined,
});
const grafanaEndpoints = eps('istio-system', 'grafana', [
  {
    addresses: [{ ip: '10.8.1.5', targetRef: { kind: 'Pod', name: 'grafana-1', namespace: 'istio-system' } }],
    notReadyAddresses: [{ ip: '10.8.1.9' }],
    ports: [{ name: 'http', port: 3000, protocol: 'TCP' }],
  },
]);
const reviewsEndpoints = eps('nino', 'reviews', [
  {
    addresses: [{ ip: '10.244.0.38' }, { ip: '10.244.0.41' }, { ip: '10.244.0.42' }],
    ports: [{ name: 'http', port: 9080 }],
  },
]);
const injectorEndpoints = eps('istio-system', 'istio-sidecar-injector', [
  { addresses: [{ ip: '10.8.2.2' }], ports: [{ port: 9443 }] },
]);

describe('Pilot legacy /v1/registration', () => {
  const input = {
    services: [reviews, grafana, external, injector],
    endpoints: [grafanaEndpoints, reviewsEndpoints, injectorEndpoints],
  };

  test('lists one entry per service port, keyed <host>|<port name>, sorted by key, with ready endpoint IPs and target ports', () => {
    assert.deepEqual(legacyRegistration(input), [
      { 'service-key': 'grafana.istio-system.svc.cluster.local|http', hosts: [{ ip_address: '10.8.1.5', port: 3000 }] },
      {
        'service-key': 'istio-sidecar-injector.istio-system.svc.cluster.local',
        hosts: [{ ip_address: '10.8.2.2', port: 9443 }],
      },
      {
        'service-key': 'reviews.nino.svc.cluster.local|http',
        hosts: [
          { ip_address: '10.244.0.38', port: 9080 },
          { ip_address: '10.244.0.41', port: 9080 },
          { ip_address: '10.244.0.42', port: 9080 },
        ],
      },
    ]);
  });

  test('keeps ports without endpoints with an empty hosts array and leaves ExternalName services out', () => {
    const entries = legacyRegistration({ services: [grafana, external], endpoints: [] });
    assert.deepEqual(entries, [{ 'service-key': 'grafana.istio-system.svc.cluster.local|http', hosts: [] }]);
  });

  test('is written the way go-restful pretty-prints: one-space prefix and indent, no trailing newline', () => {
    const body = legacyRegistrationBody({ services: [grafana], endpoints: [grafanaEndpoints] });
    assert.equal(
      body,
      '[\n  {\n   "service-key": "grafana.istio-system.svc.cluster.local|http",\n   "hosts": [\n    {\n     "ip_address": "10.8.1.5",\n     "port": 3000\n    }\n   ]\n  }\n ]',
    );
    assert.equal(legacyRegistrationBody({ services: [], endpoints: [] }), '[]');
  });

  test('lists the GKE kube-system services the book shows, such as default-http-backend|http', () => {
    const services = gkeSeedObjects().filter((o) => o.kind === 'Service');
    const keys = legacyRegistration({ services, endpoints: [] }).map((e) => e['service-key']);
    for (const key of [
      'default-http-backend.kube-system.svc.cluster.local|http',
      'heapster.kube-system.svc.cluster.local',
      'kube-dns.kube-system.svc.cluster.local|dns',
      'kube-dns.kube-system.svc.cluster.local|dns-tcp',
      'metrics-server.kube-system.svc.cluster.local',
    ]) {
      assert.ok(keys.includes(key), `${key} in ${keys.join(', ')}`);
    }
  });
});

describe('istiod debug registry shapes', () => {
  test('registryz serializes model.Service with the 1.12+ field order and sniffed protocols', () => {
    const [entry] = registryz({ services: [svc('default', 'scraper', [{ port: 8000 }])], endpoints: [] });
    assert.deepEqual(Object.keys(entry), [
      'Attributes',
      'ports',
      'creationTime',
      'hostname',
      'clusterVIPs',
      'defaultAddress',
      'Resolution',
      'MeshExternal',
      'ResourceVersion',
    ]);
    assert.deepEqual(entry.ports, [{ port: 8000, protocol: 'UnsupportedProtocol' }]);
    assert.deepEqual(entry.clusterVIPs, { Addresses: { Kubernetes: ['10.3.240.20'] } });
  });

  test('endpointz groups instances by <hostname>:<port name> with the endpoint port', () => {
    const groups = endpointz({ services: [grafana], endpoints: [grafanaEndpoints] });
    assert.equal(groups.length, 1);
    assert.equal(groups[0].svc, 'grafana.istio-system.svc.cluster.local:http');
    const endpoint = groups[0].ep[0].endpoint as Record<string, unknown>;
    assert.equal(endpoint.Address, '10.8.1.5');
    assert.equal(endpoint.EndpointPort, 3000);
  });
});

describe('simulated containers and the service proxy name', () => {
  test('finds Pilot by image with or without the docker.io registry', () => {
    assert.deepEqual(parseImage('istio/pilot:1.2.2'), { repository: 'docker.io/istio/pilot', tag: '1.2.2' });
    assert.ok(simulatedContainerFor('docker.io/istio/pilot:1.2.2'));
    assert.equal(simulatedContainerFor('grafana/grafana:6.1.6'), undefined);
  });

  test('splits [scheme:]name[:port] like the apiserver and rejects other schemes', () => {
    assert.deepEqual(splitSchemeNamePort('http:istio-pilot:8080'), {
      scheme: 'http',
      name: 'istio-pilot',
      port: '8080',
    });
    assert.deepEqual(splitSchemeNamePort('grafana'), { scheme: '', name: 'grafana', port: '' });
    assert.equal(splitSchemeNamePort('ftp:grafana:21'), undefined);
  });
});
