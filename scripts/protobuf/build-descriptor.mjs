#!/usr/bin/env node
// Build-time step: compiles the Kubernetes `generated.proto` files of every group-version the
// sandbox serves into one compact descriptor (protobufjs JSON), annotated with what the Go
// struct tags say about JSON (name, omitempty, pointer, inline), so the sandbox can turn a
// protobuf request body into exactly the JSON a JSON client would have sent.
//
//   node --import tsx scripts/protobuf/build-descriptor.mjs \
//     --api <git dir> --apimachinery <git dir> --apiextensions-apiserver <git dir> [--tag v0.32.4]
//
// Each source is a required git directory (a bare clone or `<clone>/.git`) of github.com/kubernetes/<repo>;
// files are read at the tag with `git show`, nothing is checked out. Writes
// src/sandbox/protobuf/data/kubernetes-protos.ts (brotli, base64) and prints the sizes.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseScriptArgs } from '../lib/script-args.mjs';
import zlib from 'node:zlib';
import protobuf from 'protobufjs';
import { BUILTIN_RESOURCE_TYPES } from '../../src/sandbox/apimachinery/resource-types.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const output = path.join(root, 'src', 'sandbox', 'protobuf', 'data', 'kubernetes-protos.ts');

const USAGE = `
Writes src/sandbox/protobuf/data/kubernetes-protos.ts from the Kubernetes generated.proto files.

  node --import tsx scripts/protobuf/build-descriptor.mjs \\
    --api <git dir> --apimachinery <git dir> --apiextensions-apiserver <git dir> [--tag v0.32.4]

Each source is a git directory (a bare clone, or <clone>/.git), read with git show at the tag:
  --api                      https://github.com/kubernetes/api
  --apimachinery             https://github.com/kubernetes/apimachinery
  --apiextensions-apiserver  https://github.com/kubernetes/apiextensions-apiserver
  --tag                      the tag of all three (default v0.32.4, the client-go of kubectl 1.32)
  -h, --help                 this text
`;
const options = parseScriptArgs(USAGE, {
  tag: { type: 'string', default: 'v0.32.4' },
  api: { type: 'string', required: true },
  apimachinery: { type: 'string', required: true },
  'apiextensions-apiserver': { type: 'string', required: true },
});

/** Go import path prefix → the repository that holds it. */
const REPOSITORIES = [
  { prefix: 'k8s.io/api/', repo: 'kubernetes/api', gitDir: options.api },
  { prefix: 'k8s.io/apimachinery/', repo: 'kubernetes/apimachinery', gitDir: options.apimachinery },
  {
    prefix: 'k8s.io/apiextensions-apiserver/',
    repo: 'kubernetes/apiextensions-apiserver',
    gitDir: options['apiextensions-apiserver'],
  },
];

const META = 'k8s.io/apimachinery/pkg/apis/meta/v1';
const META_PACKAGE = 'k8s.io.apimachinery.pkg.apis.meta.v1';

function repositoryOf(importPath) {
  const repository = REPOSITORIES.find((candidate) => importPath.startsWith(candidate.prefix));
  if (!repository) throw new Error(`no source repository for ${importPath}`);
  return repository;
}

