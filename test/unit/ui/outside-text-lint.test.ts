// The lint rule that keeps outside text out of notifications and Markdown unescaped: the project's
// own ESLint configuration, run through ESLint's Node API on snippets placed in src/ui, fails a
// deliberate breach and passes localised text and wrapped outside text.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const root = path.resolve(__dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: root });

/** The outside-text findings (message ids) for `body` as a file in src/ui. */
async function findings(body: string): Promise<string[]> {
  const code = `import * as vscode from 'vscode';\nimport { outside, escapeMarkdown } from './outside-text';\n${body}\nexport {};\n`;
  const [result] = await eslint.lintText(code, { filePath: path.join(root, 'src', 'ui', 'lint-snippet.ts') });
  const fatal = result.messages.filter((message) => message.fatal);
  assert.deepEqual(fatal, [], 'the snippet does not parse');
  return result.messages
    .filter((message) => message.ruleId === 'istio-lab/outside-text')
    .map((message) => message.messageId ?? message.message);
}

test('an archive entry name put straight into an error message fails lint', async () => {
  assert.deepEqual(
    await findings(
      `declare const entry: string;\nvoid vscode.window.showErrorMessage(vscode.l10n.t('The archive was rejected at "{0}".', entry));`,
    ),
    ['message'],
  );
});

test('a server message as the whole notification, or in a progress title or message, fails lint', async () => {
  assert.deepEqual(
    await findings(
      [
        'declare const error: Error; declare const context: string;',
        'void vscode.window.showWarningMessage(error.message);',
        "void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking {0}', context) }, async (progress) => progress.report({ message: error.message }));",
      ].join('\n'),
    ),
    ['message', 'message', 'message'],
  );
});

test('show*Message through a variable, which would hide its message, fails lint', async () => {
  assert.deepEqual(await findings('const show = vscode.window.showInformationMessage;\nvoid show;'), ['indirect']);
});

test('a raw MarkdownString, or outside text in appendMarkdown, fails lint', async () => {
  assert.deepEqual(
    await findings(
      'declare const pod: string;\nconst tip = new vscode.MarkdownString();\ntip.appendMarkdown(`**${pod}**`);',
    ),
    ['markdownString', 'appendMarkdown'],
  );
});

test('localised text alone, counts, and wrapped outside text pass', async () => {
  const body = [
    'declare const entry: string; declare const objects: string[]; declare let done: number; declare const tip: vscode.MarkdownString;',
    "void vscode.window.showInformationMessage(vscode.l10n.t('Pick a pod in the Istio Pods view first.'));",
    "void vscode.window.showErrorMessage('Istio Lab', { modal: true });",
    "void vscode.window.showErrorMessage(vscode.l10n.t('Rejected at {0}: {1} of {2}', outside(entry), ++done, objects.length));",
    "void vscode.window.showWarningMessage(done ? outside(entry) : vscode.l10n.t('None'));",
    "tip.appendMarkdown(`**${vscode.l10n.t('Context')}:** ${escapeMarkdown(entry)}`);",
  ].join('\n');
  assert.deepEqual(await findings(body), []);
});
