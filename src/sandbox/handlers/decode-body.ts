// The JSON body of a create, update or patch, decoded as kube-apiserver 1.32 decodes it before
// anything else looks at it: a body encoding/json cannot read (malformed, nested too deep) and a
// value of the wrong type for the kind's Go struct (`labels: "x"`, `name: 123`) are a 400
// BadRequest with the server's words, and nothing is stored.
//
// Nesting: Go refuses more than 10,000 levels; the sandbox refuses more than 1,000 with the same
// words, because V8 cannot serialise or clone an object nested a few thousand deep (no Kubernetes
// object comes near either limit).
//
// Upstream: the handlers' transformDecodeError and summarizeData
// (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go), the JSON serializer's
// SimpleMetaFactory.Interpret (staging/src/k8s.io/apimachinery/pkg/runtime/serializer/json/meta.go),
// and encoding/json's UnmarshalTypeError, which sigs.k8s.io/json keeps. (1.13's json-iterator
// worded type errors differently; the sandbox speaks as the servers kubectl 1.32 meets today.)
import { goJsonSyntaxError } from '../apimachinery/go-json-syntax';
import type { FieldValidationDirective } from '../openapi';
import type { FieldCheckRequest, SchemaNode, SchemaSource } from '../openapi';
import { badRequest } from '../apimachinery/status-error';

/** The deepest nesting the sandbox reads; deeper bodies get Go's "exceeded max depth". */
export const SANDBOX_MAX_NESTING_DEPTH = 1000;

/** Go types with their own UnmarshalJSON (times, quantities, int-or-string, raw JSON): their errors read differently, and are left alone. */
const OWN_DECODERS = new Set([
  'Time',
  'MicroTime',
  'Duration',
  'Quantity',
  'IntOrString',
  'RawExtension',
  'JSON',
  'FieldsV1',
  'JSONSchemaPropsOrArray',
  'JSONSchemaPropsOrBool',
  'JSONSchemaPropsOrStringArray',
]);

/** What Interpret decodes the body into to find its kind, as reflect prints the type. */
const FIND_KIND_TYPE =
  'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';

/** `<empty>`, the first 30 bytes of a JSON object then ` ...`, or hex for anything else. */
function summarizeData(body: string, maxLength = 30): string {
  const data = Buffer.from(body, 'utf8');
  if (data.length === 0) return '<empty>';
  const head = data.subarray(0, maxLength);
  const more = data.length > maxLength ? ' ...' : '';
  return data[0] === 0x7b ? `${head.toString('utf8')}${more}` : `${head.toString('hex')}${more}`;
}

/** encoding/json's name for a JSON value that did not fit: `string`, `number`, `bool`, `array`, `object`. */
function jsonValueName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value === 'object' ? 'object' : typeof value;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const refOf = (node: SchemaNode): string | undefined =>
  node.$ref ?? (node.allOf?.length === 1 ? node.allOf[0].$ref : undefined);
/** `#/components/schemas/io.k8s.api.core.v1.PodSpec` → `['v1', 'PodSpec']`. */
function goName(ref: string): [pkg: string, name: string] {
  const parts = ref.slice(ref.lastIndexOf('/') + 1).split('.');
  return [parts[parts.length - 2] ?? '', parts[parts.length - 1]];
}

interface Place {
  /** The Go struct whose field is being decoded, as UnmarshalTypeError.Struct names it. */
  readonly struct: string;
  /** JSON field names from the top, without indexes or map keys (UnmarshalTypeError.Field). */
  readonly field: readonly string[];
}

class TypeChecker {
  constructor(private readonly schemas: SchemaSource) {}

  /** reflect's name of the Go type a schema node stands for: `map[string]string`, `[]v1.Container`, `int32`. */
  goType(node: SchemaNode | undefined): string {
    if (!node) return 'interface {}';
    const ref = refOf(node);
    if (ref) return goName(ref).join('.');
    const s = this.schemas.resolve(node);
    switch (s.type) {
      case 'string':
        return s.format === 'byte' ? '[]uint8' : 'string';
      case 'integer':
        return s.format === 'int32' ? 'int32' : 'int64';
      case 'number':
        return 'float64';
      case 'boolean':
        return 'bool';
      case 'array':
        return `[]${this.goType(s.items)}`;
      default:
        return isPlainObject(s.additionalProperties)
          ? `map[string]${this.goType(s.additionalProperties)}`
          : 'map[string]interface {}';
    }
  }

