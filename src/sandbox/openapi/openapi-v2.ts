// /openapi/v2: one Swagger 2.0 document for the whole server, derived from the served v3 documents
// the way kube-openapi shapes the v2 form of the same types (references under #/definitions, a
// $ref keeps its sibling keywords, oneOf scalars become strings, request bodies become body
// parameters), and encoded as gnostic's openapi.v2.Document protobuf, which is what client-go asks
// for. kubectl needs it where it validates on the client: `kind: List` documents, and kinds the
// v3 documents cannot vouch for.
import * as protobuf from 'protobufjs';
import type { OpenApiDocument } from './openapi-bundle';
import type { SchemaNode } from './schema';

type Json = Record<string, unknown>;
export type SwaggerDocument = Json & { definitions: Record<string, Json>; paths: Record<string, Json> };

const V3_REF = '#/components/schemas/';
const V2_REF = '#/definitions/';
const OPERATIONS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

const v2Ref = (ref: string): string => (ref.startsWith(V3_REF) ? `${V2_REF}${ref.slice(V3_REF.length)}` : ref);

/** A v3 schema in its v2 form. */
export function toV2Schema(node: SchemaNode): Json {
  const out: Json = {};
  const wrapped =
    node.allOf?.length === 1 && typeof node.allOf[0].$ref === 'string' && !node.properties
      ? node.allOf[0].$ref
      : undefined;
  for (const [key, value] of Object.entries(node)) {
    if (value === undefined) continue;
    switch (key) {
      case '$ref':
        out.$ref = v2Ref(String(value));
        break;
      case 'allOf':
        if (!wrapped) out.allOf = (value as SchemaNode[]).map(toV2Schema);
        break;
      case 'properties':
        out.properties = Object.fromEntries(
          Object.entries(value as Record<string, SchemaNode>).map(([name, child]) => [name, toV2Schema(child)]),
        );
        break;
      case 'items':
        out.items = toV2Schema(value as SchemaNode);
        break;
      case 'additionalProperties':
        out.additionalProperties = typeof value === 'boolean' ? value : toV2Schema(value as SchemaNode);
        break;
      case 'oneOf':
      case 'anyOf':
      case 'not':
      case 'nullable':
        // Not in Swagger 2.0; the v2 builder leaves them out.
        break;
      default:
        out[key] = value;
    }
  }
  if (wrapped) out.$ref = v2Ref(wrapped);
  // IntOrString and Quantity: a oneOf of scalars is a string in v2.
  if (!out.$ref && !out.type && Array.isArray(node.oneOf) && node.oneOf.some((branch) => branch.type === 'string'))
    out.type = 'string';
  if (out.$ref) {
    // kube-openapi's proto parser refuses a reference with a type or properties.
    delete out.type;
    delete out.properties;
  }
  return out;
}

function toV2Parameter(parameter: Json): Json {
  const { schema, ...rest } = parameter as Json & { schema?: Json };
  return { ...rest, ...(schema ?? {}) };
}

function toV2Operation(operation: Json): Json {
  const out: Json = {};
  const produces = new Set<string>();
  for (const [key, value] of Object.entries(operation)) {
    if (key === 'parameters') continue;
    if (key === 'requestBody') continue;
    if (key === 'responses') {
      out.responses = Object.fromEntries(
        Object.entries(value as Record<string, Json>).map(([code, response]) => {
          const content = (response.content ?? {}) as Record<string, { schema?: SchemaNode }>;
          for (const type of Object.keys(content)) produces.add(type);
          const schema = Object.values(content)[0]?.schema;
          return [code, { description: response.description, ...(schema ? { schema: toV2Schema(schema) } : {}) }];
        }),
      );
    } else out[key] = value;
  }
  const parameters = ((operation.parameters as Json[] | undefined) ?? []).map(toV2Parameter);
  const body = operation.requestBody as
    { content?: Record<string, { schema?: SchemaNode }>; required?: boolean } | undefined;
  if (body?.content) {
    const schema = Object.values(body.content)[0]?.schema;
    out.consumes = Object.keys(body.content);
    parameters.unshift({
      in: 'body',
      name: 'body',
      ...(body.required ? { required: true } : {}),
      ...(schema ? { schema: toV2Schema(schema) } : {}),
    });
  }
  if (parameters.length) out.parameters = parameters;
  if (produces.size) out.produces = [...produces];
  out.schemes = ['https'];
  return out;
}

