// The component schemas of a custom resource version, as apiextensions-apiserver's
// controller/openapi/builder makes them (k8s.io/apiextensions-apiserver v0.32): the CRD's structural
// schema with apiVersion, kind and metadata added and x-kubernetes-group-version-kind set (v3, and
// the v2 form kubectl's parser takes), and the list schema. TypeMeta's properties come from the
// published 1.32 documents in the bundle.
import type { SchemaTable } from './openapi-bundle';
import type { SchemaNode } from './schema';
import type { CustomResourceVersion } from './crd-versions';

export const REF = '#/components/schemas/';
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const LIST_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';

// Doc comments of metav1beta1.PartialObjectMetadata(List) and the embedded-resource fields, as the builder uses them.
const METADATA_DESCRIPTION =
  "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const LIST_METADATA_DESCRIPTION =
  'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';
const EMBEDDED_API_VERSION_DESCRIPTION =
  'apiVersion defines the versioned schema of this representation of an object. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const EMBEDDED_KIND_DESCRIPTION =
  'kind is a string value representing the type of this object. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';
/** "networking.istio.io/v1alpha3.VirtualService" → "io.istio.networking.v1alpha3.VirtualService" (kube-openapi ToRESTFriendlyName). */
export function customResourceSchemaName(group: string, version: string, kind: string): string {
  return [group.split('.').reverse().join('.'), version, kind].join('.');
}

