// Deeply nested registry answers: refused with the line and column before anything recursive
// reads them (a 100,000-deep unknown field used to pass, then break postMessage's JSON.stringify
// and leave the viewer on "loading"; deep malformed JSON gave a RangeError).
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { RegistryFormatError, parseJsonText, tooDeepOffset } from '../../../src/istio/registry/json-text';
import { parseRegistration } from '../../../src/istio/registry/legacy-registration';
import { parseIstiodDebug } from '../../../src/istio/registry/istiod-debug';
import { MAX_JSON_DEPTH, asExtensionMessage, isWithinDepth } from '../../../src/shared/registry-messages';

const nested = (levels: number, inner = '1'): string => `${'['.repeat(levels)}${inner}${']'.repeat(levels)}`;

function assertFormatError(run: () => unknown, problem: string, line: number, column: number): RegistryFormatError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof RegistryFormatError, `expected a RegistryFormatError, got ${String(caught)}`);
  assert.deepEqual([caught.problem, caught.line, caught.column], [problem, line, column], caught.message);
  return caught;
}

test('a legacy registration with a 100,000-deep unknown field is refused at the level too deep', () => {
  const body = `[\n  {"service-key": "details.default.svc.cluster.local|http",\n   "hosts": [{"ip_address": "10.1.0.7", "port": 9080, "labels": ${nested(100_000)}}]}\n]`;
  // Levels: the array, the entry, "hosts", the host; the field's 97th "[" opens level 101.
  const error = assertFormatError(() => parseRegistration(body), 'too-deep', 3, 65 + 96);
  assert.match(error.message, /deeper than 100 levels at line 3, column 161/);
});

test('istiod debug JSON nested too deep is refused the same way, in registryz or endpointz', () => {
  assertFormatError(() => parseIstiodDebug(`[{"hostname": "a", "x": ${nested(200)}}]`), 'too-deep', 1, 25 + 98);
  assertFormatError(() => parseIstiodDebug('[]', nested(100_000)), 'too-deep', 1, 101);
});

test('deep malformed JSON says where, instead of overflowing the stack', () => {
  assertFormatError(() => parseJsonText(`${'['.repeat(100_000)}1,]`), 'too-deep', 1, 101);
  // Within the limit, the scanner finds the malformed spot: the "}" closing an array.
  assertFormatError(() => parseJsonText(`${'['.repeat(MAX_JSON_DEPTH)}\n1}`), 'malformed-json', 2, 2);
});

test('nesting up to the limit parses; brackets inside strings do not count', () => {
  assert.equal(JSON.stringify(parseJsonText(nested(MAX_JSON_DEPTH))), nested(MAX_JSON_DEPTH));
  assert.throws(() => parseJsonText(nested(MAX_JSON_DEPTH + 1)), RegistryFormatError);
  const brackets = JSON.stringify({ note: `${'['.repeat(5000)}\\"{{{` });
  assert.equal(tooDeepOffset(brackets), -1);
  assert.deepEqual(parseJsonText(brackets), JSON.parse(brackets));
});

test('the message contract refuses a registry whose unknown fields nest past the limit, at any depth', () => {
  let deep: unknown = 1;
  for (let k = 0; k < 100_000; k++) deep = { next: deep };
  assert.equal(isWithinDepth(deep), false);
  assert.equal(isWithinDepth({ a: [{ b: 1 }] }), true);
  const message = (extra: Record<string, unknown>) => ({
    type: 'registry',
    era: 'legacy',
    snapshot: {
      format: 'legacy-registration',
      services: [
        {
          hostname: 'details.default.svc.cluster.local',
          name: 'details',
          namespace: 'default',
          ports: [{ key: 'k', name: 'http', endpoints: [{ ip: '10.1.0.7', port: 9080, extra }] }],
        },
      ],
    },
    raw: '[]',
    rawTruncated: false,
    fetchedAt: 1,
    via: 'service-proxy',
    commands: [],
  });
  assert.ok(asExtensionMessage(message({ labels: { app: 'details' } })));
  assert.equal(asExtensionMessage(message({ labels: deep })), undefined);
});
