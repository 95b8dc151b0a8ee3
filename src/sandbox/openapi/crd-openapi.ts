// The OpenAPI v3 document of a custom resource group-version, built from its CustomResourceDefinitions
// the way apiextensions-apiserver's controller/openapi/builder does (k8s.io/apiextensions-apiserver
// v0.32): the CRD's structural schema with apiVersion, kind and metadata added and
// x-kubernetes-group-version-kind set, a list schema, and the routes of a custom resource. Shared
// types (ObjectMeta, Status, Patch, Scale, …) and parameter descriptions come from the published
// 1.32 documents in the bundle.
import type { KubeObject } from '../apimachinery/kube-object';
import { crdVersions } from '../apimachinery/resource-registry';
import type { OpenApiBundle, OpenApiDocument, SchemaTable } from './openapi-bundle';
import { CURRENT_SOURCE } from './openapi-bundle';
import type { SchemaNode } from './schema';

const REF = '#/components/schemas/';
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const LIST_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';
const STATUS = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status';
const PATCH = 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch';
const DELETE_OPTIONS = 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions';
const SCALE = 'io.k8s.api.autoscaling.v1.Scale';
/** A built-in resource whose published routes carry the same option parameters as a custom resource's. */
const TEMPLATE_COLLECTION = '/api/v1/namespaces/{namespace}/configmaps';
const TEMPLATE_ITEM = '/api/v1/namespaces/{namespace}/configmaps/{name}';

// Doc comments of metav1beta1.PartialObjectMetadata(List) and the embedded-resource fields, as the builder uses them.
const METADATA_DESCRIPTION =
  "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const LIST_METADATA_DESCRIPTION =
  'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';
const EMBEDDED_API_VERSION_DESCRIPTION =
  'apiVersion defines the versioned schema of this representation of an object. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const EMBEDDED_KIND_DESCRIPTION =
  'kind is a string value representing the type of this object. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

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

/** "networking.istio.io/v1alpha3.VirtualService" → "io.istio.networking.v1alpha3.VirtualService" (kube-openapi ToRESTFriendlyName). */
export function customResourceSchemaName(group: string, version: string, kind: string): string {
  return [group.split('.').reverse().join('.'), version, kind].join('.');
}

/** kube-openapi's ToValidOperationID. */
function operationIdPart(text: string, capitalizeFirst: boolean): string {
  let out = '';
  let capitalize = capitalizeFirst;
  [...text].forEach((char, index) => {
    if (/\p{L}/u.test(char) || char === '_' || (index !== 0 && /\d/.test(char))) {
      out += capitalize ? char.toUpperCase() : char;
      capitalize = false;
    } else {
      capitalize = true;
    }
  });
  return out;
}

