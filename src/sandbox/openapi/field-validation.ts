// Server-side field validation (the fieldValidation query parameter of create, update and patch):
// which fields of a request body the server would drop as unknown, and which appear twice, found
// the way the real decoders find them, and the messages a real API server answers with.
//
// Built-in kinds decode into Go structs with sigs.k8s.io/json's strict mode: errors come in
// document order, unknown and duplicate interleaved. Custom resources decode into maps (duplicates
// in document order first), are then pruned by their structural schema (unknown paths sorted), and
// their metadata is read as an ObjectMeta (apiextensions-apiserver's schemaCoercingDecoder).
import type { CustomResourceVersion } from './crd-versions';
import type { SchemaNode } from './schema';
import { StatusError } from '../apimachinery/status-error';

export type FieldValidationDirective = 'Strict' | 'Warn' | 'Ignore';

export interface FieldError {
  readonly type: 'unknown' | 'duplicate';
  /** Dotted path with array indexes, as the server prints it: `spec.template.spec.containers[0].imagePullPolice`. */
  readonly path: string;
  /** The same place as keys and indexes, for taking the field out. */
  readonly location: readonly (string | number)[];
}

type Location = readonly (string | number)[];

/** `spec.template.spec.containers[0].image`: keys joined by dots, indexes in brackets. */
function pathOf(location: Location): string {
  let path = '';
  for (const step of location) path += typeof step === 'number' ? `[${step}]` : path ? `.${step}` : step;
  return path;
}

const fieldError = (type: FieldError['type'], location: Location): FieldError => ({
  type,
  path: pathOf(location),
  location,
});

/** How to walk a body: the kind's schema for a built-in kind, or a custom resource version. */
export type FieldCheck =
  | { readonly type: 'builtin'; readonly schema: SchemaNode; readonly resolve: (node: SchemaNode) => SchemaNode }
  | {
      readonly type: 'custom';
      readonly resource: CustomResourceVersion;
      readonly objectMeta: SchemaNode;
      readonly resolve: (node: SchemaNode) => SchemaNode;
    };

/**
 * The directive of a write request: the `fieldValidation` query parameter, Warn when absent as on
 * a real server. Anything else is rejected as the apiserver rejects invalid Create/Update/PatchOptions.
 */
export function fieldValidationDirective(
  query: URLSearchParams,
  options: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions',
): FieldValidationDirective {
  const value = query.get('fieldValidation') ?? '';
  if (value === '') return 'Warn';
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return value;
  const message = `Unsupported value: ${JSON.stringify(value)}: supported values: "", "Ignore", "Strict", "Warn"`;
  throw new StatusError(422, 'Invalid', `${options}.meta.k8s.io "" is invalid: fieldValidation: ${message}`, {
    group: 'meta.k8s.io',
    kind: options,
    causes: [{ reason: 'FieldValueNotSupported', message, field: 'fieldValidation' }],
  });
}

/** `unknown field "spec.replica"`: one strict decoding error, also the text of its warning. */
export function fieldErrorText(error: FieldError): string {
  return `${error.type} field ${JSON.stringify(error.path)}`;
}

/** `strict decoding error: unknown field "a", duplicate field "b"` (runtime.NewStrictDecodingError). */
export function strictDecodingError(errors: readonly FieldError[]): string {
  return `strict decoding error: ${errors.map(fieldErrorText).join(', ')}`;
}

/**
 * What create and update answer under Strict (handlers.transformDecodeError):
 * 400 BadRequest `Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"`.
 */
export function decodeRejection(kind: string, version: string, errors: readonly FieldError[]): StatusError {
  return new StatusError(
    400,
    'BadRequest',
    `${kind} in version ${JSON.stringify(version)} cannot be handled as a ${kind}: ${strictDecodingError(errors)}`,
  );
}

/**
 * What JSON and merge patches answer under Strict (handlers/patch.go): 422 Invalid with the group
 * and kind left empty, ` "" is invalid: patch: Invalid value: "<patched object JSON>": strict decoding error: …`.
 * For strategic merge patches the server shows the patch map in Go's `%+v` form instead: see goValueString.
 */
export function patchRejection(value: string, errors: readonly FieldError[]): StatusError {
  const message = `Invalid value: ${JSON.stringify(value)}: ${strictDecodingError(errors)}`;
  return new StatusError(422, 'Invalid', ` "" is invalid: patch: ${message}`, {
    causes: [{ reason: 'FieldValueInvalid', message, field: 'patch' }],
  });
}

