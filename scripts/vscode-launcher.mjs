#!/usr/bin/env node
// A stand-in for the VS Code executable that @vscode/test-electron's runTests spawns
// (`vscodeExecutablePath`): it runs the same extension tests in browser VS Code
// (code-server + headless Chromium) and exits with the tests' result.
//
// The extension host reports through ISTIO_LAB_TEST_RESULT (a JSON file written by
// test/vscode/index.ts), because in the browser nothing closes the window when tests end.
// While tests run, it serves POST /screenshot?name=N on ISTIO_LAB_SCREENSHOT_URL so a test
// can capture the page at the moment it chooses (and /shows?text=T, /rows?view=V and
// /notification?text=T to read it).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { SetupError, launchChromium, startCodeServer, workbenchUrl } from './lib/browser-vscode.mjs';

function parseArgs(argv) {
  const options = { extensionDevelopmentPaths: [], positional: [] };
  for (const arg of argv) {
    const match = /^--([^=]+)=(.*)$/.exec(arg);
    if (!match) {
      if (!arg.startsWith('--')) options.positional.push(arg);
      continue;
    }
    const [, name, value] = match;
    if (name === 'extensionDevelopmentPath') options.extensionDevelopmentPaths.push(value);
    else if (name === 'extensionTestsPath') options.extensionTestsPath = value;
    else if (name === 'user-data-dir') options.userDataDir = value;
    else if (name === 'extensions-dir') options.extensionsDir = value;
    // VS Code's own flag: the display language (browser VS Code gets a stand-in pack for it).
    else if (name === 'locale') options.locale = value;
  }
  return options;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!options.extensionTestsPath) {
    throw new SetupError('vscode-launcher runs extension tests: --extensionTestsPath=… is required.');
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-vscode-'));
  const resultFile = process.env.ISTIO_LAB_TEST_RESULT || path.join(work, 'result.json');
  const screenshotDir = process.env.ISTIO_LAB_SCREENSHOT_DIR || path.resolve('test-results', 'screenshots');
  const timeoutMs = Number(process.env.ISTIO_LAB_TEST_TIMEOUT_MS || 10 * 60_000);
  fs.rmSync(resultFile, { force: true });

  let page;
  const shots = http.createServer(async (request, response) => {
    const query = new URL(request.url ?? '/', 'http://launcher').searchParams;
    try {
      if (!page) throw new Error('no page yet');
      if (request.url?.startsWith('/screenshot')) {
        const name = (query.get('name') ?? 'screenshot').replace(/[^\w.-]+/g, '_');
        fs.mkdirSync(screenshotDir, { recursive: true });
        const file = path.join(screenshotDir, `${name}.png`);
        await page.screenshot({ path: file });
        response.writeHead(200, { 'content-type': 'text/plain' }).end(file);
      } else if (request.url?.startsWith('/shows')) {
        const found = await pageShows(page, query.get('text') ?? '', Number(query.get('timeoutMs') ?? 15_000));
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(found));
      } else if (request.url?.startsWith('/notification')) {
        const found = await notificationMessage(
          page,
          query.get('text') ?? '',
          Number(query.get('timeoutMs') ?? 15_000),
        );
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(found ?? null));
      } else if (request.url?.startsWith('/rows')) {
        const rows = await treeRows(page, query.get('view') ?? '');
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rows));
      } else {
        response.writeHead(404).end();
      }
    } catch (error) {
      response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    }
  });
  await new Promise((resolve) => shots.listen(0, '127.0.0.1', resolve));

  const folder = options.positional[0] ?? work;
  const server = await startCodeServer({
    userDataDir: options.userDataDir ?? path.join(work, 'user-data'),
    extensionsDir: options.extensionsDir ?? path.join(work, 'extensions'),
    folder,
    logFile: path.join(work, 'code-server.log'),
    locale: options.locale,
    env: {
      ...process.env,
      ISTIO_LAB_TEST_RESULT: resultFile,
      ISTIO_LAB_SCREENSHOT_URL: `http://127.0.0.1:${shots.address().port}/screenshot`,
    },
  });
  const browser = await launchChromium();
  const failures = [];
  try {
    page = await browser.context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') failures.push(message.text());
      if (process.env.ISTIO_LAB_VERBOSE) console.error(`[browser] ${message.text()}`);
    });
    const url = workbenchUrl(server.origin, {
      folder,
      extensionDevelopmentPaths: options.extensionDevelopmentPaths,
      extensionTestsPath: options.extensionTestsPath,
    });
    // Loading the workbench takes over 30 s (playwright's default) on a busy 2-core machine.
    await page.goto(url, { timeout: 120_000 });
    const result = await waitForResult(resultFile, server.exited, timeoutMs);
    printResult(result);
    return result.failed === 0 && result.passed > 0 ? 0 : 1;
  } catch (error) {
    fs.mkdirSync(screenshotDir, { recursive: true });
    await page?.screenshot({ path: path.join(screenshotDir, 'launcher-failure.png') }).catch(() => undefined);
    console.error(`vscode-launcher: ${error.message}`);
    console.error(`code-server log: ${path.join(work, 'code-server.log')}`);
    for (const line of failures.slice(-10)) console.error(`[browser error] ${line}`);
    return 1;
  } finally {
    await browser.close();
    server.stop();
    shots.close();
  }
}

