#!/usr/bin/env node
// `npm test`: every suite, then one closing line `N passed, N failed` summing them all.
//   node scripts/test.mjs [lint] [typecheck] [unit] [integration] [webview] [vscode] [harness] [e2e] [package]
// Each suite counts its own tests; lint and typecheck count as one check each.
// Each suite runs in its own process group under a time limit (and all of them under one budget,
// ISTIO_LAB_TEST_BUDGET_MINUTES, default 80), so a hung test costs its suite, never the closing line.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runExtensionTests, root } from './lib/vscode-tests.mjs';

/** A suite of node tests under test/<name> that runs against the bundles in dist/, built first. */
const builtSuite = (name) => () => {
  build();
  return nodeTests(name, testFiles(`test/${name}`));
};

const suites = {
  // ESLint, the import rules of .dependency-cruiser.cjs (no cycles; the sandbox stands alone) and
  // Prettier's format (.prettierrc.json, 120 columns): one check.
  lint: () => {
    const eslint = check('lint', 'npx', ['eslint', '--max-warnings=0', '.']);
    const imports = check('lint', 'npx', ['depcruise', 'src', '--config', '.dependency-cruiser.cjs']);
    const format = check('lint', 'npx', ['prettier', '--check', '.']);
    return eslint.failed || imports.failed || format.failed ? { passed: 0, failed: 1 } : { passed: 1, failed: 0 };
  },
  typecheck: () => check('typecheck', 'npx', ['tsc', '--noEmit', '-p', '.']),
  unit: () => nodeTests('unit', testFiles('test/unit')),
  // The sandbox judged by the real kubectl on PATH and the real @kubernetes/client-node.
  integration: builtSuite('integration'),
  // The registry webview bundle in real headless Chromium (playwright-core).
  webview: builtSuite('webview'),
  vscode: async () => {
    build();
    let main;
    try {
      const result = await runExtensionTests();
      // Recorded for the note and for trends; timings are never asserted in tests.
      fs.mkdirSync(path.join(root, 'test-results'), { recursive: true });
      fs.writeFileSync(
        path.join(root, 'test-results', 'vscode-metrics.json'),
        `${JSON.stringify(result.metrics, null, 2)}\n`,
      );
      console.log(`extension host metrics: ${JSON.stringify(result.metrics)}`);
      main = { passed: result.passed, failed: result.failed };
    } catch (error) {
      console.error(`vscode: ${error.message}`);
      main = { passed: error.result?.passed ?? 0, failed: Math.max(1, error.result?.failed ?? 1) };
    }
    // A second, short pass in a VS Code started with --locale ko (test/vscode/korean-ui.test.ts).
    if (process.env.ISTIO_LAB_TEST_FILES) return main;
    try {
      const result = await runExtensionTests({ suite: 'ko', locale: 'ko' });
      return { passed: main.passed + result.passed, failed: main.failed + result.failed };
    } catch (error) {
      console.error(`vscode (ko): ${error.message}`);
      return {
        passed: main.passed + (error.result?.passed ?? 0),
        failed: main.failed + Math.max(1, error.result?.failed ?? 1),
      };
    }
  },
  harness: builtSuite('harness'),
  // The whole lab through the workbench UI on the sandbox (test/e2e), healthy and with faults on.
  e2e: builtSuite('e2e'),
  package: () => nodeTests('package', testFiles('test/package')),
};

function testFiles(dir) {
  const walk = (d) =>
    fs.readdirSync(d, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(d, entry.name);
      return entry.isDirectory() ? walk(full) : /\.test\.(ts|mjs)$/.test(entry.name) ? [full] : [];
    });
  return walk(path.join(root, dir)).sort();
}

/** Minutes a suite may run before it is stopped and counted as one failure. */
const suiteMinutes = {
  lint: 5,
  typecheck: 5,
  unit: 10,
  integration: 35,
  webview: 10,
  vscode: 20,
  harness: 15,
  e2e: 30,
  package: 10,
};
/** Per test file (node:test's --test-timeout applies to each file as a whole). */
const fileMinutes = { unit: 5, integration: 20, webview: 5, harness: 10, e2e: 20, package: 9 };
const needsBuild = new Set(['integration', 'webview', 'vscode', 'harness', 'e2e']);

