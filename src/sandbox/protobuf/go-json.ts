// Turns a decoded protobuf message into the JSON Go's encoding/json writes for the same struct:
// json tag names, `omitempty`, nil pointers and slices, inlined structs, and the types that
// marshal themselves (Time, MicroTime, Duration, Quantity, IntOrString, RawExtension…).
// The per-field facts come from the Go struct tags, stored as field options in the descriptor.
import type { Field, Message, Type } from 'protobufjs/light';
import { Type as TypeClass } from 'protobufjs/light';

/** What the descriptor records of a Go struct field (see scripts/protobuf/build-descriptor.mjs). */
interface GoFieldOptions {
  /** The json tag name, when it differs from the proto field name. */
  json?: string;
  omitempty?: boolean;
  /** A Go pointer: nil when absent, written even when it points at a zero value. */
  pointer?: boolean;
  /** `json:",inline"`: the struct's fields are written into the parent. */
  inline?: boolean;
}

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
type JsonObject = { [key: string]: JsonValue };
type Fields = Record<string, unknown>;

/** A value that cannot be written as JSON, as Go's json.Marshal would fail on it. */
export class GoJsonError extends Error {}

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
const APIEXTENSIONS = 'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions';

/** Messages with a MarshalJSON of their own, by fully qualified name. */
const CUSTOM: Record<string, (message: Fields, type: Type) => JsonValue> = {
  [`${META}.Time`]: (m) => (has(m, 'seconds') || has(m, 'nanos') ? formatTime(toNumber(m.seconds), 0, false) : null),
  [`${META}.MicroTime`]: (m) =>
    has(m, 'seconds') || has(m, 'nanos') ? formatTime(toNumber(m.seconds), toNumber(m.nanos), true) : null,
  [`${META}.Duration`]: (m) => formatDuration(toBigInt(m.duration)),
  [`${META}.FieldsV1`]: (m) => rawJson(m.Raw),
  'k8s.io.apimachinery.pkg.runtime.RawExtension': (m) => rawJson(m.raw),
  'k8s.io.apimachinery.pkg.runtime.Unknown': (m) => rawJson(m.raw),
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': intOrString,
  'k8s.io.apimachinery.pkg.api.resource.Quantity': (m) => quantity(m.string),
  'k8s.io.apimachinery.pkg.api.resource.QuantityValue': (m) => quantity(m.string),
};
for (const version of ['v1', 'v1beta1']) {
  const name = `${APIEXTENSIONS}.${version}`;
  CUSTOM[`${name}.JSON`] = (m) => rawJson(m.raw);
  CUSTOM[`${name}.JSONSchemaPropsOrArray`] = (m, type) =>
    length(m.jSONSchemas) > 0
      ? (m.jSONSchemas as Fields[]).map((schema) => schemaProps(type, schema))
      : has(m, 'schema')
        ? schemaProps(type, m.schema)
        : null;
  CUSTOM[`${name}.JSONSchemaPropsOrBool`] = (m, type) =>
    has(m, 'schema') ? schemaProps(type, m.schema) : m.allows === true;
  CUSTOM[`${name}.JSONSchemaPropsOrStringArray`] = (m, type) =>
    length(m.property) > 0 ? [...(m.property as string[])] : has(m, 'schema') ? schemaProps(type, m.schema) : null;
}

/** The JSONSchemaProps a JSONSchemaPropsOr… wraps in its `schema` field. */
function schemaProps(wrapper: Type, message: unknown): JsonValue {
  return messageToGoJson(wrapper.fields.schema.resolvedType as Type, message as Fields);
}

/**
 * The JSON Go writes for a struct decoded from `message` (undefined: the zero value).
 * Keys come in Go's order: struct fields as declared, map keys sorted.
 */
export function messageToGoJson(type: Type, message: Message | Fields | undefined): JsonValue {
  const fields = (message ?? {}) as Fields;
  const custom = CUSTOM[type.fullName.slice(1)];
  if (custom) return custom(fields, type);
  if (type.options?.list === true)
    return length(fields.items) > 0
      ? (fields.items as unknown[]).map((item) => elementToGoJson(type.fields.items, item))
      : [];
  const out: JsonObject = {};
  for (const field of type.fieldsArray) writeField(out, field, fields);
  return out;
}

function writeField(out: JsonObject, field: Field, message: Fields): void {
  const options = (field.options ?? {}) as GoFieldOptions;
  const key = options.json ?? field.name;
  const isPresent = has(message, field.name);
  const value = message[field.name];
  // A nil slice or map is `null`; `omitempty` drops it, and an empty one, altogether.
  const absent = (): void => {
    if (!options.omitempty) out[key] = null;
  };

  if (field.map) {
    const entries = Object.entries((value ?? {}) as Fields);
    if (entries.length === 0) return absent();
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    out[key] = Object.fromEntries(entries.map(([k, v]) => [k, elementToGoJson(field, v)]));
    return;
  }
  if (field.repeated) {
    if (length(value) === 0) return absent();
    out[key] = (value as unknown[]).map((item) => elementToGoJson(field, item));
    return;
  }
  const type = field.resolvedType;
  if (type instanceof TypeClass) {
    if (type.options?.list === true) {
      // A named slice (`type Verbs []string`): present means non-nil, even when empty.
      if (!isPresent || (options.omitempty && length((value as Fields).items) === 0)) return absent();
      out[key] = messageToGoJson(type, value as Fields);
      return;
    }
    if (options.pointer && !isPresent) return absent();
    const json = messageToGoJson(type, isPresent ? (value as Fields) : undefined);
    if (options.inline && json !== null && typeof json === 'object' && !Array.isArray(json)) Object.assign(out, json);
    else out[key] = json; // a struct is written even when zero: omitempty does not apply to structs
    return;
  }
  if (field.type === 'bytes') {
    // []byte is a slice: nil when absent, base64 when present.
    if (!isPresent || (options.omitempty && length(value) === 0)) return absent();
    out[key] = base64(value);
    return;
  }
  if (options.pointer) {
    if (!isPresent) return absent();
    out[key] = scalarToGoJson(field.type, value);
    return;
  }
  const json = isPresent ? scalarToGoJson(field.type, value) : zeroOf(field.type);
  if (options.omitempty && (json === 0 || json === '' || json === false)) return;
  out[key] = json;
}

