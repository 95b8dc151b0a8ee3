// A codicon and the theme colour to draw it in, as the views' tables name them:
// `['error', 'testing.iconFailed']`, or `['filter']` in the default colour.
import * as vscode from 'vscode';

/** A codicon id (`pass-filled`, `loading~spin`) and, optionally, a theme colour id. */
export type IconSpec = readonly [id: string, color?: string];

export function themeIcon([id, color]: IconSpec): vscode.ThemeIcon {
  return new vscode.ThemeIcon(id, color === undefined ? undefined : new vscode.ThemeColor(color));
}
