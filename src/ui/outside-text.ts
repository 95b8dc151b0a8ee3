// Text from outside (archive entry names, server and cluster messages, kubeconfig names, file
// contents) made safe for the places VS Code renders markup: notifications and Markdown.
//
// Notifications (`show*Message`, progress titles and messages) are plain text except for one
// pattern, which VS Code turns into a clickable link, `command:` URIs included (they run when
// clicked): microsoft/vscode 1.100, src/vs/base/common/linkedText.ts,
//   /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^\)\s]+)(?: (["'])(.+?)(\3))?\)/gi
// applied to the message after newlines became spaces (src/vs/workbench/common/notifications.ts).
// A link needs `]` directly followed by `(`; a zero-width space after every `]` and before every
// `(` of outside text breaks that in every way the text can be joined with ours, and renders as
// the same visible text.
//
// Markdown (tooltips, hovers, the Markdown reports) gets every ASCII punctuation character
// backslash-escaped: CommonMark lets any of them be escaped, so the text renders as it reads while
// no link, autolink (`:`, `.`, `@`), HTML (`<`), entity (`&`), code span, emphasis, heading, list,
// table or fence can start. No `vscode` import here, so plain Node tests exercise it.

/** U+200B ZERO WIDTH SPACE: invisible, and not part of any link syntax. */
export const ZERO_WIDTH_SPACE = '\u200b';

/** Outside text for a notification message (or one of its `vscode.l10n.t` arguments). */
export function outside(value: string | number | bigint | boolean | undefined | null): string {
  return String(value ?? '').replace(/[\](]/g, (char) =>
    char === '(' ? `${ZERO_WIDTH_SPACE}(` : `${char}${ZERO_WIDTH_SPACE}`,
  );
}

/** Every ASCII punctuation character, each of which CommonMark lets be backslash-escaped. */
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/g;

/**
 * Outside text as Markdown source that renders as exactly this text: punctuation escaped, leading
 * blanks, tabs and runs of spaces kept (as `&nbsp;`, so no line becomes an indented code block),
 * each line break a hard break. `$(` is split so a theme icon cannot be named either.
 */
export function escapeMarkdown(value: string | number | undefined | null): string {
  return String(value ?? '')
    .split(/\r\n|\r|\n/)
    .map((line) =>
      line
        .replace(/\$\(/g, () => `$${ZERO_WIDTH_SPACE}(`)
        .replace(ASCII_PUNCTUATION, '\\$&')
        // Leading blanks would make an indented code block and runs collapse: keep them as
        // no-break spaces; single spaces stay, so long lines still wrap.
        .replace(/^[ \t]+|\t|(?<= ) +/g, (blanks) => '&nbsp;'.repeat(blanks.length)),
    )
    .join('\\\n');
}

/** Outside text as a Markdown code span, whatever backticks it holds. */
export function markdownCode(value: string | number): string {
  const text = String(value).replace(/\r\n|\r|\n/g, ' ');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const padded = text.startsWith('`') || text.endsWith('`') || text.trim() === '' ? ` ${text} ` : text;
  return `${fence}${padded}${fence}`;
}

/**
 * Outside text as a fenced code block that no line of it can close: the fence is longer than any
 * run of backticks anywhere in the code (VS Code's own appendCodeblock only counts runs at the
 * start of a line, and a closing fence may be indented).
 */
export function markdownCodeblock(code: string, language = ''): string {
  const longest = Math.max(0, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `\n${fence}${language.replace(/[^\w+-]/g, '')}\n${code}\n${fence}\n`;
}