/** The node a custom resource's OpenAPI schema starts from: x-kubernetes-int-or-string unfolded as the builder's Unfold does. */
function unfold(node: SchemaNode): SchemaNode {
  const out: SchemaNode = { ...node };
  if (node.properties)
    out.properties = Object.fromEntries(Object.entries(node.properties).map(([name, child]) => [name, unfold(child)]));
  if (node.items) out.items = unfold(node.items);
  if (typeof node.additionalProperties === 'object') out.additionalProperties = unfold(node.additionalProperties);
  if (node['x-kubernetes-int-or-string'] === true && !node.anyOf && !node.allOf) {
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  return out;
}

const refTo = (name: string, description?: string): SchemaNode => ({
  allOf: [{ $ref: `${REF}${name}` }],
  ...(description ? { description } : {}),
});

/** Adds apiVersion, kind and metadata to embedded resources (x-kubernetes-embedded-resource). */
function addEmbeddedProperties(node: SchemaNode, typeMeta: Record<string, SchemaNode>, v2 = false): SchemaNode {
  const out: SchemaNode = { ...node };
  if (node.properties)
    out.properties = Object.fromEntries(
      Object.entries(node.properties).map(([name, child]) => [name, addEmbeddedProperties(child, typeMeta, v2)]),
    );
  if (node.items) out.items = addEmbeddedProperties(node.items, typeMeta, v2);
  if (typeof node.additionalProperties === 'object')
    out.additionalProperties = addEmbeddedProperties(node.additionalProperties, typeMeta, v2);
  // In v2, fields under x-kubernetes-preserve-unknown-fields stay unlisted: kubectl would refuse the unknown ones.
  if (v2 && node['x-kubernetes-preserve-unknown-fields'] === true) return out;
  if (node['x-kubernetes-embedded-resource'] === true) {
    out.properties = {
      ...out.properties,
      apiVersion: { ...typeMeta.apiVersion, description: EMBEDDED_API_VERSION_DESCRIPTION },
      kind: { ...typeMeta.kind, description: EMBEDDED_KIND_DESCRIPTION },
      metadata: refTo(OBJECT_META, METADATA_DESCRIPTION),
    };
    const required = new Set(out.required ?? []);
    out.required = [...(out.required ?? []), ...['kind', 'apiVersion'].filter((name) => !required.has(name))];
  }
  return out;
}
/** The kind schema of a custom resource version as the builder publishes it (buildKubeNative). */
export function customResourceSchema(resource: CustomResourceVersion, shared: SchemaTable): SchemaNode {
  const gvk = [{ group: resource.group, kind: resource.kind, version: resource.version }];
  if (!resource.schema || !resource.structural) return { type: 'object', 'x-kubernetes-group-version-kind': gvk };
  const typeMeta = typeMetaProperties(shared);
  return kindSchema(addEmbeddedProperties(unfold(resource.schema), typeMeta), typeMeta, gvk);
}

/** The root of a kind's schema: its own properties with the built-in apiVersion, kind and metadata. */
function kindSchema(schema: SchemaNode, typeMeta: Record<'apiVersion' | 'kind', SchemaNode>, gvk: unknown): SchemaNode {
  return {
    ...schema,
    properties: {
      ...schema.properties,
      apiVersion: typeMeta.apiVersion,
      kind: typeMeta.kind,
      metadata: refTo(OBJECT_META, METADATA_DESCRIPTION),
    },
    'x-kubernetes-group-version-kind': gvk,
  };
}

/**
 * The kind schema as the v2 builder publishes it: no schema (just `type: object`) when unknown
 * fields are kept, else the structural schema with what kubectl's v2 parser cannot take removed
 * (apiextensions' ToStructuralOpenAPIV2).
 */
export function customResourceSchemaV2(resource: CustomResourceVersion, shared: SchemaTable): SchemaNode {
  const gvk = [{ group: resource.group, kind: resource.kind, version: resource.version }];
  const root = resource.schema;
  if (
    !root ||
    !resource.structural ||
    resource.preserveUnknownFields ||
    root['x-kubernetes-preserve-unknown-fields'] === true
  ) {
    return { type: 'object', 'x-kubernetes-group-version-kind': gvk };
  }
  const typeMeta = typeMetaProperties(shared);
  return kindSchema(addEmbeddedProperties(toStructuralV2(root), typeMeta, true), typeMeta, gvk);
}

function toStructuralV2(node: SchemaNode): SchemaNode {
  const out: SchemaNode = { ...node };
  delete out.allOf;
  delete out.oneOf;
  delete out.anyOf;
  delete out.not;
  if (out.nullable) {
    delete out.type;
    delete out.nullable;
    delete out.items;
    delete out.properties;
  }
  const preserves = out['x-kubernetes-preserve-unknown-fields'] === true;
  if (preserves) {
    delete out.items;
    delete out.properties;
  }
  if (!out.items && out.type === 'array') delete out.type;
  if (preserves && out.type === 'object') delete out.type;
  if (out.properties) {
    const nullable = Object.entries(out.properties)
      .filter(([, child]) => child.nullable === true)
      .map(([name]) => name);
    if (out.required && nullable.length) out.required = out.required.filter((name) => !nullable.includes(name));
    if (out.required?.length === 0) delete out.required;
    out.properties = Object.fromEntries(
      Object.entries(out.properties).map(([name, child]) => [name, toStructuralV2(child)]),
    );
  }
  if (typeof out.additionalProperties === 'object') {
    if (out.additionalProperties.nullable === true) delete out.required;
    out.additionalProperties = toStructuralV2(out.additionalProperties);
  }
  if (out.items) out.items = toStructuralV2(out.items);
  return out;
}

/** apiVersion and kind as TypeMeta describes them (every built-in kind carries the same two properties). */
function typeMetaProperties(shared: SchemaTable): Record<'apiVersion' | 'kind', SchemaNode> {
  const sample = shared['io.k8s.api.core.v1.ConfigMap'];
  return { apiVersion: sample.properties!.apiVersion, kind: sample.properties!.kind };
}

export function customResourceListSchema(resource: CustomResourceVersion, shared: SchemaTable): SchemaNode {
  const typeMeta = typeMetaProperties(shared);
  return {
    description: `${resource.listKind} is a list of ${resource.kind}`,
    properties: {
      apiVersion: typeMeta.apiVersion,
      items: {
        description: `List of ${resource.plural}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`,
        items: { $ref: `${REF}${customResourceSchemaName(resource.group, resource.version, resource.kind)}` },
        type: 'array',
      },
      kind: typeMeta.kind,
      metadata: refTo(LIST_META, LIST_METADATA_DESCRIPTION),
    },
    required: ['items'],
    type: 'object',
    'x-kubernetes-group-version-kind': [{ group: resource.group, kind: resource.listKind, version: resource.version }],
  };
}
