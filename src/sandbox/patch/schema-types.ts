// How server-side apply sees a kind's schema: the atoms structured-merge-diff derives from the
// OpenAPI document (kube-openapi's schemaconv) — maps granular or atomic, lists atomic, sets or
// associative by keys — plus the Go zero values a typed object always carries.
import type { SchemaNode, SchemaSource } from '../openapi/schema';

export type ListRelationship = 'atomic' | 'associative';
export type MapRelationship = 'atomic' | 'separable';

/** A reference to a type: a schema node, or one of SMD's two untyped catch-alls. */
export interface TypeRef {
  readonly node?: SchemaNode;
  readonly named?: 'deduced' | 'untyped';
  /** A field-level `x-kubernetes-map-type` overriding the referenced type's. */
  readonly relationship?: MapRelationship;
  /** `x-kubernetes-preserve-unknown-fields` seen on an enclosing inline schema. */
  readonly preserveUnknown?: boolean;
}

export interface FieldType {
  readonly type: TypeRef;
  readonly default?: unknown;
  readonly required: boolean;
}

export interface ListAtom {
  readonly relationship: ListRelationship;
  readonly keys: readonly string[];
  readonly element: TypeRef;
}

export interface MapAtom {
  readonly relationship: MapRelationship;
  readonly fields: ReadonlyMap<string, FieldType>;
  /** Type of keys that are not named fields; undefined when unknown fields are not allowed. */
  readonly element?: TypeRef;
}

export type ScalarKind = 'numeric' | 'string' | 'boolean' | 'untyped';

export interface Atom {
  readonly scalar?: ScalarKind;
  readonly list?: ListAtom;
  readonly map?: MapAtom;
}

export const DEDUCED: TypeRef = { named: 'deduced' };
export const UNTYPED: TypeRef = { named: 'untyped' };

const UNTYPED_ATOM: Atom = {
  scalar: 'untyped',
  list: { relationship: 'atomic', keys: [], element: UNTYPED },
  map: { relationship: 'atomic', fields: new Map(), element: UNTYPED },
};

const DEDUCED_ATOM: Atom = {
  scalar: 'untyped',
  list: { relationship: 'atomic', keys: [], element: UNTYPED },
  map: { relationship: 'separable', fields: new Map(), element: DEDUCED },
};

// Named types SMD treats specially (schemaconv's quantityResource and rawExtensionResource).
const UNTYPED_SCALAR_REFS = ['io.k8s.apimachinery.pkg.api.resource.Quantity'];
const UNTYPED_REFS = ['io.k8s.apimachinery.pkg.runtime.RawExtension'];

function refName(node: SchemaNode): string | undefined {
  const ref = node.$ref ?? (node.allOf?.length === 1 ? node.allOf[0].$ref : undefined);
  return ref?.split('/').pop();
}

/** Resolves schema nodes to SMD atoms, caching per node. */
export class TypeResolver {
  private readonly cache = new WeakMap<SchemaNode, Map<string, Atom>>();

  constructor(readonly schemas: SchemaSource) {}

  /** The TypeRef a property (or items / additionalProperties) schema stands for. */
  refFor(node: SchemaNode, preserveUnknown = false): TypeRef {
    const name = refName(node);
    if (name !== undefined) {
      if (UNTYPED_REFS.includes(name)) return UNTYPED;
      const relationship = mapRelationship(node);
      return { node: this.schemas.resolve(node), relationship, preserveUnknown: false };
    }
    return { node, preserveUnknown };
  }

  resolve(ref: TypeRef): Atom {
    if (ref.named === 'untyped') return UNTYPED_ATOM;
    const node = ref.node;
    if (ref.named === 'deduced' || !node) return DEDUCED_ATOM;
    const cacheKey = `${ref.relationship ?? ''}|${ref.preserveUnknown ? 1 : 0}`;
    let perNode = this.cache.get(node);
    const cached = perNode?.get(cacheKey);
    if (cached) return cached;
    let atom = this.parse(node, ref.preserveUnknown ?? false);
    if (ref.relationship && atom.map) atom = { ...atom, map: { ...atom.map, relationship: ref.relationship } };
    if (!perNode) this.cache.set(node, (perNode = new Map()));
    perNode.set(cacheKey, atom);
    return atom;
  }

