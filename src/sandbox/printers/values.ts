// Reading plain wire JSON the way Go reads it into typed structs: a missing field is the zero value.

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const asObject = (value: unknown): Json => (isObject(value) ? value : {});

export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export const asObjects = (value: unknown): Json[] => asArray(value).map(asObject);

export const asString = (value: unknown): string => (typeof value === 'string' ? value : '');

/** An int32/int64 field: truncated like Go's conversion, 0 when absent. */
export const asInt = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : 0;

/** A Go pointer field: set unless absent or null. */
export const isSet = (value: unknown): boolean => value !== undefined && value !== null;

/** `at(pod, 'spec', 'containers')`: walks objects, the zero value on the first gap. */
export function at(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

export function stringMap(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, entry] of Object.entries(asObject(value)))
    result[key] = typeof entry === 'string' ? entry : String(entry);
  return result;
}

/** An IntOrString's `String()`: the number in decimal or the string as is. */
export function intOrString(value: unknown): string {
  return typeof value === 'number' ? String(Math.trunc(value)) : asString(value);
}

/**
 * A resource.Quantity's String(), as written rather than re-canonicalised (a real server would print
 * `0.1` as `100m`); Go's zero Quantity prints "0".
 */
export const quantity = (value: unknown): string =>
  typeof value === 'number' ? String(value) : asString(value) || '0';
