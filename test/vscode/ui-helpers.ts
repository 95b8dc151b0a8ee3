// Helpers for extension-host tests: ask the browser launcher for a screenshot or whether the
// workbench shows a text (desktop VS Code runs have no launcher; the helpers say so, and a test
// whose rendering checks could not be made is reported skipped), type a line into a new terminal and
// look for its output, set settings and the theme, and run the real kubectl.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as vscode from 'vscode';

/**
 * What the running test could not check of the rendered workbench (desktop VS Code: no launcher).
 * Each test file is bundled with its own copy of this module, so the list and the hook below are
 * kept once, on globalThis.
 */
const desktop = ((globalThis as { istioLabUnchecked?: { checks: string[]; hooked: boolean } }).istioLabUnchecked ??= {
  checks: [],
  hooked: false,
});

// A test that meets a check of what the workbench renders under desktop VS Code runs on to its end
// (its other asserts, its clean-up), and is then skipped (`this.skip()`) with the reason, instead
// of passing without having looked. The browser run, through the launcher, makes every check.
if (!desktop.hooked) {
  desktop.hooked = true;
  beforeEach(function () {
    desktop.checks = [];
    const test = this.currentTest;
    const run = test?.fn;
    if (!test || !run || run.length > 0) return;
    test.fn = async function (this: Mocha.Context) {
      await (run as (this: Mocha.Context) => unknown).call(this);
      if (!desktop.checks.length) return;
      console.log(
        `      skipped: desktop VS Code has no launcher to read the workbench, so this was not checked: ${desktop.checks.join('; ')}`,
      );
      this.skip();
    };
  });
}

/** Notes a rendering check the running test could not make; the test is reported skipped at its end. */
export function notCheckedOnDesktop(check: string): void {
  desktop.checks.push(check);
}

export async function screenshot(name: string): Promise<string | undefined> {
  const url = process.env.ISTIO_LAB_SCREENSHOT_URL;
  if (!url) return undefined;
  const response = await fetch(`${url}?name=${encodeURIComponent(name)}`, { method: 'POST' });
  if (!response.ok) throw new Error(`screenshot ${name} failed: ${await response.text()}`);
  return response.text();
}

/**
 * Asks the browser launcher's `endpoint` (beside its screenshot URL) with `params`; undefined on
 * desktop runs, which have no launcher to ask. `what` names the question in an error.
 */
async function askLauncher<T>(endpoint: string, params: Record<string, string>, what: string): Promise<T | undefined> {
  const url = process.env.ISTIO_LAB_SCREENSHOT_URL;
  if (!url) return undefined;
  const query = new URL(url.replace(/\/screenshot$/, `/${endpoint}`));
  for (const [name, value] of Object.entries(params)) query.searchParams.set(name, value);
  const response = await fetch(query, { method: 'POST' });
  if (!response.ok) throw new Error(`${what} failed: ${await response.text()}`);
  return (await response.json()) as T;
}

/** Waits until the workbench page shows `text` (in any frame), or gives up after `timeoutMs`. */
export function workbenchShows(text: string, timeoutMs = 15_000): Promise<boolean | undefined> {
  return askLauncher('shows', { text, timeoutMs: String(timeoutMs) }, `looking for "${text}"`);
}

/** A notification as the workbench renders it: its visible text and the hrefs of the links in it. */
export interface RenderedNotification {
  readonly text: string;
  readonly links: readonly string[];
}

/**
 * The rendered notification whose visible text contains `text` (null when none appears within
 * `timeoutMs`; undefined on desktop runs, which have no launcher to ask).
 */
export function renderedNotification(
  text: string,
  timeoutMs = 15_000,
): Promise<RenderedNotification | null | undefined> {
  return askLauncher('notification', { text, timeoutMs: String(timeoutMs) }, `reading the notification "${text}"`);
}

/** One row of a tree view as the workbench renders it: depth from 1, label and description. */
export interface TreeRow {
  readonly level: number;
  readonly label: string;
  readonly description: string;
}

/** The rows the view titled `view` renders now, top to bottom (only those in its viewport). */
export function treeRows(view: string): Promise<TreeRow[] | undefined> {
  return askLauncher('rows', { view }, `reading the rows of ${view}`);
}

/** Asserts the workbench shows `text`; under desktop VS Code (no launcher) the test is reported skipped at its end. */
export async function assertShows(text: string, message: string, timeoutMs = 30_000): Promise<void> {
  const shows = await workbenchShows(text, timeoutMs);
  if (shows === undefined) return notCheckedOnDesktop(`${message} ("${text}")`);
  if (shows) return;
  // What the workbench showed instead, for the run's log: a CI failure is otherwise unexplained.
  const file = await screenshot(`not-shown-${text.replace(/[^\w]+/g, '-').slice(0, 40)}`).catch(
    (error: Error) => `(no screenshot: ${error.message})`,
  );
  assert.fail(`${message}: "${text}" not seen within ${timeoutMs} ms; the workbench then: ${file}`);
}

/**
 * Types `line` into a new integrated terminal named `name` (which gets the environment the extension
 * gives new terminals), asserts its output shows `text`, records screenshot `shot`, and closes it.
 */
export async function assertTerminalShows(
  name: string,
  line: string,
  { text, message, shot }: { text: string; message: string; shot: string },
): Promise<void> {
  const terminal = vscode.window.createTerminal({ name });
  try {
    terminal.show();
    terminal.sendText(line);
    await assertShows(text, message);
    await screenshot(shot);
  } finally {
    terminal.dispose();
  }
}

/** Sets `istioLab.*` settings for the user; undefined removes one. */
export async function settings(values: Record<string, string | undefined>): Promise<void> {
  const config = vscode.workspace.getConfiguration('istioLab');
  for (const [key, value] of Object.entries(values)) await config.update(key, value, vscode.ConfigurationTarget.Global);
}

/** Switches the colour theme and waits until the workbench has applied it. */
export async function setTheme(theme: string): Promise<void> {
  const kind = theme.includes('Dark') ? vscode.ColorThemeKind.Dark : vscode.ColorThemeKind.Light;
  const applied = new Promise<void>((resolve) => {
    if (vscode.window.activeColorTheme.kind === kind) return resolve();
    const listener = vscode.window.onDidChangeActiveColorTheme((active) => {
      if (active.kind !== kind) return;
      listener.dispose();
      resolve();
    });
  });
  await vscode.workspace.getConfiguration('workbench').update('colorTheme', theme, vscode.ConfigurationTarget.Global);
  await applied;
}

/** The real kubectl on PATH with this kubeconfig; stdout and stderr together. */
export function kubectl(kubeconfig: string, home: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', args, {
      env: { ...process.env, KUBECONFIG: kubeconfig, HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, output }));
  });
}
