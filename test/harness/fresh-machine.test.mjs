// `npm start` on a machine with nothing installed by hand: an empty code-server cache, no ripgrep
// on PATH, and the Kerberos headers not needed. It installs code-server (about a minute, sharing
// the npm cache), prints the `VS Code:` URL and serves the workbench with the extension; text
// search gets ripgrep from npm and `kerberos` is never compiled. Without a C++ toolchain it stops
// with one line that names the packages, before downloading anything.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { CODE_SERVER_VERSION } from '../../scripts/lib/browser-vscode.mjs';
import { root } from '../../scripts/lib/vscode-tests.mjs';

/**
 * PATH with `commands` taken out: each directory that holds one of them is replaced by a folder of
 * links to everything else in it.
 */
function pathWithout(commands, scratch) {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .map((dir, index) => {
      if (!commands.some((command) => fs.existsSync(path.join(dir, command)))) return dir;
      const shadow = path.join(scratch, `path-${index}`);
      fs.mkdirSync(shadow, { recursive: true });
      for (const entry of fs.readdirSync(dir)) {
        if (!commands.includes(entry)) fs.symlinkSync(path.join(dir, entry), path.join(shadow, entry));
      }
      return shadow;
    })
    .join(path.delimiter);
}

/** Runs `npm start -- --no-open --browser` and resolves with its first `VS Code:` URL or its exit. */
function npmStart(env) {
  const child = spawn('npm', ['start', '--', '--no-open', '--browser'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const started = Date.now();
  const result = new Promise((resolve) => {
    const onOutput = (chunk) => {
      output += chunk;
      const match = /^VS Code: (http\S+)$/m.exec(output);
      if (match) resolve({ url: match[1], seconds: (Date.now() - started) / 1000 });
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.once('exit', (code, signal) => resolve({ exit: code ?? signal }));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGINT');
      } catch {
        // already gone
      }
    }
    await exited;
  };
  return { result, output: () => output, stop };
}

test('npm start installs code-server from scratch without ripgrep or Kerberos, and serves VS Code with the extension', async (t) => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-fresh-'));
  const cache = path.join(scratch, 'cache');
  const env = {
    ...process.env,
    PATH: pathWithout(['rg'], scratch),
    XDG_CACHE_HOME: cache,
    ISTIO_LAB_START_DIR: path.join(scratch, 'start'),
  };
  const start = npmStart(env);
  try {
    const { url, seconds, exit } = await start.result;
    assert.ok(url, `npm start exited (${exit}) without a VS Code URL:\n${start.output()}`);
    t.diagnostic(`first run, empty code-server cache: VS Code URL after ${seconds.toFixed(1)} s`);
    // Setup speaks in single lines: no npm or node-gyp output reaches the learner.
    assert.doesNotMatch(start.output(), /gyp|npm (error|warn)|g\+\+|make: /, 'build output reached the terminal');

    const response = await fetch(url);
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.match(html, /workbench/, 'the URL does not serve the VS Code workbench');
    const payload = JSON.parse(new URL(url).searchParams.get('payload') ?? '[]');
    const development = payload.find(([key]) => key === 'extensionDevelopmentPath')?.[1];
    assert.equal(
      development && new URL(development).pathname,
      root,
      'the workbench does not load the extension from this repository',
    );
    // The extension host reads the extension through the server: its manifest is served.
    const manifest = await fetch(
      `${new URL(url).origin}/vscode-remote-resource?path=${encodeURIComponent(path.join(root, 'package.json'))}`,
    );
    assert.equal(manifest.status, 200);
    assert.equal((await manifest.json()).name, 'istio-lab');

    const home = path.join(cache, 'istio-lab', `code-server-${CODE_SERVER_VERSION}`);
    const vscode = path.join(home, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules');
    const installed = JSON.parse(fs.readFileSync(path.join(home, '.installed'), 'utf8'));
    assert.match(installed.ripgrep, /^@vscode\/ripgrep@/, 'ripgrep did not come from npm');
    assert.ok(
      fs.statSync(path.join(vscode, '@vscode', 'ripgrep', 'bin', 'rg')).mode & 0o111,
      'VS Code has no ripgrep for text search',
    );
    assert.ok(
      fs.existsSync(path.join(vscode, 'node-pty', 'build', 'Release', 'pty.node')),
      'node-pty (terminals) was not built',
    );
    assert.equal(fs.existsSync(path.join(vscode, 'kerberos', 'build')), false, 'kerberos was compiled');
  } finally {
    await start.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
});

test('without a C++ toolchain npm start says in one line what to install, before downloading anything', async () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-no-gcc-'));
  const cache = path.join(scratch, 'cache');
  const start = npmStart({
    ...process.env,
    PATH: pathWithout(['g++'], scratch),
    XDG_CACHE_HOME: cache,
    ISTIO_LAB_START_DIR: path.join(scratch, 'start'),
  });
  try {
    const { url, exit } = await start.result;
    assert.equal(url, undefined, 'browser VS Code started without g++');
    assert.equal(exit, 1);
    const lines = start
      .output()
      .split('\n')
      .filter((line) => line.startsWith('npm start:'));
    assert.deepEqual(lines.length, 1, start.output());
    assert.match(lines[0], /g\+\+.*`apt-get install g\+\+ make python3`/);
    assert.doesNotMatch(start.output(), /gyp/);
    assert.equal(fs.existsSync(path.join(cache, 'istio-lab', `code-server-${CODE_SERVER_VERSION}`)), false);
  } finally {
    await start.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
});