  private parse(raw: SchemaNode, inheritedPreserve: boolean): Atom {
    const name = refName(raw);
    if (name !== undefined && UNTYPED_SCALAR_REFS.includes(name)) return { scalar: 'untyped' };
    const node = this.schemas.resolve(raw);
    const preserve = inheritedPreserve || node['x-kubernetes-preserve-unknown-fields'] === true;
    if (node['x-kubernetes-int-or-string'] === true) return { scalar: 'untyped' };
    switch (node.type ?? '') {
      case '':
        return { scalar: 'untyped', list: this.parseList(node, preserve), map: this.parseObject(node, preserve) };
      case 'object':
        return { map: this.parseObject(node, preserve) };
      case 'array':
        return { list: this.parseList(node, preserve) };
      case 'integer':
      case 'number':
        return { scalar: 'numeric' };
      case 'boolean':
        return { scalar: 'boolean' };
      case 'string':
        return {
          scalar: node.format === undefined || node.format === '' || node.format === 'byte' ? 'string' : 'untyped',
        };
      default:
        return { scalar: 'untyped' };
    }
  }

  private parseObject(node: SchemaNode, preserve: boolean): MapAtom {
    const required = new Set(node.required ?? []);
    const fields = new Map<string, FieldType>();
    for (const [name, member] of Object.entries(node.properties ?? {})) {
      fields.set(name, { type: this.refFor(member, preserve), default: member.default, required: required.has(name) });
    }
    let element: TypeRef | undefined;
    const additional = node.additionalProperties;
    if (additional === undefined || additional === false) {
      element = additional === undefined && (preserve || fields.size === 0) ? DEDUCED : undefined;
    } else if (additional === true) {
      element = DEDUCED;
    } else {
      element = this.refFor(additional, preserve);
    }
    return { relationship: mapRelationship(node) ?? 'separable', fields, element };
  }

  private parseList(node: SchemaNode, preserve: boolean): ListAtom {
    const element = node.items ? this.refFor(node.items, preserve) : UNTYPED;
    const listType = node['x-kubernetes-list-type'];
    if (listType !== undefined) {
      if (listType === 'set') return { relationship: 'associative', keys: [], element };
      if (listType === 'map')
        return { relationship: 'associative', keys: node['x-kubernetes-list-map-keys'] ?? [], element };
      return { relationship: 'atomic', keys: [], element };
    }
    const strategy = node['x-kubernetes-patch-strategy'];
    if (strategy === 'merge' || strategy === 'merge,retainKeys') {
      const key = node['x-kubernetes-patch-merge-key'];
      return { relationship: 'associative', keys: key ? [key] : [], element };
    }
    return { relationship: 'atomic', keys: [], element };
  }

  /** The root type of a kind; custom resources without a schema are deduced, with ObjectMeta for metadata. */
  rootType(group: string, version: string, kind: string): TypeRef {
    const node = this.schemas.schemaFor(group, version, kind);
    const objectMeta = this.objectMetaRef();
    if (!node) {
      return objectMeta
        ? {
            node: {
              type: 'object',
              properties: { metadata: objectMeta },
              'x-kubernetes-preserve-unknown-fields': true,
            },
          }
        : DEDUCED;
    }
    const resolved = this.schemas.resolve(node);
    const metadata = resolved.properties?.metadata;
    const metadataAtom = metadata ? this.resolve(this.refFor(metadata)) : undefined;
    if (objectMeta && (!metadataAtom?.map || !metadataAtom.map.fields.has('managedFields'))) {
      // A CRD's own schema says only `metadata: {type: object}`; the server types it as ObjectMeta.
      return { node: { ...resolved, properties: { ...resolved.properties, metadata: objectMeta } } };
    }
    return { node: resolved };
  }

  private objectMetaRef(): SchemaNode | undefined {
    const carrier = this.schemas.schemaFor('', 'v1', 'ConfigMap');
    return carrier ? this.schemas.resolve(carrier).properties?.metadata : undefined;
  }
}

function mapRelationship(node: SchemaNode): MapRelationship | undefined {
  const value = node['x-kubernetes-map-type'];
  return value === 'atomic' ? 'atomic' : value === 'granular' ? 'separable' : undefined;
}

type Json = Record<string, unknown>;

const isMap = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The value as a Go typed object would serialise it: non-pointer structs as `{}`, required
 * pointers and slices as null, scalar zero values and declared defaults filled in. Used so that
 * field sets compare the way the real server's typed objects do.
 */
export function withZeroValues(value: unknown, ref: TypeRef, types: TypeResolver): unknown {
  const atom = types.resolve(ref);
  if (Array.isArray(value)) {
    if (!atom.list) return value;
    return value.map((item) => withZeroValues(item, atom.list!.element, types));
  }
  if (!isMap(value) || !atom.map || ref.named) return value;
  const out: Json = { ...value };
  for (const [name, field] of atom.map.fields) {
    if (out[name] === undefined) {
      if (field.default !== undefined) out[name] = structuredClone(field.default);
      else if (field.required && !field.type.named && types.resolve(field.type).scalar === undefined) out[name] = null;
    }
  }
  for (const [name, child] of Object.entries(out)) {
    const type = atom.map.fields.get(name)?.type ?? atom.map.element;
    if (type) out[name] = withZeroValues(child, type, types);
  }
  return out;
}
