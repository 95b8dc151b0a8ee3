#!/usr/bin/env node
// `npm start`: builds the extension, starts the sandbox cluster and opens VS Code with the
// extension in development mode, the sandbox context selected and the lab guide open.
// Desktop `code` when it is on PATH; otherwise browser VS Code (code-server) on 127.0.0.1,
// printing `VS Code: <url>`. Options: --no-open (only print the URL), --browser (browser VS
// Code even when desktop `code` exists), --reset (start the sandbox from an empty cluster),
// --locale ko (VS Code's display language: the extension's strings in Korean; browser VS Code
// keeps its own UI English, having no Korean pack offline), --faults FILE (inject the sandbox
// faults of src/sandbox/faults/fault-config.ts, for reliability runs).
// The sandbox keeps its state under the user's cache dir. When the public release host is
// unreachable it also serves an offline release mirror. Ctrl-C stops everything it started.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SetupError, cacheDir, findChromium, startCodeServer, workbenchUrl } from './lib/browser-vscode.mjs';
import { isLocale } from './lib/display-language.mjs';
import { startReleaseMirror } from './lib/release-archive.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const noOpen = args.includes('--no-open');
const forceBrowser = args.includes('--browser');
const reset = args.includes('--reset');
// --faults FILE: the sandbox's fault file (src/sandbox/faults/fault-config.ts), for reliability runs.
const faultsFile = args.includes('--faults') ? path.resolve(args[args.indexOf('--faults') + 1] ?? '') : undefined;
// --locale ko or --locale=ko, as VS Code's own flag is written.
const localeArg =
  args.find((arg) => arg.startsWith('--locale='))?.slice('--locale='.length) ??
  (args.includes('--locale') ? (args[args.indexOf('--locale') + 1] ?? '') : undefined);

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout.trim() || undefined;
}

