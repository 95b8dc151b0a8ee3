// Extension-host tests of the packaged extension (suite 'installed'): test/package/vsix.test.ts
// installs the vsix of `npm run package` into a clean VS Code whose only development extension
// is an empty one, so everything here runs the installed copy, as in a learner's VS Code: also
// the lab on the sandbox cluster the vsix carries, offline (Start → offline release → Install →
// the book's 15 pods → Stop → Start again, the pods still there).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DownloadedRelease } from '../../src/lab/downloaded-release';
import type { ApplyReport } from '../../src/kube/apply/apply-engine';
import { assertShows, kubectl, settings } from './ui-helpers';

const EXTENSION_ID = 'istio-lab.istio-lab';

interface Manifest {
  publisher: string;
  name: string;
  version: string;
  main: string;
  contributes: {
    commands: { command: string }[];
    walkthroughs: { steps: { media: { markdown?: string } }[] }[];
  };
}

/** What the vsix test found the extension loads at runtime (see runtimeBundles there). */
interface RuntimeBundles {
  required: string[];
  named: string[];
}

function fromRun(name: string): string {
  const value = process.env[name];
  assert.ok(value, `${name} is not set: this suite is run by test/package/vsix.test.ts`);
  return value;
}

function isInside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

describe('Istio Lab installed from its vsix', () => {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  const manifest = extension?.packageJSON as Manifest;
  const sourceTree = fs.realpathSync(fromRun('ISTIO_LAB_SOURCE_TREE'));
  const bundles = JSON.parse(fromRun('ISTIO_LAB_RUNTIME_BUNDLES')) as RuntimeBundles;

  it('is the copy installed in the extensions folder, not the development one', () => {
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    const installed = path.join(
      fromRun('ISTIO_LAB_EXTENSIONS_DIR'),
      `${manifest.publisher}.${manifest.name}-${manifest.version}`,
    );
    const loadedFrom = fs.realpathSync(extension.extensionPath);
    assert.equal(loadedFrom, fs.realpathSync(installed));
    assert.ok(
      !isInside(loadedFrom, sourceTree) && loadedFrom !== sourceTree,
      `loaded from the source tree: ${loadedFrom}`,
    );
  });

  it('is not active until needed, then activates', async () => {
    assert.equal(extension!.isActive, false, 'activated at startup: check activationEvents');
    await extension!.activate();
    assert.equal(extension!.isActive, true);
  });

  it('registers every command its manifest contributes', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = manifest.contributes.commands.map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepEqual(missing, []);
  });

  it('records a lab step and reads it back through its commands', async () => {
    // The first command loads the features' bundle: a bundle missing from the vsix fails here.
    // 'registry': a step no start-up re-check of the disk or the cluster resets.
    await vscode.commands.executeCommand('istioLab.markLabStep', 'registry', 'done', 'vsix-install-test');
    const state = await vscode.commands.executeCommand<{ status: string; detail?: string }>(
      'istioLab.labStepState',
      'registry',
    );
    assert.equal(state?.status, 'done');
    assert.equal(state?.detail, 'vsix-install-test');
  });

  it('opens the lab guide at its first page, rendered from the installed media', async () => {
    await vscode.commands.executeCommand('istioLab.openLabGuide');
    const page = manifest.contributes.walkthroughs[0].steps[0].media.markdown;
    assert.ok(page, 'the first walkthrough step has no markdown page');
    // The page's first words as the rendered page shows them: up to the first markdown syntax.
    const text = fs.readFileSync(path.join(extension!.extensionPath, page), 'utf8');
    const words = /^[A-Za-z][^`*_[\]<\n]{10,}/m.exec(text)?.[0].trim();
    assert.ok(words, `found no plain text at the start of ${page}`);
    await assertShows(words, `the lab guide did not show "${words}"`);
  });

  it('loads every bundle its code requires from the installed folder, and none from the source tree', () => {
    const installed = fs.realpathSync(extension!.extensionPath);
    const missing = [...bundles.required, ...bundles.named].filter(
      (file) => !fs.existsSync(path.join(installed, file)),
    );
    assert.deepEqual(missing, [], 'bundles the extension loads are not in the installed folder');
    // Those the commands above did not load yet (the Kubernetes client, loaded on a cluster's first
    // use) load now: with no node_modules next to them, a dependency left out of a bundle fails here.
    const load = createRequire(__filename);
    for (const file of bundles.required) load(path.join(installed, file));
    const loaded = Object.keys(load.cache);
    const fromInstalled = new Set(
      loaded.filter((file) => isInside(file, installed)).map((file) => path.relative(installed, file)),
    );
    assert.deepEqual(
      bundles.required.filter((file) => !fromInstalled.has(path.normalize(file))),
      [],
      'not loaded from the installed folder',
    );
    // The development copy's bundles (the test harness itself runs from the source tree's out/).
    assert.deepEqual(
      loaded.filter((file) => isInside(file, path.join(sourceTree, 'dist'))),
      [],
      'loaded from the source tree',
    );
  });
});

/** What istioLab.startSandbox returns. */
interface StartedSandbox {
  url: string;
  kind: 'started' | 'attached';
  kubeconfig: string;
}

async function isServing(url: string): Promise<boolean> {
  // The sandbox serves HTTPS with its own CA; any answer (even a TLS error) would be a live server.
  return fetch(url).then(
    () => true,
    (error: Error & { cause?: { code?: string } }) => error.cause?.code !== 'ECONNREFUSED',
  );
}

describe('the sandbox cluster of the installed copy, offline', function () {
  this.timeout(300_000);
  const extension = () => vscode.extensions.getExtension(EXTENSION_ID)!;
  let sandbox: StartedSandbox;
  let podNames: string[] = [];

  /** The istio-system pods, through the real kubectl and the sandbox's kubeconfig. */
  async function istioPods(): Promise<string[]> {
    const listed = await kubectl(sandbox.kubeconfig, path.dirname(sandbox.kubeconfig), [
      'get',
      'pods',
      '-n',
      'istio-system',
      '-o',
      'jsonpath={.items[*].metadata.name}',
    ]);
    assert.equal(listed.code, 0, listed.output);
    return listed.output.split(' ').filter(Boolean).sort();
  }

  /** Each pod, found in the Istio Pods view by filtering for its name. */
  async function assertPodsViewShows(names: string[]): Promise<void> {
    await vscode.commands.executeCommand('istioLab.pods.focus');
    for (const name of names) {
      // Without the last character, so the row matches, not the view's "filter:" description.
      await vscode.commands.executeCommand('istioLab.pods.filter', name.slice(0, -1));
      await assertShows(name, `${name} is not in the Istio Pods view`);
    }
    await vscode.commands.executeCommand('istioLab.pods.clearFilter');
  }

  after(async () => {
    await vscode.commands.executeCommand('istioLab.stopSandbox');
    await settings({ releaseBaseUrl: '' });
  });

  it('starts the sandbox from the installed folder, selects it and labels it simulated', async () => {
    sandbox = (await vscode.commands.executeCommand<StartedSandbox>('istioLab.startSandbox'))!;
    assert.equal(sandbox?.kind, 'started');
    assert.ok(await isServing(sandbox.url));
    const config = vscode.workspace.getConfiguration('istioLab');
    assert.equal(config.get('kubeconfig'), sandbox.kubeconfig);
    assert.equal(config.get('context'), 'istio-lab-sandbox');
    // Its state lives in the extension's global storage, not in the installed folder.
    assert.ok(!isInside(sandbox.kubeconfig, extension().extensionPath), sandbox.kubeconfig);
    await assertShows('Sandbox cluster (simulated)', 'the status bar does not say the sandbox is simulated');
  });

  it("gives new terminals its KUBECONFIG, so the book's kubectl commands reach it", async () => {
    const terminal = vscode.window.createTerminal({ name: 'kubectl check' });
    terminal.show();
    terminal.sendText('echo "context=$(kubectl config current-context)"', true);
    await assertShows('context=istio-lab-sandbox', 'kubectl in a new terminal does not use the sandbox');
    terminal.dispose();
  });

  it('offers the offline lab release when the releases site cannot be reached, and unpacks it', async () => {
    // Port 1 of the loopback refuses every connection: the releases site cannot be reached.
    await settings({ releaseBaseUrl: 'https://127.0.0.1:1' });
    const failed = await vscode.commands.executeCommand<DownloadedRelease | undefined>(
      'istioLab.downloadRelease',
      '1.2.2',
    );
    assert.equal(failed, undefined);
    await assertShows('Use Offline Lab Release', 'the download error does not offer the offline lab release');
    const release = await vscode.commands.executeCommand<DownloadedRelease & { reused: boolean }>(
      'istioLab.useOfflineRelease',
      '1.2.2',
    );
    assert.equal(release?.checksum.state, 'verified');
    assert.ok(release.source.startsWith('file://'), release.source);
    assert.ok(fs.existsSync(release.demoManifest!), 'the release has no install/kubernetes/istio-demo.yaml');
    assert.match(fs.readFileSync(release.istioctl, 'utf8'), /stand-in/, 'its istioctl does not say it is a stand-in');
  });

  it("installs Istio 1.2.2 on the sandbox, and the Istio Pods view shows the book's 15 pods", async () => {
    const report = await vscode.commands.executeCommand<ApplyReport>('istioLab.installIstio', { yes: true });
    assert.ok(report && report.results.length > 0 && report.results.every((result) => result.outcome === 'created'));
    podNames = await istioPods();
    assert.equal(podNames.length, 15, podNames.join(' '));
    await assertShows('Istio 1.2.2 · 12/12 ready', 'the status bar does not show the ready control plane');
    await assertPodsViewShows(podNames);
  });

  it('stops, and started again has the same pods', async () => {
    assert.equal(await vscode.commands.executeCommand('istioLab.stopSandbox'), true);
    assert.equal(await isServing(sandbox.url), false, 'the sandbox still answers after Stop');
    sandbox = (await vscode.commands.executeCommand<StartedSandbox>('istioLab.startSandbox'))!;
    assert.equal(sandbox?.kind, 'started');
    assert.deepEqual(await istioPods(), podNames);
    await assertShows(
      'Istio 1.2.2 · 12/12 ready',
      'after the restart the status bar does not show the ready control plane',
    );
    await assertPodsViewShows(podNames);
  });

  it("claims the Kubernetes release that suits the lab's Istio release: 1.32 for Istio 1.26", async () => {
    const claimed = async (): Promise<string> => {
      // The server's own /version (`kubectl version` adds a version-skew warning to its output).
      const version = await kubectl(sandbox.kubeconfig, path.dirname(sandbox.kubeconfig), ['get', '--raw', '/version']);
      assert.equal(version.code, 0, version.output);
      return (JSON.parse(version.output) as { gitVersion: string }).gitVersion;
    };
    // The book's Istio 1.2.2 runs on the book's GKE 1.13.
    assert.equal(await claimed(), 'v1.13.7-gke.8');
    assert.equal(await vscode.commands.executeCommand('istioLab.stopSandbox'), true);
    await settings({ istioVersion: '1.26.1' });
    try {
      sandbox = (await vscode.commands.executeCommand<StartedSandbox>('istioLab.startSandbox'))!;
      assert.equal(sandbox?.kind, 'started');
      // Istio 1.26's manifests use APIs a 1.13 cluster never served (e.g. policy/v1).
      assert.equal(await claimed(), 'v1.32.0');
    } finally {
      await settings({ istioVersion: '' });
    }
  });
});
