// The Istio Lab terminal: one per window, opened in the folder that holds the downloaded
// `istio-<version>/` (so the book's `cd istio-1.2.2` works there), with text typed into it only
// once its shell is ready, so a prompt drawn late does not garble the typed command.
import * as fs from 'node:fs';
import * as vscode from 'vscode';

export const LAB_TERMINAL_NAME = 'Istio Lab';

/** How long a new terminal may take to report shell integration before text is typed anyway. */
const SHELL_READY_TIMEOUT_MS = 5_000;

export interface LabTerminalOptions {
  /** The folder to open a new terminal in; skipped when it does not exist (yet). */
  readonly cwd?: string;
  readonly env?: Record<string, string>;
}

/** The open Istio Lab terminal, or a new one. */
export function labTerminal(options: LabTerminalOptions = {}): vscode.Terminal {
  const open = vscode.window.terminals.find(
    (terminal) => terminal.name === LAB_TERMINAL_NAME && terminal.exitStatus === undefined,
  );
  if (open) return open;
  return vscode.window.createTerminal({
    name: LAB_TERMINAL_NAME,
    iconPath: new vscode.ThemeIcon('beaker'),
    ...(options.cwd && fs.existsSync(options.cwd) ? { cwd: options.cwd } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
}

/**
 * Resolves when the terminal's shell can take input: at once when shell integration is active
 * or the learner has typed in it already; else when shell integration activates (the prompt is
 * drawn), or after a few seconds for shells without it.
 */
export async function shellReady(terminal: vscode.Terminal): Promise<void> {
  if (terminal.shellIntegration || terminal.state.isInteractedWith) return;
  await terminal.processId;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      listener.dispose();
      closed.dispose();
      resolve();
    };
    const listener = vscode.window.onDidChangeTerminalShellIntegration((event) => {
      if (event.terminal === terminal) done();
    });
    const closed = vscode.window.onDidCloseTerminal((gone) => {
      if (gone === terminal) done();
    });
    const timer = setTimeout(done, SHELL_READY_TIMEOUT_MS);
    if (terminal.shellIntegration) done();
  });
}

/** Shows the terminal and types `line` without running it: the learner reads it and presses Enter. */
export async function typeInTerminal(terminal: vscode.Terminal, line: string): Promise<void> {
  terminal.show();
  await shellReady(terminal);
  terminal.sendText(line, false);
}