/**
 * One Swagger 2.0 document for the given v3 documents. Where two documents define the same name
 * (a legacy group-version brings its release's core types), the earlier document wins.
 */
export function swaggerFromV3(
  documents: OpenApiDocument[],
  securitySchemes: Record<string, unknown> | undefined,
): SwaggerDocument {
  const definitions: Record<string, Json> = {};
  const paths: Record<string, Json> = {};
  for (const document of documents) {
    for (const [name, schema] of Object.entries(document.components.schemas)) definitions[name] ??= toV2Schema(schema);
    for (const [path, item] of Object.entries(document.paths)) {
      const out: Json = {};
      for (const [key, value] of Object.entries(item)) {
        if (key === 'parameters') out.parameters = (value as Json[]).map(toV2Parameter);
        else if ((OPERATIONS as readonly string[]).includes(key)) out[key] = toV2Operation(value as Json);
        else out[key] = value;
      }
      paths[path] ??= out;
    }
  }
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: 'unversioned' },
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    definitions: Object.fromEntries(Object.entries(definitions).sort(([a], [b]) => a.localeCompare(b))),
    securityDefinitions: securitySchemes ?? {},
    security: Object.keys(securitySchemes ?? {}).map((name) => ({ [name]: [] })),
  };
}

// ── gnostic protobuf ────────────────────────────────────────────────────────────────────────

/** A value gnostic keeps as YAML (defaults, enums, examples, vendor extensions): JSON is YAML. */
const any = (value: unknown) => ({ yaml: `${JSON.stringify(value)}\n` });

function vendorExtensions(node: Json): { name: string; value: { yaml: string } }[] | undefined {
  const extensions = Object.entries(node).filter(([key]) => key.startsWith('x-'));
  return extensions.length ? extensions.map(([name, value]) => ({ name, value: any(value) })) : undefined;
}

const SCHEMA_NUMBERS: [string, string][] = [
  ['multipleOf', 'multiple_of'],
  ['maximum', 'maximum'],
  ['exclusiveMaximum', 'exclusive_maximum'],
  ['minimum', 'minimum'],
  ['exclusiveMinimum', 'exclusive_minimum'],
  ['maxLength', 'max_length'],
  ['minLength', 'min_length'],
  ['maxItems', 'max_items'],
  ['minItems', 'min_items'],
  ['uniqueItems', 'unique_items'],
  ['maxProperties', 'max_properties'],
  ['minProperties', 'min_properties'],
  ['readOnly', 'read_only'],
];

function gnosticSchema(schema: Json): Json {
  const out: Json = {};
  if (typeof schema.$ref === 'string') out._ref = schema.$ref;
  for (const key of ['format', 'title', 'description', 'pattern', 'discriminator'] as const)
    if (typeof schema[key] === 'string') out[key] = schema[key];
  for (const [from, to] of SCHEMA_NUMBERS)
    if (typeof schema[from] === 'number' || typeof schema[from] === 'boolean') out[to] = schema[from];
  if (schema.default !== undefined) out.default = any(schema.default);
  if (schema.example !== undefined) out.example = any(schema.example);
  if (Array.isArray(schema.required)) out.required = schema.required;
  if (Array.isArray(schema.enum)) out.enum = schema.enum.map(any);
  if (typeof schema.type === 'string') out.type = { value: [schema.type] };
  if (schema.items && typeof schema.items === 'object') out.items = { schema: [gnosticSchema(schema.items as Json)] };
  if (Array.isArray(schema.allOf)) out.all_of = (schema.allOf as Json[]).map(gnosticSchema);
  if (typeof schema.additionalProperties === 'boolean')
    out.additional_properties = { boolean: schema.additionalProperties };
  else if (schema.additionalProperties)
    out.additional_properties = { schema: gnosticSchema(schema.additionalProperties as Json) };
  if (schema.properties) {
    out.properties = {
      additional_properties: Object.entries(schema.properties as Record<string, Json>).map(([name, value]) => ({
        name,
        value: gnosticSchema(value),
      })),
    };
  }
  const extensions = vendorExtensions(schema);
  if (extensions) out.vendor_extension = extensions;
  return out;
}

