// Installs code-server into the cache with only the steps browser VS Code needs, so a fresh
// machine with Node 20 and a C++ toolchain needs nothing else. code-server's own postinstall
// (postinstall.sh in its package) runs `npm install` in lib/vscode with every install script,
// which downloads ripgrep from GitHub and compiles `kerberos` against libkrb5-dev. Here the
// packages come in with --ignore-scripts and only these are built from source: argon2 (loaded
// by code-server at start), node-pty (terminals), @vscode/spdlog (log files and output channels)
// and native-watchdog (the extension host's parent watch). Left out: `kerberos` (VS Code
// imports it only to answer a Kerberos proxy challenge), @vscode/deviceid (telemetry; VS Code
// catches its absence) and the Windows-only modules. ripgrep, whose only user is VS Code's
// text search, comes from @vscode/ripgrep 1.18, which ships the binary inside a per-platform
// npm package instead of downloading it; on a platform without one, the system's `rg` if any.
// Build output goes to a log file; a failure is one line that names it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export class SetupError extends Error {}

/** The native modules of lib/vscode built here, relative to lib/vscode/node_modules. */
const NATIVE_MODULES = ['node-pty', '@vscode/spdlog', 'native-watchdog'];
/** From 1.18 on, @vscode/ripgrep's binary comes inside an npm package per platform (microsoft/vscode-ripgrep). */
const RIPGREP_PACKAGE = '@vscode/ripgrep@1.18.0';

export function which(command) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * Installs code-server `version` into `home` (through a staging folder beside it, renamed once
 * complete). `signal` stops the install and removes the staging folder.
 */
export async function installCodeServer({ version, home, logFile, log, signal }) {
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20)
    throw new SetupError(`code-server ${version} needs Node 20; this is Node ${process.versions.node}.`);
  const missingTools = ['g++', 'make', 'python3'].filter((tool) => !which(tool));
  if (missingTools.length) {
    throw new SetupError(
      `browser VS Code builds its terminal (node-pty) from source and needs ${missingTools.join(', ')}: ` +
        'install them with `apt-get install g++ make python3` and run `npm start` again.',
    );
  }

  log(`installing code-server ${version} into ${home} (first use, a minute or more; log: ${logFile})…`);
  const parent = path.dirname(home);
  fs.mkdirSync(parent, { recursive: true });
  fs.writeFileSync(logFile, `code-server ${version} install, ${new Date().toISOString()}\n`);
  const staging = fs.mkdtempSync(path.join(parent, '.code-server-staging-'));
  fs.chmodSync(staging, 0o755);
  // One failed step stops the others, so the staging folder is removed only once all have ended.
  const stopAll = new AbortController();
  const stopWith = () => stopAll.abort();
  signal?.addEventListener('abort', stopWith, { once: true });
  const step = stepRunner(logFile, stopAll.signal);
  try {
    fs.writeFileSync(
      path.join(staging, 'package.json'),
      JSON.stringify({ name: 'istio-lab-code-server', private: true }),
    );
    await step('download code-server', 'npm', [...NPM_INSTALL, `code-server@${version}`, RIPGREP_PACKAGE], {
      cwd: staging,
    });

    const codeServer = path.join(staging, 'node_modules', 'code-server');
    const vscode = path.join(codeServer, 'lib', 'vscode');
    await allOrFirstError(stopAll, [
      // node-pre-gyp would first try a download from GitHub; build from source straight away.
      step('build argon2', 'npm', ['rebuild', 'argon2'], {
        cwd: staging,
        env: { npm_config_build_from_source: 'true' },
      }),
      (async () => {
        await step("install VS Code's modules", 'npm', [...NPM_INSTALL, '--omit=dev'], { cwd: vscode });
        // `npm exec -c` gives node-gyp npm's configuration (nodedir, proxy, cafile) as npm's own
        // install scripts get it. One module at a time: the two CPUs go to make's jobs.
        for (const name of NATIVE_MODULES) {
          await step(`build ${name}`, 'npm', ['exec', '--offline', '-c', 'node-gyp rebuild'], {
            cwd: path.join(vscode, 'node_modules', name),
            env: { JOBS: 'max' },
          });
        }
      })(),
      (async () => {
        const extensions = path.join(vscode, 'extensions');
        await step("install the built-in extensions' modules", 'npm', [...NPM_INSTALL, '--omit=dev'], {
          cwd: extensions,
        });
        // The extensions' own postinstall: trims the TypeScript they share to what they load.
        await step("trim the built-in extensions' TypeScript", process.execPath, ['postinstall.mjs'], {
          cwd: extensions,
        });
      })(),
    ]);

    const packaged = packagedRipgrep(staging);
    const ripgrep = packaged ?? which('rg');
    if (ripgrep) {
      const bin = path.join(vscode, 'node_modules', '@vscode', 'ripgrep', 'bin');
      fs.mkdirSync(bin, { recursive: true });
      fs.copyFileSync(ripgrep, path.join(bin, 'rg'));
      fs.chmodSync(path.join(bin, 'rg'), 0o755);
    }
    linkLikePostinstall(vscode);

    fs.writeFileSync(
      path.join(staging, '.installed'),
      `${JSON.stringify({ installed: new Date().toISOString(), ripgrep: packaged ? RIPGREP_PACKAGE : (ripgrep ?? null) }, null, 2)}\n`,
    );
    // Another `npm start` or test run may have finished the same install meanwhile: keep theirs.
    if (fs.existsSync(path.join(home, '.installed'))) {
      fs.rmSync(staging, { recursive: true, force: true });
    } else {
      fs.rmSync(home, { recursive: true, force: true });
      fs.renameSync(staging, home);
    }
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw error;
  } finally {
    signal?.removeEventListener('abort', stopWith);
  }
}

