// Extension-host test of outside text in notifications: an archive entry named like a Markdown
// command link is rejected, and the rejection, which names the entry, renders it as plain text in
// the real workbench: no link element, nothing to click that could type into a terminal.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as tar from 'tar';
import * as vscode from 'vscode';
import { OutsideMarkdown } from '../../src/ui/outside-markdown';
import { renderedNotification, screenshot } from './ui-helpers';

const LABEL = 'Download the official release';
const HOSTILE_ENTRY = `istio-1.2.2/[${LABEL}](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22touch%20/tmp/pwned%5Cn%22%7D)`;

/**
 * A .tar.gz of raw entries, names as given (what scripts/lib/release-archive.mjs's rawTar does;
 * that module reads import.meta, which the extension-host bundle has not).
 */
function rawTarGz(
  entries: readonly { name: string; type: 'Directory' | 'File' | 'CharacterDevice'; data?: string }[],
): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const data = Buffer.from(entry.data ?? '');
    const header = new tar.Header({
      path: entry.name,
      type: entry.type,
      mode: entry.type === 'Directory' ? 0o755 : 0o644,
      size: data.length,
      mtime: new Date(0),
      uid: 0,
      gid: 0,
    });
    const block = Buffer.alloc(512);
    header.encode(block);
    blocks.push(block, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return zlib.gzipSync(Buffer.concat(blocks));
}

describe('Outside text in notifications', function () {
  this.timeout(60_000);
  let work: string;

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-outside-text-'));
  });

  after(async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.workspace
      .getConfiguration('istioLab')
      .update('downloadDir', undefined, vscode.ConfigurationTarget.Global);
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('the probe sees a link the workbench renders (our own, trusted text)', async function () {
    const text = 'Istio Lab link probe: [open the settings](command:workbench.action.openSettings)';
    void vscode.window.showInformationMessage(text);
    const rendered = await renderedNotification('Istio Lab link probe');
    if (rendered === undefined) this.skip(); // desktop VS Code: no launcher to read the DOM
    assert.ok(rendered, 'the probe notification is not shown');
    assert.deepEqual(rendered.links, ['command:workbench.action.openSettings']);
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('renders a hostile archive entry name in the rejection as plain text, not a command link', async function () {
    const archive = path.join(work, 'istio-1.2.2-linux.tar.gz');
    fs.writeFileSync(
      archive,
      rawTarGz([
        { name: 'istio-1.2.2/', type: 'Directory' },
        { name: 'istio-1.2.2/bin/istioctl', type: 'File', data: 'x' },
        { name: HOSTILE_ENTRY, type: 'CharacterDevice' },
      ]),
    );
    await vscode.workspace
      .getConfiguration('istioLab')
      .update('downloadDir', path.join(work, 'releases'), vscode.ConfigurationTarget.Global);
    const result = await vscode.commands.executeCommand('istioLab.useLocalArchive', archive);
    assert.equal(result, undefined, 'the hostile archive was accepted');
    assert.equal(fs.existsSync(path.join(work, 'releases', 'istio-1.2.2')), false, 'a release directory was left');

    const rendered = await renderedNotification(LABEL, 30_000);
    if (rendered === undefined) this.skip();
    await screenshot('outside-text-hostile-entry');
    assert.ok(rendered, 'the rejection naming the entry is not shown');
    assert.deepEqual(rendered.links, [], `the entry name became a link: ${rendered.links.join(', ')}`);
    // The learner reads the entry exactly as the archive names it.
    assert.ok(rendered.text.includes(`"${HOSTILE_ENTRY}"`), `the entry name is not shown as it is: ${rendered.text}`);
  });

  it('builds tooltips as untrusted MarkdownStrings whose appended outside text carries no link', () => {
    const tooltip = new OutsideMarkdown({ supportThemeIcons: true });
    tooltip.appendMarkdown('**Pod** ').appendText(HOSTILE_ENTRY).appendCodeblock('```\n[x](command:y)', 'log');
    assert.ok(tooltip instanceof vscode.MarkdownString, 'VS Code would not take it as a MarkdownString');
    assert.equal(tooltip.isTrusted, false);
    assert.equal(tooltip.supportHtml, false);
    assert.ok(tooltip.value.startsWith('**Pod** istio\\-1\\.2\\.2\\/\\[Download'), tooltip.value);
    const [text] = tooltip.value.split('\n````log');
    assert.doesNotMatch(text, /(?<!\\)\]\(/, 'an unescaped "](" is left in the text');
    assert.match(tooltip.value, /\n````log\n```\n\[x\]\(command:y\)\n````\n$/);
  });
});
