// The download picker's refresh: the online release list arrives while the learner may be
// clicking, so no row that is already shown may move.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { builtinCatalogue } from '../../../src/istio/releases/catalogue';
import { refreshInPlace } from '../../../src/lab/download/release-catalogue';

test('the versions already shown keep their rows and take the fresher facts', () => {
  const shown = [{ version: '1.2.2' }, { version: '1.26.1' }, { version: '1.0.0' }];
  const fresh = [
    { version: '1.26.1', date: '2025-05-30' },
    { version: '1.2.2', date: '2019-06-28' },
    { version: '1.0.0' },
  ];
  const { kept, added } = refreshInPlace(shown, fresh);
  assert.deepEqual(
    kept.map((release) => release.version),
    ['1.2.2', '1.26.1', '1.0.0'],
  );
  assert.equal(kept[0].date, '2019-06-28');
  assert.deepEqual(added, []);
});

test("versions new in the online list come after every shown row, in the list's order", () => {
  const shown = builtinCatalogue();
  const fresh = [{ version: '9.1.0' }, ...shown, { version: '9.0.0' }];
  const { kept, added } = refreshInPlace(shown, fresh);
  assert.deepEqual(
    kept.map((release) => release.version),
    shown.map((release) => release.version),
  );
  assert.deepEqual(
    added.map((release) => release.version),
    ['9.1.0', '9.0.0'],
  );
});

test('a version the online list lacks stays shown as it was', () => {
  const { kept } = refreshInPlace([{ version: '1.2.2', date: 'builtin' }], []);
  assert.deepEqual(kept, [{ version: '1.2.2', date: 'builtin' }]);
});
