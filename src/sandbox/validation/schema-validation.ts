// A custom resource against its CRD's openAPIV3Schema, as a 1.13 apiextensions-apiserver checks it:
// github.com/go-openapi/validate's SchemaValidator (validators in its order: type, string, number,
// slice, enum, object) with go-openapi/errors' messages (`spec.replicas in body should be greater
// than or equal to 1`), and the one error customResourceValidator.Validate makes of them: an Invalid
// at the empty path `[]` whose value is the whole object and whose detail is the CompositeError
// `validation failure list:` with a message a line (apiextensions-apiserver pkg/apiserver/validation/
// validation.go and pkg/registry/customresource/validator.go at kubernetes-1.13; per-field causes
// came later).
//
// Left out, to refuse nothing a real server accepts: formats, allOf/anyOf/oneOf/not, tuple items,
// and the type check of zero values (0, "", false), which that go-openapi release reported as
// `null` while later ones accept them.
import type { SchemaNode } from '../openapi';
import type { FieldError } from './field-error';
import { invalidValue } from './field-error';

const IN = 'body';

/** The JSON type go-openapi infers from decoded data (int64 → integer, float64 → number). */
function jsonType(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value === 'object' ? 'object' : typeof value;
}

const isZero = (value: unknown): boolean => value === 0 || value === '' || value === false;

/** fmt's %v of a JSON value: strings bare, slices `[a b]`, maps `map[k:v]`. */
function goPlain(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goPlain).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([key, item]) => `${key}:${goPlain(item)}`).join(' ')}]`;
  }
  return String(value);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (
    typeof a !== 'object' ||
    typeof b !== 'object' ||
    a === null ||
    b === null ||
    Array.isArray(a) !== Array.isArray(b)
  )
    return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  return (
    keysA.length === keysB.length &&
    keysA.every(
      (key) =>
        Object.hasOwn(b, key) && deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
    )
  );
}

const numberOrUndefined = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/** typeValidator: a value must be of the schema's type; nil only when nullable. */
function typeErrors(value: unknown, schema: SchemaNode, path: string): string[] {
  if (!schema.type || schema['x-kubernetes-int-or-string'] === true) return [];
  const actual = jsonType(value);
  if (actual === 'null')
    return schema.nullable === true || schema.type === 'null'
      ? []
      : [`${path} in ${IN} must be of type ${schema.type}: "null"`];
  if (isZero(value)) return [];
  const fits = schema.type === actual || (schema.type === 'number' && actual === 'integer');
  return fits ? [] : [`${path} in ${IN} must be of type ${schema.type}: ${JSON.stringify(actual)}`];
}

function stringErrors(value: string, schema: SchemaNode, path: string): string[] {
  const errors: string[] = [];
  const length = [...value].length;
  const maxLength = numberOrUndefined(schema.maxLength);
  const minLength = numberOrUndefined(schema.minLength);
  if (maxLength !== undefined && length > maxLength)
    errors.push(`${path} in ${IN} should be at most ${maxLength} chars long`);
  if (minLength !== undefined && length < minLength)
    errors.push(`${path} in ${IN} should be at least ${minLength} chars long`);
  if (typeof schema.pattern === 'string') {
    let pattern: RegExp | undefined;
    try {
      pattern = new RegExp(schema.pattern, 'u');
    } catch {
      pattern = undefined; // A pattern JavaScript cannot read is left to the real server.
    }
    if (pattern && !pattern.test(value)) errors.push(`${path} in ${IN} should match '${schema.pattern}'`);
  }
  return errors;
}

function numberErrors(value: number, schema: SchemaNode, path: string): string[] {
  const errors: string[] = [];
  const multipleOf = numberOrUndefined(schema.multipleOf);
  const minimum = numberOrUndefined(schema.minimum);
  const maximum = numberOrUndefined(schema.maximum);
  if (multipleOf !== undefined && multipleOf > 0 && !Number.isInteger(value / multipleOf))
    errors.push(`${path} in ${IN} should be a multiple of ${multipleOf}`);
  if (minimum !== undefined) {
    const exclusive = schema.exclusiveMinimum === true;
    if (exclusive ? value <= minimum : value < minimum)
      errors.push(`${path} in ${IN} should be greater than ${exclusive ? '' : 'or equal to '}${minimum}`);
  }
  if (maximum !== undefined) {
    const exclusive = schema.exclusiveMaximum === true;
    if (exclusive ? value >= maximum : value > maximum)
      errors.push(`${path} in ${IN} should be less than ${exclusive ? '' : 'or equal to '}${maximum}`);
  }
  return errors;
}

function sliceErrors(value: unknown[], schema: SchemaNode, path: string): string[] {
  const errors: string[] = [];
  const items = schema.items;
  if (items && typeof items === 'object' && !Array.isArray(items))
    value.forEach((item, index) => errors.push(...schemaErrors(item, items, `${path}.${index}`)));
  const minItems = numberOrUndefined(schema.minItems);
  const maxItems = numberOrUndefined(schema.maxItems);
  if (minItems !== undefined && value.length < minItems)
    errors.push(`${path} in ${IN} should have at least ${minItems} items`);
  if (maxItems !== undefined && value.length > maxItems)
    errors.push(`${path} in ${IN} should have at most ${maxItems} items`);
  if (
    schema.uniqueItems === true &&
    value.some((item, index) => value.findIndex((other) => deepEqual(item, other)) !== index)
  )
    errors.push(`${path} in ${IN} shouldn't contain duplicates`);
  return errors;
}

