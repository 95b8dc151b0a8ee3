// The served versions of a CustomResourceDefinition, with what the OpenAPI builder and the field
// pruner need of each, and whether a version's schema is structural (k8s.io/apiextensions-apiserver
// v0.32 pkg/apiserver/schema: only structural schemas are published and prune).
import type { KubeObject } from '../apimachinery/kube-object';
import { crdVersions } from '../apimachinery/resource-registry';
import type { SchemaNode } from './schema';

export interface CustomResourceVersion {
  readonly crd: KubeObject;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly listKind: string;
  readonly plural: string;
  readonly namespaced: boolean;
  /** The CRD's openAPIV3Schema for this version, when it has one. */
  readonly schema?: SchemaNode;
  /** Whether the schema is structural; only structural schemas are published and prune. */
  readonly structural: boolean;
  /** apiextensions' spec.preserveUnknownFields: nothing is pruned (the v1beta1 default). */
  readonly preserveUnknownFields: boolean;
  readonly status: boolean;
  readonly scale: boolean;
}

/** The served versions of a CRD, with what the OpenAPI builder and the field pruner need of each. */
export function customResourceVersions(crd: KubeObject): CustomResourceVersion[] {
  const spec = (crd.spec ?? {}) as Record<string, unknown>;
  const names = (spec.names ?? {}) as Record<string, unknown>;
  if (typeof spec.group !== 'string' || typeof names.kind !== 'string' || typeof names.plural !== 'string') return [];
  const preserveUnknownFields =
    typeof spec.preserveUnknownFields === 'boolean'
      ? spec.preserveUnknownFields
      : crd.apiVersion === 'apiextensions.k8s.io/v1beta1';
  return crdVersions(crd)
    .filter((version) => version.served !== false)
    .map((version) => {
      const schema = (version.schema as { openAPIV3Schema?: SchemaNode } | undefined)?.openAPIV3Schema;
      return {
        crd,
        group: spec.group as string,
        version: version.name,
        kind: names.kind as string,
        listKind: typeof names.listKind === 'string' ? names.listKind : `${names.kind as string}List`,
        plural: names.plural as string,
        namespaced: spec.scope !== 'Cluster',
        schema,
        structural: schema !== undefined && isStructural(schema, true),
        preserveUnknownFields,
        status: Boolean(version.subresources?.status),
        scale: Boolean(version.subresources?.scale),
      };
    });
}

/**
 * Whether a schema is structural, in the parts that decide publishing and pruning: every node
 * says its type (unless it is int-or-string or preserves unknown fields), arrays say their items,
 * objects do not have both properties and additionalProperties, and the logical junctors
 * (allOf, anyOf, oneOf, not) only add value validations.
 */
export function isStructural(node: SchemaNode, isRoot = false): boolean {
  if (typeof node !== 'object' || node === null) return false;
  const typeless = node['x-kubernetes-int-or-string'] === true || node['x-kubernetes-preserve-unknown-fields'] === true;
  if (!node.type && !typeless) return false;
  if (isRoot && node.type !== 'object') return false;
  if (node.type === 'array' && !node.items) return false;
  if (node.properties && node.additionalProperties !== undefined && node.additionalProperties !== false) return false;
  for (const junctor of ['allOf', 'anyOf', 'oneOf'] as const) {
    const branches = node[junctor] as SchemaNode[] | undefined;
    if (!branches) continue;
    // int-or-string may spell its two types out: anyOf: [{type: integer}, {type: string}] (also inside allOf).
    if (node['x-kubernetes-int-or-string'] === true && junctor !== 'oneOf' && branches.every(isIntOrStringBranch))
      continue;
    if (!branches.every(isValueValidation)) return false;
  }
  if (node.not && !isValueValidation(node.not as SchemaNode)) return false;
  for (const property of Object.values(node.properties ?? {})) if (!isStructural(property)) return false;
  if (node.items && !isStructural(node.items)) return false;
  if (typeof node.additionalProperties === 'object' && !isStructural(node.additionalProperties)) return false;
  return true;
}

function isIntOrStringBranch(node: SchemaNode): boolean {
  const keys = Object.keys(node);
  if (keys.length === 1 && keys[0] === 'type') return node.type === 'integer' || node.type === 'string';
  return (
    keys.length === 1 &&
    keys[0] === 'anyOf' &&
    ((node.anyOf as SchemaNode[] | undefined) ?? []).every(isIntOrStringBranch)
  );
}

function isValueValidation(node: SchemaNode): boolean {
  if (typeof node !== 'object' || node === null) return false;
  const forbidden = ['type', 'additionalProperties', 'description', 'default', 'nullable', 'title'];
  if (forbidden.some((key) => key in node) || Object.keys(node).some((key) => key.startsWith('x-kubernetes-')))
    return false;
  for (const property of Object.values(node.properties ?? {})) if (!isValueValidation(property)) return false;
  return node.items === undefined || isValueValidation(node.items);
}
