#!/usr/bin/env node
// Build-time step: gathers the Kubernetes project's published OpenAPI documents for every
// group-version the sandbox serves and writes them, brotli-compressed, into
// src/sandbox/openapi/data/kubernetes-openapi.ts. Nothing here writes a schema by hand:
//
// - Current group-versions: kubernetes/kubernetes `api/openapi-spec/v3/*_openapi.json` of
//   release-1.32 (v1.32.0), as kept verbatim in kubernetes-sigs/kubectl-validate
//   (pkg/openapiclient/builtins/1.32, downloaded from that branch by its download-builtin-schemas).
// - Legacy group-versions that 1.32 no longer has, from the newest release that still published them:
//   * as OpenAPI v3 where that release had v3 documents (policy/v1beta1, autoscaling/v2beta1: release-1.24,
//     from kubectl-validate's builtins/1.24);
//   * otherwise from the v1.17.1 `api/openapi-spec/swagger.json` definitions (extensions/v1beta1,
//     apps/v1beta1, apps/v1beta2, apiextensions.k8s.io/v1beta1, admissionregistration.k8s.io/v1beta1
//     webhooks, rbac.authorization.k8s.io/v1beta1), as kept in kubernetes-sigs/kustomize
//     (kyaml/openapi/swagger.json, definitions only), converted here from Swagger 2.0 to OpenAPI v3 the
//     way kube-openapi's v3 builder shapes them. Their paths are the 1.32 paths of the same resource
//     in its successor group-version (apps/v1 for apps/v1beta1 deployments, networking.k8s.io/v1 for
//     extensions/v1beta1 ingresses, …) with group, version and schema names changed: paths are what
//     the serving apiserver generates, and the sandbox serves these legacy versions the way a 1.32
//     server serves its own (fieldValidation, server-side apply).
//
// Only the group-versions and resources the sandbox serves are kept (src/sandbox/apimachinery/resource-types.ts),
// and each document keeps the schemas its paths reach, as the real builder does.
//
// /openapi/v2 is served as gnostic protobuf (what client-go asks for); the bundle carries the
// openapi.v2 message definitions of google/gnostic-models (the version client-go 1.32 uses) as a
// protobufjs JSON descriptor.
//
//   node --import tsx scripts/openapi/build-openapi-data.mjs \
//     --kubectl-validate <git dir> --kustomize <git dir> --gnostic-models <git dir>
//
// The sources are git directories (bare clones or `<clone>/.git`), all three required; files are
// read at pinned commits with `git show`, nothing is checked out. `--help` says the same.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseScriptArgs } from '../lib/script-args.mjs';
import zlib from 'node:zlib';
import protobuf from 'protobufjs';
import { BUILTIN_RESOURCE_TYPES, STORAGE_ALIASES } from '../../src/sandbox/apimachinery/resource-types.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const output = path.join(root, 'src', 'sandbox', 'openapi', 'data', 'kubernetes-openapi.ts');

const USAGE = `
Writes src/sandbox/openapi/data/kubernetes-openapi.ts from the Kubernetes project's OpenAPI documents.

  node --import tsx scripts/openapi/build-openapi-data.mjs \\
    --kubectl-validate <git dir> --kustomize <git dir> --gnostic-models <git dir>

Each source is a git directory (a bare clone, or <clone>/.git), read with git show at a pinned commit:
  --kubectl-validate  https://github.com/kubernetes-sigs/kubectl-validate (OpenAPI v3 of 1.32 and 1.24)
  --kustomize         https://github.com/kubernetes-sigs/kustomize (v1.17.1 swagger.json)
  --gnostic-models    https://github.com/google/gnostic-models (tag v0.6.8, openapi.v2 messages)
  -h, --help          this text
`;
const options = parseScriptArgs(USAGE, {
  'kubectl-validate': { type: 'string', required: true },
  kustomize: { type: 'string', required: true },
  'gnostic-models': { type: 'string', required: true },
});

/** Where each source document comes from; the README in the data folder repeats this. */
const SOURCES = {
  'v1.32.0': {
    gitDir: options['kubectl-validate'],
    commit: '231e3efa7409321bb60dc20ef766be3fc59a9759',
    file: (key) => `pkg/openapiclient/builtins/1.32/${key}.json`,
  },
  'v1.24.17': {
    gitDir: options['kubectl-validate'],
    commit: '9431c46daf3fdcbdcc480134767eafdd990f8fc5',
    file: (key) => `pkg/openapiclient/builtins/1.24/${key}.json`,
  },
  'v1.17.1': {
    gitDir: options.kustomize,
    commit: '9631b6cc1af55d7f34185afe83a4a7ec53b861b4',
    file: () => 'kyaml/openapi/swagger.json',
  },
};
const NATIVE_V3 = ['v1.32.0', 'v1.24.17'];
/** github.com/google/gnostic-models as required by k8s.io/client-go v0.32. */
const GNOSTIC = { gitDir: options['gnostic-models'], tag: 'v0.6.8', file: 'openapiv2/OpenAPIv2.proto' };
const SWAGGER = 'v1.17.1';

