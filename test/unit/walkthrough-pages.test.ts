// The lab guide's pages (media/walkthrough/<language>/<step>.md) as VS Code shows them: with a
// widened side bar at 1400 px the walkthrough's media column is 468 px wide, and a code block
// there does not wrap; it scrolls, but its scroll bar stays hidden until hovered, so a long
// command looked cut off (`curl … | ISTIO_`). Each command line fits (a 54-character line, the
// book's quoted URL, which cannot be split, overflows by 3 px), each sh block is still valid
// shell, and no ** shows as text.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import MarkdownIt from 'markdown-it';

const root = path.resolve(__dirname, '..', '..');
/** Characters of the monospace font that fit in the media column's code block at 1400 px. */
const MAX_COMMAND_COLUMNS = 54;

function pages(): string[] {
  const dir = path.join(root, 'media', 'walkthrough');
  return ['en', 'ko'].flatMap((language) =>
    fs
      .readdirSync(path.join(dir, language))
      .filter((file) => file.endsWith('.md'))
      .map((file) => path.join(dir, language, file)),
  );
}

/** The ```sh blocks of a page. */
function shellBlocks(file: string): string[] {
  return [...fs.readFileSync(file, 'utf8').matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1]);
}

test('every command line of the lab guide fits its code block', () => {
  const tooLong = pages().flatMap((file) =>
    shellBlocks(file).flatMap((block) =>
      block
        .split('\n')
        .filter((line) => [...line].length > MAX_COMMAND_COLUMNS)
        .map((line) => `${path.relative(root, file)}: ${line}`),
    ),
  );
  assert.deepEqual(tooLong, []);
});

test('every sh block of the lab guide is valid shell once split over lines', () => {
  const blocks = pages().flatMap((file) => shellBlocks(file).map((block) => ({ file, block })));
  assert.ok(blocks.length >= 30, `found only ${blocks.length} sh blocks: the scan is broken`);
  for (const { file, block } of blocks) {
    const check = spawnSync('bash', ['-n'], { input: block, encoding: 'utf8' });
    assert.equal(check.status, 0, `${path.relative(root, file)}: bash -n refuses\n${block}\n${check.stderr}`);
  }
});

test('no Markdown marker of the lab guide shows as text', () => {
  // A closing ** after punctuation must be followed by a space or punctuation (CommonMark's
  // flanking rules, which VS Code's marked follows too): "초기화…**로" showed both asterisks.
  const markdown = new MarkdownIt();
  const shown = pages().flatMap((file) => {
    const html = markdown.render(fs.readFileSync(file, 'utf8'));
    const text = html.replace(/<pre>[\s\S]*?<\/pre>|<code>[^<]*<\/code>/g, '').replace(/<[^>]+>/g, '');
    return [...text.matchAll(/.{0,20}(?:\*\*|__).{0,20}/g)].map((match) => `${path.relative(root, file)}: ${match[0]}`);
  });
  assert.deepEqual(shown, []);
});