let built = process.env.ISTIO_LAB_TEST_BUILT === '1';
function build() {
  if (built) return;
  const result = spawnSync(process.execPath, ['esbuild.js'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('the build failed');
  built = true;
}

function check(name, command, args) {
  console.log(`\n── ${name}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  return result.status === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
}

/** Runs node:test files (TypeScript through tsx) and counts from the TAP report. */
function nodeTests(name, files) {
  console.log(`\n── ${name}: ${files.length} file(s)`);
  if (files.length === 0) return { passed: 0, failed: 0 };
  const tap = path.join(root, 'test-results', `${name}.tap`);
  fs.mkdirSync(path.dirname(tap), { recursive: true });
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      '--test-concurrency=1',
      `--test-timeout=${fileMinutes[name] * 60_000}`,
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...files,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  const report = fs.existsSync(tap) ? fs.readFileSync(tap, 'utf8') : '';
  const count = (key) => Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(report)?.[1] ?? 0);
  const counts = { passed: count('pass'), failed: count('fail') + count('cancelled') };
  if (result.status !== 0 && counts.failed === 0) counts.failed = 1;
  return counts;
}

/** Runs one suite in a child process group; stops the group when its time is up. */
function runSuite(name, minutes) {
  const countsFile = path.join(root, 'test-results', `${name}.counts.json`);
  fs.mkdirSync(path.dirname(countsFile), { recursive: true });
  fs.rmSync(countsFile, { force: true });
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--suite', name, '--counts', countsFile], {
    cwd: root,
    stdio: 'inherit',
    detached: true,
  });
  const stopGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // the group has already gone
    }
  };
  // Ctrl-C reaches only the foreground group: pass it on to the suite's own group.
  const interrupt = (signal) => {
    stopGroup('SIGKILL');
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', interrupt).once('SIGTERM', interrupt);
  return new Promise((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      console.error(
        `\n${name}: stopped after ${minutes} min, its time limit; the test running then is the one after the last result printed above.`,
      );
      stopGroup('SIGTERM');
      setTimeout(() => stopGroup('SIGKILL'), 5000).unref();
    }, minutes * 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      process.off('SIGINT', interrupt).off('SIGTERM', interrupt);
      // Whatever the suite left running (a browser, a sandbox) goes with it.
      stopGroup('SIGKILL');
      const counts = fs.existsSync(countsFile)
        ? JSON.parse(fs.readFileSync(countsFile, 'utf8'))
        : { passed: 0, failed: 0 };
      if (timedOut || (code !== 0 && counts.failed === 0)) counts.failed += 1;
      resolve(counts);
    });
  });
}

async function runOne(name, countsFile) {
  let counts;
  try {
    counts = await suites[name]();
  } catch (error) {
    console.error(`${name}: ${error.message}`);
    counts = { passed: 0, failed: 1 };
  }
  fs.writeFileSync(countsFile, JSON.stringify(counts));
  process.exit(0);
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--suite') return runOne(args[1], args[3]);
  const order = args.length ? args : Object.keys(suites);
  const unknown = order.filter((name) => !(name in suites));
  if (unknown.length) {
    console.error(`unknown suite(s): ${unknown.join(', ')}; known: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
  const budgetMs = Number(process.env.ISTIO_LAB_TEST_BUDGET_MINUTES ?? 80) * 60_000;
  const started = Date.now();
  const totals = { passed: 0, failed: 0 };
  const lines = [];
  if (order.some((name) => needsBuild.has(name))) {
    try {
      build();
      process.env.ISTIO_LAB_TEST_BUILT = '1';
    } catch (error) {
      console.error(error.message);
    }
  }
  for (const name of order) {
    const leftMinutes = Math.floor((budgetMs - (Date.now() - started)) / 60_000);
    let counts;
    if (leftMinutes < 1) {
      console.error(`\n${name}: not run, the test budget of ${budgetMs / 60_000} min is spent`);
      counts = { passed: 0, failed: 1 };
    } else {
      counts = await runSuite(name, Math.min(suiteMinutes[name], leftMinutes));
    }
    totals.passed += counts.passed;
    totals.failed += counts.failed;
    lines.push(`  ${name.padEnd(10)} ${counts.passed} passed, ${counts.failed} failed`);
  }
  console.log(`\n${lines.join('\n')}`);
  console.log(`${totals.passed} passed, ${totals.failed} failed`);
  process.exit(totals.failed === 0 && totals.passed > 0 ? 0 : 1);
}

main();
