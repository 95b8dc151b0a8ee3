// The sandbox's bearer token check: the apiserver's header parsing, and a constant-time comparison
// that answers every wrong token the same way, whatever its length.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import test from 'node:test';
import { bearerToken, hasBearerToken } from '../../../src/sandbox/server/token-check';

const token = randomBytes(24).toString('base64url');

test('reads the token of an Authorization header as the apiserver does', () => {
  assert.equal(bearerToken(`Bearer ${token}`), token);
  assert.equal(bearerToken(`  bearer ${token}  `), token, 'trimmed, the scheme in any case');
  assert.equal(bearerToken(`Bearer ${token} extra`), token, 'the word after the scheme');
  assert.equal(bearerToken('Bearer '), undefined);
  assert.equal(bearerToken('Bearer  x'), undefined, 'two spaces leave an empty token');
  assert.equal(bearerToken(`Basic ${token}`), undefined);
  assert.equal(bearerToken(token), undefined);
  assert.equal(bearerToken(undefined), undefined);
});

test('accepts the cluster token and refuses every other, of any length, without throwing', () => {
  assert.equal(hasBearerToken(`Bearer ${token}`, token), true);
  const wrong = [
    `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, // same length, last character differs
    token.slice(0, -1), // a prefix: shorter
    `${token}x`, // longer
    'x',
    'x'.repeat(10_000),
  ];
  // timingSafeEqual throws a RangeError on buffers of different lengths; digests never differ in length.
  for (const guess of wrong) assert.equal(hasBearerToken(`Bearer ${guess}`, token), false, guess.slice(0, 40));
  assert.equal(hasBearerToken(undefined, token), false);
  assert.equal(hasBearerToken('Bearer ', token), false);
  assert.equal(hasBearerToken('', ''), false, 'no token never matches, even an empty one');
});