function gitShow(source, file) {
  const { gitDir, commit } = SOURCES[source];
  try {
    return execFileSync('git', ['--git-dir', gitDir, 'show', `${commit}:${file}`], {
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).toString('utf8');
  } catch {
    return undefined;
  }
}

const docKey = (group, version) => (group ? `apis/${group}/${version}` : `api/${version}`);
const schemaPrefix = '#/components/schemas/';

// ── what the sandbox serves ─────────────────────────────────────────────────────────────────

/** "apis/apps/v1" → the resource types served there. */
const served = new Map();
for (const type of BUILTIN_RESOURCE_TYPES) {
  for (const version of type.versions) {
    const key = docKey(type.group, version);
    served.set(key, [...(served.get(key) ?? []), type]);
  }
}

/**
 * What a path of a group-version document addresses: its resource and subresource, or the
 * group-version root ("/apis/apps/v1/"). Watch paths count for their resource.
 */
function pathTarget(pathName, key) {
  const prefix = `/${key}/`;
  if (!pathName.startsWith(prefix)) return undefined;
  let rest = pathName.slice(prefix.length).split('/').filter(Boolean);
  if (rest.length === 0) return { root: true };
  if (rest[0] === 'watch') rest = rest.slice(1);
  if (rest[0] === 'namespaces' && rest[1] === '{namespace}' && rest.length > 2) rest = rest.slice(2);
  return { resource: rest[0], subresource: rest[2] };
}

function isServedPath(pathName, key, types) {
  const target = pathTarget(pathName, key);
  if (!target) return false;
  if (target.root) return true;
  const type = types.find((t) => t.resource === target.resource);
  if (!type) return false;
  return target.subresource === undefined || type.subresources.includes(target.subresource);
}

// ── schema closure ──────────────────────────────────────────────────────────────────────────

function collectRefs(value, into) {
  if (Array.isArray(value)) {
    for (const item of value) collectRefs(item, into);
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string' && item.startsWith(schemaPrefix))
        into.add(item.slice(schemaPrefix.length));
      else collectRefs(item, into);
    }
  }
  return into;
}

/** Names of the schemas the paths reach, directly or through other schemas. */
function closure(paths, schemas, where) {
  const names = new Set();
  const pending = [...collectRefs(paths, new Set())];
  while (pending.length > 0) {
    const name = pending.pop();
    if (names.has(name)) continue;
    const schema = schemas[name];
    if (!schema) throw new Error(`${where}: schema ${name} is referenced but not defined`);
    names.add(name);
    pending.push(...collectRefs(schema, new Set()));
  }
  return [...names].sort();
}

// ── Swagger 2.0 definitions → OpenAPI v3 schemas ────────────────────────────────────────────

/**
 * The differences kube-openapi's v3 builder makes for the same Go types: references live under
 * components/schemas, a reference with sibling keywords is wrapped in allOf (JSON Schema ignores
 * siblings of $ref), and the two types with OpenAPIV3OneOfTypes become oneOf.
 */
function toV3Schema(node) {
  if (Array.isArray(node)) return node.map(toV3Schema);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref') out.$ref = String(value).replace('#/definitions/', schemaPrefix);
    else if (key === 'properties' || key === 'patternProperties' || key === 'definitions') {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, toV3Schema(schema)]));
    } else if (key.startsWith('x-') || key === 'enum' || key === 'required' || key === 'example' || key === 'default')
      out[key] = value;
    else out[key] = toV3Schema(value);
  }
  if (out.$ref && Object.keys(out).length > 1) {
    const { $ref, ...siblings } = out;
    return { allOf: [{ $ref }], ...siblings };
  }
  return out;
}

const ONE_OF_TYPES = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': [{ type: 'integer' }, { type: 'string' }],
  'io.k8s.apimachinery.pkg.api.resource.Quantity': [{ type: 'string' }, { type: 'number' }],
};

function swaggerDefinitionsToV3(definitions) {
  const schemas = {};
  for (const [name, definition] of Object.entries(definitions)) {
    const schema = toV3Schema(definition);
    if (ONE_OF_TYPES[name]) {
      delete schema.type;
      schema.oneOf = ONE_OF_TYPES[name];
    }
    schemas[name] = schema;
  }
  return schemas;
}

// ── legacy paths from the successor group-version ───────────────────────────────────────────

