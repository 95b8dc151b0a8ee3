// `npm run package` makes a vsix that carries what the extension needs and nothing else, and
// that installs into a clean VS Code where the installed copy activates and works.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { before, test } from 'node:test';
import yauzl from 'yauzl';
import type { ExtensionTestResult } from '../../scripts/lib/vscode-tests.mjs';
import { emptyExtension, runExtensionTests } from '../../scripts/lib/vscode-tests.mjs';

const root = path.resolve(__dirname, '..', '..');
const { name, version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const vsix = path.join(root, `${name}-${version}.vsix`);

function listEntries(file: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      const names: string[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** Writes the vsix's extension/ folder to `target`, as VS Code installs a vsix (into <publisher>.<name>-<version>/). */
function unpackExtension(file: string, target: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // yauzl refuses entry names that are absolute or climb out with `..`, as VS Code does.
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!entry.fileName.startsWith('extension/') || entry.fileName.endsWith('/')) return zip.readEntry();
        const out = path.join(target, entry.fileName.slice('extension/'.length));
        fs.mkdirSync(path.dirname(out), { recursive: true });
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError);
          pipeline(stream, fs.createWriteStream(out)).then(() => zip.readEntry(), reject);
        });
      });
      zip.on('end', resolve);
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

interface RuntimeBundles {
  /** Loaded by the extension host: `main` and what it require()s, transitively. */
  required: string[];
  /** Other files of the build those name, e.g. the registry webview's script. */
  named: string[];
}

/**
 * What the packaged code loads at runtime, found in the production build `npm run package` has
 * just made rather than listed here, so a bundle added, split out or renamed is checked too.
 */
