// The sandbox's OpenAPI judged by the real kubectl (v1.32 on the machine): explain from /openapi/v3,
// schema validation without --validate=false (server-side, with the real unknown-field errors and
// warnings), `kind: List` documents validated on the client from /openapi/v2, and custom resources.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import * as yaml from 'js-yaml';
import type { KubeObject } from '../../src/sandbox/apimachinery/kube-object';
import { fixtures } from './kubectl';
import { deploymentYaml } from './manifests';
import { useKubectlSandbox } from './suite-sandbox';

const deployment = (name: string, replicasKey: string): string =>
  deploymentYaml({ name, namespace: 'default', image: 'nginx:1.17', replicas: 2, replicasKey });

const modernDemo = (
  yaml.loadAll(fs.readFileSync(path.join(fixtures, 'modern', 'istio-1.26.1', 'demo.yaml'), 'utf8')) as KubeObject[]
).filter(Boolean);
const virtualServiceCrd = modernDemo.find(
  (object) =>
    object.kind === 'CustomResourceDefinition' && object.metadata.name === 'virtualservices.networking.istio.io',
)!;

describe('OpenAPI, as kubectl sees it', () => {
  const cluster = useKubectlSandbox();
  /** `kubectl create -f -` of {@link deployment}, with `flags` (`--validate=…`) added. */
  const createDeployment = (name: string, replicasKey: string, ...flags: string[]) =>
    cluster.kubectl(['create', ...flags, '-f', '-'], { stdin: deployment(name, replicasKey) });

  test('kubectl explain deployment.spec prints the field documentation of Kubernetes 1.32', async () => {
    const { code, stdout, stderr } = await cluster.kubectl(['explain', 'deployment.spec']);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^GROUP:\s+apps\nKIND:\s+Deployment\nVERSION:\s+v1\n/);
    assert.match(stdout, /FIELD: spec <DeploymentSpec>/);
    assert.match(
      stdout,
      /replicas\t<integer>\n\s+Number of desired pods\. This is a pointer to distinguish between explicit\n\s+zero and not specified\. Defaults to 1\./,
    );
    assert.match(stdout, /selector\t<LabelSelector> -required-/);
  });

  test('kubectl explain reads legacy group-versions too', async () => {
    const { code, stdout, stderr } = await cluster.kubectl([
      'explain',
      'deployments.spec.rollbackTo',
      '--api-version=extensions/v1beta1',
    ]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /GROUP:\s+extensions\nKIND:\s+Deployment\nVERSION:\s+v1beta1/);
    assert.match(stdout, /FIELD: rollbackTo <RollbackConfig>/);
  });

  test("kubectl create -f rejects a misspelled field with the API server's strict decoding error", async () => {
    const { code, stdout, stderr } = await createDeployment('misspelled', 'replica');
    assert.notEqual(code, 0);
    assert.equal(stdout, '');
    assert.equal(
      stderr,
      'Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"\n',
    );
    const gone = await cluster.kubectl(['get', 'deployment', 'misspelled', '-n', 'default']);
    assert.notEqual(gone.code, 0, 'nothing was created');
  });

  test('with --validate=false the same manifest is created and the unknown field dropped', async () => {
    const { code, stdout, stderr } = await createDeployment('unvalidated', 'replica', '--validate=false');
    assert.equal(code, 0, stderr);
    assert.equal(stdout, 'deployment.apps/unvalidated created\n');
    assert.equal(stderr, '');
    const stored = await cluster.kubectl(['get', 'deployment', 'unvalidated', '-n', 'default', '-o', 'json']);
    assert.equal((JSON.parse(stored.stdout) as { spec: Record<string, unknown> }).spec.replica, undefined);
  });

  test("with --validate=warn it is created and kubectl prints the server's warning", async () => {
    const { code, stdout, stderr } = await createDeployment('warned', 'replica', '--validate=warn');
    assert.equal(code, 0, stderr);
    assert.equal(stdout, 'deployment.apps/warned created\n');
    assert.equal(stderr, 'Warning: unknown field "spec.replica"\n');
  });

  test('a correct manifest validates and is created', async () => {
    const { code, stdout, stderr } = await createDeployment('correct', 'replicas');
    assert.equal(code, 0, stderr);
    assert.equal(stdout, 'deployment.apps/correct created\n');
    assert.equal(stderr, '');
  });

  test('kind: List documents are validated by kubectl itself against /openapi/v2', async () => {
    const list = (portsField: string) =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name: `listed-${portsField}`, namespace: 'default' },
            spec: { [portsField]: [{ port: 80 }] },
          },
        ],
      });
    const rejected = await cluster.kubectl(['create', '-f', '-'], { stdin: list('portz') });
    assert.notEqual(rejected.code, 0);
    assert.equal(
      rejected.stderr,
      'error: error validating "STDIN": error validating data: ValidationError(Service.spec): unknown field "portz" in io.k8s.api.core.v1.ServiceSpec; if you choose to ignore these errors, turn validation off with --validate=false\n',
    );
    const accepted = await cluster.kubectl(['create', '-f', '-'], { stdin: list('ports') });
    assert.equal(accepted.code, 0, accepted.stderr);
    assert.equal(accepted.stdout, 'service/listed-ports created\n');
  });
});

