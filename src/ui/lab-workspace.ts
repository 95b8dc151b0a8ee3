// Opens the lab guide when a lab workspace (see src/lab/lab-workspace.ts) asks for it.
import * as vscode from 'vscode';
import { LAB_WORKSPACE_MARKER, parseLabWorkspace } from '../lab/lab-workspace';

export async function openLabGuideIfAsked(log: vscode.LogOutputChannel): Promise<void> {
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const marker = vscode.Uri.joinPath(folder.uri, LAB_WORKSPACE_MARKER);
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(marker));
    } catch {
      continue; // not a lab workspace
    }
    if (parseLabWorkspace(text).openLabGuide) {
      log.info(`lab workspace ${folder.uri.fsPath}: opening the lab guide`);
      await vscode.commands.executeCommand('istioLab.openLabGuide');
      return;
    }
  }
}