function articleFor(noun: string): string {
  if (!noun.endsWith('ss') && noun.endsWith('s')) return ' ';
  return /^[aeiou]/i.test(noun) ? ' an ' : ' a ';
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

interface Templates {
  pathParameters(name: string): Record<string, unknown>[];
  operationParameters(path: string, method: string): Record<string, unknown>[];
}

function templatesFrom(bundle: OpenApiBundle): Templates {
  const core = bundle.document('api/v1');
  if (!core) throw new Error('the OpenAPI bundle has no api/v1 document');
  const item = (path: string) =>
    core.paths[path] as Record<string, { parameters?: Record<string, unknown>[] }> & {
      parameters?: Record<string, unknown>[];
    };
  return {
    pathParameters: (name) => (item(TEMPLATE_ITEM).parameters ?? []).filter((parameter) => parameter.name === name),
    operationParameters: (path, method) => item(path)[method]?.parameters ?? [],
  };
}

type Operation = Record<string, unknown>;

/** The routes the builder registers for one custom resource version (buildRoute). */
function customResourcePaths(
  resource: CustomResourceVersion,
  templates: Templates,
): Record<string, Record<string, unknown>> {
  const { group, version, kind, listKind, plural, namespaced } = resource;
  const kindRef = `${REF}${customResourceSchemaName(group, version, kind)}`;
  const listRef = `${REF}${customResourceSchemaName(group, version, listKind)}`;
  const groupPart = group.replace(/\.k8s\.io$/, '');
  const tag = `${operationIdPart(groupPart, false)}_${operationIdPart(version, false)}`;
  const gvk = { group, kind, version };
  const paramsByName = (path: string, method: string, names?: string[]) =>
    templates.operationParameters(path, method).filter((parameter) => !names || names.includes(String(parameter.name)));
  const listParameters = paramsByName(TEMPLATE_COLLECTION, 'get');
  const resourceVersionParameter = listParameters.filter((parameter) => parameter.name === 'resourceVersion');
  const content = (ref: string, types: string[]) =>
    Object.fromEntries(types.map((type) => [type, { schema: { $ref: ref } }]));
  const produces = ['application/json', 'application/yaml'];
  const response = (description: string, ref: string) => ({ description, content: content(ref, produces) });

  const operation = (
    verb: string,
    action: string,
    subresource: string | undefined,
    operationName: string,
    responseRef: string,
  ): Operation => {
    const sub = subresource ? ` ${subresource} of` : '';
    const description =
      verb === 'patch'
        ? `partially update${sub} the specified ${kind}`
        : verb === 'deletecollection'
          ? `delete collection of${sub ? `${sub} a` : ''} ${kind}`
          : verb === 'list'
            ? `list${sub} objects of kind ${kind}`
            : verb === 'read' || verb === 'replace'
              ? `${verb}${sub} the specified ${kind}`
              : `${verb}${sub}${articleFor(kind)}${kind}`;
    const prefix = [
      'get',
      'log',
      'read',
      'replace',
      'patch',
      'delete',
      'watch',
      'connect',
      'proxy',
      'list',
      'create',
    ].find((p) => operationName.startsWith(p))!;
    const operationId = `${prefix}${operationIdPart(groupPart, true)}${operationIdPart(version, true)}${operationIdPart(operationName.slice(prefix.length), true)}`;
    const responses: Record<string, unknown> = { '200': response('OK', responseRef) };
    if (action === 'post') {
      responses['201'] = response('Created', responseRef);
      responses['202'] = response('Accepted', responseRef);
    } else if (action === 'put') {
      responses['201'] = response('Created', responseRef);
    } else if (action === 'delete') {
      responses['202'] = response('Accepted', responseRef);
    }
    responses['401'] = { description: 'Unauthorized' };
    return {
      description,
      operationId,
      responses,
      tags: [tag],
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
    };
  };
  const withBody = (op: Operation, ref: string, types: string[], required = true): Operation => ({
    ...op,
    requestBody: { content: content(ref, types), ...(required ? { required: true } : {}) },
  });
  const withParameters = (op: Operation, parameters: Record<string, unknown>[]): Operation =>
    parameters.length ? { ...op, parameters } : op;
  const namespacedWord = namespaced ? 'Namespaced' : '';
  const title = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
  const patchTypes = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];
  const bodyTypes = ['application/json', 'application/yaml'];

  const paths: Record<string, Record<string, Operation>> = {};
  const add = (path: string, method: string, op: Operation) => ((paths[path] ??= {})[method] = op);
  let root = `/apis/${group}/${version}/${plural}`;
  if (namespaced) {
    add(
      root,
      'get',
      withParameters(operation('list', 'list', undefined, `list${kind}ForAllNamespaces`, listRef), listParameters),
    );
    root = `/apis/${group}/${version}/namespaces/{namespace}/${plural}`;
  }
  add(
    root,
    'get',
    withParameters(operation('list', 'list', undefined, `list${namespacedWord}${kind}`, listRef), listParameters),
  );
  add(
    root,
    'post',
    withBody(
      withParameters(
        operation('create', 'post', undefined, `create${namespacedWord}${kind}`, kindRef),
        paramsByName(TEMPLATE_COLLECTION, 'post'),
      ),
      kindRef,
      bodyTypes,
    ),
  );
  add(
    root,
    'delete',
    withParameters(
      operation(
        'deletecollection',
        'deletecollection',
        undefined,
        `deletecollection${namespacedWord}${kind}`,
        `${REF}${STATUS}`,
      ),
      listParameters,
    ),
  );
  const item = `${root}/{name}`;
  add(
    item,
    'get',
    withParameters(
      operation('read', 'get', undefined, `read${namespacedWord}${kind}`, kindRef),
      resourceVersionParameter,
    ),
  );
  add(
    item,
    'put',
    withBody(
      withParameters(
        operation('replace', 'put', undefined, `replace${namespacedWord}${kind}`, kindRef),
        paramsByName(TEMPLATE_ITEM, 'put'),
      ),
      kindRef,
      bodyTypes,
    ),
  );
  add(
    item,
    'delete',
    withBody(
      withParameters(
        operation('delete', 'delete', undefined, `delete${namespacedWord}${kind}`, `${REF}${STATUS}`),
        paramsByName(TEMPLATE_ITEM, 'delete'),
      ),
      `${REF}${DELETE_OPTIONS}`,
      bodyTypes,
      false,
    ),
  );
  add(
    item,
    'patch',
    withBody(
      withParameters(
        operation('patch', 'patch', undefined, `patch${namespacedWord}${kind}`, kindRef),
        paramsByName(TEMPLATE_ITEM, 'patch'),
      ),
      `${REF}${PATCH}`,
      patchTypes,
    ),
  );
  for (const [subresource, enabled, ref] of [
    ['status', resource.status, kindRef],
    ['scale', resource.scale, `${REF}${SCALE}`],
  ] as const) {
    if (!enabled) continue;
    const path = `${item}/${subresource}`;
    const suffix = title(subresource);
    add(
      path,
      'get',
      withParameters(
        operation('read', 'get', subresource, `read${namespacedWord}${kind}${suffix}`, ref),
        resourceVersionParameter,
      ),
    );
    add(
      path,
      'put',
      withBody(
        withParameters(
          operation('replace', 'put', subresource, `replace${namespacedWord}${kind}${suffix}`, ref),
          paramsByName(TEMPLATE_ITEM, 'put'),
        ),
        ref,
        bodyTypes,
      ),
    );
    add(
      path,
      'patch',
      withBody(
        withParameters(
          operation('patch', 'patch', subresource, `patch${namespacedWord}${kind}${suffix}`, ref),
          paramsByName(TEMPLATE_ITEM, 'patch'),
        ),
        `${REF}${PATCH}`,
        patchTypes,
      ),
    );
  }

  // Every route also takes pretty, and namespace/name where the path has them; parameters that all
  // operations of a path share are listed once on the path, as kube-openapi does.
  const result: Record<string, Record<string, unknown>> = {};
  for (const [path, operations] of Object.entries(paths)) {
    const common = [
      ...(path.includes('{name}')
        ? [{ ...templates.pathParameters('name')[0], description: `name of the ${kind}` }]
        : []),
      ...(path.includes('{namespace}') ? templates.pathParameters('namespace') : []),
      ...templates.pathParameters('pretty'),
    ];
    const methods = Object.values(operations);
    for (const parameter of (methods[0].parameters as Record<string, unknown>[] | undefined) ?? []) {
      if (
        methods.every((op) =>
          ((op.parameters as Record<string, unknown>[] | undefined) ?? []).some((p) => p.name === parameter.name),
        )
      )
        common.push(parameter);
    }
    const shared = new Set(common.map((parameter) => parameter.name));
    const item: Record<string, unknown> = {
      parameters: common.sort((a, b) => String(a.name).localeCompare(String(b.name))),
    };
    for (const [method, op] of Object.entries(operations)) {
      const own = ((op.parameters as Record<string, unknown>[] | undefined) ?? []).filter(
        (parameter) => !shared.has(parameter.name),
      );
      const rest = { ...op };
      delete rest.parameters;
      item[method] = sortKeys(own.length ? { ...rest, parameters: own } : rest);
    }
    result[path] = sortKeys(item);
  }
  return result;
}

/** Keys in the order the published documents have them (Go marshals maps sorted). */
const sortKeys = <T extends Record<string, unknown>>(value: T): T =>
  Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as T;

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

function customResourceListSchema(resource: CustomResourceVersion, shared: SchemaTable): SchemaNode {
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
