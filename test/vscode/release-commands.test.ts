// Extension-host test of Download Istio Release…: against a local mirror (scripts/release-mirror.mjs,
// real layout and manifests, stand-in istioctl), the command downloads, verifies and unpacks the
// book's release, shows its layout, and puts its bin/ on the PATH of new terminals.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ReleaseMirror } from './lab-cluster';
import { labExtension, startMirror } from './lab-cluster';
import { assertShows, assertTerminalShows, screenshot } from './ui-helpers';

interface CommandResult {
  readonly version: string;
  readonly directory: string;
  readonly binDirectory: string;
  readonly istioctl: string;
  readonly demoManifest?: string;
  readonly checksum: { state: string; sha256: string };
  readonly reused: boolean;
}

const settings = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('istioLab');

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The top level of a real release as `ls` printed it in its folder (test/fixtures/istio/release-layout). */
function realTopLevel(version: string): string[] {
  const recorded = fs
    .readFileSync(
      path.join(labExtension().extensionPath, 'test', 'fixtures', 'istio', 'release-layout', `istio-${version}-ls.txt`),
      'utf8',
    )
    .split('\n');
  return recorded[recorded.indexOf('$ ls') + 1].trim().split(/\s+/).sort();
}

interface StepState {
  status: string;
  detail?: string;
}

/** The Lab Steps view's state of a step, once it settles on `status` (the start-up re-check runs in the background). */
async function stepState(step: string, status: string): Promise<StepState> {
  let state = await vscode.commands.executeCommand<StepState>('istioLab.labStepState', step);
  for (let tries = 0; state.status !== status && tries < 50; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    state = await vscode.commands.executeCommand<StepState>('istioLab.labStepState', step);
  }
  return state;
}

describe('Download Istio Release…', function () {
  this.timeout(120_000);
  let work: string;
  let mirror: ReleaseMirror;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-release-commands-'));
    mirror = await startMirror(path.join(work, 'mirror'), '1.2.2@linux-amd64');
    await settings().update('releaseBaseUrl', mirror.url, vscode.ConfigurationTarget.Global);
    await settings().update('downloadDir', path.join(work, 'downloads'), vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    mirror?.child.kill();
    await settings().update('releaseBaseUrl', undefined, vscode.ConfigurationTarget.Global);
    await settings().update('downloadDir', undefined, vscode.ConfigurationTarget.Global);
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('downloads, verifies and unpacks the book’s 1.2.2 from the mirror, and shows its layout', async () => {
    const result = await vscode.commands.executeCommand<CommandResult | undefined>(
      'istioLab.downloadRelease',
      '1.2.2',
      { platform: 'linux-amd64' },
    );
    assert.ok(result, 'the command returned nothing: it failed (see the Istio Lab log)');
    const directory = path.join(work, 'downloads', 'istio-1.2.2');
    assert.equal(result.directory, directory);
    assert.equal(result.checksum.state, 'verified');
    assert.equal(result.reused, false);
    assert.deepEqual(fs.readdirSync(directory).sort(), realTopLevel('1.2.2'));
    assert.ok(fs.statSync(path.join(directory, 'bin', 'istioctl')).mode & 0o100);
    assert.equal(result.demoManifest, path.join(directory, 'install', 'kubernetes', 'istio-demo.yaml'));
    const step = await stepState('download', 'done');
    assert.deepEqual([step.status, step.detail], ['done', '1.2.2'], 'Lab Steps: "2. Download Istio 1.2.2" is not done');

    // The layout, one line per directory, in a quick pick.
    await assertShows('install/kubernetes/', 'the release layout is not shown');
    await assertShows(
      'istio-demo.yaml is the demo profile the book installs',
      'the layout does not explain install/kubernetes/',
    );
    await screenshot('release-layout');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });

  it('puts the release’s bin/ on the PATH of new terminals, so istioctl version works', async () => {
    await assertTerminalShows('istioctl check', 'istioctl version', {
      text: '(Istio Lab stand-in, not the real istioctl)',
      message: 'istioctl version did not run from the release in a new terminal',
      shot: 'release-terminal-path',
    });
  });

  it('reuses the verified copy on a second run', async () => {
    const result = await vscode.commands.executeCommand<CommandResult | undefined>(
      'istioLab.downloadRelease',
      '1.2.2',
      { platform: 'linux-amd64' },
    );
    assert.equal(result?.reused, true);
    await assertShows('Istio 1.2.2 was already downloaded', 'the layout of the reused copy is not shown');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });

  it('offline, says to set istioLab.releaseBaseUrl or use a local archive', async () => {
    await settings().update(
      'releaseBaseUrl',
      `http://127.0.0.1:${await closedPort()}`,
      vscode.ConfigurationTarget.Global,
    );
    const result = await vscode.commands.executeCommand<CommandResult | undefined>(
      'istioLab.downloadRelease',
      '1.2.3',
      { platform: 'linux-amd64' },
    );
    assert.equal(result, undefined);
    await assertShows('set istioLab.releaseBaseUrl to a mirror', 'the offline message is not shown');
    await screenshot('release-offline-error');
    await vscode.commands.executeCommand('notifications.clearAll');
    await settings().update('releaseBaseUrl', mirror.url, vscode.ConfigurationTarget.Global);
  });

  it('unpacks an archive downloaded by hand with Use Local Archive…', async () => {
    const archive = path.join(work, 'mirror', '1.2.2', 'istio-1.2.2-linux.tar.gz');
    await settings().update('downloadDir', path.join(work, 'by-hand'), vscode.ConfigurationTarget.Global);
    // The re-check looks in the new folder, which has no release yet.
    assert.equal(
      (await stepState('download', 'todo')).status,
      'todo',
      'Lab Steps: the download step is still done for an empty download folder',
    );
    const result = await vscode.commands.executeCommand<CommandResult | undefined>('istioLab.useLocalArchive', archive);
    assert.equal(result?.directory, path.join(work, 'by-hand', 'istio-1.2.2'));
    assert.equal(result?.checksum.state, 'verified');
    assert.equal(
      (await stepState('download', 'done')).detail,
      '1.2.2',
      'Lab Steps: the download step is not done after Use Local Archive',
    );
    await assertShows('Istio 1.2.2 is ready', 'the layout of the unpacked archive is not shown');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });
});

describe('Lab Steps: 1. Prepare a cluster', function () {
  this.timeout(60_000);

  it('is not done while no cluster can be reached with the selected context', async () => {
    const missing = path.join(os.tmpdir(), `istio-lab-no-kubeconfig-${process.pid}`);
    // A done state saved by an earlier session must not outlive the re-check.
    await vscode.commands.executeCommand('istioLab.markLabStep', 'cluster', 'done', 'old-context');
    await settings().update('kubeconfig', missing, vscode.ConfigurationTarget.Global);
    try {
      assert.equal(
        (await stepState('cluster', 'todo')).status,
        'todo',
        'the cluster step stays done without a kubeconfig',
      );
    } finally {
      await settings().update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
