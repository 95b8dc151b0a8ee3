import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { deletionOrder, planApply } from '../../../src/kube/apply/apply-plan';
import type { ObjectResult } from '../../../src/kube/apply/apply-result';
import { applyLine, countOutcomes, deleteLine, objectsByKind, resultName } from '../../../src/kube/apply/apply-result';
import { failureOf } from '../../../src/kube/apply/apply-engine';
import type { ManifestError } from '../../../src/kube/apply/manifest';
import { kubectlName, parseManifest } from '../../../src/kube/apply/manifest';

const fixtures = path.resolve(__dirname, '..', '..', 'fixtures', 'istio');
const read = (file: string) => fs.readFileSync(path.join(fixtures, file), 'utf8');
const demo122 = parseManifest(read('legacy/istio-1.2.2/istio-demo.yaml'));

test('reads the 1.2.2 demo manifest as kubectl does: 153 objects, the two Lists expanded in place', () => {
  assert.equal(demo122.length, 153);
  assert.deepEqual(
    demo122.map((object) => object.index),
    [...demo122.keys()],
  );
  const jaeger = demo122.findIndex((object) => object.name === 'jaeger-query');
  assert.deepEqual(
    demo122.slice(jaeger, jaeger + 5).map((object) => `${object.kind}/${object.name}`),
    ['Service/jaeger-query', 'Service/jaeger-collector', 'Service/jaeger-agent', 'Service/zipkin', 'Service/tracing'],
  );
});

test("survives Istio 1.1.0's trailing tabs and its missing document separator (184 objects, 57 CRDs)", () => {
  const objects = parseManifest(read('legacy/istio-1.1.0/istio-demo.yaml'));
  assert.equal(objects.length, 184);
  assert.equal(objects.filter((object) => object.kind === 'CustomResourceDefinition').length, 57);
  assert.ok(objects.some((object) => object.kind === 'Deployment' && object.apiVersion === 'extensions/v1beta1'));
});

test('names each object as kubectl prints it, line for line with the real kubectl apply of 1.2.2', () => {
  const printed = read('kubectl-apply/istio-1.2.2-demo-apply.txt')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.replace(/ (created|unchanged)$/, ''));
  assert.deepEqual(demo122.map(resultName), printed);
});

test('a legacy Deployment keeps its group in the name, as kubectl 1.13 printed it', () => {
  assert.equal(kubectlName('Deployment', 'extensions/v1beta1', 'istio-pilot'), 'deployment.extensions/istio-pilot');
  assert.equal(kubectlName('ConfigMap', 'v1', 'istio'), 'configmap/istio');
});

test('rejects a document without a kind or name, and names the file', () => {
  assert.throws(
    () => parseManifest('apiVersion: v1\nkind: ConfigMap\n', 'broken.yaml'),
    (error: ManifestError) => error.code === 'MissingField' && /broken\.yaml/.test(error.message),
  );
  assert.throws(
    () => parseManifest('a: [', 'bad.yaml'),
    (error: ManifestError) => error.code === 'InvalidYaml',
  );
});

test('custom resources wait for the CRD of their kind, created earlier in the same file', () => {
  const plan = planApply(demo122);
  const rule = plan.objects.find((planned) => planned.object.kind === 'rule' && planned.object.name === 'stdio')!;
  const crd = rule.needs.find((need) => need.reason === 'crd')!;
  assert.equal(demo122[crd.index].name, 'rules.config.istio.io');
  assert.ok(crd.index < rule.object.index);
  const destinationRules = plan.objects.filter((planned) => planned.object.kind === 'DestinationRule');
  for (const planned of destinationRules) {
    assert.ok(
      planned.needs.some(
        (need) => need.reason === 'crd' && demo122[need.index].name === 'destinationrules.networking.istio.io',
      ),
    );
  }
  assert.equal(plan.objects.filter((planned) => planned.isCrd).length, 28);
});

test('namespaced objects wait for the Namespace; cluster-scoped ones and CRDs wait for nothing', () => {
  const plan = planApply(demo122);
  for (const planned of plan.objects) {
    const waitsForNamespace = planned.needs.some((need) => need.reason === 'namespace');
    assert.equal(
      waitsForNamespace,
      planned.object.namespace === 'istio-system',
      `${planned.object.kind}/${planned.object.name}`,
    );
    if (planned.isCrd || planned.object.kind === 'ClusterRole') assert.deepEqual(planned.needs, []);
  }
});