function gnosticParameter(parameter: Json): Json {
  if (parameter.in === 'body') {
    return {
      parameter: {
        body_parameter: {
          description: parameter.description,
          name: parameter.name,
          in: 'body',
          required: parameter.required === true,
          ...(parameter.schema ? { schema: gnosticSchema(parameter.schema as Json) } : {}),
        },
      },
    };
  }
  const sub: Json = {
    required: parameter.required === true,
    in: parameter.in,
    description: parameter.description,
    name: parameter.name,
    type: parameter.type,
    format: parameter.format,
    unique_items: parameter.uniqueItems === true,
  };
  if (parameter.default !== undefined) sub.default = any(parameter.default);
  if (Array.isArray(parameter.enum)) sub.enum = parameter.enum.map(any);
  const kind = {
    query: 'query_parameter_sub_schema',
    path: 'path_parameter_sub_schema',
    header: 'header_parameter_sub_schema',
    formData: 'form_data_parameter_sub_schema',
  }[String(parameter.in)];
  return { parameter: { non_body_parameter: { [kind ?? 'query_parameter_sub_schema']: sub } } };
}

function gnosticOperation(operation: Json): Json {
  const responses = Object.entries((operation.responses ?? {}) as Record<string, Json>).map(([name, response]) => ({
    name,
    value: {
      response: {
        description: response.description,
        ...(response.schema ? { schema: { schema: gnosticSchema(response.schema as Json) } } : {}),
      },
    },
  }));
  return {
    tags: operation.tags,
    description: operation.description,
    operation_id: operation.operationId,
    produces: operation.produces,
    consumes: operation.consumes,
    parameters: ((operation.parameters as Json[] | undefined) ?? []).map(gnosticParameter),
    responses: { response_code: responses },
    schemes: operation.schemes,
    vendor_extension: vendorExtensions(operation),
  };
}

/** The document as gnostic's openapi.v2.Document message (field names as in OpenAPIv2.proto). */
function gnosticDocument(document: SwaggerDocument): Json {
  const paths = Object.entries(document.paths).map(([name, item]) => {
    const value: Json = {};
    for (const method of OPERATIONS) if (item[method]) value[method] = gnosticOperation(item[method] as Json);
    if (Array.isArray(item.parameters)) value.parameters = (item.parameters as Json[]).map(gnosticParameter);
    return { name, value };
  });
  const securityDefinitions = Object.entries((document.securityDefinitions ?? {}) as Record<string, Json>).map(
    ([name, scheme]) => ({
      name,
      value: {
        api_key_security: { type: scheme.type, name: scheme.name, in: scheme.in, description: scheme.description },
      },
    }),
  );
  return {
    swagger: document.swagger,
    info: document.info,
    paths: { path: paths },
    definitions: {
      additional_properties: Object.entries(document.definitions).map(([name, schema]) => ({
        name,
        value: gnosticSchema(schema),
      })),
    },
    security: ((document.security ?? []) as Record<string, string[]>[]).map((requirement) => ({
      additional_properties: Object.entries(requirement).map(([name, scopes]) => ({ name, value: { value: scopes } })),
    })),
    security_definitions: { additional_properties: securityDefinitions },
  };
}

/** Encodes a Swagger document as the gnostic protobuf client-go's OpenAPISchema() decodes. */
export function encodeGnosticDocument(document: SwaggerDocument, descriptor: protobuf.INamespace): Uint8Array {
  const type = protobuf.Root.fromJSON(descriptor).lookupType('openapi.v2.Document');
  return type.encode(type.fromObject(gnosticDocument(document))).finish();
}
