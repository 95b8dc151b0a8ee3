// `npm run package` makes a vsix that carries what the extension needs and nothing else.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import yauzl from 'yauzl';

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

let entries: string[] = [];

before(async () => {
  fs.rmSync(vsix, { force: true });
  const result = spawnSync('npm', ['run', 'package'], { cwd: root, encoding: 'utf8' });
  assert.equal(result.status, 0, `npm run package failed:\n${result.stdout}\n${result.stderr}`);
  entries = await listEntries(vsix);
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
  const unwanted = entries.filter((entry) =>
    /^extension\/(src|test|scripts|node_modules|out|test-results)\//.test(entry) || entry.endsWith('.map') || entry.endsWith('.ts'),
  );
  assert.deepEqual(unwanted, []);
});

test('the vsix leaves out the README screenshots', () => {
  assert.deepEqual(entries.filter((entry) => entry.startsWith('extension/media/screenshots/')), []);
});

test('the vsix ships the extension bundle only, not the sandbox cluster\'s', () => {
  const bundles = entries.filter((entry) => entry.startsWith('extension/dist/'));
  // dist/kube.js: the Kubernetes client, split out to load on first use (esbuild.js).
  for (const expected of ['extension/dist/extension.js', 'extension/dist/kube.js']) assert.ok(bundles.includes(expected), `missing ${expected}`);
  assert.ok(!bundles.includes('extension/dist/sandbox.js'), 'the sandbox bundle is not shipped');
});

test('the vsix is smaller than 3 MB', () => {
  const size = fs.statSync(vsix).size;
  assert.ok(size < 3 * 1024 * 1024, `${size} bytes`);
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
  assert.ok(files.some((file) => file.endsWith('/ko/registry.md')), 'found no Korean walkthrough page: the scan is broken');
  assert.deepEqual(files.filter((file) => !entries.includes(file)), []);
});