test('a Deployment waits for the ServiceAccounts and ConfigMaps before it, not for later ones', () => {
  const plan = planApply(demo122);
  const pilot = plan.objects.find(
    (planned) => planned.object.kind === 'Deployment' && planned.object.name === 'istio-pilot',
  )!;
  const inputs = pilot.needs.filter((need) => need.reason === 'pod-input').map((need) => demo122[need.index]);
  assert.ok(inputs.some((object) => object.kind === 'ServiceAccount' && object.name === 'istio-pilot-service-account'));
  assert.ok(inputs.some((object) => object.kind === 'ConfigMap' && object.name === 'istio'));
  assert.ok(inputs.every((object) => object.index < pilot.object.index));
});

test('an uninstall deletes in reverse file order and the Namespace last', () => {
  const order = deletionOrder(demo122);
  assert.equal(order.at(-1)!.kind, 'Namespace');
  assert.equal(order[0].name, 'istio-telemetry');
  assert.equal(order[0].kind, 'DestinationRule');
  assert.equal(order.length, 153);
});

test('the dry-run preview counts objects by kind, in the order kinds first appear', () => {
  const kinds = objectsByKind(demo122);
  assert.deepEqual(kinds.slice(0, 3), [
    { kind: 'Namespace', group: '', count: 1 },
    { kind: 'CustomResourceDefinition', group: 'apiextensions.k8s.io', count: 28 },
    { kind: 'Secret', group: '', count: 1 },
  ]);
  assert.equal(kinds.find((kind) => kind.kind === 'Deployment')!.count, 12);
  assert.equal(kinds.find((kind) => kind.kind === 'Service')!.count, 16);
  assert.equal(
    kinds.reduce((sum, kind) => sum + kind.count, 0),
    153,
  );
});

const pilot = demo122.find((object) => object.kind === 'Deployment' && object.name === 'istio-pilot')!;
const result = (outcome: ObjectResult['outcome'], failure?: ObjectResult['failure']): ObjectResult => ({
  object: pilot,
  name: resultName(pilot),
  outcome,
  failure,
  at: 0,
});

test("prints created, unchanged and dry-run lines in kubectl's words", () => {
  assert.equal(applyLine(result('created'), 'istio-demo.yaml'), 'deployment.apps/istio-pilot created');
  assert.equal(applyLine(result('unchanged'), 'istio-demo.yaml'), 'deployment.apps/istio-pilot unchanged');
  assert.equal(
    applyLine(result('created'), 'istio-demo.yaml', true),
    'deployment.apps/istio-pilot created (server dry run)',
  );
});

test('prints a server error as kubectl does, keeping the Status reason', () => {
  const failure = failureOf({
    code: 403,
    body: JSON.stringify({
      kind: 'Status',
      reason: 'Forbidden',
      message:
        'deployments.apps is forbidden: User "learner" cannot create resource "deployments" in API group "apps" in the namespace "istio-system"',
    }),
  });
  assert.equal(failure.reason, 'Forbidden');
  assert.equal(
    applyLine(result('failed', failure), 'istio-demo.yaml'),
    'Error from server (Forbidden): error when creating "istio-demo.yaml": deployments.apps is forbidden: User "learner" cannot create resource "deployments" in API group "apps" in the namespace "istio-system"',
  );
  assert.equal(failureOf({ code: 503, body: 'upstream down' }).reason, 'ServiceUnavailable');
  assert.equal(failureOf(new Error('connect ECONNREFUSED 127.0.0.1:6443')).reason, 'Unreachable');
});

test('prints a kind the server does not serve as kubectl\'s "no matches for kind"', () => {
  const rule = demo122.find((object) => object.kind === 'rule')!;
  const line = applyLine(
    {
      object: rule,
      name: resultName(rule),
      outcome: 'failed',
      failure: { reason: 'NoKindMatch', message: 'no matches for kind "rule" in version "config.istio.io/v1alpha2"' },
      at: 0,
    },
    'istio-demo.yaml',
  );
  assert.equal(
    line,
    'error: resource mapping not found for name: "stdio" namespace: "istio-system" from "istio-demo.yaml": no matches for kind "rule" in version "config.istio.io/v1alpha2"',
  );
});

test('prints deletions as kubectl delete does', () => {
  assert.equal(
    deleteLine({ object: pilot, name: resultName(pilot), outcome: 'deleted', at: 0 }, 'f'),
    'deployment.apps "istio-pilot" deleted',
  );
  assert.equal(
    deleteLine({ object: pilot, name: resultName(pilot), outcome: 'absent', at: 0 }, 'f'),
    'deployment.apps "istio-pilot" not found (already gone)',
  );
});

test('counts outcomes for the summary', () => {
  assert.deepEqual(countOutcomes([result('created'), result('created'), result('unchanged')]), {
    created: 2,
    unchanged: 1,
  });
});
