// Browser VS Code for machines without desktop VS Code or internet: code-server (VS Code
// 1.100.3 on Node 20) installed on first use into a cache outside the tree, opened by
// Debian's headless Chromium through playwright-core. Used by the test launcher and `npm start`.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';
const RIPGREP_CACHE = 'vscode-ripgrep-cache-1.15.11';
const RIPGREP_ARCHIVE = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

export function cacheDir() {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'istio-lab');
}

function which(command) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export class SetupError extends Error {}

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
export function ensureCodeServer(log = (line) => console.error(line)) {
  const home = path.join(cacheDir(), `code-server-${CODE_SERVER_VERSION}`);
  const entry = path.join(home, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (fs.existsSync(path.join(home, '.installed')) && fs.existsSync(entry)) return entry;

  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20) {
    throw new SetupError(`code-server ${CODE_SERVER_VERSION} needs Node 20; this is Node ${process.versions.node}.`);
  }
  const rg = which('rg');
  if (!rg) {
    throw new SetupError(
      "ripgrep was not found. code-server's install fetches it from GitHub unless a local copy is given: " +
        'install it with `apt-get install ripgrep`.',
    );
  }
  log(`installing code-server ${CODE_SERVER_VERSION} into ${home} (first use, ~1–2 min)…`);
  fs.mkdirSync(cacheDir(), { recursive: true });
  const staging = fs.mkdtempSync(path.join(cacheDir(), '.code-server-staging-'));
  try {
    // @vscode/ripgrep's postinstall takes its archive from this cache instead of downloading it.
    const tmp = path.join(staging, 'tmp');
    const rgCache = path.join(tmp, RIPGREP_CACHE);
    const rgDir = path.join(tmp, 'rg');
    fs.mkdirSync(rgCache, { recursive: true });
    fs.mkdirSync(rgDir);
    fs.copyFileSync(rg, path.join(rgDir, 'rg'));
    fs.chmodSync(path.join(rgDir, 'rg'), 0o755);
    run('tar', ['czf', path.join(rgCache, RIPGREP_ARCHIVE), '-C', rgDir, 'rg'], {});
    fs.writeFileSync(path.join(staging, 'package.json'), JSON.stringify({ name: 'istio-lab-code-server', private: true }));
    run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error', `code-server@${CODE_SERVER_VERSION}`],
      {
        cwd: staging,
        env: {
          ...process.env,
          TMPDIR: tmp,
          // code-server's postinstall runs a nested `npm install` of VS Code's native modules.
          npm_config_unsafe_perm: 'true',
          npm_config_yes: 'true',
          npm_config_dangerously_allow_all_scripts: 'true',
          npm_config_update_notifier: 'false',
        },
      },
    );
    if (!fs.existsSync(path.join(staging, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules'))) {
      throw new SetupError(
        "code-server installed but its postinstall did not install VS Code's modules " +
          '(native modules need `apt-get install libkrb5-dev python3 make g++`).',
      );
    }
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.writeFileSync(path.join(staging, '.installed'), `${new Date().toISOString()}\n`);
    fs.rmSync(home, { recursive: true, force: true });
    fs.renameSync(staging, home);
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  return entry;
}

function run(command, args, options) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (result.status !== 0) {
    throw new SetupError(`\`${command} ${args.join(' ')}\` failed with exit code ${result.status ?? result.signal}`);
  }
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
 * extension host, which is where extension code and extension tests run.
 */
export async function startCodeServer({ userDataDir, extensionsDir, folder, env = process.env, port, logFile }) {
  const entry = ensureCodeServer();
  port ??= await freePort();
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  const args = [
    entry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-workspace-trust',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    ...(folder ? [folder] : []),
  ];
  const out = logFile ? fs.openSync(logFile, 'a') : 'ignore';
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', out, out], detached: true });
  const origin = `http://127.0.0.1:${port}`;
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  for (const deadline = Date.now() + 60_000; ; ) {
    const state = await Promise.race([exited.then((code) => ({ code })), healthy(origin)]);
    if (typeof state === 'object') throw new SetupError(`code-server exited early (${state.code}); see ${logFile ?? 'its output'}`);
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

/** Headless (or headed) Chromium with the flags a root user on a closed network needs. */
export async function launchChromium({ headless = true } = {}) {
  const { chromium } = await import('playwright-core');
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: findChromium(),
    headless,
    viewport: { width: 1400, height: 900 },
    permissions: ['clipboard-read', 'clipboard-write'],
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
