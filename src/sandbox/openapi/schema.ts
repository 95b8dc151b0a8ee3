// The part of an OpenAPI v3 schema the sandbox reads: structure plus Kubernetes' list/map/patch
// extensions. Schemas are the Kubernetes project's published documents, never written by hand.

export interface SchemaNode {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  allOf?: SchemaNode[];
  $ref?: string;
  required?: string[];
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  [key: string]: unknown;
}

export interface SchemaSource {
  /** The schema of a kind in a group/version; undefined when the server has none (e.g. a CRD without one). */
  schemaFor(group: string, version: string, kind: string): SchemaNode | undefined;
  /** Follows `$ref` (and a single-element `allOf` wrapping one) to the node it names; other nodes come back as they are. */
  resolve(node: SchemaNode): SchemaNode;
}
