// Entry point of the extension-host tests (`extensionTestsPath`). Runs the mocha suites in
// this folder inside VS Code and writes the outcome to ISTIO_LAB_TEST_RESULT, which is how
// the browser VS Code launcher learns the result (its window never closes by itself).
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

interface TestOutcome {
  title: string;
  state: 'passed' | 'failed';
  duration?: number;
  error?: string;
}

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  // ISTIO_LAB_TESTS picks a suite: 'main' (every *.test.js), 'bench' (the *.bench.js
  // measurements), 'failing' (the deliberately failing test that proves the harness can fail),
  // 'installed' (the extension installed from its vsix, run by test/package/vsix.test.ts) or 'ko'
  // (the Korean UI, in a VS Code started with --locale ko).
  const suite = process.env.ISTIO_LAB_TESTS ?? 'main';
  const failing = 'deliberately-failing.test.js';
  const installed = 'installed-vsix.test.js';
  const korean = 'korean-ui.test.js';
  const files = fs.readdirSync(__dirname).filter((file) => {
    if (suite === 'failing') return file === failing;
    if (suite === 'installed') return file === installed;
    if (suite === 'ko') return file === korean;
    if (suite === 'bench') return file.endsWith('.bench.js');
    // ISTIO_LAB_TEST_FILES (comma-separated names, e.g. `pod-tree`) narrows a run while developing.
    const only = process.env.ISTIO_LAB_TEST_FILES?.split(',').map((name) => `${name.trim()}.test.js`);
    if (only) return only.includes(file);
    return file.endsWith('.test.js') && file !== failing && file !== installed && file !== korean;
  });
  // extension.test.js first: it checks the extension is not active before anything uses it, and
  // measures activation; every other suite activates it.
  files.sort((a, b) => Number(b === 'extension.test.js') - Number(a === 'extension.test.js') || a.localeCompare(b));
  for (const file of files) mocha.addFile(path.join(__dirname, file));

  const tests: TestOutcome[] = [];
  const metrics: Record<string, number> = {};
  (globalThis as { istioLabMetrics?: Record<string, number> }).istioLabMetrics = metrics;
  let runnerError: string | undefined;
  try {
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('pass', (test) => tests.push({ title: test.fullTitle(), state: 'passed', duration: test.duration }));
      runner.on('fail', (test, error: Error) =>
        tests.push({ title: test.fullTitle(), state: 'failed', error: error.stack ?? String(error) }),
      );
    });
  } catch (error) {
    runnerError = error instanceof Error ? (error.stack ?? error.message) : String(error);
  }
  const passed = tests.filter((test) => test.state === 'passed').length;
  const failed = tests.length - passed + (runnerError ? 1 : 0);
  const result = { passed, failed, tests, metrics, error: runnerError };
  const file = process.env.ISTIO_LAB_TEST_RESULT;
  if (file) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(result, null, 2));
    fs.renameSync(`${file}.tmp`, file);
  }
  if (failed > 0) throw new Error(`${failed} extension test(s) failed`);
}
