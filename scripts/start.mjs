#!/usr/bin/env node
// `npm start`: builds the extension and opens VS Code with it in development mode.
// Desktop `code` when it is on PATH; otherwise browser VS Code (code-server) on 127.0.0.1,
// printing `VS Code: <url>`. Options: --no-open (only print the URL), --browser (browser VS
// Code even when desktop `code` exists). Ctrl-C stops everything it started.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SetupError, cacheDir, findChromium, startCodeServer, workbenchUrl } from './lib/browser-vscode.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const noOpen = args.includes('--no-open');
const forceBrowser = args.includes('--browser');

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout.trim() || undefined;
}

async function main() {
  const build = spawnSync(process.execPath, ['esbuild.js'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new SetupError('the build failed (see above)');

  const home = process.env.ISTIO_LAB_START_DIR || path.join(cacheDir(), 'start');
  const workspace = path.join(home, 'workspace');
  // The marker makes the extension open the lab guide when this folder opens.
  fs.mkdirSync(path.join(workspace, '.istio-lab'), { recursive: true });
  fs.writeFileSync(path.join(workspace, '.istio-lab', 'workspace.json'), `${JSON.stringify({ openLabGuide: true }, null, 2)}\n`);

  const code = forceBrowser ? undefined : onPath('code');
  if (code) {
    console.log(`VS Code: desktop (${code})`);
    if (noOpen) return;
    const child = spawn(code, ['--new-window', `--extensionDevelopmentPath=${root}`, workspace], { stdio: 'inherit' });
    await new Promise((resolve) => child.once('exit', resolve));
    return;
  }

  const userData = path.join(home, 'user-data');
  const settingsFile = path.join(userData, 'User', 'settings.json');
  if (!fs.existsSync(settingsFile)) {
    fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
    // The extension opens the lab guide itself; VS Code's own welcome page would cover it.
    fs.writeFileSync(settingsFile, JSON.stringify({ 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off' }, null, 2));
  }
  const port = process.env.ISTIO_LAB_PORT ? Number(process.env.ISTIO_LAB_PORT) : undefined;
  const server = await startCodeServer({
    userDataDir: userData,
    extensionsDir: path.join(home, 'extensions'),
    folder: workspace,
    port,
    logFile: path.join(home, 'code-server.log'),
  });
  const url = workbenchUrl(server.origin, { folder: workspace, extensionDevelopmentPaths: [root] });
  console.log(`VS Code: ${url}`);

  let browser;
  if (!noOpen) {
    if (process.env.DISPLAY || process.env.WAYLAND_DISPLAY) {
      browser = spawn(findChromium(), [`--app=${url}`, `--user-data-dir=${path.join(home, 'chromium')}`, '--no-first-run'], {
        stdio: 'ignore',
      });
    } else {
      console.log('No display here: open the URL above in a browser on this machine.');
    }
  }
  console.log('Press Ctrl-C to stop.');
  const stop = () => {
    browser?.kill('SIGTERM');
    server.stop();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const exit = await server.exited;
  browser?.kill('SIGTERM');
  if (typeof exit === 'number' && exit !== 0) throw new SetupError(`code-server exited with ${exit}; see ${path.join(home, 'code-server.log')}`);
}

main().catch((error) => {
  console.error(error instanceof SetupError ? `npm start: ${error.message}` : error);
  process.exit(1);
});
