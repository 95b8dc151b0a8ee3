// The import rules of `npm run lint` (.dependency-cruiser.cjs), run through dependency-cruiser's API
// on small trees written to a temporary directory: a cycle among the sandbox's files, a cycle among
// its folders, an import from the extension into the sandbox, each import against the layers'
// direction (kube → istio, istio → lab, lab → ui, webview or shared → the extension) and a
// client-node import outside src/kube each fail; trees that keep the rules pass.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const config = require(path.join(root, '.dependency-cruiser.cjs')) as {
  forbidden: unknown[];
  options: Record<string, unknown>;
};

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
    const options = {
      ...config.options,
      tsConfig: undefined,
      baseDir: dir,
      validate: true,
      ruleSet: { forbidden: config.forbidden },
    };
    const result = await cruise(['src'], options as never);
    const output = result.output as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
    return output.summary.violations
      .map((violation) => `${violation.rule.name}: ${violation.from} → ${violation.to}`)
      .sort();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const exporting = (imports: string[] = []): string =>
  `${imports.map((from, i) => `import { v as v${i} } from '${from}';`).join('\n')}\nexport const v = ${imports.length ? imports.map((_, i) => `v${i}`).join(' + ') : '1'};\n`;

test('a sandbox that imports only itself and src/shared, without cycles, passes', async () => {
  assert.deepEqual(
    await violations({
      'src/shared/time.ts': exporting(),
      'src/sandbox/storage/store.ts': exporting(['../../shared/time']),
      'src/sandbox/server/server.ts': exporting(['../storage/store']),
      'src/sandbox/index.ts': exporting(['./server/server']),
      'src/lab/sandbox/sandbox-host.ts': exporting(['../../sandbox/index']),
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
  assert.ok(
    found.some((line) => line.startsWith('no-folder-cycles: src/sandbox/handlers')),
    found.join('\n'),
  );
  assert.ok(!found.some((line) => line.startsWith('no-file-cycles')), found.join('\n'));
});

const clientNode =
  "import type { KubeConfig } from '@kubernetes/client-node';\nexport const v = 1 as unknown as KubeConfig;\n";

test('layers that import only downwards (ui → lab → istio → kube → client-node, all → shared) pass', async () => {
  assert.deepEqual(
    await violations({
      'src/shared/istio-defaults.ts': exporting(),
      'src/kube/connection.ts': clientNode,
      'src/kube/port-forward.ts': exporting(['./connection', '../shared/istio-defaults']),
      'src/istio/registry/registry-fetch.ts': exporting(['../../kube/port-forward', '../../shared/istio-defaults']),
      'src/lab/steps.ts': exporting(['../istio/registry/registry-fetch', '../kube/connection']),
      'src/ui/registry-panel.ts': exporting([
        '../lab/steps',
        '../istio/registry/registry-fetch',
        '../kube/connection',
        '../shared/istio-defaults',
      ]),
      'src/webview/main.ts': exporting(['../shared/istio-defaults']),
      'src/extension.ts': exporting(['./ui/registry-panel']),
    }),
    [],
  );
});

/** The import path of `to` from `from` (both under src/), as the sources write it. */
function importPath(from: string, to: string): string {
  const relative = path.posix.relative(path.posix.dirname(from), to).replace(/\.ts$/, '');
  return relative.startsWith('.') ? relative : `./${relative}`;
}

interface Breach {
  readonly rule: string;
  readonly files: Record<string, string>;
  readonly expected: string;
}

/** A tree in which `from` imports `to`, which `rule` forbids. */
const importBreach = (rule: string, from: string, to: string): Breach => ({
  rule: `${rule} (${from} → ${to})`,
  files: { [to]: exporting(), [from]: exporting([importPath(from, to)]) },
  expected: `${rule}: ${from} → ${to}`,
});

// One deliberate breach per rule on imports between parts of src: each must fail `npm run lint`
// with that rule's name.
const breaches: readonly Breach[] = [
  importBreach('sandbox-stands-alone', 'src/sandbox/printers/pods.ts', 'src/kube/kubectl-time.ts'),
  importBreach('kube-is-the-bottom-layer', 'src/kube/registry-fetch.ts', 'src/istio/registry/istiod-debug.ts'),
  importBreach('istio-stays-below-lab-and-ui', 'src/istio/install-plan.ts', 'src/lab/steps.ts'),
  importBreach('lab-stays-below-ui', 'src/lab/steps.ts', 'src/ui/settings.ts'),
  importBreach('webview-and-shared-import-only-shared', 'src/webview/main.ts', 'src/istio/registry/registry-model.ts'),
  importBreach('webview-and-shared-import-only-shared', 'src/shared/pod-status.ts', 'src/kube/pod-summary.ts'),
  {
    rule: 'client-node-only-in-kube',
    files: { 'src/ui/describe-document.ts': clientNode },
    expected: 'client-node-only-in-kube: src/ui/describe-document.ts → @kubernetes/client-node',
  },
];

for (const { rule, files, expected } of breaches) {
  test(`a breach of ${rule} fails`, async () => {
    assert.deepEqual(await violations(files), [expected]);
  });
}
