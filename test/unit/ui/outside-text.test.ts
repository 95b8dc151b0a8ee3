// Outside text in notifications and Markdown: hostile names, messages and log lines render as
// the text they are, never as a link, a command URI, HTML or other markup.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import MarkdownIt from 'markdown-it';
import {
  ZERO_WIDTH_SPACE,
  escapeMarkdown,
  markdownCode,
  markdownCodeblock,
  outside,
} from '../../../src/ui/outside-text';

// What VS Code 1.100 turns into links in a notification (microsoft/vscode,
// src/vs/base/common/linkedText.ts, LINK_REGEX; the message has its newlines made spaces first,
// src/vs/workbench/common/notifications.ts), kept exactly as VS Code writes it.
// eslint-disable-next-line no-useless-escape
const NOTIFICATION_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^\)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
const notificationLinks = (message: string): string[] =>
  [...message.replace(/(\r\n|\n|\r)/gm, ' ').matchAll(NOTIFICATION_LINK)].map((match) => match[2]);
const visible = (text: string): string => text.replaceAll(ZERO_WIDTH_SPACE, '');

const ENTRY =
  'istio-1.2.2/[Download the official release](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22touch%20/tmp/pwned%5Cn%22%7D)';

const HOSTILE_NOTIFICATIONS = [
  ENTRY,
  '[click](https://evil.example/x)',
  '[open](file:///etc/passwd)',
  '[RUN](COMMAND:workbench.action.terminal.sendSequence)',
  '[with title](command:x "Download")',
  "[single title](command:x 'Download')",
  '[x] [[y]] [label](command:x)',
  '[a [b [label](command:x) c]',
  '[`code`](command:x)',
  '[<b>html</b>](command:x)',
  'admission webhook "x" denied: [Fix it](command:workbench.action.terminal.sendSequence?%7B%7D)',
];

test('a notification shows hostile outside text as the same visible text, with no link', () => {
  for (const text of HOSTILE_NOTIFICATIONS) {
    assert.notDeepEqual(notificationLinks(text), [], `the case itself would be a link: ${text}`);
    const escaped = outside(text);
    assert.deepEqual(notificationLinks(escaped), [], `still a link: ${text}`);
    assert.equal(visible(escaped), text);
  }
});

test('a link cannot be formed across outside text and the message around it', () => {
  const message = (...args: string[]) => `Pod ${args[0]}${args[1] ?? ''}: a reason.`;
  // The label from one argument, the target from the next; outside text ending in "]" before
  // the message's own "(", and text beginning with "(" after a "]".
  assert.notDeepEqual(notificationLinks(message('[label]', '(command:x)')), []);
  assert.deepEqual(notificationLinks(message(outside('[label]'), outside('(command:x)'))), []);
  assert.deepEqual(notificationLinks(`${outside('[label]')}(command:x)`), []);
  assert.deepEqual(notificationLinks(`[label]${outside('(command:x)')}`), []);
  assert.deepEqual(notificationLinks(outside('[label]\n(command:x)')), []);
});

test('plain outside text and numbers pass unchanged', () => {
  assert.equal(outside('istio-system/istio-pilot-7d8f'), 'istio-system/istio-pilot-7d8f');
  assert.equal(outside(404), '404');
  assert.equal(outside(undefined), '');
});

const md = new MarkdownIt({ html: true, linkify: true });
/** The rendered HTML with the one paragraph (and hard breaks) markdown-it wraps text in removed. */
const rendered = (markdown: string): string =>
  md
    .render(markdown)
    .trim()
    .replace(/^<p>|<\/p>$/g, '')
    .replace(/<br>\n?/g, '\n');
const decode = (html: string): string =>
  html
    .replace(/&nbsp;|\u00a0/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

const HOSTILE_MARKDOWN = [
  ENTRY,
  '[click](https://evil.example)',
  'https://evil.example/autolink and www.evil.example',
  '<https://evil.example> <a href="command:x">a</a> <img src=x onerror=alert(1)>',
  'mail me@evil.example',
  '&lt;script&gt; &copy;',
  '`code` ``double`` ```fence',
  '**bold** _em_ ~~gone~~',
  '# heading',
  '- item',
  '1. item',
  '> quote',
  '| a | b |\n|---|---|',
  '    indented code',
  'line one\nline two\n\n  spaced',
  '![image](https://evil.example/x.png)',
  '[ref]: https://evil.example',
  '\\[escaped\\](command:x)',
  'a $(zap) icon',
  'x\n===',
];

test('escaped Markdown renders as the text itself: no link, HTML, code or other markup', () => {
  for (const text of HOSTILE_MARKDOWN) {
    const html = rendered(escapeMarkdown(text));
    assert.doesNotMatch(html, /<(?!br>)[a-z]/i, `markup in ${JSON.stringify(text)}: ${html}`);
    assert.equal(visible(decode(html)), text, `the text changed: ${JSON.stringify(text)}`);
  }
});

test('a theme icon cannot be named by outside text', () => {
  assert.doesNotMatch(escapeMarkdown('$(zap)'), /\$\(/);
});

test('a code span holds any backticks and still renders the text', () => {
  for (const text of ['kind-istio', 'a`b', '``x``', '`edge`', ENTRY]) {
    const html = rendered(markdownCode(text));
    const match = /^<code>([\s\S]*)<\/code>$/.exec(html);
    assert.ok(match, `not one code span: ${html}`);
    assert.equal(decode(match[1]), text);
  }
});

test('a code block cannot be closed by a line of its code, indented or not', () => {
  const log = ['ok', '```', '   ````', '[x](command:y)', '<img src=x onerror=alert(1)>'].join('\n');
  const html = md.render(markdownCodeblock(log, 'log'));
  const match = /^<pre><code class="language-log">([\s\S]*)<\/code><\/pre>$/.exec(html.trim());
  assert.ok(match, `not one code block: ${html}`);
  assert.equal(decode(match[1]), `${log}\n`);
});