function runtimeBundles(main: string): RuntimeBundles {
  const built = fs
    .readdirSync(path.join(root, 'dist'))
    .filter((file) => file.endsWith('.js'))
    .map((file) => `dist/${file}`);
  const required = [path.posix.normalize(main)];
  const named = new Set<string>();
  for (let index = 0; index < required.length; index++) {
    const file = required[index];
    // A required file the build lacks is reported by the caller, as missing from the vsix.
    if (!fs.existsSync(path.join(root, file))) continue;
    const code = fs.readFileSync(path.join(root, file), 'utf8');
    for (const [, request] of code.matchAll(/\brequire\(\s*["'`](\.\.?\/[^"'`]+)["'`]\s*\)/g)) {
      const target = path.posix.join(path.posix.dirname(file), path.posix.extname(request) ? request : `${request}.js`);
      if (!required.includes(target)) required.push(target);
    }
    for (const other of built) {
      const quoted = new RegExp(`["'\`/]${path.posix.basename(other).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["'\`]`);
      if (quoted.test(code)) named.add(other);
    }
  }
  return { required, named: [...named].filter((file) => !required.includes(file)) };
}

let entries: string[] = [];
let bundles: RuntimeBundles = { required: [], named: [] };

before(async () => {
  fs.rmSync(vsix, { force: true });
  const result = spawnSync('npm', ['run', 'package'], { cwd: root, encoding: 'utf8' });
  assert.equal(result.status, 0, `npm run package failed:\n${result.stdout}\n${result.stderr}`);
  entries = await listEntries(vsix);
  bundles = runtimeBundles(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).main);
});

test('the vsix holds the bundle, the manifest with its strings in both languages, and the media', () => {
  for (const expected of [
    'extension/package.json',
    'extension/package.nls.json',
    'extension/package.nls.ko.json',
    'extension/dist/extension.js',
    'extension/l10n/bundle.l10n.ko.json',
    'extension/media/istio-lab.svg',
    'extension/media/walkthrough/architecture.svg',
    'extension/LICENSE.txt',
  ]) {
    assert.ok(entries.includes(expected), `missing ${expected}`);
  }
});

test('the vsix carries no sources, tests, scripts, node_modules or source maps', () => {
  const unwanted = entries.filter(
    (entry) =>
      /^extension\/(src|test|scripts|node_modules|out|test-results)\//.test(entry) ||
      entry.endsWith('.map') ||
      entry.endsWith('.ts'),
  );
  assert.deepEqual(unwanted, []);
});

test('the vsix leaves out the README screenshots', () => {
  assert.deepEqual(
    entries.filter((entry) => entry.startsWith('extension/media/screenshots/')),
    [],
  );
});

test("the vsix ships the sandbox cluster and the offline lab release with the extension's bundles", () => {
  const bundles = entries.filter((entry) => entry.startsWith('extension/dist/'));
  // dist/kube.js: the Kubernetes client, split out to load on first use (esbuild.js); dist/sandbox.js:
  // the sandbox cluster, run as a child process by Start Sandbox Cluster.
  for (const expected of ['extension/dist/extension.js', 'extension/dist/kube.js', 'extension/dist/sandbox.js'])
    assert.ok(bundles.includes(expected), `missing ${expected}`);
  // The book's release for every platform's archive name, each with the .sha256 it is checked against.
  for (const archive of ['istio-1.2.2-linux.tar.gz', 'istio-1.2.2-osx.tar.gz', 'istio-1.2.2-win.zip']) {
    for (const file of [archive, `${archive}.sha256`])
      assert.ok(bundles.includes(`extension/dist/offline-release/1.2.2/${file}`), `missing the offline ${file}`);
  }
});

// Measured: 1.56 MB (1,638,976 bytes) with the sandbox and the offline lab release, 0.52 MB without.
test('the vsix is at most 3 MB', (t) => {
  const size = fs.statSync(vsix).size;
  t.diagnostic(`vsix size: ${size} bytes (${(size / 1024 / 1024).toFixed(2)} MB)`);
  assert.ok(size <= 3 * 1024 * 1024, `${size} bytes`);
});

test('every file the manifest points at is in the vsix', () => {
  const manifest = fs.readFileSync(path.join(root, 'package.json'), 'utf8');
  const files = [...manifest.matchAll(/"(media\/[^"]+)"/g)].map((match) => `extension/${match[1]}`);
  // The walkthrough pages are named by the manifest strings, one set per language, and embed pictures.
  for (const strings of ['package.nls.json', 'package.nls.ko.json']) {
    const nls = fs.readFileSync(path.join(root, strings), 'utf8');
    for (const [, page] of nls.matchAll(/"(media\/[^"]+\.md)"/g)) {
      files.push(`extension/${page}`);
      const markdown = fs.readFileSync(path.join(root, page), 'utf8');
      for (const [, image] of markdown.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)) {
        files.push(`extension/${path.posix.join(path.posix.dirname(page), image)}`);
      }
    }
  }
  assert.ok(
    files.some((file) => file.endsWith('/ko/registry.md')),
    'found no Korean walkthrough page: the scan is broken',
  );
  assert.deepEqual(
    files.filter((file) => !entries.includes(file)),
    [],
  );
});

test('the vsix carries every bundle the extension loads at runtime', () => {
  // dist/extension.js loads the rest on first use, so the scan must find more than it.
  assert.ok(bundles.required.length > 1, `found nothing that ${bundles.required[0]} loads: the scan is broken`);
  const missing = [...bundles.required, ...bundles.named].filter((file) => !entries.includes(`extension/${file}`));
  assert.deepEqual(missing, [], `the vsix lacks bundles the extension loads (add them to .vscodeignore's allowlist)`);
});

test('the vsix installs into a clean VS Code, where the installed copy activates and runs its commands', async (t) => {
  const unpacked = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-vsix-'));
  let result: ExtensionTestResult | undefined;
  try {
    await unpackExtension(vsix, unpacked);
    // The empty extension is the development one that carries the tests, so the source tree's copy
    // of Istio Lab is not loaded: the only one is the installed copy.
    result = await runExtensionTests({
      suite: 'installed',
      extensionDevelopmentPaths: [emptyExtension],
      installed: [unpacked],
      env: { ISTIO_LAB_SOURCE_TREE: root, ISTIO_LAB_RUNTIME_BUNDLES: JSON.stringify(bundles) },
    });
  } catch (error) {
    result = (error as { result?: ExtensionTestResult }).result;
    if (!result) throw error;
  } finally {
    fs.rmSync(unpacked, { recursive: true, force: true });
  }
  assert.ok(result, 'the extension host reported no result');
  for (const outcome of result.tests) t.diagnostic(`${outcome.state}: ${outcome.title}`);
  const failures = result.tests
    .filter((outcome) => outcome.state === 'failed')
    .map((outcome) => `${outcome.title}\n${outcome.error}`);
  assert.deepEqual(failures, []);
  assert.equal(result.error, undefined);
  assert.ok(result.passed > 0, 'the extension host ran no test');
});
