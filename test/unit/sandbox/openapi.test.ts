// The sandbox's OpenAPI: the served documents and their HTTP caching, custom resources from CRDs,
// the schemas the patch engines read, /openapi/v2 as gnostic protobuf, and server-side field
// validation with the messages a real API server answers.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as yaml from 'js-yaml';
import * as protobuf from 'protobufjs';
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';
import { OpenApiBundle } from '../../../src/sandbox/openapi/openapi-bundle';
import { WITHOUT_DOCUMENT } from '../../../src/sandbox/openapi/served-documents';
import type { FieldError } from '../../../src/sandbox/openapi';
import { OpenApiService, warningHeader } from '../../../src/sandbox/openapi';
import { ResourceRegistry, resourceTypeFromCrd } from '../../../src/sandbox/apimachinery/resource-registry';
import { BUILTIN_RESOURCE_TYPES, groupVersion } from '../../../src/sandbox/apimachinery/resource-types';
import { statusError } from './status-error-assert';

const fixtures = path.join(__dirname, '..', '..', 'fixtures', 'istio');
const modernDemo = (
  yaml.loadAll(fs.readFileSync(path.join(fixtures, 'modern', 'istio-1.26.1', 'demo.yaml'), 'utf8')) as KubeObject[]
).filter(Boolean);
const legacyDemo = (
  yaml.loadAll(fs.readFileSync(path.join(fixtures, 'legacy', 'istio-1.2.2', 'istio-demo.yaml'), 'utf8')) as KubeObject[]
).filter(Boolean);
const crdNamed = (objects: KubeObject[], name: string): KubeObject =>
  structuredClone(objects.find((o) => o.kind === 'CustomResourceDefinition' && o.metadata.name === name)!);

/** A registry and CRD list as the API server keeps them: what is created is served. */
function cluster(): { service: OpenApiService; addCrd(crd: KubeObject): KubeObject; removeCrd(name: string): void } {
  const registry = new ResourceRegistry();
  const crds = new Map<string, KubeObject>();
  let resourceVersion = 100;
  const service = new OpenApiService(registry, () => [...crds.values()]);
  return {
    service,
    addCrd(crd) {
      const stored = {
        ...crd,
        metadata: { ...crd.metadata, uid: `uid-${crd.metadata.name}`, resourceVersion: String(++resourceVersion) },
      };
      crds.set(crd.metadata.name!, stored);
      registry.setCustom(crd.metadata.name!, resourceTypeFromCrd(stored));
      return stored;
    },
    removeCrd(name) {
      crds.delete(name);
      registry.setCustom(name, undefined);
    },
  };
}

const deployment = (spec: Record<string, unknown>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
    ...spec,
  },
});

