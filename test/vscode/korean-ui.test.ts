// The lab in Korean: a pass of its own with VS Code started as `--locale ko` (suite 'ko'), the way
// `npm start -- --locale ko` starts it. Browser VS Code has no Korean pack offline, so its own UI
// stays English while vscode.env.language is ko; the extension's views, reports and panel must
// still show their Korean strings. Expected text comes from the translation files themselves, so a
// reworded translation moves with the test, and each must be Hangul, so an English fallback fails.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { explain } from '../../src/istio/roles/components';
import type { LabCluster } from './lab-cluster';
import { bookRelease, labExtension, startLabCluster, stopLabCluster } from './lab-cluster';
import { assertShows, screenshot, setTheme } from './ui-helpers';

const VERSION = '1.2.2';

describe('the lab in Korean (vscode.env.language ko)', function () {
  this.timeout(240_000);
  let lab: LabCluster;
  let manifest: string;
  let bundle: Record<string, string>;
  let nls: Record<string, string>;
  const release = () => ({ version: VERSION, manifest, yes: true });

  /** The Korean translation of `key` with `{0}` (args) or `{name}` (a record) filled in; it must be Korean, not the English key. */
  function ko(
    table: Record<string, string>,
    key: string,
    ...args: string[] | [Readonly<Record<string, string>>]
  ): string {
    const text = table[key];
    assert.ok(text, `no Korean translation for "${key}"`);
    assert.match(text, /[\uAC00-\uD7A3]/, `the translation of "${key}" has no Hangul: ${text}`);
    const named = typeof args[0] === 'object' ? args[0] : undefined;
    return text.replace(/\{(\w+)\}/g, (placeholder, name: string) =>
      named ? (named[name] ?? placeholder) : (args as string[])[Number(name)],
    );
  }

  /** Screenshots in both themes (the Korean pass starts dark), ending dark again. */
  async function screenshots(name: string): Promise<void> {
    await screenshot(`${name}-dark`);
    await setTheme('Default Light Modern');
    await screenshot(`${name}-light`);
    await setTheme('Default Dark Modern');
  }

  before(async () => {
    await setTheme('Default Dark Modern');
    lab = await startLabCluster('korean', { nodes: 3, speed: 0 });
    const root = labExtension().extensionPath;
    bundle = JSON.parse(fs.readFileSync(path.join(root, 'l10n', 'bundle.l10n.ko.json'), 'utf8')) as Record<
      string,
      string
    >;
    nls = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.ko.json'), 'utf8')) as Record<string, string>;
    manifest = bookRelease('istio-demo.yaml');
  });

  after(() => stopLabCluster(lab));

  it('runs with vscode.env.language ko and shows the lab guide and the Lab Steps view in Korean', async () => {
    assert.equal(vscode.env.language, 'ko');
    await vscode.commands.executeCommand('workbench.view.extension.istioLab');
    // Names come from package.nls.ko.json, the tree's rows from l10n/bundle.l10n.ko.json.
    await assertShows(ko(nls, 'view.steps.name'), 'the Lab Steps view is not titled in Korean');
    // The steps are listed once the lab has started, i.e. once the guide has been opened.
    await vscode.commands.executeCommand('istioLab.openLabGuide');
    await assertShows(ko(nls, 'walkthrough.lab.title'), 'the lab guide is not titled in Korean');
    await assertShows(ko(bundle, 'Prepare a cluster'), 'the first lab step is not in Korean');
    await assertShows(ko(bundle, 'Install the demo profile'), 'the install step is not in Korean');
    await screenshots('ko-lab-guide');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows the pre-check report in Korean', async () => {
    await vscode.commands.executeCommand('istioLab.checkCluster', release());
    // The first Markdown preview of this VS Code: the built-in Markdown extension activates first,
    // which took over 30 s once on a busy CI machine (6 s when idle).
    await assertShows(
      ko(bundle, 'Pre-check for Istio {0}', VERSION),
      'the pre-check report is not titled in Korean',
      90_000,
    );
    // The checklist's words name their placeholders ({version}, {release}): the Korean fills them too.
    const report = await vscode.workspace.openTextDocument(
      vscode.Uri.from({ scheme: 'istio-lab-report', path: `/${ko(bundle, 'Pre-check')}.md` }),
    );
    assert.ok(
      report
        .getText()
        .replace(/\\([!-/:-@[-`{-~])/g, '$1')
        .includes(
          ko(bundle, 'Kubernetes {version}: Istio {release} accepts it.', {
            version: 'v1.13.7-gke.8',
            release: VERSION,
          }),
        ),
      'the Korean checklist does not name the Kubernetes and Istio versions',
    );
    await screenshots('ko-precheck');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('installs, then shows the Pods tree and the done step in Korean', async () => {
    await vscode.commands.executeCommand('istioLab.installIstio', release());
    await vscode.commands.executeCommand('workbench.view.extension.istioLab');
    await assertShows(
      ko(bundle, 'done ({0})', VERSION),
      'the Lab Steps view does not say the install is done in Korean',
    );
    await vscode.commands.executeCommand('istioLab.pods.focus');
    await assertShows(ko(bundle, 'Control plane'), 'the Control plane group is not in Korean');
    // The status bar: the book's 12 ready pods (3 jobs complete), in Korean.
    await assertShows(
      ko(bundle, '{0}/{1} ready', '12', '12'),
      'the status bar does not count the ready pods in Korean',
    );
    await screenshots('ko-pods-tree');
  });

  it('shows the install timeline in Korean', async () => {
    await vscode.commands.executeCommand('istioLab.showInstallTimeline');
    await assertShows(ko(bundle, 'Install timeline of Istio {0}', VERSION), 'the timeline is not titled in Korean');
    await screenshots('ko-timeline');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it("shows Pilot's registry panel in Korean", async () => {
    await vscode.commands.executeCommand('istioLab.showRegistry');
    await assertShows('grafana.istio-system.svc.cluster.local|http', 'the registry does not list grafana|http');
    // The diagram's caption explains the selected component in the display language.
    await assertShows(explain('pilot', 'ko'), 'the diagram does not explain Pilot in Korean');
    await screenshots('ko-registry');
  });
});
