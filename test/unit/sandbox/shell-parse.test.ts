// The simulated shell's parser: pipelines, redirections with descriptors, variables and comments.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expandWord, parseScript } from '../../../src/sandbox/streams/shell-parse';

describe("the simulated shell's parser", () => {
  test("a pipeline keeps each command's words; the first command's words stay in `words` for older callers", () => {
    const [first, second] = parseScript("curl -s localhost:15000/stats | grep -E 'cds|lds' | wc -l && echo done");
    assert.deepEqual(
      first.pipeline.map((command) => command.words),
      [
        ['curl', '-s', 'localhost:15000/stats'],
        ['grep', '-E', 'cds|lds'],
        ['wc', '-l'],
      ],
    );
    assert.deepEqual(first.words, ['curl', '-s', 'localhost:15000/stats']);
    assert.equal(first.next, '&&');
    assert.deepEqual(second.words, ['echo', 'done']);
  });

  test('redirections: >&2, 2>&1, > /dev/null, >>file, <file and &>, with a digit word kept as a word', () => {
    const [command] = parseScript('echo a 2 >&2 2>&1 > /dev/null >>log <in &>all');
    assert.deepEqual(command.words, ['echo', 'a', '2']);
    assert.deepEqual(command.pipeline[0].redirects, [
      { fd: 1, op: '>&', target: '2' },
      { fd: 2, op: '>&', target: '1' },
      { fd: 1, op: '>', target: '/dev/null' },
      { fd: 1, op: '>>', target: 'log' },
      { fd: 0, op: '<', target: 'in' },
      { fd: 1, op: '>', target: 'all' },
      { fd: 2, op: '>&', target: '1' },
    ]);
  });

  test('$? and ${NAME} expand outside single quotes; a comment ends at the newline', () => {
    const [command, next] = parseScript(`echo "$?" '$HOME' \${HOSTNAME}x # comment ; not a command\necho b`);
    const values: Record<string, string> = { '?': '3', HOME: '/root', HOSTNAME: 'pod' };
    assert.deepEqual(
      command.words.map((word) => expandWord(word, (name) => values[name])),
      ['echo', '3', '$HOME', 'podx'],
    );
    assert.deepEqual(next.words, ['echo', 'b']);
  });
});
