// Boolean query parameters as apimachinery's Convert_Slice_string_To_bool reads them, and `pretty`
// as strconv.ParseBool does.
import assert from 'node:assert/strict';
import test from 'node:test';
import { goParseBool, queryFlag } from '../../../src/sandbox/apimachinery/query-flags';

test('only an absent parameter, false or 0 (any case) is false; every other value, empty included, is true', () => {
  const flag = (query: string) => queryFlag(new URLSearchParams(query), 'watch');
  assert.deepEqual(['watch=true', 'watch=True', 'watch=1', 'watch=', 'watch=yes', 'watch=TRUE'].map(flag), [
    true,
    true,
    true,
    true,
    true,
    true,
  ]);
  assert.deepEqual(['', 'watch=false', 'watch=False', 'watch=FALSE', 'watch=0', 'other=true'].map(flag), [
    false,
    false,
    false,
    false,
    false,
    false,
  ]);
  assert.equal(flag('watch=0&watch=true'), false, 'the first value decides');
});

test('pretty follows strconv.ParseBool: t and True are true, yes is not', () => {
  assert.deepEqual(['1', 't', 'T', 'true', 'True', 'TRUE'].map(goParseBool), [true, true, true, true, true, true]);
  assert.deepEqual(['0', 'false', 'yes', 'tRuE', ''].map(goParseBool), [false, false, false, false, false]);
});