/** A value printed as Go's fmt `%+v` prints the map[string]interface{} a JSON patch decodes into. */
export function goValueString(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goValueString).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([key, item]) => `${key}:${goValueString(item)}`).join(' ')}]`;
  }
  return String(value);
}

/** A `Warning` response header value for one warning text (k8s.io/apiserver/pkg/warning: code 299, agent "-"). */
export function warningHeader(text: string): string {
  return `299 - ${JSON.stringify(text)}`;
}

// ── the body, with duplicates kept ─────────────────────────────────────────────────────────

type JsonNode =
  { kind: 'object'; entries: [string, JsonNode][] } | { kind: 'array'; items: JsonNode[] } | { kind: 'scalar' };

class JsonScanner {
  private index = 0;
  constructor(private readonly text: string) {}

  parse(): JsonNode {
    const value = this.value();
    this.space();
    if (this.index !== this.text.length) throw new SyntaxError('trailing data');
    return value;
  }

  private space(): void {
    while (this.index < this.text.length && ' \t\n\r'.includes(this.text[this.index])) this.index++;
  }

  private value(): JsonNode {
    this.space();
    const char = this.text[this.index];
    if (char === '{') return this.object();
    if (char === '[') return this.array();
    if (char === '"') {
      this.string();
      return { kind: 'scalar' };
    }
    const match = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(
      this.text.slice(this.index, this.index + 400),
    );
    if (!match) throw new SyntaxError(`unexpected ${char ?? 'end'} at ${this.index}`);
    this.index += match[0].length;
    return { kind: 'scalar' };
  }

  private string(): string {
    const start = this.index++;
    while (this.index < this.text.length && this.text[this.index] !== '"')
      this.index += this.text[this.index] === '\\' ? 2 : 1;
    if (this.index >= this.text.length) throw new SyntaxError('unterminated string');
    this.index++;
    return JSON.parse(this.text.slice(start, this.index)) as string;
  }

  private object(): JsonNode {
    this.index++;
    const entries: [string, JsonNode][] = [];
    this.space();
    if (this.text[this.index] === '}') {
      this.index++;
      return { kind: 'object', entries };
    }
    for (;;) {
      this.space();
      if (this.text[this.index] !== '"') throw new SyntaxError(`expected a key at ${this.index}`);
      const key = this.string();
      this.space();
      if (this.text[this.index++] !== ':') throw new SyntaxError(`expected : at ${this.index - 1}`);
      entries.push([key, this.value()]);
      this.space();
      const next = this.text[this.index++];
      if (next === '}') return { kind: 'object', entries };
      if (next !== ',') throw new SyntaxError(`expected , or } at ${this.index - 1}`);
    }
  }

  private array(): JsonNode {
    this.index++;
    const items: JsonNode[] = [];
    this.space();
    if (this.text[this.index] === ']') {
      this.index++;
      return { kind: 'array', items };
    }
    for (;;) {
      items.push(this.value());
      this.space();
      const next = this.text[this.index++];
      if (next === ']') return { kind: 'array', items };
      if (next !== ',') throw new SyntaxError(`expected , or ] at ${this.index - 1}`);
    }
  }
}

function fromValue(value: unknown): JsonNode {
  if (Array.isArray(value)) return { kind: 'array', items: value.map(fromValue) };
  if (value !== null && typeof value === 'object')
    return { kind: 'object', entries: Object.entries(value).map(([key, item]) => [key, fromValue(item)]) };
  return { kind: 'scalar' };
}

// ── built-in kinds: a typed, strict decode ─────────────────────────────────────────────────

function walkTyped(
  node: JsonNode,
  schema: SchemaNode | undefined,
  at: Location,
  check: { resolve: (node: SchemaNode) => SchemaNode; duplicates: boolean },
  errors: FieldError[],
): void {
  if (!schema) return;
  const s = check.resolve(schema);
  if (s['x-kubernetes-preserve-unknown-fields'] === true) return;
  if (node.kind === 'object') {
    const properties = s.properties;
    const additional = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
    // Objects with neither (RawExtension, FieldsV1, apiextensions JSON) are kept raw, unchecked.
    if (!properties && !additional) return;
    const seen = new Set<string>();
    for (const [key, value] of node.entries) {
      const child = properties ? properties[key] : additional;
      if (!child) {
        errors.push(fieldError('unknown', [...at, key]));
        continue;
      }
      if (seen.has(key) && check.duplicates) errors.push(fieldError('duplicate', [...at, key]));
      seen.add(key);
      walkTyped(value, child, [...at, key], check, errors);
    }
  } else if (node.kind === 'array' && s.items) {
    node.items.forEach((item, index) => walkTyped(item, s.items, [...at, index], check, errors));
  }
}

// ── custom resources: map decode, then structural pruning ──────────────────────────────────

function duplicatesIn(node: JsonNode, at: Location, errors: FieldError[]): void {
  if (node.kind === 'object') {
    const seen = new Set<string>();
    for (const [key, value] of node.entries) {
      if (seen.has(key)) errors.push(fieldError('duplicate', [...at, key]));
      seen.add(key);
      duplicatesIn(value, [...at, key], errors);
    }
  } else if (node.kind === 'array') {
    node.items.forEach((item, index) => duplicatesIn(item, [...at, index], errors));
  }
}

/** The last value of each key, as a map decode keeps it. */
function lastEntries(node: Extract<JsonNode, { kind: 'object' }>): [string, JsonNode][] {
  return [...new Map(node.entries)];
}

const META_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

/** structuralpruning.PruneWithOptions with unknown-field tracking (apiextensions-apiserver). */
function prune(
  node: JsonNode,
  schema: SchemaNode | undefined,
  at: Location,
  isRoot: boolean,
  unknown: Location[],
): void {
  if (schema && schema['x-kubernetes-preserve-unknown-fields'] === true) {
    skipPrune(node, schema, at, unknown);
    return;
  }
  if (node.kind === 'object') {
    if (!schema) {
      for (const [key] of lastEntries(node)) unknown.push([...at, key]);
      return;
    }
    const embedded = isRoot || schema['x-kubernetes-embedded-resource'] === true;
    for (const [key, value] of lastEntries(node)) {
      if (embedded && META_FIELDS.has(key)) continue;
      const property = schema.properties?.[key];
      if (property) prune(value, property, [...at, key], false, unknown);
      else if (typeof schema.additionalProperties === 'object')
        prune(value, schema.additionalProperties, [...at, key], false, unknown);
      else if (!META_FIELDS.has(key) || at.length > 0) unknown.push([...at, key]);
    }
  } else if (node.kind === 'array') {
    node.items.forEach((item, index) => prune(item, schema?.items, [...at, index], false, unknown));
  }
}

function skipPrune(node: JsonNode, schema: SchemaNode, at: Location, unknown: Location[]): void {
  if (node.kind === 'object') {
    for (const [key, value] of lastEntries(node)) {
      if (schema['x-kubernetes-embedded-resource'] === true && META_FIELDS.has(key)) continue;
      const property = schema.properties?.[key];
      if (property) prune(value, property, [...at, key], false, unknown);
      else if (typeof schema.additionalProperties === 'object')
        prune(value, schema.additionalProperties, [...at, key], false, unknown);
    }
  } else if (node.kind === 'array' && schema.items) {
    node.items.forEach((item, index) => skipPrune(item, schema.items!, [...at, index], unknown));
  }
}

/**
 * The unknown and duplicate fields of a write body, in the order the server reports them.
 * Pass the raw JSON text to find duplicates; a parsed value can only show unknown fields.
 * Text that is not JSON has no field errors here (the request fails on decoding anyway).
 */
export function findFieldErrors(body: string | unknown, check: FieldCheck): FieldError[] {
  let root: JsonNode;
  try {
    root = typeof body === 'string' ? new JsonScanner(body).parse() : fromValue(body);
  } catch {
    return [];
  }
  const errors: FieldError[] = [];
  if (check.type === 'builtin') {
    walkTyped(root, check.schema, [], { resolve: check.resolve, duplicates: true }, errors);
    return errors;
  }
  duplicatesIn(root, [], errors);
  if (root.kind !== 'object') return errors;
  const { resource } = check;
  if (resource.schema && resource.structural && !resource.preserveUnknownFields) {
    const unknown: Location[] = [];
    prune(root, resource.schema, [], true, unknown);
    errors.push(
      ...unknown
        .map((location) => fieldError('unknown', location))
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    );
  }
  const metadata = lastEntries(root).find(([key]) => key === 'metadata')?.[1];
  if (metadata)
    walkTyped(metadata, check.objectMeta, ['metadata'], { resolve: check.resolve, duplicates: false }, errors);
  return errors;
}

/**
 * The duplicate fields of a JSON text decoded into plain maps, in document order: what the patch
 * handler's kjson.UnmarshalStrict finds in a merge or strategic merge patch body.
 */
export function duplicateFieldErrors(text: string): FieldError[] {
  const errors: FieldError[] = [];
  try {
    duplicatesIn(new JsonScanner(text).parse(), [], errors);
  } catch {
    return [];
  }
  return errors;
}

/** Takes the unknown fields out of a decoded body, as decoding into the kind (or pruning) does on a real server. */
export function dropUnknownFields(value: unknown, errors: readonly FieldError[]): void {
  for (const error of errors) {
    if (error.type !== 'unknown' || error.location.length === 0) continue;
    let parent: unknown = value;
    for (const step of error.location.slice(0, -1)) {
      parent =
        parent !== null && typeof parent === 'object' ? (parent as Record<string | number, unknown>)[step] : undefined;
    }
    if (parent !== null && typeof parent === 'object' && !Array.isArray(parent))
      delete (parent as Record<string, unknown>)[String(error.location[error.location.length - 1])];
  }
}
