// The layering rule of docs/ARCHITECTURE.md ("Layers"), checked through the project's real ESLint configuration.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const root = path.resolve(__dirname, '..', '..');
const importVscode = "import * as vscode from 'vscode';\nexport const name = vscode.env.appName;\n";

/** The no-restricted-imports messages ESLint gives `text` as the project's file `file` (by default, an import of vscode). */
async function restrictedImportErrors(file: string, text = importVscode): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(text, { filePath: path.join(root, file) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

for (const file of [
  'src/kube/connection.ts',
  'src/istio/roles.ts',
  'src/lab/steps.ts',
  'src/sandbox/server.ts',
  'src/webview/main.ts',
]) {
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

// Only src/kube loads the Kubernetes client: kubernetesClient() (and the client bundle) from any other layer fails lint.
const loadClient = (from: string): string =>
  `import { kubernetesClient } from '${from}';\nexport const client = kubernetesClient();\n`;
const readThroughKube =
  "import { readPod } from '../kube/pod-reads';\nimport { SANDBOX_CONTEXT_NAME } from '../kube/connection';\nexport const read = [readPod, SANDBOX_CONTEXT_NAME];\n";

for (const file of [
  'src/ui/pod-actions.ts',
  'src/istio/registry/registry-fetch.ts',
  'src/lab/install-pods.ts',
  'src/extension.ts',
]) {
  test(`kubernetesClient() imported by ${file} fails lint`, async () => {
    const errors = await restrictedImportErrors(
      file,
      loadClient(
        file === 'src/extension.ts'
          ? './kube/connection'
          : file.split('/').length > 3
            ? '../../kube/connection'
            : '../kube/connection',
      ),
    );
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0], /Only src\/kube loads the Kubernetes client/);
  });
}

test('the client bundle imported outside src/kube fails lint', async () => {
  const errors = await restrictedImportErrors('src/ui/pods-tree.ts', "export * from '../kube/client-bundle';\n");
  assert.equal(errors.length, 1, errors.join('\n'));
  assert.match(errors[0], /entry of dist\/kube\.js/);
});

test('kubernetesClient() inside src/kube, and other imports of kube/connection elsewhere, are allowed', async () => {
  assert.deepEqual(await restrictedImportErrors('src/kube/pod-reads.ts', loadClient('./connection')), []);
  assert.deepEqual(await restrictedImportErrors('src/ui/pods-tree.ts', readThroughKube), []);
});

test('a file outside src/ui that loads the client and imports vscode breaks both rules', async () => {
  const errors = await restrictedImportErrors('src/lab/steps.ts', `${importVscode}${loadClient('../kube/connection')}`);
  assert.equal(errors.length, 2, errors.join('\n'));
});
