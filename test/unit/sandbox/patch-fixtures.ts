// Real inputs for the patch and managed-fields tests: a SchemaSource over the Kubernetes v1.32
// OpenAPI excerpt in test/fixtures/kubernetes-openapi, and the book's Istio 1.2.2 manifests and CRDs;
// a PATCH of istio-pilot with them, and the Status a refused one throws.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import type { KubeObject } from '../../../src/sandbox/apimachinery/kube-object';
import type { SchemaNode, SchemaSource } from '../../../src/sandbox/openapi/schema';
import type { ResourceRequest } from '../../../src/sandbox/apimachinery/request-info';
import { resourceTypeFromCrd } from '../../../src/sandbox/apimachinery/resource-registry';
import type { ResourceType } from '../../../src/sandbox/apimachinery/resource-types';
import { BUILTIN_RESOURCE_TYPES } from '../../../src/sandbox/apimachinery/resource-types';
import { StatusError } from '../../../src/sandbox/apimachinery/status-error';
import { updateManagedFields } from '../../../src/sandbox/patch/managed-fields';
import { patchObject } from '../../../src/sandbox/patch/patch-request';

const excerptFile = path.resolve(__dirname, '..', '..', 'fixtures', 'kubernetes-openapi', 'v1.32-excerpt.json');

export function kubernetesSchemas(): SchemaSource {
  const schemas = (
    JSON.parse(fs.readFileSync(excerptFile, 'utf8')) as { components: { schemas: Record<string, SchemaNode> } }
  ).components.schemas;
  const byKind = new Map<string, SchemaNode>();
  for (const schema of Object.values(schemas)) {
    for (const gvk of (schema['x-kubernetes-group-version-kind'] as
      { group: string; version: string; kind: string }[] | undefined) ?? []) {
      byKind.set(`${gvk.group}/${gvk.version}/${gvk.kind}`, schema);
    }
  }
  const resolve = (node: SchemaNode): SchemaNode => {
    const ref = node.$ref ?? (node.allOf?.length === 1 ? node.allOf[0].$ref : undefined);
    return ref ? (schemas[ref.replace('#/components/schemas/', '')] ?? node) : node;
  };
  return { schemaFor: (group, version, kind) => byKind.get(`${group}/${version}/${kind}`), resolve };
}

/** The book's Istio release as test/fixtures keeps it. */
export const ISTIO_1_2_2 = path.resolve(__dirname, '..', '..', 'fixtures', 'istio', 'legacy', 'istio-1.2.2');

const istioDemo = path.join(ISTIO_1_2_2, 'istio-demo.yaml');

/** A manifest from the book's istio-demo.yaml (Istio 1.2.2), by kind and name. */
export function istioDemoObject(kind: string, name: string): KubeObject {
  const documents = yaml.loadAll(fs.readFileSync(istioDemo, 'utf8')) as KubeObject[];
  const found = documents.find((doc) => doc?.kind === kind && doc.metadata?.name === name);
  if (!found) throw new Error(`${kind} ${name} is not in istio-demo.yaml`);
  return found;
}

const istioCrds = path.join(ISTIO_1_2_2, 'crds', 'crd-10.yaml');

/** The ResourceType the sandbox serves for one of Istio 1.2.2's CRDs (schema-less, v1beta1). */
export function istioCrdType(name: string): ResourceType {
  const crds = yaml.loadAll(fs.readFileSync(istioCrds, 'utf8')) as KubeObject[];
  const crd = crds.find((doc) => doc?.metadata?.name === name);
  const type = crd && resourceTypeFromCrd(crd);
  if (!type) throw new Error(`no CRD ${name} in crd-10.yaml`);
  return type;
}

/** A built-in ResourceType by group and kind. */
export function builtinType(group: string, kind: string): ResourceType {
  const type = BUILTIN_RESOURCE_TYPES.find((t) => t.group === group && t.kind === kind);
  if (!type) throw new Error(`no built-in ${group}/${kind}`);
  return type;
}

/** The request a PATCH to one object makes. */
export function patchRequest(
  type: ResourceType,
  version: string,
  namespace: string | undefined,
  name: string,
  subresource?: string,
): ResourceRequest {
  return { group: type.group, version, type, namespace, name, subresource, rest: [], verb: 'patch' };
}

let schemas: SchemaSource | undefined;

/** PATCH istio-system/istio-pilot, a Deployment, with the v1.32 schemas, as the handler would. */
export function patchPilot(current: KubeObject, contentType: string, body: unknown): KubeObject {
  schemas ??= kubernetesSchemas();
  return patchObject({
    contentType,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    current,
    request: patchRequest(builtinType('apps', 'Deployment'), 'v1', 'istio-system', 'istio-pilot'),
    force: false,
    now: new Date('2024-05-01T10:00:00Z'),
    schemas,
  });
}

/** The scope of managed-fields and apply calls on istio-pilot, with the v1.32 schemas. */
export function pilotScope() {
  schemas ??= kubernetesSchemas();
  return { schemas, group: 'apps', version: 'v1', kind: 'Deployment', hasStatusSubresource: true };
}

/** `hour` o'clock (UTC) on 2024-05-01, the day the managed-fields tests write on. */
export const at = (hour: number): Date => new Date(Date.UTC(2024, 4, 1, hour));

/** An Update of istio-pilot by `manager` at `hour` o'clock: `next` with its managedFields. */
export function updatePilot(
  hour: number,
  previous: KubeObject | undefined,
  next: KubeObject,
  manager: string,
): KubeObject {
  return updateManagedFields({ ...pilotScope(), now: at(hour), previous, next, manager });
}

type LooseStatus = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The Status of the StatusError `fn` throws (loosely typed, for asserts); fails when it throws none. */
export function statusOf(fn: () => unknown): LooseStatus {
  try {
    fn();
  } catch (error) {
    if (error instanceof StatusError) return error.toStatus();
    throw error;
  }
  assert.fail('expected a StatusError');
}
