// Builds the extension-host tests and runs them in VS Code through @vscode/test-electron's
// runTests: in browser VS Code via our launcher by default, in desktop VS Code when asked
// (ISTIO_LAB_VSCODE=desktop, with `code` on PATH).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { runTests } from '@vscode/test-electron';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const launcher = path.join(root, 'scripts', 'vscode-launcher.mjs');
// One directory per process, so two test runs on one machine do not rebuild each other's files.
const outDir = path.join(root, 'out', 'test', `vscode-${process.pid}`);

export async function buildExtensionTests() {
  const entryPoints = fs
    .readdirSync(path.join(root, 'test', 'vscode'))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => path.join(root, 'test', 'vscode', file));
  fs.rmSync(outDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints,
    outdir: outDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return path.join(outDir, 'index.js');
}

function desktopCode() {
  if (process.env.ISTIO_LAB_VSCODE !== 'desktop') return undefined;
  const found = spawnSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error('ISTIO_LAB_VSCODE=desktop, but `code` is not on PATH.');
  return found;
}

export const emptyExtension = path.join(root, 'test', 'fixtures', 'empty-extension');

/**
 * Runs one extension-test suite and returns its result ({passed, failed, tests, metrics}).
 * `suite` is 'main', 'bench', 'failing' (the harness self-test), 'installed' (the vsix, from
 * test/package) or 'ko' (the Korean UI pass; give `locale: 'ko'`). `locale` is VS Code's display
 * language (`--locale`). Throws TestRunFailedError when the run exits non-zero, with the result
 * attached when the tests got to report one.
 */
export async function runExtensionTests({
  suite = 'main',
  extensionDevelopmentPaths = [root],
  installed = [],
  env = {},
  locale,
} = {}) {
  const testsPath = await buildExtensionTests();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `istio-lab-${suite}-`));
  const resultFile = path.join(work, 'result.json');
  const workspace = path.join(work, 'workspace');
  fs.mkdirSync(workspace);
  // A quiet workbench: no welcome page over the editor area, terminal text in the DOM.
  fs.mkdirSync(path.join(work, 'user-data', 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(work, 'user-data', 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'terminal.integrated.gpuAcceleration': 'off',
    }),
  );
  // Browser VS Code loads one development extension; others are installed like a user's would be.
  for (const dir of installed) {
    const { publisher, name, version } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    fs.cpSync(dir, path.join(work, 'extensions', `${publisher}.${name}-${version}`), { recursive: true });
  }
  const readResult = () => (fs.existsSync(resultFile) ? JSON.parse(fs.readFileSync(resultFile, 'utf8')) : undefined);
  try {
    await runTests({
      vscodeExecutablePath: desktopCode() ?? launcher,
      extensionDevelopmentPath: extensionDevelopmentPaths,
      extensionTestsPath: testsPath,
      launchArgs: [
        workspace,
        `--user-data-dir=${path.join(work, 'user-data')}`,
        `--extensions-dir=${path.join(work, 'extensions')}`,
        ...(locale ? [`--locale=${locale}`] : []),
      ],
      extensionTestsEnv: {
        ISTIO_LAB_TESTS: suite,
        ISTIO_LAB_TEST_RESULT: resultFile,
        // Where `installed` extensions are, so a test can tell an installed copy from a development one.
        ISTIO_LAB_EXTENSIONS_DIR: path.join(work, 'extensions'),
        ISTIO_LAB_SCREENSHOT_DIR: path.join(root, 'test-results', 'screenshots'),
        ...(process.env.ISTIO_LAB_TEST_FILES ? { ISTIO_LAB_TEST_FILES: process.env.ISTIO_LAB_TEST_FILES } : {}),
        ...env,
      },
    });
    return readResult();
  } catch (error) {
    error.result = readResult();
    throw error;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}
