// The one MarkdownString the UI builds: untrusted (no `command:` link runs), no HTML, and its
// appendText / appendCodeblock escape outside text completely (see outside-text.ts), so a
// tooltip or hover can hold a pod name, an event message or a log line as it is.
import * as vscode from 'vscode';
import { escapeMarkdown, markdownCodeblock } from './outside-text';

export class OutsideMarkdown extends vscode.MarkdownString {
  constructor(options: { supportThemeIcons?: boolean } = {}) {
    super(undefined, options.supportThemeIcons ?? false);
    this.isTrusted = false;
    this.supportHtml = false;
  }

  /** Outside text, rendered exactly as it reads (VS Code's own leaves autolinks and entities). */
  override appendText(value: string): this {
    this.appendMarkdown(escapeMarkdown(value));
    return this;
  }

  /** A code block that no line of `value` can close. */
  override appendCodeblock(value: string, language?: string): this {
    this.appendMarkdown(markdownCodeblock(value, language));
    return this;
  }
}
