// The layering rule of docs/ARCHITECTURE.md ("Layers"), checked through the project's real ESLint configuration.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const root = path.resolve(__dirname, '..', '..');
const importVscode = "import * as vscode from 'vscode';\nexport const name = vscode.env.appName;\n";

async function restrictedImportErrors(file: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(importVscode, { filePath: path.join(root, file) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

for (const file of ['src/kube/connection.ts', 'src/istio/roles.ts', 'src/lab/steps.ts', 'src/sandbox/server.ts', 'src/webview/main.ts']) {
  test(`importing vscode from ${file} fails lint`, async () => {
    const errors = await restrictedImportErrors(file);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /Only src\/extension\.ts, src\/ui\/\*\* and tests running inside VS Code/);
  });
}

for (const file of ['src/extension.ts', 'src/ui/pods-tree.ts', 'test/vscode/extension.test.ts']) {
  test(`importing vscode from ${file} is allowed`, async () => {
    assert.deepEqual(await restrictedImportErrors(file), []);
  });
}
