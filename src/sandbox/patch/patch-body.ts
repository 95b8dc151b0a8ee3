// Decoding PATCH bodies the way the API server's Go decoders do, with the error texts they give.
import * as yaml from 'js-yaml';

export class BodyDecodeError extends Error {}

/** encoding/json's text for the first syntax error in `text` (its scanner's states, in brief). */
export function goSyntaxError(text: string): string {
  let i = 0;
  const quote = (c: string): string => (c === "'" ? "'\\''" : c === '"' ? `'"'` : `'${c}'`);
  const fail = (context: string): never => {
    throw new BodyDecodeError(
      i >= text.length ? 'unexpected end of JSON input' : `invalid character ${quote(text[i])} ${context}`,
    );
  };
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const literal = (word: string): void => {
    for (let k = 0; k < word.length; k++, i++)
      if (text[i] !== word[k]) fail(`in literal ${word} (expecting '${word[k]}')`);
  };
  const string = (): void => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail('in string literal');
      i += text[i] === '\\' ? 2 : 1;
    }
    if (i >= text.length) fail('');
    i++;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail('looking for beginning of object key string');
        string();
        ws();
        if (text[i] !== ':') fail('after object key');
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail('after object key:value pair');
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail('after array element');
      }
    } else if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else if (c !== undefined && /[-0-9]/.test(c)) {
      const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
      if (!match) fail('in numeric literal');
      i += match![0].length;
    } else fail('looking for beginning of value');
  };
  try {
    value();
    ws();
    if (i < text.length) fail('after top-level value');
  } catch (error) {
    return (error as Error).message;
  }
  return 'unexpected end of JSON input';
}

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
    if (error instanceof SyntaxError) throw new BodyDecodeError(goSyntaxError(text));
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