function git(gitDir, ...args) {
  return execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** A file of a Go package directory (`k8s.io/api/apps/v1`) at the tag, or undefined. */
function readSource(importPath) {
  const repository = repositoryOf(importPath);
  try {
    return git(repository.gitDir, 'show', `${options.tag}:${importPath.slice(repository.prefix.length)}`);
  } catch {
    return undefined;
  }
}

function listGoFiles(packagePath) {
  const repository = repositoryOf(packagePath);
  const dir = packagePath.slice(repository.prefix.length);
  return git(repository.gitDir, 'ls-tree', '--name-only', `${options.tag}:${dir}`)
    .split('\n')
    .filter(
      (name) =>
        name.endsWith('.go') &&
        !name.endsWith('_test.go') &&
        !name.startsWith('zz_generated') &&
        name !== 'generated.pb.go' &&
        !name.includes('swagger_doc'),
    )
    .map((name) => `${packagePath}/${name}`);
}

/** The Go package directory that serves an API group (checked against its register.go). */
function packageForGroup(group, version) {
  if (group === 'apiextensions.k8s.io') return `k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/${version}`;
  const dir = group === '' ? 'core' : group === 'rbac.authorization.k8s.io' ? 'rbac' : group.split('.')[0];
  return `k8s.io/api/${dir}/${version}`;
}

// ── Go struct tags ──────────────────────────────────────────────────────────────────────

/**
 * Struct fields with their tags, in declaration order, for every struct of a Go package, and the
 * named slice types (`type Verbs []string`) that go-to-protobuf wraps in an `items` message,
 * and the types that marshal themselves (MarshalJSON).
 */
function readGoTypes(packagePath) {
  const structs = new Map();
  const namedSlices = new Set();
  const marshalJson = new Set();
  for (const file of listGoFiles(packagePath)) {
    const source = readSource(file);
    for (const match of source.matchAll(/^type (\w+) \[\]\S+/gm)) namedSlices.add(match[1]);
    for (const match of source.matchAll(/^func \(\w+ \*?(\w+)\) MarshalJSON\(\)/gm)) marshalJson.add(match[1]);
    // `type List metav1.List`: the same struct under another name.
    for (const match of source.matchAll(/^type (\w+) metav1\.(\w+)\s*$/gm))
      structs.set(match[1], () => readGoTypes(META).structs.get(match[2]));
    for (const match of source.matchAll(/^type (\w+) struct\s*\{\s*\}/gm)) structs.set(match[1], []);
    const lines = source.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const start = /^type (\w+) struct \{\s*$/.exec(lines[i]);
      if (!start) continue;
      const fields = [];
      let depth = 1;
      for (i++; i < lines.length && depth > 0; i++) {
        const line = lines[i].replace(/\/\/.*$/, '');
        if (depth === 1) {
          const field = /^\s*(?:(\w+)\s+)?(\S+)\s+`([^`]*)`\s*$/.exec(line);
          if (field) fields.push(parseGoField(field[1], field[2], field[3]));
        }
        depth += (line.match(/\{/g) ?? []).length - (line.match(/\}/g) ?? []).length;
      }
      i--;
      structs.set(start[1], fields);
    }
  }
  return { structs, namedSlices, marshalJson };
}

function parseGoField(name, goType, tags) {
  const tag = (key) => new RegExp(`(?:^|\\s)${key}:"([^"]*)"`).exec(tags)?.[1];
  const json = (tag('json') ?? '').split(',');
  const protobufTag = tag('protobuf') ?? '';
  // `protobuf:"bytes,1,opt,name=metadata"`: matched by number, as a tag may leave the name out.
  const protoId = protobufTag && protobufTag !== '-' ? Number(protobufTag.split(',')[1]) : undefined;
  const embedded = name === undefined;
  return {
    goName: name ?? goType.replace(/^\*/, '').split('.').pop(),
    goType,
    protoId,
    jsonName: json[0] || (embedded ? '' : name),
    omitempty: json.includes('omitempty'),
    inline: json.includes('inline') || (embedded && !json[0]),
    skipped: json[0] === '-',
    pointer: goType.startsWith('*'),
  };
}

// ── Which kinds each served group-version decodes ───────────────────────────────────────

/** `&Deployment{}` registrations of a package's register.go (kinds defined in meta/v1 keep their package). */
function registeredKinds(packagePath, protoPackage) {
  const source = readSource(`${packagePath}/register.go`);
  if (!source) throw new Error(`${packagePath}/register.go not found`);
  const body = /func addKnownTypes\([^)]*\) error \{([\s\S]*?)\n\}/.exec(source)?.[1] ?? '';
  const kinds = {};
  for (const match of body.matchAll(/&(?:(\w+)\.)?(\w+)\{\}/g)) {
    kinds[match[2]] = match[1] === 'metav1' ? `${META_PACKAGE}.${match[2]}` : `${protoPackage}.${match[2]}`;
  }
  return kinds;
}

function groupNameOf(packagePath) {
  const source = readSource(`${packagePath}/register.go`) ?? '';
  return /const GroupName = "([^"]*)"/.exec(source)?.[1];
}

/** Kinds metav1.AddToGroupVersion registers in every group-version, and the unversioned ones a scheme finds by kind alone. */
const ANY_VERSION_KINDS = [
  'WatchEvent',
  'ListOptions',
  'GetOptions',
  'DeleteOptions',
  'CreateOptions',
  'UpdateOptions',
  'PatchOptions',
  'Status',
  'APIVersions',
  'APIGroupList',
  'APIGroup',
  'APIResourceList',
];
/** meta.k8s.io/v1 (AddMetaToScheme). */
const META_GROUP_KINDS = ['Table', 'TableOptions', 'PartialObjectMetadata', 'PartialObjectMetadataList'];

// ── Build ───────────────────────────────────────────────────────────────────────────────

const servedGroupVersions = new Map();
for (const type of BUILTIN_RESOURCE_TYPES) {
  if (type.crd) continue;
  for (const version of type.versions)
    servedGroupVersions.set(type.group ? `${type.group}/${version}` : version, { group: type.group, version });
}

