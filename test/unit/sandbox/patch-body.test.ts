// A PATCH body that is not JSON is refused in encoding/json's words, the same scanner the request
// decoder uses (apimachinery/go-json-syntax.ts), escapes and numbers included.
import assert from 'node:assert/strict';
import test from 'node:test';
import { BodyDecodeError, parseJson } from '../../../src/sandbox/patch/patch-body';

const CASES: [body: string, message: string][] = [
  ['{"metadata":{"labels":{"a":"\\q"}}}', "invalid character 'q' in string escape code"],
  ['{"spec":{"replicas":-}}', "invalid character '}' in numeric literal"],
  ['{"spec":{"replicas":1,}}', "invalid character '}' looking for beginning of object key string"],
  ['{"spec":', 'unexpected end of JSON input'],
];

for (const [body, message] of CASES) {
  test(`parseJson(${body}) says ${message}`, () => {
    assert.throws(
      () => parseJson(body),
      (error: unknown) => error instanceof BodyDecodeError && error.message === message,
    );
  });
}