/** A map value or a list item. */
function elementToGoJson(field: Field, value: unknown): JsonValue {
  const type = field.resolvedType;
  if (type instanceof TypeClass) return messageToGoJson(type, value as Fields);
  if (field.type === 'bytes') return base64(value);
  return scalarToGoJson(field.type, value);
}

const LONG_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

function scalarToGoJson(type: string, value: unknown): JsonValue {
  if (LONG_TYPES.has(type)) return toNumber(value);
  if (type === 'double' || type === 'float') {
    const number = value as number;
    if (!Number.isFinite(number)) throw new GoJsonError(`json: unsupported value: ${number}`);
    return number;
  }
  return value as JsonValue;
}

function zeroOf(type: string): JsonValue {
  if (type === 'string') return '';
  if (type === 'bool') return false;
  return 0;
}

// ── The types that marshal themselves ───────────────────────────────────────────────────

function intOrString(message: Fields): JsonValue {
  const kind = toNumber(message.type);
  if (kind === 0) return (message.intVal as number | undefined) ?? 0;
  if (kind === 1) return (message.strVal as string | undefined) ?? '';
  throw new GoJsonError(`impossible IntOrString.Type ${kind}`);
}

/** The proto form already carries the canonical string (Quantity.String()); the zero Quantity is "0". */
function quantity(value: unknown): JsonValue {
  return typeof value === 'string' && value !== '' ? value : '0';
}

/** Embedded JSON (RawExtension, FieldsV1, apiextensions JSON): nil or empty is `null`. */
function rawJson(value: unknown): JsonValue {
  if (length(value) === 0) return null;
  const text = Buffer.from(value as Uint8Array).toString('utf8');
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw new GoJsonError(
      `embedded raw object is not JSON: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

/** metav1.Time is RFC 3339 in seconds; MicroTime keeps microseconds (time.Format("2006-01-02T15:04:05.000000Z07:00")). */
function formatTime(seconds: number, nanos: number, micro: boolean): string {
  const wholeSeconds = seconds + Math.floor(nanos / 1e9);
  const nanosOfSecond = ((nanos % 1e9) + 1e9) % 1e9;
  const date = new Date(wholeSeconds * 1000);
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < 0 || year > 9999)
    throw new GoJsonError('Time.MarshalJSON: year outside of range [0,9999]');
  const base = date.toISOString().slice(0, 19);
  return micro ? `${base}.${String(Math.floor(nanosOfSecond / 1000)).padStart(6, '0')}Z` : `${base}Z`;
}

/** Go's time.Duration.String(): "1h2m3.5s", "1.5ms", "0s". */
export function formatDuration(nanoseconds: bigint): string {
  const negative = nanoseconds < 0n;
  let u = negative ? -nanoseconds : nanoseconds;
  const sign = negative ? '-' : '';
  if (u === 0n) return '0s';
  if (u < 1_000_000_000n) {
    const [unit, precision] = u < 1_000n ? ['ns', 0] : u < 1_000_000n ? ['µs', 3] : ['ms', 6];
    return `${sign}${fraction(u, precision)}${unit}`;
  }
  const seconds = `${fraction(u % 60_000_000_000n, 9)}s`;
  u /= 60_000_000_000n;
  if (u === 0n) return `${sign}${seconds}`;
  const minutes = `${u % 60n}m`;
  u /= 60n;
  return `${sign}${u > 0n ? `${u}h` : ''}${minutes}${seconds}`;
}

/** value / 10^precision, without trailing zeros or a bare decimal point. */
function fraction(value: bigint, precision: number): string {
  const scale = 10n ** BigInt(precision);
  const digits = precision > 0 ? (value % scale).toString().padStart(precision, '0').replace(/0+$/, '') : '';
  return `${value / scale}${digits ? `.${digits}` : ''}`;
}

// ── Helpers ─────────────────────────────────────────────────────────────────────────────

function has(message: Fields, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(message, name);
}

function length(value: unknown): number {
  return value === undefined || value === null ? 0 : (value as { length: number }).length;
}

function base64(value: unknown): string {
  return Buffer.from(value as Uint8Array).toString('base64');
}

/** int64 values come as numbers or, when the `long` package is around, as Long objects. */
function toNumber(value: unknown): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return value;
  return Number(toBigInt(value));
}

function toBigInt(value: unknown): bigint {
  if (value === undefined || value === null) return 0n;
  if (typeof value === 'number') return BigInt(value);
  return BigInt(String(value));
}
