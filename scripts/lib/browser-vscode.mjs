// Browser VS Code for machines without desktop VS Code or internet: code-server (VS Code
// 1.100.3 on Node 20) installed on first use into a cache outside the tree, opened by
// Debian's headless Chromium through playwright-core. Used by the test launcher and `npm start`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SetupError, installCodeServer, which } from './code-server-install.mjs';
import { isLocale, prepareDisplayLanguage } from './display-language.mjs';

export { SetupError };

export const CODE_SERVER_VERSION = '4.100.3';

export function cacheDir() {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'istio-lab');
}

export function findChromium() {
  const found = process.env.CHROMIUM_PATH || which('chromium') || which('chromium-browser') || which('google-chrome');
  if (!found) {
    throw new SetupError(
      'Chromium was not found. Browser VS Code needs it: install it with `apt-get install chromium` ' +
        '(or set CHROMIUM_PATH to a Chrome/Chromium binary).',
    );
  }
  return found;
}

/** The code-server entry script, installing code-server into the cache first if needed. */
export async function ensureCodeServer(log = (line) => console.error(line), signal = undefined) {
  const home = path.join(cacheDir(), `code-server-${CODE_SERVER_VERSION}`);
  const entry = path.join(home, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (fs.existsSync(path.join(home, '.installed')) && fs.existsSync(entry)) return entry;
  await installCodeServer({
    version: CODE_SERVER_VERSION,
    home,
    logFile: path.join(cacheDir(), 'code-server-install.log'),
    log,
    signal,
  });
  return entry;
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts code-server on 127.0.0.1 and resolves once it answers. `env` reaches the remote
 * extension host, which is where extension code and extension tests run. `locale` (e.g. `ko`)
 * is the display language: vscode.env.language and the extensions' strings follow it. `signal`
 * stops a first-use install.
 */
export async function startCodeServer({
  userDataDir,
  extensionsDir,
  folder,
  env = process.env,
  port,
  logFile,
  locale,
  signal,
}) {
  const entry = await ensureCodeServer(undefined, signal);
  port ??= await freePort();
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  if (locale !== undefined && !isLocale(locale))
    throw new SetupError(`--locale ${JSON.stringify(locale)} is not a language tag like ko or en.`);
  const foreign = locale && !locale.toLowerCase().startsWith('en');
  if (foreign) prepareDisplayLanguage({ locale, userDataDir, extensionsDir });
  const args = [
    entry,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-workspace-trust',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    ...(locale ? ['--locale', locale.toLowerCase()] : []),
    ...(folder ? [folder] : []),
  ];
  const out = logFile ? fs.openSync(logFile, 'a') : 'ignore';
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', out, out], detached: true });
  const origin = `http://127.0.0.1:${port}`;
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  for (const deadline = Date.now() + 60_000; ;) {
    const state = await Promise.race([exited.then((code) => ({ code })), healthy(origin)]);
    if (typeof state === 'object')
      throw new SetupError(`code-server exited early (${state.code}); see ${logFile ?? 'its output'}`);
    if (state) break;
    if (Date.now() > deadline) {
      stopProcessTree(child);
      throw new SetupError(`code-server did not answer on ${origin} within 60 s; see ${logFile ?? 'its output'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { origin, port, process: child, exited, stop: () => stopProcessTree(child) };
}

async function healthy(origin) {
  try {
    const response = await fetch(`${origin}/healthz`);
    return response.ok;
  } catch {
    return false;
  }
}

/** Stops a detached child and everything it started (code-server forks extension hosts). */
export function stopProcessTree(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
}

/** The workbench URL that opens `folder` with extensions in development (and optionally test) mode. */
export function workbenchUrl(origin, { folder, extensionDevelopmentPaths = [], extensionTestsPath }) {
  const authority = new URL(origin).host;
  const remote = (file) => `vscode-remote://${authority}${path.resolve(file)}`;
  const payload = [
    ...extensionDevelopmentPaths.map((dir) => ['extensionDevelopmentPath', remote(dir)]),
    ...(extensionTestsPath ? [['extensionTestsPath', remote(extensionTestsPath)]] : []),
  ];
  const query = new URLSearchParams();
  if (folder) query.set('folder', path.resolve(folder));
  if (payload.length) query.set('payload', JSON.stringify(payload));
  return `${origin}/?${query}`;
}

/** The flags headless Chromium needs as root on a closed network (also the webview tests' browser). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Headless (or headed) Chromium with the flags a root user on a closed network needs. */
export async function launchChromium({ headless = true } = {}) {
  const { chromium } = await import('playwright-core');
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: findChromium(),
    headless,
    viewport: { width: 1400, height: 900 },
    permissions: ['clipboard-read', 'clipboard-write'],
    args: [...CHROMIUM_ARGS, '--disable-quic'],
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
