// Validation errors as k8s.io/apimachinery speaks them at 1.13: a field.Error (type, path, bad
// value, detail), its ErrorBody with the value printed as Go's fmt prints it, and the 422 Invalid
// Status that errors.NewInvalid builds from a list of them. Sources (kubernetes v1.13.x):
// staging/src/k8s.io/apimachinery/pkg/util/validation/field/errors.go (Error, ErrorBody, ToAggregate),
// staging/src/k8s.io/apimachinery/pkg/util/errors/errors.go (aggregate: one message alone, several in
// brackets), staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go (NewInvalid).
import { StatusError } from '../apimachinery/status-error';

/** field.ErrorType: the cause `reason` of a Status. */
export type FieldErrorType =
  'FieldValueInvalid' | 'FieldValueRequired' | 'FieldValueTooLong' | 'FieldValueNotSupported';

export interface FieldError {
  readonly type: FieldErrorType;
  /** field.Path's String(): `spec.ports[0].port`; the empty path prints as `[]`. */
  readonly field: string;
  /** The bad value, printed in the body of Invalid and NotSupported errors. */
  readonly value?: GoValue;
  readonly detail: string;
}

/**
 * A value as Go holds it, for printing: JSON values, plus the Go types validation passes as bad
 * values (`int32(70000)` prints as `70000`; a map[string]string prints with its type).
 */
export type GoValue = unknown;

/** A bad value with its Go type, where %#v shows the type: `map[string]string{"app":"a"}`. */
export class GoTyped {
  constructor(
    readonly goType: string,
    readonly value: unknown,
  ) {}
}

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueInvalid: 'Invalid value',
  FieldValueRequired: 'Required value',
  FieldValueTooLong: 'Too long',
  FieldValueNotSupported: 'Unsupported value',
};

export const invalidValue = (field: string, value: GoValue, detail: string): FieldError => ({
  type: 'FieldValueInvalid',
  field,
  value,
  detail,
});
export const requiredValue = (field: string, detail = ''): FieldError => ({
  type: 'FieldValueRequired',
  field,
  detail,
});
/** field.TooLong at 1.13: `must have at most N characters` (later releases say bytes). */
export const tooLong = (field: string, maxLength: number): FieldError => ({
  type: 'FieldValueTooLong',
  field,
  detail: `must have at most ${maxLength} characters`,
});

/** Go's %q of a string (strconv.Quote; JSON's escapes agree for the text objects hold). */
const quote = (text: string): string => JSON.stringify(text);

const sortedEntries = (value: object): [string, unknown][] =>
  Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * Go's `%#v` of a value decoded from JSON into interface{} (map[string]interface {}, []interface {},
 * string, int64, float64, bool, nil). Map keys are sorted, as fmt prints them since Go 1.12 (1.13
 * was built with Go 1.11, whose order was random: sorted is one of the orders it could print).
 */
export function goSyntax(value: unknown, inInterface = false): string {
  if (value instanceof GoTyped) {
    if (value.value !== null && typeof value.value === 'object') {
      const elementType = value.goType.replace(/^map\[string\]/, '');
      const entries = sortedEntries(value.value).map(
        ([key, item]) => `${quote(key)}:${elementType === 'string' ? quote(String(item)) : goSyntax(item, true)}`,
      );
      return `${value.goType}{${entries.join(', ')}}`;
    }
    return value.value === null || value.value === undefined
      ? `${value.goType}(nil)`
      : goSyntax(value.value, inInterface);
  }
  if (value === null || value === undefined) return inInterface ? 'interface {}(nil)' : '<nil>';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[]interface {}{${value.map((item) => goSyntax(item, true)).join(', ')}}`;
  if (typeof value === 'object')
    return `map[string]interface {}{${sortedEntries(value)
      .map(([key, item]) => `${quote(key)}:${goSyntax(item, true)}`)
      .join(', ')}}`;
  return String(value);
}

/** field.Error.ErrorBody: `Invalid value: 70000: must be between 1 and 65535, inclusive`, `Required value`. */
export function errorBody(error: FieldError): string {
  let body = TYPE_TEXT[error.type];
  if (error.type === 'FieldValueInvalid' || error.type === 'FieldValueNotSupported') {
    const value = error.value;
    // Simple types print with %v, strings with %q, anything else with %#v.
    const printed =
      value === null || value === undefined ? 'null' : typeof value === 'string' ? quote(value) : goSyntax(value);
    body += `: ${printed}`;
  }
  return error.detail ? `${body}: ${error.detail}` : body;
}

/** field.Error.Error(): `spec.replicas: Invalid value: …`. */
export const errorText = (error: FieldError): string => `${error.field}: ${errorBody(error)}`;

/**
 * errors.NewInvalid: 422 Invalid, `Deployment.apps "web" is invalid: <aggregate>` where the
 * aggregate is one message alone or several `[a, b]` (repeated messages once), and one cause per error.
 */
export function invalidObject(group: string, kind: string, name: string, errors: readonly FieldError[]): StatusError {
  const messages = [...new Set(errors.map(errorText))];
  const aggregate = messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;
  return new StatusError(422, 'Invalid', `${kind}${group ? `.${group}` : ''} ${quote(name)} is invalid: ${aggregate}`, {
    name,
    group: group || undefined,
    kind,
    causes: errors.map((error) => ({ reason: error.type, message: errorBody(error), field: error.field })),
  });
}
