// The import rules of `npm run lint` (.dependency-cruiser.cjs), run through dependency-cruiser's API
// on small trees written to a temporary directory: a cycle among the sandbox's files, a cycle among
// its folders and an import from the extension each fail; a tree that keeps the rules passes.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const config = require(path.join(root, '.dependency-cruiser.cjs')) as { forbidden: unknown[]; options: Record<string, unknown> };

/** The rules each file of `files` (path → source) breaks, as `rule: from → to`. */
async function violations(files: Record<string, string>): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-import-rules-'));
  try {
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    const { cruise } = await import('dependency-cruiser');
    // The project's options, but not its tsconfig.json: the temporary tree has none.
    const options = { ...config.options, tsConfig: undefined, baseDir: dir, validate: true, ruleSet: { forbidden: config.forbidden } };
    const result = await cruise(['src'], options as never);
    const output = result.output as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
    return output.summary.violations.map((violation) => `${violation.rule.name}: ${violation.from} → ${violation.to}`).sort();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const exporting = (imports: string[] = []): string => `${imports.map((from, i) => `import { v as v${i} } from '${from}';`).join('\n')}\nexport const v = ${imports.length ? imports.map((_, i) => `v${i}`).join(' + ') : '1'};\n`;

test('a sandbox that imports only itself and src/shared, without cycles, passes', async () => {
  assert.deepEqual(
    await violations({
      'src/shared/time.ts': exporting(),
      'src/sandbox/storage/store.ts': exporting(['../../shared/time']),
      'src/sandbox/server/server.ts': exporting(['../storage/store']),
      'src/kube/client.ts': exporting(['../sandbox/server/server']),
    }),
    [],
  );
});

test('a cycle between two files of the sandbox fails', async () => {
  const found = await violations({
    'src/sandbox/server/a.ts': exporting(['./b']),
    'src/sandbox/server/b.ts': exporting(['./a']),
  });
  assert.ok(found.includes('no-file-cycles: src/sandbox/server/a.ts → src/sandbox/server/b.ts'), found.join('\n'));
});

test('a cycle between two folders of the sandbox fails, though no file cycle exists', async () => {
  const found = await violations({
    'src/sandbox/handlers/create.ts': exporting(['../lifecycle/gc']),
    'src/sandbox/lifecycle/gc.ts': exporting(),
    'src/sandbox/lifecycle/namespaces.ts': exporting(['../handlers/delete']),
    'src/sandbox/handlers/delete.ts': exporting(),
  });
  assert.ok(found.some((line) => line.startsWith('no-folder-cycles: src/sandbox/handlers')), found.join('\n'));
  assert.ok(!found.some((line) => line.startsWith('no-file-cycles')), found.join('\n'));
});

test('an import from the sandbox into the rest of src fails', async () => {
  const found = await violations({
    'src/kube/kubectl-time.ts': exporting(),
    'src/sandbox/printers/pods.ts': exporting(['../../kube/kubectl-time']),
  });
  assert.deepEqual(found, ['sandbox-stands-alone: src/sandbox/printers/pods.ts → src/kube/kubectl-time.ts']);
});
