// Extension-host test of what the extension does before a release's istioctl runs. Istio 1.26.1
// unpacked with Use Local Archive… from an archive with no .sha256 beside it (not-published) is
// not put on the terminals' PATH, and Install Istio stops at a dialog instead of running it, even
// with `yes`. The same release downloaded verified: Install stops at its confirmation (as the
// manifest path does), with `yes` installs through istioctl, and new terminals run that istioctl.
// VS Code refuses modal dialogs in extension tests ("DialogService: refused to show dialog in
// tests"), so a dialog shows up here as that refusal; the e2e suite clicks real ones.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Sandbox } from '../../src/sandbox';
import { startSandbox } from '../../src/sandbox';
import type { ReleaseMirror } from './lab-cluster';
import { labExtension, startMirror } from './lab-cluster';
import { assertShows, assertTerminalShows, kubectl, screenshot, settings } from './ui-helpers';

const DIALOG_REFUSED = 'refused to show dialog';

describe("before a release's istioctl runs", function () {
  this.timeout(180_000);
  let work: string;
  let sandbox: Sandbox;
  let kubeconfig: string;
  let mirror: ReleaseMirror | undefined;
  const istioSystem = async (): Promise<string> =>
    (await kubectl(kubeconfig, work, ['get', 'deploy', '-n', 'istio-system', '-o', 'name'])).output;

  before(async function () {
    // Only the browser launcher can read the workbench, which is where a refused dialog shows.
    if (!process.env.ISTIO_LAB_SCREENSHOT_URL) this.skip();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-istioctl-trust-'));
    mirror = await startMirror(path.join(work, 'mirror'), '1.26.1@linux-amd64');
    // Istio 1.26's manifest needs a release that serves policy/v1 and apiextensions.k8s.io/v1 (1.13 refuses it).
    sandbox = await startSandbox({ speed: 0, namespaceFinalizeDelayMs: 50, kubeVersion: 'v1.32.0' });
    kubeconfig = path.join(work, 'kubeconfig');
    fs.writeFileSync(kubeconfig, sandbox.kubeconfig, { mode: 0o600 });
    await settings({ kubeconfig, context: '', releaseBaseUrl: mirror.url, downloadDir: path.join(work, 'unverified') });
    await labExtension().activate();
  });

  after(async () => {
    mirror?.child.kill();
    await settings({ kubeconfig: '', context: '', releaseBaseUrl: '', downloadDir: '' });
    await vscode.commands.executeCommand('notifications.clearAll');
    await sandbox?.close();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('an archive with no published checksum: its istioctl is not on the PATH of new terminals', async () => {
    // By hand, without the .sha256 the mirror publishes beside it: nothing to verify against.
    const archive = path.join(work, 'by-hand', path.basename(mirror!.archives[0]));
    fs.mkdirSync(path.dirname(archive), { recursive: true });
    fs.copyFileSync(mirror!.archives[0], archive);
    const result = await vscode.commands.executeCommand<{ checksum: { state: string } } | undefined>(
      'istioLab.useLocalArchive',
      archive,
    );
    assert.equal(result?.checksum.state, 'not-published');
    await assertShows(
      'Istio 1.26.1 is ready (no published checksum)',
      'the layout of the unverified release is not shown',
    );
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    // The typed line does not hold the text looked for; only its output can.
    await assertTerminalShows(
      'no istioctl',
      'echo "ISTIOCTL-$(command -v istioctl >/dev/null && echo ON || echo OFF)-PATH"',
      {
        text: 'ISTIOCTL-OFF-PATH',
        message: 'a new terminal finds an istioctl of the unverified release',
        shot: 'unverified-not-on-path',
      },
    );
  });

  it('Install stops at a dialog instead of running the unverified istioctl, even with yes', async () => {
    const code = await vscode.commands.executeCommand<number | undefined>('istioLab.installIstio', {
      version: '1.26.1',
      yes: true,
    });
    assert.equal(code, undefined);
    await assertShows(DIALOG_REFUSED, 'Install did not stop at a dialog');
    await screenshot('unverified-istioctl-dialog');
    assert.doesNotMatch(await istioSystem(), /istiod/, 'the unverified istioctl ran');
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('a verified download: Install stops at its confirmation; with yes it installs, and new terminals run that istioctl', async () => {
    await settings({ downloadDir: path.join(work, 'verified') });
    const result = await vscode.commands.executeCommand<{ checksum: { state: string } } | undefined>(
      'istioLab.downloadRelease',
      '1.26.1',
      { platform: 'linux-amd64' },
    );
    assert.equal(result?.checksum.state, 'verified');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');

    assert.equal(
      await vscode.commands.executeCommand<number | undefined>('istioLab.installIstio', { version: '1.26.1' }),
      undefined,
    );
    await assertShows(DIALOG_REFUSED, 'the istioctl install did not ask for confirmation');
    assert.doesNotMatch(await istioSystem(), /istiod/, 'istioctl ran without the confirmation');
    await vscode.commands.executeCommand('notifications.clearAll');

    assert.equal(
      await vscode.commands.executeCommand<number | undefined>('istioLab.installIstio', {
        version: '1.26.1',
        yes: true,
      }),
      0,
    );
    assert.match(await istioSystem(), /deployment\.apps\/istiod/);

    await assertTerminalShows('verified istioctl', 'istioctl version', {
      text: 'client version: 1.26.1 (Istio Lab stand-in',
      message: 'the verified istioctl is not on the PATH of new terminals',
      shot: 'verified-istioctl-on-path',
    });
  });
});