const protoFiles = new Map();
function loadProto(importPath) {
  if (protoFiles.has(importPath)) return;
  const source = readSource(importPath);
  if (source === undefined) throw new Error(`${importPath} not found at ${options.tag}`);
  protoFiles.set(importPath, source);
  for (const match of source.matchAll(/^import "([^"]+)";/gm)) loadProto(match[1]);
}

const kinds = {};
const withoutProtobuf = [];
for (const [apiVersion, { group, version }] of [...servedGroupVersions].sort(([a], [b]) => a.localeCompare(b))) {
  const packagePath = packageForGroup(group, version);
  if (readSource(`${packagePath}/generated.proto`) === undefined) {
    withoutProtobuf.push(apiVersion);
    continue;
  }
  if (groupNameOf(packagePath) !== group) throw new Error(`${packagePath} does not serve group "${group}"`);
  loadProto(`${packagePath}/generated.proto`);
  const protoPackage = /^package ([\w.]+);/m.exec(protoFiles.get(`${packagePath}/generated.proto`))[1];
  kinds[apiVersion] = registeredKinds(packagePath, protoPackage);
}
loadProto(`${META}/generated.proto`);
kinds['meta.k8s.io/v1'] = Object.fromEntries(META_GROUP_KINDS.map((kind) => [kind, `${META_PACKAGE}.${kind}`]));
const anyVersionKinds = Object.fromEntries(ANY_VERSION_KINDS.map((kind) => [kind, `${META_PACKAGE}.${kind}`]));

const protoRoot = new protobuf.Root();
const goPackageByProtoPackage = new Map();
for (const [importPath, source] of protoFiles) {
  const parsed = protobuf.parse(source, protoRoot, { keepCase: true });
  goPackageByProtoPackage.set(parsed.package, path.posix.dirname(importPath));
}
protoRoot.resolveAll();

/** Messages whose JSON form is hand-written in Go (MarshalJSON): the decoder knows each by name. */
const CUSTOM_JSON = new Set([
  `${META_PACKAGE}.Time`,
  `${META_PACKAGE}.MicroTime`,
  `${META_PACKAGE}.Duration`,
  `${META_PACKAGE}.FieldsV1`,
  'k8s.io.apimachinery.pkg.runtime.RawExtension',
  'k8s.io.apimachinery.pkg.runtime.Unknown',
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString',
  'k8s.io.apimachinery.pkg.api.resource.Quantity',
  'k8s.io.apimachinery.pkg.api.resource.QuantityValue',
  ...['v1', 'v1beta1'].flatMap((version) =>
    ['JSON', 'JSONSchemaPropsOrArray', 'JSONSchemaPropsOrBool', 'JSONSchemaPropsOrStringArray'].map(
      (name) => `k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.${version}.${name}`,
    ),
  ),
]);

// Everything reachable from a registered kind, so nothing else is shipped.
const reachable = new Map();
function visit(type) {
  const name = type.fullName.slice(1);
  if (reachable.has(name)) return;
  reachable.set(name, type);
  for (const field of type.fieldsArray) if (field.resolvedType instanceof protobuf.Type) visit(field.resolvedType);
}
// Kinds Go marks `+protobuf=false` (meta.k8s.io Table…) have no message: such bodies are never protobuf.
const withoutMessage = [];
for (const [apiVersion, table] of [...Object.entries(kinds), ['*', anyVersionKinds]]) {
  for (const [kind, name] of Object.entries(table)) {
    const type = protoRoot.lookup(name);
    if (type instanceof protobuf.Type) {
      visit(type);
    } else {
      withoutMessage.push(`${apiVersion} ${kind}`);
      delete table[kind];
    }
  }
}
for (const apiVersion of Object.keys(kinds)) if (Object.keys(kinds[apiVersion]).length === 0) delete kinds[apiVersion];