function enumErrors(value: unknown, schema: SchemaNode, path: string): string[] {
  const values = schema.enum;
  if (!Array.isArray(values) || values.length === 0 || values.some((allowed) => deepEqual(allowed, value))) return [];
  return [`${path} in ${IN} should be one of ${goPlain(values)}`];
}

function objectErrors(value: Record<string, unknown>, schema: SchemaNode, path: string): string[] {
  const count = Object.keys(value).length;
  const minProperties = numberOrUndefined(schema.minProperties);
  const maxProperties = numberOrUndefined(schema.maxProperties);
  if (minProperties !== undefined && count < minProperties)
    return [`${path} in ${IN} should have at least ${minProperties} properties`];
  if (maxProperties !== undefined && count > maxProperties)
    return [`${path} in ${IN} should have at most ${maxProperties} properties`];
  const errors: string[] = [];
  const properties = schema.properties ?? {};
  const additional = schema.additionalProperties;
  if (additional && typeof additional === 'object') {
    for (const [key, item] of Object.entries(value))
      if (!Object.hasOwn(properties, key)) errors.push(...schemaErrors(item, additional, `${path}.${key}`));
  }
  for (const [name, property] of Object.entries(properties)) {
    if (Object.hasOwn(value, name))
      errors.push(...schemaErrors(value[name], property, path ? `${path}.${name}` : name));
  }
  for (const name of Array.isArray(schema.required) ? schema.required : []) {
    if (!Object.hasOwn(value, name) && properties[name]?.default === undefined)
      errors.push(`${path}.${name} in ${IN} is required`);
  }
  return errors;
}

/** SchemaValidator.Validate: the go-openapi messages of a value against a schema, in its order. */
export function schemaErrors(value: unknown, schema: SchemaNode, path = ''): string[] {
  if (value === null || value === undefined)
    return [...typeErrors(value, schema, path), ...enumErrors(value, schema, path)];
  const errors = typeErrors(value, schema, path);
  if (typeof value === 'string') errors.push(...stringErrors(value, schema, path));
  if (typeof value === 'number') errors.push(...numberErrors(value, schema, path));
  if (Array.isArray(value)) errors.push(...sliceErrors(value, schema, path));
  errors.push(...enumErrors(value, schema, path));
  if (typeof value === 'object' && !Array.isArray(value))
    errors.push(...objectErrors(value as Record<string, unknown>, schema, path));
  return errors;
}

/** customResourceValidator's one error for a custom resource its schema refuses, or none. */
export function validateCustomResource(object: Record<string, unknown>, schema: SchemaNode | undefined): FieldError[] {
  if (!schema) return [];
  const messages = schemaErrors(object, schema);
  return messages.length === 0
    ? []
    : [invalidValue('[]', object, ['validation failure list:', ...messages].join('\n'))];
}