/** The name Kubernetes gives a group in operation ids: "rbac.authorization.k8s.io" → "RbacAuthorization". */
function groupFriendlyName(group) {
  if (!group) return 'Core';
  return group
    .replace(/\.k8s\.io$/, '')
    .split('.')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
const operationToken = (group, version) =>
  `${groupFriendlyName(group)}${version.charAt(0).toUpperCase()}${version.slice(1)}`;
const tagToken = (group, version) => {
  const name = groupFriendlyName(group);
  return `${name.charAt(0).toLowerCase()}${name.slice(1)}_${version}`;
};

/** The Go package part of a schema name: "io.k8s.api.apps.v1.Deployment" → "io.k8s.api.apps.v1". */
const schemaPackage = (name) => name.slice(0, name.lastIndexOf('.'));

/** The schema package of a group-version in the Swagger definitions: the one its kinds carry. */
function packageOf(schemas, group, version) {
  for (const [name, schema] of Object.entries(schemas)) {
    const gvks = schema['x-kubernetes-group-version-kind'] ?? [];
    if (gvks.some((gvk) => gvk.group === group && gvk.version === version)) return schemaPackage(name);
  }
  throw new Error(`no schema carries ${group}/${version}`);
}

/**
 * Rewrites the paths of `resource` in the successor document (`from`) into the legacy
 * group-version (`to`): URLs, operation ids, tags, x-kubernetes-group-version-kind, and the
 * schema references of the successor's package into the legacy package.
 */
function legacyPaths(successorDoc, from, to, resource, legacySchemas) {
  const fromKey = docKey(from.group, from.version);
  const toKey = docKey(to.group, to.version);
  const fromPackage = packageOf(successorDoc.components.schemas, from.group, from.version);
  const toPackage = packageOf(legacySchemas, to.group, to.version);
  const rewrite = (value) => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (!value || typeof value !== 'object') return value;
    const out = {};
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string' && item.startsWith(`${schemaPrefix}${fromPackage}.`)) {
        const name = `${toPackage}.${item.slice(schemaPrefix.length + fromPackage.length + 1)}`;
        if (!legacySchemas[name]) throw new Error(`${toKey} ${resource}: no legacy schema ${name}`);
        out.$ref = `${schemaPrefix}${name}`;
      } else if (key === 'operationId') {
        out.operationId = String(item).replace(
          operationToken(from.group, from.version),
          operationToken(to.group, to.version),
        );
      } else if (key === 'tags') {
        out.tags = item.map((tag) =>
          tag === tagToken(from.group, from.version) ? tagToken(to.group, to.version) : tag,
        );
      } else if (
        key === 'x-kubernetes-group-version-kind' &&
        item.group === from.group &&
        item.version === from.version
      ) {
        out[key] = { ...item, group: to.group, version: to.version };
      } else out[key] = rewrite(item);
    }
    return out;
  };
  const paths = {};
  for (const [pathName, item] of Object.entries(successorDoc.paths)) {
    const target = pathTarget(pathName, fromKey);
    if (!target || target.root || target.resource !== resource) continue;
    paths[`/${toKey}/${pathName.slice(fromKey.length + 2)}`] = rewrite(item);
  }
  const rootPath = `/${fromKey}/`;
  return { paths, root: successorDoc.paths[rootPath] ? rewrite(successorDoc.paths[rootPath]) : undefined };
}

/** The group-version whose 1.32 paths a legacy resource borrows: the served version of its storage group. */
function successorOf(type) {
  const alias = STORAGE_ALIASES[`${type.group}/${type.resource}`];
  const group = alias ? alias.slice(0, alias.indexOf('/')) : type.group;
  const successor = BUILTIN_RESOURCE_TYPES.find(
    (t) => t.group === group && t.resource === type.resource && t.versions.includes('v1'),
  );
  if (!successor) throw new Error(`no v1 successor for ${type.group}/${type.resource}`);
  return { group, version: 'v1' };
}

// ── assemble ────────────────────────────────────────────────────────────────────────────────

const nativeDocs = {};
function nativeDoc(source, key) {
  nativeDocs[source] ??= {};
  if (!(key in nativeDocs[source])) {
    const text = gitShow(source, SOURCES[source].file(key));
    nativeDocs[source][key] = text ? JSON.parse(text) : undefined;
  }
  return nativeDocs[source][key];
}

const swagger = JSON.parse(gitShow(SWAGGER, SOURCES[SWAGGER].file()));
const legacySchemas = swaggerDefinitionsToV3(swagger.definitions);

const bundle = { sources: {}, groupVersions: {}, securitySchemes: undefined };
const usedSchemas = {};

