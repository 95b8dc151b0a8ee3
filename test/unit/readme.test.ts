// The README's command and settings tables (English and Korean) match package.json.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { outdatedReadmes } from '../../scripts/readme-tables.mjs';

test('the README tables of commands and settings match package.json in both languages', () => {
  assert.deepEqual(outdatedReadmes(), [], 'run `node scripts/readme-tables.mjs` to regenerate them');
});
