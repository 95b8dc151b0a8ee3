// Conversion between versions, checked on the objects of Istio 1.2.2's istio-demo.yaml.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as yaml from 'js-yaml';
import { convertObject } from '../../../src/sandbox/apimachinery/conversion';
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';

const demo = yaml.loadAll(
  fs.readFileSync(
    path.join(__dirname, '..', '..', 'fixtures', 'istio', 'legacy', 'istio-1.2.2', 'istio-demo.yaml'),
    'utf8',
  ),
) as KubeObject[];
const find = (kind: string, name: string): KubeObject =>
  demo.find((object) => object?.kind === kind && object.metadata.name === name)!;

test('a v1beta1 CRD reads as v1 with its schema version and printer columns per version', () => {
  const crd = find('CustomResourceDefinition', 'virtualservices.networking.istio.io');
  const v1 = convertObject(crd, 'apiextensions.k8s.io/v1');
  const spec = v1.spec as {
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      additionalPrinterColumns: { jsonPath?: string; JSONPath?: string }[];
    }[];
    version?: string;
  };
  assert.equal(v1.apiVersion, 'apiextensions.k8s.io/v1');
  assert.equal(spec.version, undefined);
  assert.deepEqual(
    spec.versions.map((version) => [version.name, version.served, version.storage]),
    [['v1alpha3', true, true]],
  );
  assert.equal(spec.versions[0].additionalPrinterColumns[0].jsonPath, '.spec.gateways');
  assert.equal(spec.versions[0].additionalPrinterColumns[0].JSONPath, undefined);
  assert.equal(
    (v1.spec as { preserveUnknownFields?: boolean }).preserveUnknownFields,
    true,
    'v1beta1 keeps unknown fields unless it says otherwise',
  );
});

test('a v1beta1 CRD survives the trip through v1 storage unchanged in what it said', () => {
  for (const crd of demo.filter((object) => object?.kind === 'CustomResourceDefinition')) {
    const back = convertObject(convertObject(crd, 'apiextensions.k8s.io/v1'), 'apiextensions.k8s.io/v1beta1');
    const spec = back.spec as Record<string, unknown>;
    const original = crd.spec as Record<string, unknown>;
    for (const key of Object.keys(original))
      assert.deepEqual(spec[key], original[key], `${crd.metadata.name}: spec.${key}`);
  }
});

test("the book's autoscaling/v2beta1 HPA reads as v2 and as v1 with its 80% CPU target", () => {
  const hpa = find('HorizontalPodAutoscaler', 'istio-pilot');
  const v2 = convertObject(hpa, 'autoscaling/v2');
  assert.deepEqual((v2.spec as { metrics: unknown[] }).metrics, [
    { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
  ]);
  const v1 = convertObject(v2, 'autoscaling/v1');
  assert.equal((v1.spec as { targetCPUUtilizationPercentage: number }).targetCPUUtilizationPercentage, 80);
  assert.equal((v1.spec as { metrics?: unknown }).metrics, undefined);
  assert.deepEqual(convertObject(v2, 'autoscaling/v2beta1').spec, hpa.spec);
});

test('a legacy Ingress backend becomes a v1 service backend and back', () => {
  const ingress: KubeObject = {
    apiVersion: 'extensions/v1beta1',
    kind: 'Ingress',
    metadata: { name: 'grafana', namespace: 'istio-system' },
    spec: {
      rules: [
        {
          host: 'grafana.local',
          http: { paths: [{ path: '/', backend: { serviceName: 'grafana', servicePort: 3000 } }] },
        },
      ],
    },
  };
  const v1 = convertObject(ingress, 'networking.k8s.io/v1');
  const paths = (v1.spec as { rules: { http: { paths: unknown[] } }[] }).rules[0].http.paths;
  assert.deepEqual(paths[0], {
    path: '/',
    pathType: 'ImplementationSpecific',
    backend: { service: { name: 'grafana', port: { number: 3000 } } },
  });
  const back = convertObject(v1, 'extensions/v1beta1');
  assert.deepEqual(
    (back.spec as { rules: { http: { paths: { backend: unknown }[] } }[] }).rules[0].http.paths[0].backend,
    { serviceName: 'grafana', servicePort: 3000 },
  );
});

test('objects of kinds whose shape did not change only change apiVersion, and the input is left alone', () => {
  const deployment = find('Deployment', 'istio-pilot');
  const before = JSON.stringify(deployment);
  const v1beta2 = convertObject(deployment, 'apps/v1beta2');
  assert.equal(v1beta2.apiVersion, 'apps/v1beta2');
  assert.deepEqual(v1beta2.spec, deployment.spec);
  assert.equal(JSON.stringify(deployment), before);
});
