#!/usr/bin/env node
// `npm test`: every suite, then one closing line `N passed, N failed` summing them all.
//   node scripts/test.mjs [lint] [typecheck] [unit] [integration] [webview] [vscode] [harness] [e2e] [package]
// Each suite counts its own tests; lint and typecheck count as one check each.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runExtensionTests, root } from './lib/vscode-tests.mjs';

const suites = {
  lint: () => check('lint', 'npx', ['eslint', '--max-warnings=0', '.']),
  typecheck: () => check('typecheck', 'npx', ['tsc', '--noEmit', '-p', '.']),
  unit: () => nodeTests('unit', testFiles('test/unit')),
  // The sandbox judged by the real kubectl on PATH and the real @kubernetes/client-node.
  integration: () => {
    build();
    return nodeTests('integration', testFiles('test/integration'));
  },
  // The registry webview bundle in real headless Chromium (playwright-core).
  webview: () => {
    build();
    return nodeTests('webview', testFiles('test/webview'));
  },
  vscode: async () => {
    build();
    try {
      const result = await runExtensionTests();
      // Recorded for the note and for trends; timings are never asserted in tests.
      fs.mkdirSync(path.join(root, 'test-results'), { recursive: true });
      fs.writeFileSync(path.join(root, 'test-results', 'vscode-metrics.json'), `${JSON.stringify(result.metrics, null, 2)}\n`);
      console.log(`extension host metrics: ${JSON.stringify(result.metrics)}`);
      return { passed: result.passed, failed: result.failed };
    } catch (error) {
      console.error(`vscode: ${error.message}`);
      return { passed: error.result?.passed ?? 0, failed: Math.max(1, error.result?.failed ?? 1) };
    }
  },
  harness: () => {
    build();
    return nodeTests('harness', testFiles('test/harness'));
  },
  // The whole lab through the workbench UI on the sandbox (test/e2e), healthy and with faults on.
  e2e: () => {
    build();
    return nodeTests('e2e', testFiles('test/e2e'));
  },
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

let built = false;
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
      '--import', 'tsx',
      '--test',
      '--test-concurrency=1',
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tap}`,
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

async function main() {
  const wanted = process.argv.slice(2);
  const order = wanted.length ? wanted : Object.keys(suites);
  const unknown = order.filter((name) => !(name in suites));
  if (unknown.length) {
    console.error(`unknown suite(s): ${unknown.join(', ')}; known: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
  const totals = { passed: 0, failed: 0 };
  const lines = [];
  for (const name of order) {
    let counts;
    try {
      counts = await suites[name]();
    } catch (error) {
      console.error(`${name}: ${error.message}`);
      counts = { passed: 0, failed: 1 };
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