// The envelope every protobuf body comes in (magic `k8s\0` + runtime.Unknown).
visit(protoRoot.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown'));

const goTypesByPackage = new Map();
function goTypesOf(protoPackage) {
  if (!goTypesByPackage.has(protoPackage))
    goTypesByPackage.set(protoPackage, readGoTypes(goPackageByProtoPackage.get(protoPackage)));
  return goTypesByPackage.get(protoPackage);
}

const nested = {};
let renamed = 0;
for (const [name, type] of [...reachable].sort(([a], [b]) => a.localeCompare(b))) {
  const protoPackage = name.slice(0, name.lastIndexOf('.'));
  const goTypes = goTypesOf(protoPackage);
  const messageJson = { fields: {} };
  if (goTypes.namedSlices.has(type.name)) {
    if (type.fieldsArray.length !== 1 || type.fieldsArray[0].name !== 'items' || !type.fieldsArray[0].repeated) {
      throw new Error(`${name}: a named slice type should be a message of repeated items`);
    }
    messageJson.options = { list: true };
  }
  if (goTypes.marshalJson.has(type.name) && !CUSTOM_JSON.has(name)) {
    throw new Error(
      `${name}: its Go type has a MarshalJSON of its own; teach src/sandbox/protobuf/go-json.ts its form and list it in CUSTOM_JSON`,
    );
  }
  const goStruct = goTypes.structs.get(type.name);
  const goFields = typeof goStruct === 'function' ? goStruct() : goStruct;
  const protoFields = new Map(type.fieldsArray.map((field) => [field.id, field]));
  const ordered = [];
  if (!CUSTOM_JSON.has(name) && !messageJson.options) {
    if (!goFields)
      throw new Error(`${name}: no Go struct ${type.name} in ${goPackageByProtoPackage.get(protoPackage)}`);
    for (const goField of goFields) {
      const field = goField.protoId !== undefined && protoFields.get(goField.protoId);
      if (!field) continue;
      protoFields.delete(goField.protoId);
      if (goField.skipped) continue;
      const fieldOptions = {};
      if (goField.inline) {
        if (!(field.resolvedType instanceof protobuf.Type))
          throw new Error(`${name}.${field.name}: only a message can be inlined`);
        fieldOptions.inline = true;
      } else if (goField.jsonName !== field.name) {
        fieldOptions.json = goField.jsonName;
        renamed++;
      }
      if (goField.omitempty) fieldOptions.omitempty = true;
      if (goField.pointer) fieldOptions.pointer = true;
      ordered.push([field, fieldOptions]);
    }
    if (protoFields.size > 0)
      throw new Error(
        `${name}: no Go struct tag for ${[...protoFields.values()].map((field) => field.name).join(', ')}`,
      );
  } else {
    for (const field of type.fieldsArray) ordered.push([field, {}]);
  }
  for (const [field, fieldOptions] of ordered) {
    messageJson.fields[field.name] = {
      ...(field.map ? { keyType: field.keyType } : field.repeated ? { rule: 'repeated' } : {}),
      type: field.type,
      id: field.id,
      ...(Object.keys(fieldOptions).length ? { options: fieldOptions } : {}),
    };
  }
  let namespace = nested;
  for (const part of protoPackage.split('.')) {
    namespace[part] ??= { nested: {} };
    namespace = namespace[part].nested;
  }
  namespace[type.name] = messageJson;
}

const commits = Object.fromEntries(
  REPOSITORIES.map((repository) => [
    repository.repo,
    git(repository.gitDir, 'rev-parse', `${options.tag}^{commit}`).trim(),
  ]),
);
const descriptor = { tag: options.tag, commits, kinds, anyVersionKinds, nested };

// The descriptor must load and resolve on its own before it is written.
const check = protobuf.Root.fromJSON({ nested });
check.resolveAll();

const json = JSON.stringify(descriptor);
const compressed = zlib.brotliCompressSync(Buffer.from(json), {
  params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: json.length },
});
const base64 = compressed.toString('base64');
fs.mkdirSync(path.dirname(output), { recursive: true });
fs.writeFileSync(
  output,
  [
    '// Generated by scripts/protobuf/build-descriptor.mjs — do not edit. See README.md in this folder.',
    `// Kubernetes ${options.tag} generated.proto (Apache-2.0): ${Object.entries(commits)
      .map(([repo, commit]) => `${repo}@${commit.slice(0, 12)}`)
      .join(', ')}`,
    '// A protobufjs JSON descriptor annotated with the Go JSON tags, brotli-compressed, base64.',
    `export const KUBERNETES_PROTOS_BROTLI_BASE64 =\n  '${base64}';`,
    '',
  ].join('\n'),
);

const kindCount = Object.values(kinds).reduce((sum, table) => sum + Object.keys(table).length, 0);
console.log(
  `group-versions: ${Object.keys(kinds).length} with protobuf${withoutProtobuf.length ? `; without: ${withoutProtobuf.join(', ')}` : ''}`,
);
console.log(`registered kinds without a message (not protobuf): ${withoutMessage.join(', ') || 'none'}`);
console.log(
  `kinds: ${kindCount} (+${ANY_VERSION_KINDS.length} in every group-version), messages: ${reachable.size}, fields renamed by json tags: ${renamed}`,
);
console.log(
  `descriptor: ${json.length} bytes JSON, ${compressed.length} bytes brotli, ${base64.length} bytes base64 → ${path.relative(root, output)}`,
);
