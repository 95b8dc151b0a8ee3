// The OpenAPI v3 document of a custom resource group-version, built from its CustomResourceDefinitions
// the way apiextensions-apiserver's controller/openapi/builder does (k8s.io/apiextensions-apiserver
// v0.32): the routes (crd-paths.ts) and kind and list schemas (crd-schemas.ts) of every version
// served there, with the shared types they reference (ObjectMeta, Status, Patch, Scale, …) taken
// from the published 1.32 documents in the bundle.
import type { OpenApiBundle, OpenApiDocument, SchemaTable } from './openapi-bundle';
import { CURRENT_SOURCE } from './openapi-bundle';
import type { CustomResourceVersion } from './crd-versions';
import { customResourcePaths, templatesFrom } from './crd-paths';
import { customResourceListSchema, customResourceSchema, customResourceSchemaName, REF } from './crd-schemas';

function collectRefs(value: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const item of value) collectRefs(item, into);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string' && item.startsWith(REF)) into.add(item.slice(REF.length));
      else collectRefs(item, into);
    }
  }
  return into;
}
/** The merged document of every custom resource served in one group-version. */
export function customResourceDocument(resources: CustomResourceVersion[], bundle: OpenApiBundle): OpenApiDocument {
  const shared = bundle.schemas(CURRENT_SOURCE);
  const templates = templatesFrom(bundle);
  const paths: Record<string, Record<string, unknown>> = {};
  const own: SchemaTable = {};
  for (const resource of resources) {
    Object.assign(paths, customResourcePaths(resource, templates));
    own[customResourceSchemaName(resource.group, resource.version, resource.kind)] = customResourceSchema(
      resource,
      shared,
    );
    own[customResourceSchemaName(resource.group, resource.version, resource.listKind)] = customResourceListSchema(
      resource,
      shared,
    );
  }
  const schemas: SchemaTable = {};
  const pending = [...collectRefs(paths, new Set()), ...Object.keys(own)];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (schemas[name]) continue;
    const schema = own[name] ?? shared[name];
    if (!schema) continue;
    schemas[name] = schema;
    pending.push(...collectRefs(schema, new Set()));
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes CRD Swagger', version: 'v0.1.0' },
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: { schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))) },
  };
}
