// Decoding PATCH bodies the way the API server's Go decoders do, with the error texts they give.
import * as yaml from 'js-yaml';
import { goJsonSyntaxError } from '../apimachinery/go-json-syntax';

export class BodyDecodeError extends Error {}

function goKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  return typeof value === 'boolean' ? 'bool' : typeof value;
}

/** Parses JSON; a syntax error comes back in encoding/json's words. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    if (error instanceof SyntaxError)
      throw new BodyDecodeError(goJsonSyntaxError(text) ?? 'unexpected end of JSON input');
    throw error;
  }
}

/** encoding/json's "cannot unmarshal X into Go value of type T". */
export function unmarshalTypeError(value: unknown, goType: string): BodyDecodeError {
  return new BodyDecodeError(`json: cannot unmarshal ${goKind(value)} into Go value of type ${goType}`);
}

/** An apply body: YAML or JSON (kubectl sends JSON), which must be a map. */
export function parseApplyBody(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (notJson) {
    if (!(notJson instanceof SyntaxError)) throw notJson;
    try {
      value = yaml.load(text, { schema: yaml.DEFAULT_SCHEMA });
    } catch (error) {
      if (error instanceof yaml.YAMLException)
        throw new BodyDecodeError(`error decoding YAML: error converting YAML to JSON: yaml: ${error.reason}`);
      throw error;
    }
  }
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new BodyDecodeError(
      `error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${goKind(value)} into Go value of type map[string]interface {}`,
    );
  }
  return value as Record<string, unknown>;
}