  /** The first value, in document order, that does not fit its Go type: the error decoding reports. */
  firstError(value: unknown, node: SchemaNode | undefined, place: Place): string | undefined {
    if (!node || value === null || value === undefined) return undefined;
    const ref = refOf(node);
    if (ref && OWN_DECODERS.has(goName(ref)[1])) return undefined;
    const s = this.schemas.resolve(node);
    if (
      s['x-kubernetes-int-or-string'] ||
      s['x-kubernetes-preserve-unknown-fields'] ||
      s['x-kubernetes-embedded-resource']
    )
      return undefined;
    const mismatch = (valueName = jsonValueName(value)): string => {
      const into = place.field.length > 0 ? `Go struct field ${place.struct}.${place.field.join('.')}` : 'Go value';
      return `json: cannot unmarshal ${valueName} into ${into} of type ${this.goType(node)}`;
    };
    switch (s.type ?? (s.properties ? 'object' : undefined)) {
      case 'string':
        return typeof value === 'string' ? undefined : mismatch();
      case 'boolean':
        return typeof value === 'boolean' ? undefined : mismatch();
      case 'number':
        return typeof value === 'number' ? undefined : mismatch();
      case 'integer': {
        if (typeof value !== 'number') return mismatch();
        const limit = s.format === 'int32' ? 2 ** 31 : 2 ** 63;
        return Number.isInteger(value) && value >= -limit && value < limit ? undefined : mismatch(`number ${value}`);
      }
      case 'array':
        if (!Array.isArray(value)) return mismatch();
        for (const item of value) {
          const error = this.firstError(item, s.items, place);
          if (error) return error;
        }
        return undefined;
      case 'object':
        if (!isPlainObject(value)) return mismatch();
        return s.properties
          ? this.firstFieldError(value, s.properties, ref ? goName(ref)[1] : place.struct, place)
          : this.firstMapError(value, s.additionalProperties, place);
      default:
        return undefined;
    }
  }

  /** A struct: each known field in turn (unknown fields are field validation's business). */
  private firstFieldError(
    value: Record<string, unknown>,
    properties: Record<string, SchemaNode>,
    struct: string,
    place: Place,
  ): string | undefined {
    for (const [key, item] of Object.entries(value)) {
      if (!Object.hasOwn(properties, key)) continue;
      const error = this.firstError(item, properties[key], { struct, field: [...place.field, key] });
      if (error) return error;
    }
    return undefined;
  }

  /** A map: its values, under the field that holds the map (encoding/json does not add map keys). */
  private firstMapError(
    value: Record<string, unknown>,
    element: SchemaNode | boolean | undefined,
    place: Place,
  ): string | undefined {
    if (!isPlainObject(element)) return undefined;
    for (const item of Object.values(value)) {
      const error = this.firstError(item, element, place);
      if (error) return error;
    }
    return undefined;
  }
}

/** A create or update of `type`; a kind a CRD defines (`crd` set) decodes into a map, not a Go struct. */
interface DecodeRequest extends FieldCheckRequest {
  readonly type: { readonly kind: string; readonly crd?: string };
}

/**
 * Checks the body of a create or update of a built-in kind as the apiserver's decoding would, and
 * returns it unchanged, or throws the 400 BadRequest the server answers. Custom resources decode
 * into maps, so only their JSON is checked.
 */
export function decodeBody(schemas: SchemaSource, request: DecodeRequest, body: string): string {
  const [group, version, kind] =
    request.subresource === 'scale'
      ? ['autoscaling', 'v1', 'Scale']
      : [request.group, request.version, request.type.kind];
  const unrecognized = (error: string) =>
    badRequest(
      `the object provided is unrecognized (must be of type ${kind}): couldn't get version/kind; json parse error: ${error} (${summarizeData(body)})`,
    );
  const syntaxError = goJsonSyntaxError(body, SANDBOX_MAX_NESTING_DEPTH);
  if (syntaxError) throw unrecognized(syntaxError);
  const value = JSON.parse(body) as unknown;
  if (!isPlainObject(value))
    throw unrecognized(`json: cannot unmarshal ${jsonValueName(value)} into Go value of type ${FIND_KIND_TYPE}`);
  for (const field of ['apiVersion', 'kind']) {
    if (value[field] !== undefined && value[field] !== null && typeof value[field] !== 'string') {
      throw unrecognized(
        `json: cannot unmarshal ${jsonValueName(value[field])} into Go struct field .${field} of type string`,
      );
    }
  }
  const schema = request.type.crd ? undefined : schemas.schemaFor(group, version, kind);
  const error = schema && new TypeChecker(schemas).firstError(value, schema, { struct: kind, field: [] });
  if (error) {
    // The kind and version named are the body's, where it has them (the serializer's gvkWithDefaults).
    const apiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : '';
    const bodyVersion = apiVersion.slice(apiVersion.indexOf('/') + 1) || version;
    const bodyKind = typeof value.kind === 'string' && value.kind ? value.kind : kind;
    throw badRequest(`${bodyKind} in version ${JSON.stringify(bodyVersion)} cannot be handled as a ${kind}: ${error}`);
  }
  return body;
}

/**
 * A JSON, merge or strategic merge patch nested deeper than the sandbox reads, answered as the
 * patch handler answers one deeper than Go reads (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go,
 * 1.32): under fieldValidation Warn or Strict, JSON and merge patches are decoded strictly first
 * (`error decoding patch: …`); under Ignore a merge patch fails in the JSON patch library
 * (`Invalid JSON Patch`); a strategic merge patch gives the decoder's error. Other malformed
 * patches are left to the patch code, which already answers them. Returns the body unchanged.
 */
export function decodePatchBody(body: string, contentType: string, query: URLSearchParams): string {
  if (!/json-patch|merge-patch/.test(contentType)) return body;
  const syntaxError = goJsonSyntaxError(body, SANDBOX_MAX_NESTING_DEPTH);
  if (!syntaxError?.endsWith('exceeded max depth')) return body;
  if (contentType.includes('strategic-merge-patch')) throw badRequest(syntaxError);
  if ((query.get('fieldValidation') as FieldValidationDirective | null) !== 'Ignore')
    throw badRequest(`error decoding patch: ${syntaxError}`);
  throw badRequest(contentType.includes('merge-patch') ? 'Invalid JSON Patch' : syntaxError);
}
