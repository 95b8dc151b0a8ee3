// The vocabulary of the strategic merge patch: its directives, its errors (apimachinery
// pkg/util/mergepatch and strategicpatch's own, worded as Go prints them) and the JSON helpers they need.

export type Json = Record<string, unknown>;

export const DIRECTIVE_MARKER = '$patch';
export const DELETE_DIRECTIVE = 'delete';
export const REPLACE_DIRECTIVE = 'replace';
export const MERGE_DIRECTIVE = 'merge';
export const RETAIN_KEYS_STRATEGY = 'retainKeys';
export const DELETE_FROM_PRIMITIVE_LIST_PREFIX = '$deleteFromPrimitiveList';
export const RETAIN_KEYS_DIRECTIVE = '$retainKeys';
export const SET_ELEMENT_ORDER_PREFIX = '$setElementOrder';

/** The mergepatch sentinel errors the handler turns into 400 or 422; anything else is a 500. */
export type SmpErrorKind = 'badRequest' | 'unprocessable' | 'internal';

export class StrategicMergePatchError extends Error {
  constructor(
    message: string,
    readonly kind: SmpErrorKind = 'internal',
  ) {
    super(message);
  }
}

export const ErrBadJSONDoc = (): StrategicMergePatchError =>
  new StrategicMergePatchError('invalid JSON document', 'badRequest');
export const ErrNoListOfLists = (): StrategicMergePatchError =>
  new StrategicMergePatchError('lists of lists are not supported', 'unprocessable');
export const ErrBadPatchFormatForPrimitiveList = (): StrategicMergePatchError =>
  new StrategicMergePatchError('invalid patch format of primitive list', 'badRequest');
export const ErrBadPatchFormatForRetainKeys = (): StrategicMergePatchError =>
  new StrategicMergePatchError('invalid patch format of retainKeys', 'badRequest');
export const ErrBadPatchFormatForSetElementOrderList = (): StrategicMergePatchError =>
  new StrategicMergePatchError('invalid patch format of setElementOrder list', 'badRequest');

export const isMap = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Go's fmt `%v` of a decoded JSON value, for the messages that print one. */
export function goText(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goText).join(' ')}]`;
  if (isMap(value)) {
    const keys = Object.keys(value).sort();
    return `map[${keys.map((k) => `${k}:${goText(value[k])}`).join(' ')}]`;
  }
  return String(value);
}

/** Go's reflect type names for decoded JSON, for "expected a X, but received a Y". */
export function goType(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return '[]interface {}';
  if (isMap(value)) return 'map[string]interface {}';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64';
  return typeof value === 'boolean' ? 'bool' : 'string';
}

export function errBadArgType(expected: string, actual: unknown): StrategicMergePatchError {
  return new StrategicMergePatchError(`expected a ${expected}, but received a ${goType(actual)}`);
}

export function errNoMergeKey(m: Json, key: string): StrategicMergePatchError {
  return new StrategicMergePatchError(`map: ${goText(m)} does not contain declared merge key: ${key}`);
}

export function errBadPatchType(t: unknown, m: Json): StrategicMergePatchError {
  return new StrategicMergePatchError(`unknown patch type: ${goText(t)} in map: ${goText(m)}`);
}
