// The routes of a custom resource version in its group-version's OpenAPI v3 document, as
// apiextensions-apiserver's controller/openapi/builder registers them (buildRoute,
// k8s.io/apiextensions-apiserver v0.32), with operation ids as kube-openapi makes them. Parameter
// descriptions and shared types (Status, Patch, DeleteOptions, Scale) come from the published 1.32
// documents in the bundle.
import type { OpenApiBundle } from './openapi-bundle';
import type { CustomResourceVersion } from './crd-versions';
import { customResourceSchemaName, REF } from './crd-schemas';

const STATUS = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status';
const PATCH = 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch';
const DELETE_OPTIONS = 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions';
const SCALE = 'io.k8s.api.autoscaling.v1.Scale';
/** A built-in resource whose published routes carry the same option parameters as a custom resource's. */
const TEMPLATE_COLLECTION = '/api/v1/namespaces/{namespace}/configmaps';
const TEMPLATE_ITEM = '/api/v1/namespaces/{namespace}/configmaps/{name}';
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
export interface Templates {
  pathParameters(name: string): Record<string, unknown>[];
  operationParameters(path: string, method: string): Record<string, unknown>[];
}

export function templatesFrom(bundle: OpenApiBundle): Templates {
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
export function customResourcePaths(
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