async function main() {
  if (localeArg !== undefined && !isLocale(localeArg))
    throw new SetupError(`--locale needs a language tag such as ko or en, not ${JSON.stringify(localeArg)}.`);
  const home = process.env.ISTIO_LAB_START_DIR || path.join(cacheDir(), 'start');
  const workspace = path.join(home, 'workspace');
  // The marker makes the extension open the lab guide when this folder opens.
  fs.mkdirSync(path.join(workspace, '.istio-lab'), { recursive: true });
  fs.writeFileSync(
    path.join(workspace, '.istio-lab', 'workspace.json'),
    `${JSON.stringify({ openLabGuide: true }, null, 2)}\n`,
  );

  // --no-open wants a URL to print, which only browser VS Code has.
  const code = forceBrowser || noOpen ? undefined : onPath('code');
  // Browser VS Code starts (installing itself on first use) while the extension builds and the
  // sandbox starts: it reads the workspace's settings only when the page connects.
  const setup = new AbortController();
  const starting = code ? undefined : startBrowserVsCode(home, workspace, setup.signal);
  starting?.then(
    (server) => stopOnExit.push(() => server.stop()),
    () => undefined,
  );
  // Ctrl-C while setting up: code-server runs in its own process group, so stop it by hand.
  const interrupt = () => {
    setup.abort();
    process.exit(130);
  };
  process.once('SIGINT', interrupt).once('SIGTERM', interrupt);
  let sandbox;
  const settings = {};
  let releases = GITHUB_RELEASES;
  try {
    await buildExtension();
    sandbox = await startSandbox(path.join(home, 'sandbox'));
    stopOnExit.push(() => sandbox.child.kill('SIGTERM'));
    console.log(`Sandbox cluster: ${sandbox.url} (kubeconfig ${sandbox.kubeconfig})`);
    Object.assign(settings, { 'istioLab.kubeconfig': sandbox.kubeconfig, 'istioLab.context': 'istio-lab-sandbox' });
    if (!(await reachable(GITHUB_RELEASES))) {
      const mirror = await startOfflineMirror();
      stopAtEnd.push(() => mirror.close());
      releases = `${GITHUB_RELEASES} is unreachable; serving an offline lab mirror at ${mirror.url}`;
      settings['istioLab.releaseBaseUrl'] = mirror.url;
    }
  } catch (error) {
    setup.abort();
    await starting?.then(
      (server) => server.stop(),
      () => undefined,
    );
    throw error;
  }
  writeWorkspaceSettings(workspace, settings);
  console.log(`Istio releases: ${releases}`);

  if (code) {
    process.off('SIGINT', interrupt).off('SIGTERM', interrupt);
    console.log(`VS Code: desktop (${code})`);
    // Desktop VS Code shows Korean with its Korean Language Pack installed; without it, --locale is ignored.
    spawn(
      code,
      [
        '--new-window',
        `--extensionDevelopmentPath=${root}`,
        ...(localeArg ? [`--locale=${localeArg}`] : []),
        workspace,
      ],
      { stdio: 'inherit' },
    );
    // `code` returns at once while the window stays open: keep the sandbox until Ctrl-C.
    console.log('Press Ctrl-C to stop the sandbox cluster.');
    await new Promise((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await sandbox.stop();
    await Promise.all(stopAtEnd.map((stop) => stop()));
    return;
  }

  let server;
  try {
    server = await starting;
  } catch (error) {
    await sandbox.stop();
    await Promise.all(stopAtEnd.map((stop) => stop()));
    throw error;
  }
  process.off('SIGINT', interrupt).off('SIGTERM', interrupt);
  const url = workbenchUrl(server.origin, { folder: workspace, extensionDevelopmentPaths: [root] });
  console.log(`VS Code: ${url}`);

  let browser;
  if (!noOpen) {
    if (process.env.DISPLAY || process.env.WAYLAND_DISPLAY) {
      browser = spawn(
        findChromium(),
        [`--app=${url}`, `--user-data-dir=${path.join(home, 'chromium')}`, '--no-first-run'],
        {
          stdio: 'ignore',
        },
      );
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
  await sandbox.stop();
  await Promise.all(stopAtEnd.map((stop) => stop()));
  if (typeof exit === 'number' && exit !== 0)
    throw new SetupError(`code-server exited with ${exit}; see ${path.join(home, 'code-server.log')}`);
}

/** Builds dist/ with esbuild, its output (bundle sizes, errors) shown as it comes. */
function buildExtension() {
  return new Promise((resolve, reject) => {
    const build = spawn(process.execPath, ['esbuild.js'], { cwd: root, stdio: 'inherit' });
    build.once('error', (error) => reject(new SetupError(`the build could not start: ${error.message}`)));
    build.once('exit', (status) => (status === 0 ? resolve() : reject(new SetupError('the build failed (see above)'))));
  });
}

/** code-server for the lab's workspace, with its user data beside the sandbox's state. */
function startBrowserVsCode(home, workspace, signal) {
  const userData = path.join(home, 'user-data');
  const settingsFile = path.join(userData, 'User', 'settings.json');
  if (!fs.existsSync(settingsFile)) {
    fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
    // The extension opens the lab guide itself; VS Code's own welcome page would cover it.
    fs.writeFileSync(
      settingsFile,
      JSON.stringify({ 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off' }, null, 2),
    );
  }
  const port = process.env.ISTIO_LAB_PORT ? Number(process.env.ISTIO_LAB_PORT) : undefined;
  return startCodeServer({
    userDataDir: userData,
    extensionsDir: path.join(home, 'extensions'),
    folder: workspace,
    port,
    logFile: path.join(home, 'code-server.log'),
    locale: localeArg,
    signal,
  });
}

/** Cleanups for an abnormal exit; the normal path stops what it started itself. */
const stopOnExit = [];
/** In-process servers (the release mirror) to close when VS Code stops. */
const stopAtEnd = [];
process.once('exit', () => {
  for (const stop of stopOnExit) stop();
});

/**
 * Runs the sandbox cluster (`dist/sandbox.js`) as its own process with its state in `dir`,
 * so the cluster the learner built survives a restart of `npm start`.
 */
async function startSandbox(dir) {
  if (reset) fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const kubeconfig = path.join(dir, 'kubeconfig');
  const child = spawn(
    process.execPath,
    [
      path.join(root, 'dist', 'sandbox.js'),
      '--state',
      dir,
      '--kubeconfig',
      kubeconfig,
      ...(faultsFile ? ['--faults', faultsFile] : []),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const url = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /^ready (\S+)$/m.exec(output);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) =>
      reject(
        new SetupError(
          `the sandbox cluster stopped before it was ready (exit ${code}):\n${output.trim()}\nTry \`npm start -- --reset\` to start from an empty cluster.`,
        ),
      ),
    );
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    url,
    kubeconfig,
    child,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const GITHUB_RELEASES = 'https://github.com/istio/istio/releases/download';

/** True when an HTTPS HEAD of `url` gets any answer within 3 s (a redirect or 404 counts). */
async function reachable(url) {
  try {
    await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(3000) });
    return true;
  } catch {
    return false;
  }
}

/**
 * Without internet the lab still has a release to download: the offline lab release that the
 * build (esbuild.js) puts in dist/offline-release/ for the extension, archives in the real layout
 * built from the real manifests in the fixtures (their bin/istioctl is a stand-in that says so),
 * served on 127.0.0.1 in GitHub's URL layout.
 */
function startOfflineMirror() {
  return startReleaseMirror({ root: path.join(root, 'dist', 'offline-release') });
}

/** Merges settings into the workspace's .vscode/settings.json, keeping what the learner set there. */
function writeWorkspaceSettings(workspace, settings) {
  const file = path.join(workspace, '.vscode', 'settings.json');
  let current = {};
  try {
    current = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    // absent or not plain JSON: start from the lab's settings
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ ...current, ...settings }, null, 2)}\n`);
}

main().catch((error) => {
  console.error(error instanceof SetupError ? `npm start: ${error.message}` : error);
  process.exit(1);
});