for (const [key, types] of [...served].sort(([a], [b]) => a.localeCompare(b))) {
  const resources = types.map((type) => type.resource);
  let entry;
  for (const source of NATIVE_V3) {
    const doc = nativeDoc(source, key);
    if (!doc) continue;
    const missing = resources.filter(
      (resource) => !Object.keys(doc.paths).some((p) => pathTarget(p, key)?.resource === resource),
    );
    if (missing.length > 0) continue;
    bundle.securitySchemes ??= doc.components.securitySchemes;
    const paths = Object.fromEntries(Object.entries(doc.paths).filter(([p]) => isServedPath(p, key, types)));
    entry = { source, paths, schemas: closure(paths, doc.components.schemas, key) };
    usedSchemas[source] ??= {};
    for (const name of entry.schemas) usedSchemas[source][name] = doc.components.schemas[name];
    break;
  }
  if (!entry) {
    const [group, version] = key.startsWith('api/') ? ['', key.slice(4)] : key.slice(5).split('/');
    let paths = {};
    let rootItem;
    for (const type of types) {
      const from = successorOf(type);
      const successorDoc = nativeDoc('v1.32.0', docKey(from.group, from.version));
      const borrowed = legacyPaths(successorDoc, from, { group, version }, type.resource, legacySchemas);
      paths = {
        ...paths,
        ...Object.fromEntries(Object.entries(borrowed.paths).filter(([p]) => isServedPath(p, key, types))),
      };
      rootItem ??= borrowed.root;
    }
    if (rootItem) paths = { [`/${key}/`]: rootItem, ...paths };
    entry = { source: SWAGGER, paths, schemas: closure(paths, legacySchemas, key) };
    usedSchemas[SWAGGER] ??= {};
    for (const name of entry.schemas) usedSchemas[SWAGGER][name] = legacySchemas[name];
  }
  bundle.groupVersions[key] = entry;
}

for (const [source, schemas] of Object.entries(usedSchemas)) {
  bundle.sources[source] = {
    repository: SOURCES[source].gitDir.includes('kustomize')
      ? 'kubernetes-sigs/kustomize'
      : 'kubernetes-sigs/kubectl-validate',
    commit: SOURCES[source].commit,
    schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))),
  };
}

// The gnostic openapi.v2 messages (with google.protobuf.Any, which they import), field names as in the .proto.
const gnosticCommit = execFileSync('git', ['--git-dir', GNOSTIC.gitDir, 'rev-parse', `${GNOSTIC.tag}^{commit}`])
  .toString()
  .trim();
const gnosticRoot = new protobuf.Root();
protobuf.parse(
  execFileSync('git', ['--git-dir', GNOSTIC.gitDir, 'show', `${GNOSTIC.tag}:${GNOSTIC.file}`]).toString('utf8'),
  gnosticRoot,
  { keepCase: true },
);
gnosticRoot.addJSON(protobuf.common.get('google/protobuf/any.proto').nested);
gnosticRoot.resolveAll();
bundle.openApiV2Descriptor = {
  repository: 'google/gnostic-models',
  tag: GNOSTIC.tag,
  commit: gnosticCommit,
  descriptor: gnosticRoot.toJSON(),
};

const json = JSON.stringify(bundle);
const compressed = zlib.brotliCompressSync(Buffer.from(json), {
  params: {
    [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
    [zlib.constants.BROTLI_PARAM_LGWIN]: 24,
    [zlib.constants.BROTLI_PARAM_SIZE_HINT]: json.length,
  },
});
const base64 = compressed.toString('base64');
fs.mkdirSync(path.dirname(output), { recursive: true });
fs.writeFileSync(
  output,
  [
    '// Generated by scripts/openapi/build-openapi-data.mjs — do not edit. See README.md in this folder.',
    `// Kubernetes OpenAPI documents (Apache-2.0): ${Object.entries(bundle.sources)
      .map(([source, info]) => `${source} via ${info.repository}@${info.commit.slice(0, 12)}`)
      .join(', ')}; gnostic-models ${GNOSTIC.tag} OpenAPIv2.proto (Apache-2.0)`,
    '// One JSON bundle (schemas per source release, paths per group-version), brotli-compressed, base64.',
    `export const KUBERNETES_OPENAPI_BROTLI_BASE64 =\n  '${base64}';`,
    '',
  ].join('\n'),
);

for (const [key, entry] of Object.entries(bundle.groupVersions)) {
  console.log(
    `${key.padEnd(42)} ${entry.source.padEnd(9)} paths: ${String(Object.keys(entry.paths).length).padStart(3)}  schemas: ${entry.schemas.length}`,
  );
}
console.log(
  `bundle: ${json.length} bytes JSON, ${compressed.length} bytes brotli, ${base64.length} bytes base64 → ${path.relative(root, output)}`,
);
