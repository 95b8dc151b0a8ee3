import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { LAB_WORKSPACE_MARKER, parseLabWorkspace } from '../../../src/lab/lab-workspace';

test('a marker asking for the lab guide opens it', () => {
  assert.deepEqual(parseLabWorkspace('{"openLabGuide": true}'), { openLabGuide: true });
});

test('a malformed or partial marker falls back to not opening the guide', () => {
  for (const text of ['', '{', 'null', '[]', '{"openLabGuide": "yes"}']) {
    assert.deepEqual(parseLabWorkspace(text), { openLabGuide: false }, text);
  }
});

test('the manifest activates on the marker file', () => {
  const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));
  assert.ok(manifest.activationEvents.includes(`workspaceContains:${LAB_WORKSPACE_MARKER}`));
  assert.ok(!manifest.activationEvents.includes('*'));
});