/** Whether any frame of the page shows `text`, waiting up to `timeoutMs` for it to appear. */
async function pageShows(page, text, timeoutMs) {
  for (const deadline = Date.now() + timeoutMs; ;) {
    for (const frame of page.frames()) {
      const count = await frame
        .getByText(text, { exact: false })
        .count()
        .catch(() => 0);
      if (count > 0) return true;
    }
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * The rendered message of the notification (toast or notification centre) whose visible text
 * contains `text` (zero-width characters ignored): its text and the links VS Code made in it.
 * Waits up to `timeoutMs` for it to appear; undefined when it does not.
 */
async function notificationMessage(page, text, timeoutMs) {
  for (const deadline = Date.now() + timeoutMs; ;) {
    const found = await page.evaluate((wanted) => {
      const visible = (node) => (node.textContent ?? '').replace(/\u200b|\u200c|\u200d|\u2060|\ufeff/g, '');
      const message = [...globalThis.document.querySelectorAll('.notification-list-item-message')].find((candidate) =>
        visible(candidate).includes(wanted),
      );
      if (!message) return undefined;
      return {
        text: visible(message),
        links: [...message.querySelectorAll('a')].map((link) => link.getAttribute('href') ?? ''),
      };
    }, text);
    if (found || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * The rows a tree view renders, top to bottom: depth (aria-level), label and description. Only the
 * rows in and near the viewport exist in the DOM (the list is virtual).
 */
async function treeRows(page, view) {
  return page.evaluate((title) => {
    const pane = [...globalThis.document.querySelectorAll('.pane')].find(
      (candidate) =>
        candidate.querySelector('.pane-header .title')?.textContent?.trim().toLowerCase() === title.toLowerCase(),
    );
    if (!pane) return [];
    // Sticky-scroll rows repeat the ancestors of the first rows; only the list's own rows count.
    const rows = [...pane.querySelectorAll('.pane-body .monaco-list-row')].filter(
      (row) => !row.closest('.monaco-tree-sticky-container'),
    );
    return rows
      .map((row) => ({
        index: Number(row.getAttribute('data-index')),
        level: Number(row.getAttribute('aria-level')),
        label: row.querySelector('.label-name')?.textContent ?? '',
        description: row.querySelector('.label-description')?.textContent ?? '',
      }))
      .sort((a, b) => a.index - b.index)
      .map(({ level, label, description }) => ({ level, label, description }));
  }, view);
}

async function waitForResult(file, serverExited, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let serverGone = false;
  serverExited.then(() => (serverGone = true));
  while (Date.now() < deadline) {
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
    if (serverGone) throw new Error('code-server exited before the tests reported a result');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no test result after ${Math.round(timeoutMs / 1000)} s (extension tests did not finish)`);
}

function printResult(result) {
  for (const test of result.tests ?? []) {
    console.log(
      `${test.state === 'passed' ? '  ✔' : '  ✘'} ${test.title}${test.duration ? ` (${test.duration} ms)` : ''}`,
    );
    if (test.error) console.log(`      ${test.error.split('\n').join('\n      ')}`);
  }
  if (result.error) console.log(`  ✘ test runner: ${result.error}`);
  console.log(`extension host: ${result.passed} passing, ${result.failed} failing`);
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof SetupError ? `vscode-launcher: ${error.message}` : error);
    process.exit(1);
  },
);