describe('the OpenAPI documents over HTTP', () => {
  const { service, addCrd } = cluster();
  let base = '';
  let server: http.Server;
  before(async () => {
    server = http.createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://sandbox');
      if (!service.serve(url, request.headers.accept, response, request.headers['if-none-match']))
        response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('the /openapi/v3 index lists every served group-version with a hash URL, and nothing else', async () => {
    const response = await fetch(`${base}/openapi/v3`);
    assert.equal(response.status, 200);
    const index = (await response.json()) as { paths: Record<string, { serverRelativeURL: string }> };
    const served = new Set(
      BUILTIN_RESOURCE_TYPES.flatMap((type) =>
        type.versions.map((version) => (type.group ? `apis/${groupVersion(type.group, version)}` : `api/${version}`)),
      ),
    );
    for (const key of WITHOUT_DOCUMENT) served.delete(key);
    assert.deepEqual(Object.keys(index.paths).sort(), [...served].sort());
    assert.match(index.paths['apis/apps/v1'].serverRelativeURL, /^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
  });

  test('a group-version document carries its SHA-512 ETag, and immutable caching when fetched by hash', async () => {
    const index = (await (await fetch(`${base}/openapi/v3`)).json()) as {
      paths: Record<string, { serverRelativeURL: string }>;
    };
    const url = index.paths['apis/apps/v1'].serverRelativeURL;
    const hash = new URL(url, base).searchParams.get('hash')!;
    const byHash = await fetch(`${base}${url}`, { headers: { accept: 'application/json' } });
    assert.equal(byHash.status, 200);
    assert.equal(byHash.headers.get('etag'), `"${hash}"`);
    assert.equal(byHash.headers.get('cache-control'), 'public, immutable');
    assert.equal(byHash.headers.get('content-type'), 'application/json');
    const document = (await byHash.json()) as { openapi: string; components: { schemas: Record<string, unknown> } };
    assert.equal(document.openapi, '3.0.0');
    assert.ok(document.components.schemas['io.k8s.api.apps.v1.Deployment']);

    const plain = await fetch(`${base}/openapi/v3/apis/apps/v1`);
    assert.equal(plain.headers.get('cache-control'), null);
    const notModified = await fetch(`${base}/openapi/v3/apis/apps/v1`, { headers: { 'if-none-match': `"${hash}"` } });
    assert.equal(notModified.status, 304);
    const stale = await fetch(`${base}/openapi/v3/apis/apps/v1?hash=0123`, { redirect: 'manual' });
    assert.equal(stale.status, 301);
    assert.equal(stale.headers.get('location'), url);
    assert.equal((await fetch(`${base}/openapi/v3/apis/nothing.example.com/v1`)).status, 404);
  });

  test('a CRD appears in the index under a new hash, with its schema wrapped as apiextensions publishes it', async () => {
    const before = (await (await fetch(`${base}/openapi/v3`)).json()) as {
      paths: Record<string, { serverRelativeURL: string }>;
    };
    assert.equal(before.paths['apis/networking.istio.io/v1'], undefined);
    addCrd(crdNamed(modernDemo, 'virtualservices.networking.istio.io'));
    const index = (await (await fetch(`${base}/openapi/v3`)).json()) as {
      paths: Record<string, { serverRelativeURL: string }>;
    };
    for (const version of ['v1', 'v1alpha3', 'v1beta1'])
      assert.ok(index.paths[`apis/networking.istio.io/${version}`], version);
    const document = (await (
      await fetch(`${base}${index.paths['apis/networking.istio.io/v1'].serverRelativeURL}`)
    ).json()) as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
      components: { schemas: Record<string, Record<string, unknown> & { properties: Record<string, unknown> }> };
    };
    const schema = document.components.schemas['io.istio.networking.v1.VirtualService'];
    assert.deepEqual(schema['x-kubernetes-group-version-kind'], [
      { group: 'networking.istio.io', kind: 'VirtualService', version: 'v1' },
    ]);
    assert.deepEqual(Object.keys(schema.properties).sort(), ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    assert.deepEqual(schema.properties.metadata, {
      allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }],
      description:
        "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
    });
    assert.ok(document.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
    const patch = document.paths['/apis/networking.istio.io/v1/namespaces/{namespace}/virtualservices/{name}'].patch;
    assert.equal(patch.operationId, 'patchNetworkingIstioIoV1NamespacedVirtualService');
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], {
      group: 'networking.istio.io',
      kind: 'VirtualService',
      version: 'v1',
    });
    assert.ok((patch.parameters as { name: string }[]).some((parameter) => parameter.name === 'fieldValidation'));
    assert.deepEqual(Object.keys((patch.requestBody as { content: object }).content), [
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/apply-patch+yaml',
    ]);
    assert.notEqual(index.paths['apis/apps/v1'].serverRelativeURL, undefined);
  });

  test("/openapi/v2 answers client-go's protobuf request with a gnostic Document kubectl can read", async () => {
    const response = await fetch(`${base}/openapi/v2`, {
      headers: { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    assert.match(response.headers.get('etag') ?? '', /^"[0-9A-F]{128}"$/);
    const type = protobuf.Root.fromJSON(new OpenApiBundle().openApiV2Descriptor).lookupType('openapi.v2.Document');
    const document = type.toObject(type.decode(new Uint8Array(await response.arrayBuffer()))) as {
      swagger: string;
      definitions: {
        additional_properties: {
          name: string;
          value: { vendor_extension?: { name: string; value: { yaml: string } }[]; properties?: unknown };
        }[];
      };
    };
    assert.equal(document.swagger, '2.0');
    const service = document.definitions.additional_properties.find(
      (definition) => definition.name === 'io.k8s.api.core.v1.Service',
    )!;
    const gvk = service.value.vendor_extension!.find(
      (extension) => extension.name === 'x-kubernetes-group-version-kind',
    )!;
    assert.deepEqual(JSON.parse(gvk.value.yaml), [{ group: '', kind: 'Service', version: 'v1' }]);
    const intOrString = await fetch(`${base}/openapi/v2`, { headers: { accept: 'application/json' } });
    const swagger = (await intOrString.json()) as { definitions: Record<string, unknown> };
    assert.deepEqual(swagger.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'], {
      description: (swagger.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'] as { description: string })
        .description,
      format: 'int-or-string',
      type: 'string',
    });
  });
});

describe('the schemas the patch engines read', () => {
  const { service } = cluster();
  const { schemaFor, resolve } = service.schemaSource;

  test('pod containers merge by name, as strategic merge patch and apply need', () => {
    const spec = resolve(schemaFor('', 'v1', 'Pod')!.properties!.spec);
    const containers = spec.properties!.containers;
    assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
    assert.equal(containers['x-kubernetes-patch-strategy'], 'merge');
    assert.equal(containers['x-kubernetes-list-type'], 'map');
    assert.deepEqual(containers['x-kubernetes-list-map-keys'], ['name']);
    assert.ok(resolve(containers.items!).properties!.image);
  });

  test('legacy group-versions have the schemas of the release that last published them', () => {
    const spec = resolve(schemaFor('extensions', 'v1beta1', 'Deployment')!.properties!.spec);
    assert.ok(spec.properties!.rollbackTo, 'extensions/v1beta1 DeploymentSpec still has rollbackTo');
    assert.ok(schemaFor('apps', 'v1beta1', 'StatefulSet'));
    assert.ok(schemaFor('apiextensions.k8s.io', 'v1beta1', 'CustomResourceDefinition'));
    assert.ok(schemaFor('policy', 'v1beta1', 'PodDisruptionBudget'));
    assert.equal(schemaFor('apps', 'v1', 'NoSuchKind'), undefined);
  });
});

describe('server-side field validation', () => {
  const { service, addCrd } = cluster();
  const brief = (errors: FieldError[]) => errors.map(({ type, path }) => ({ type, path }));

  test('misspelled Deployment fields are found in document order, with the paths the server prints', () => {
    const body = deployment({ replica: 2 });
    (body.spec.template.spec.containers[0] as Record<string, unknown>).imagePullPolice = 'Always';
    // In document order: the template comes before the misspelled replica count in this body.
    assert.deepEqual(brief(service.fieldErrors(JSON.stringify(body), 'apps', 'v1', 'Deployment')), [
      { type: 'unknown', path: 'spec.template.spec.containers[0].imagePullPolice' },
      { type: 'unknown', path: 'spec.replica' },
    ]);
    assert.deepEqual(service.fieldErrors(JSON.stringify(deployment({ replicas: 2 })), 'apps', 'v1', 'Deployment'), []);
  });

  test('duplicate fields in the raw body are reported in document order with unknown ones', () => {
    const text =
      '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","labels":{"x":"1","x":"2"}},"data":{"k":"v"},"datum":1,"data":{}}';
    assert.deepEqual(brief(service.fieldErrors(text, '', 'v1', 'ConfigMap')), [
      { type: 'duplicate', path: 'metadata.labels.x' },
      { type: 'unknown', path: 'datum' },
      { type: 'duplicate', path: 'data' },
    ]);
  });

  test('Strict answers 400 with the message of a real API server, Warn returns the warnings, Ignore nothing', () => {
    const request = { group: 'apps', version: 'v1', type: { kind: 'Deployment' } };
    const body = JSON.stringify(deployment({ replica: 2 }));
    const admit = (query: string, verb: 'create' | 'update' = 'create') =>
      service.admitWrite(request, body, new URLSearchParams(query), verb);
    assert.throws(
      () => admit('fieldValidation=Strict'),
      statusError(
        400,
        'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"',
        'BadRequest',
      ),
    );
    assert.deepEqual(admit('fieldValidation=Warn', 'update').warnings, ['unknown field "spec.replica"']);
    assert.deepEqual(admit('').warnings, ['unknown field "spec.replica"'], 'Warn is the default');
    assert.deepEqual(admit('fieldValidation=Ignore').warnings, []);
    assert.equal(warningHeader('unknown field "spec.replica"'), '299 - "unknown field \\"spec.replica\\""');
    assert.throws(
      () => admit('fieldValidation=strict'),
      statusError(
        422,
        'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "strict": supported values: "", "Ignore", "Strict", "Warn"',
      ),
    );
  });

  test('what is stored has the unknown fields dropped, as decoding on a real server drops them', () => {
    const request = { group: 'apps', version: 'v1', type: { kind: 'Deployment' } };
    const body = JSON.stringify(deployment({ replica: 2, replicas: 3 }));
    for (const query of ['fieldValidation=Warn', 'fieldValidation=Ignore']) {
      const admitted = JSON.parse(service.admitWrite(request, body, new URLSearchParams(query), 'create').body) as {
        spec: Record<string, unknown>;
      };
      assert.equal(admitted.spec.replica, undefined, query);
      assert.equal(admitted.spec.replicas, 3, query);
    }
    const clean = JSON.stringify(deployment({ replicas: 3 }));
    assert.equal(
      service.admitWrite(request, clean, new URLSearchParams(), 'create').body,
      clean,
      'a clean body passes as it came',
    );
  });

  test('custom resources report duplicates, then pruned fields sorted, then unknown metadata', () => {
    addCrd(crdNamed(modernDemo, 'virtualservices.networking.istio.io'));
    const text = JSON.stringify({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'reviews', namespace: 'default', labelz: {} },
      spec: { http: [{ route: [{ destination: { host: 'reviews' }, wieght: 100 }] }], hosts: ['reviews'], gatways: [] },
    }).replace('"hosts":["reviews"]', '"hosts":["reviews"],"hosts":["ratings"]');
    assert.deepEqual(brief(service.fieldErrors(text, 'networking.istio.io', 'v1', 'VirtualService')), [
      { type: 'duplicate', path: 'spec.hosts' },
      { type: 'unknown', path: 'spec.gatways' },
      { type: 'unknown', path: 'spec.http[0].route[0].wieght' },
      { type: 'unknown', path: 'metadata.labelz' },
    ]);
    const status = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'r' },
      status: { anything: { goes: true } },
    };
    assert.deepEqual(
      service.fieldErrors(status, 'networking.istio.io', 'v1', 'VirtualService'),
      [],
      'status preserves unknown fields',
    );
  });

  test('a CRD without a schema, as Istio 1.2 shipped them, prunes nothing', () => {
    addCrd(crdNamed(legacyDemo, 'rules.config.istio.io'));
    const rule = {
      apiVersion: 'config.istio.io/v1alpha2',
      kind: 'rule',
      metadata: { name: 'r' },
      spec: { anything: 1 },
      extra: true,
    };
    assert.deepEqual(service.fieldErrors(rule, 'config.istio.io', 'v1alpha2', 'rule'), []);
  });
});
