// The ingress gateway's Envoy routes through bookinfo-gateway.yaml's Gateway and VirtualService
// (the release's own file) to productpage's pod; without them it has no route.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import * as yaml from 'js-yaml';
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';
import { isGatewayTrafficPort, routeThroughGateway } from '../../../src/sandbox/istio/ingress-gateway';
import { answerFromPod } from '../../../src/sandbox/istio/simulated-containers';
import { ISTIO_1_2_2 } from './patch-fixtures';

const GATEWAY_YAML = path.join(ISTIO_1_2_2, 'samples', 'bookinfo', 'networking', 'bookinfo-gateway.yaml');
const configs = (yaml.loadAll(fs.readFileSync(GATEWAY_YAML, 'utf8')) as KubeObject[]).map((config) => ({
  ...config,
  metadata: { ...config.metadata, namespace: 'default' },
}));

const ingress: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'istio-ingressgateway-6b8d9c6d4f-x7k2p',
    namespace: 'istio-system',
    labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
  },
  spec: {
    containers: [
      {
        name: 'istio-proxy',
        image: 'docker.io/istio/proxyv2:1.2.2',
        args: ['proxy', 'router'],
        ports: [{ containerPort: 80 }, { containerPort: 443 }, { containerPort: 15020 }],
      },
    ],
  },
};
const productpage: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'productpage-v1-6d5b8c9f4d-wq2zx', namespace: 'default', labels: { app: 'productpage' } },
  spec: {
    containers: [
      { name: 'productpage', image: 'istio/examples-bookinfo-productpage-v1:1.12.0', ports: [{ containerPort: 9080 }] },
    ],
  },
  status: { phase: 'Running', podIP: '10.8.1.20' },
};
const service: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'productpage', namespace: 'default' },
  spec: { ports: [{ name: 'http', port: 9080 }] },
};
const endpoints: KubeObject = {
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: { name: 'productpage', namespace: 'default' },
  subsets: [
    {
      addresses: [
        { ip: '10.8.1.20', targetRef: { kind: 'Pod', name: productpage.metadata.name, namespace: 'default' } },
      ],
      ports: [{ name: 'http', port: 9080 }],
    },
  ],
};
const cluster = { services: [service], endpoints: [endpoints], pods: [ingress, productpage], configs };

describe("the ingress gateway's routes", () => {
  test("port 80 of a `proxy router` is a traffic port; its status port 15020 and a sidecar's ports are not", () => {
    assert.equal(isGatewayTrafficPort(ingress, 80), true);
    assert.equal(isGatewayTrafficPort(ingress, 15020), false);
    assert.equal(isGatewayTrafficPort(productpage, 9080), false);
  });

  test('/productpage (exact) and /api/v1/products/0 (prefix) go to productpage:9080; / has no route', () => {
    assert.deepEqual(routeThroughGateway(ingress, 80, '/productpage', cluster), { pod: productpage, port: 9080 });
    assert.deepEqual(routeThroughGateway(ingress, 80, '/api/v1/products/0', cluster), { pod: productpage, port: 9080 });
    assert.deepEqual(routeThroughGateway(ingress, 80, '/', cluster), { status: 404, body: '' });
    assert.deepEqual(routeThroughGateway(ingress, 443, '/productpage', cluster), { status: 404, body: '' });
  });

  test("a request on the gateway pod's port 80 answers productpage's page; without the Gateway, a 404", () => {
    const request = { method: 'GET', path: '/productpage', query: new URLSearchParams(), cluster };
    const answer = answerFromPod(ingress, 80, request)!;
    assert.equal(answer.status, 200);
    assert.match(answer.body, /<title>Simple Bookstore App<\/title>/);
    assert.equal(answerFromPod(ingress, 80, { ...request, cluster: { ...cluster, configs: [] } })!.status, 404);
  });

  test("no ready endpoint behind the route: Envoy's 503 no healthy upstream", () => {
    assert.deepEqual(routeThroughGateway(ingress, 80, '/productpage', { ...cluster, endpoints: [] }), {
      status: 503,
      body: 'no healthy upstream',
    });
  });
});