describe('an Istio 1.26 CRD (apiextensions.k8s.io/v1), on a 1.32 sandbox', () => {
  // apiextensions.k8s.io/v1 came in 1.16: the default 1.13 sandbox does not serve it.
  const cluster = useKubectlSandbox({ kubeVersion: 'v1.32.0' });

  test("kubectl explain shows an Istio CRD's schema once the CRD is created", async () => {
    const created = await cluster.kubectl(['create', '-f', '-'], { stdin: JSON.stringify(virtualServiceCrd) });
    assert.equal(created.code, 0, created.stderr);
    const { code, stdout, stderr } = await cluster.kubectl([
      'explain',
      'virtualservices.spec.http.route',
      '--api-version=networking.istio.io/v1',
    ]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^GROUP:\s+networking\.istio\.io\nKIND:\s+VirtualService\nVERSION:\s+v1\n/);
    assert.match(stdout, /FIELD: route <\[\]Object>/);
    assert.match(
      stdout,
      /destination\t<Object> -required-\n\s+Destination uniquely identifies the instances of a service/,
    );
    assert.match(stdout, /weight\t<integer>/);
  });

  test('a misspelled field of a custom resource gets the same strict decoding error', async () => {
    const virtualService = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'reviews', namespace: 'default' },
      spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' }, wieght: 100 }] }] },
    };
    const rejected = await cluster.kubectl(['create', '-f', '-'], { stdin: JSON.stringify(virtualService) });
    assert.notEqual(rejected.code, 0);
    assert.equal(
      rejected.stderr,
      'Error from server (BadRequest): error when creating "STDIN": VirtualService in version "v1" cannot be handled as a VirtualService: strict decoding error: unknown field "spec.http[0].route[0].wieght"\n',
    );
  });
});

describe("the book's istio-demo.yaml, validated", () => {
  const cluster = useKubectlSandbox();

  test('kubectl create -f without --validate=false gets what it gets with it: on a cold cache only the custom resources fail', async () => {
    // The file has two `kind: List` documents, which kubectl validates itself from /openapi/v2.
    const demo = path.join(fixtures, 'legacy', 'istio-1.2.2', 'istio-demo.yaml');
    const cold = await cluster.kubectl(['create', '-f', demo]);
    assert.notEqual(cold.code, 0);
    assert.equal(cold.stdout.split('\n').filter((line) => line.endsWith(' created')).length, 127);
    assert.doesNotMatch(cold.stderr, /validat/);
    assert.equal(cold.stderr.split('\n').filter((line) => /no matches for kind/.test(line)).length, 26, cold.stderr);
  });
});