/** Waits for every task; the first to fail stops the rest and its error is the one thrown. */
async function allOrFirstError(stopAll, tasks) {
  let first;
  await Promise.all(
    tasks.map((task) =>
      task.catch((error) => {
        first ??= error;
        stopAll.abort();
      }),
    ),
  );
  if (first) throw first;
}

const NPM_INSTALL = [
  'install',
  '--ignore-scripts',
  '--no-audit',
  '--no-fund',
  '--no-save',
  '--no-update-notifier',
  // code-server pins its dependencies: what the npm cache already holds needs no registry check.
  '--prefer-offline',
  '--loglevel=error',
];

/** rgPath of the @vscode/ripgrep installed beside code-server, when its platform package came with it. */
function packagedRipgrep(staging) {
  try {
    const { rgPath } = createRequire(path.join(staging, 'package.json'))('@vscode/ripgrep');
    return fs.existsSync(rgPath) ? rgPath : undefined;
  } catch {
    return undefined;
  }
}

/** The links code-server's postinstall.sh makes after its install (symlink_asar, symlink_bin_script). */
function linkLikePostinstall(vscode) {
  const link = (target, at) => {
    fs.rmSync(at, { recursive: true, force: true });
    fs.symlinkSync(target, at);
  };
  link('node_modules', path.join(vscode, 'node_modules.asar'));
  link('code-linux.sh', path.join(vscode, 'bin', 'remote-cli', 'code-server'));
  link('browser-linux.sh', path.join(vscode, 'bin', 'helpers', 'browser.sh'));
}

/** A step runs one command with its output appended to the log; failing, it names the step and the log. */
function stepRunner(logFile, stop) {
  return (title, command, args, { cwd, env = {} }) =>
    new Promise((resolve, reject) => {
      if (stop.aborted) return reject(new SetupError('installing code-server: stopped'));
      const out = fs.openSync(logFile, 'a');
      const started = Date.now();
      fs.writeSync(out, `\n== ${title}: ${command} ${args.join(' ')} (in ${cwd})\n`);
      const child = spawn(command, args, {
        cwd,
        env: { ...process.env, npm_config_update_notifier: 'false', ...env },
        stdio: ['ignore', out, out],
        signal: stop,
        killSignal: 'SIGTERM',
      });
      child.once('error', (error) => {
        if (error.name === 'AbortError') return;
        fs.closeSync(out);
        reject(new SetupError(`installing code-server: could not ${title} (${error.message}); see ${logFile}`));
      });
      child.once('exit', (code, signal) => {
        fs.writeSync(
          out,
          `== ${title}: exit ${code ?? signal} after ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
        );
        fs.closeSync(out);
        if (stop.aborted) reject(new SetupError('installing code-server: stopped'));
        else if (code === 0) resolve();
        else
          reject(new SetupError(`installing code-server: could not ${title} (exit ${code ?? signal}); see ${logFile}`));
      });
    });
}
