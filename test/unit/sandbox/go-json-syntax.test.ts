// Request bodies that are not JSON get encoding/json's own words, and nesting stops at its limit
// (or a lower one) without recursion: a body 100,000 deep is checked in a loop.
import assert from 'node:assert/strict';
import test from 'node:test';
import { goJsonSyntaxError, MAX_NESTING_DEPTH } from '../../../src/sandbox/apimachinery/go-json-syntax';

const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

test('malformed JSON is described in the words of go/src/encoding/json/scanner.go', () => {
  const cases: [string, string][] = [
    ['', 'unexpected end of JSON input'],
    ['{"apiVersion":"v1",', 'unexpected end of JSON input'],
    ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
    ["{'a':1}", "invalid character '\\'' looking for beginning of object key string"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
    ['[1 2]', "invalid character '2' after array element"],
    ['{} {}', "invalid character '{' after top-level value"],
    ['[01]', "invalid character '1' after array element"],
    ['{"a":tru}', "invalid character '}' in literal true (expecting 'e')"],
    ['{"a":nul', 'unexpected end of JSON input'],
    ['[-]', "invalid character ']' in numeric literal"],
    ['[1.]', "invalid character ']' after decimal point in numeric literal"],
    ['[1e]', "invalid character ']' in exponent of numeric literal"],
    ['["a\\qb"]', "invalid character 'q' in string escape code"],
    ['["\\u12x4"]', "invalid character 'x' in \\u hexadecimal character escape"],
    ['["a\nb"]', "invalid character '\\n' in string literal"],
    ['["a\u0001"]', "invalid character '\\x01' in string literal"],
    ['[x]', "invalid character 'x' looking for beginning of value"],
  ];
  for (const [text, message] of cases) assert.equal(goJsonSyntaxError(text), message, JSON.stringify(text));
});

test('valid JSON has no error, whatever its values', () => {
  for (const text of ['{}', '[]', ' {"a":[1,-0.5e+3,true,false,null,"\\u00e9\\n\\"",{}]} ', '"x"', '0', 'null'])
    assert.equal(goJsonSyntaxError(text), undefined, text);
});

test(`nesting stops at ${MAX_NESTING_DEPTH}, or at a lower limit given, even 100,000 deep`, () => {
  assert.equal(goJsonSyntaxError(nested(MAX_NESTING_DEPTH)), undefined);
  assert.equal(goJsonSyntaxError(nested(MAX_NESTING_DEPTH + 1)), "invalid character '[' exceeded max depth");
  assert.equal(goJsonSyntaxError(`{"a":${nested(100_000)}}`), "invalid character '[' exceeded max depth");
  assert.equal(goJsonSyntaxError(`{"a":{"b":${nested(3)}}}`, 4), "invalid character '[' exceeded max depth");
  assert.equal(goJsonSyntaxError(`{"a":{"b":${nested(2)}}}`, 4), undefined);
});
