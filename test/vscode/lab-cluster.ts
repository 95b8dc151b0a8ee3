// Set-up shared by the extension-host tests that run the lab against an in-process sandbox: the
// sandbox, a temporary folder holding its kubeconfig, the extension's settings pointed at it and
// the extension activated; the book's Istio 1.2.2 as the tests' fixtures hold it, applied with the
// real kubectl the way the book does; and the project's release mirror for the download tests.
import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Sandbox, SandboxOptions } from '../../src/sandbox';
import { startSandbox } from '../../src/sandbox';
import { kubectl, settings } from './ui-helpers';

/** The extension under test. */
export function labExtension(): vscode.Extension<unknown> {
  return vscode.extensions.getExtension('istio-lab.istio-lab')!;
}

/** A path in the book's Istio 1.2.2 release, as the tests' fixtures hold it in the extension's folder. */
export function bookRelease(...parts: string[]): string {
  return path.join(labExtension().extensionPath, 'test', 'fixtures', 'istio', 'legacy', 'istio-1.2.2', ...parts);
}

/** A sandbox the extension is pointed at, and the temporary folder holding its kubeconfig. */
export interface LabCluster {
  readonly sandbox: Sandbox;
  readonly dir: string;
  readonly kubeconfig: string;
}

/** Starts a sandbox, writes its kubeconfig in a new `istio-lab-<name>-` folder, points the settings at it and activates the extension. */
export async function startLabCluster(name: string, options?: SandboxOptions): Promise<LabCluster> {
  const sandbox = await startSandbox(options);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `istio-lab-${name}-`));
  const kubeconfig = path.join(dir, 'kubeconfig');
  fs.writeFileSync(kubeconfig, sandbox.kubeconfig, { mode: 0o600 });
  await settings({ kubeconfig, context: '' });
  await labExtension().activate();
  return { sandbox, dir, kubeconfig };
}

/** Closes the editors, points the settings back at nothing, stops the sandbox and removes its folder. */
export async function stopLabCluster(cluster: LabCluster | undefined): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await settings({ kubeconfig: '', context: '' });
  await cluster?.sandbox.close();
  if (cluster) fs.rmSync(cluster.dir, { recursive: true, force: true });
}

/** Applies the book's Istio 1.2.2 demo with the real kubectl, as the lab does: the CRDs first, then the demo profile. */
export async function applyBookDemo(kubeconfig: string, home: string): Promise<void> {
  for (const part of ['crds', 'istio-demo.yaml']) {
    const applied = await kubectl(kubeconfig, home, ['apply', '-f', bookRelease(part)]);
    assert.equal(applied.code, 0, applied.output);
  }
}

/** The project's release mirror (scripts/release-mirror.mjs) serving `release` from `dir`. */
export interface ReleaseMirror {
  readonly child: ChildProcess;
  readonly url: string;
  readonly archives: string[];
}

/** Starts the release mirror, which builds the archive and its .sha256 in `dir`, then serves them. */
export function startMirror(dir: string, release: string): Promise<ReleaseMirror> {
  const child = spawn(
    'node',
    [path.join(labExtension().extensionPath, 'scripts', 'release-mirror.mjs'), '--dir', dir, release],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ child, ...(JSON.parse(line) as { url: string; archives: string[] }) });
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`the release mirror exited with ${code}: ${output}`)));
  });
}
