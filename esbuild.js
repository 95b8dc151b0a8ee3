// Builds the bundles of the extension: activation, the features and the Kubernetes client for
// the extension host (Node, CommonJS), the sandbox cluster, and the registry webview (browser);
// and the offline lab release (dist/offline-release/) the extension offers when the releases site
// cannot be reached. `--production` minifies with source maps, `--watch` rebuilds.
'use strict';
const esbuild = require('esbuild');
const fs = require('node:fs');
const crypto = require('node:crypto');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/**
 * The Kubernetes client lives in its own bundle (dist/kube.js): the extension bundle's only
 * import of it, connection.ts's `import('@kubernetes/client-node')`, becomes a `require` of that
 * file at first use, so activation does not parse it.
 * @type {import('esbuild').Plugin}
 */
const kubeClientApart = {
  name: 'kube-client-apart',
  setup(build) {
    build.onResolve({ filter: /^@kubernetes\/client-node$/ }, () => ({ path: './kube.js', external: true }));
  },
};

/**
 * The features (src/ui/features.ts) are their own bundle (dist/features.js): activation's
 * `import('./ui/features')` becomes a `require` of that file when a feature is first used.
 * @type {import('esbuild').Plugin}
 */
const featuresApart = {
  name: 'features-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/ui\/features$/ }, () => ({ path: './features.js', external: true }));
  },
};

/** A CommonJS bundle for Node (the extension host loads CommonJS). */
const node = { outdir: 'dist', platform: 'node', target: 'node20', format: 'cjs' };
/**
 * In the extension host: `vscode` is the host's, and import() becomes require() of a sibling
 * CommonJS bundle (the plugins above name it).
 */
const extensionHost = { ...node, external: ['vscode'], supported: { 'dynamic-import': false } };

/** @type {import('esbuild').BuildOptions[]} */
const bundles = [
  { ...extensionHost, entryPoints: { extension: 'src/extension.ts' }, plugins: [featuresApart] },
  { ...extensionHost, entryPoints: { features: 'src/ui/features.ts' }, plugins: [kubeClientApart] },
  { ...node, entryPoints: { kube: 'src/kube/client-bundle.ts' } },
  // The sandbox cluster as its own process: `npm run sandbox`, `npm start`, and the extension's
  // Start Sandbox Cluster (src/lab/sandbox/sandbox-process.ts), which is why the vsix carries it.
  { ...node, entryPoints: { sandbox: 'src/sandbox/cli.ts' } },
  {
    entryPoints: { webview: 'src/webview/main.ts' },
    outdir: 'dist',
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
  },
];

function formatSize(bytes) {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MB` : `${(bytes / 1024).toFixed(1)} kB`;
}

/** Prints each output file's size from the metafile, so a heavy dependency shows up at once. */
const reportSizes = {
  name: 'report-sizes',
  setup(build) {
    build.onEnd((result) => {
      for (const error of result.errors) {
        console.error(`✘ ${error.text}${error.location ? ` (${error.location.file}:${error.location.line})` : ''}`);
      }
      if (!result.metafile) return;
      for (const [file, output] of Object.entries(result.metafile.outputs)) {
        if (file.endsWith('.map')) continue;
        console.log(`${path.normalize(file)}  ${formatSize(output.bytes)}`);
      }
    });
  },
};

/**
 * The offline lab release: the archives `npm start` serves when GitHub cannot be reached (see
 * scripts/lib/release-archive.mjs: the real manifests, placeholders that say so, and a stand-in
 * `istioctl` that says so), in GitHub's URL layout with their `.sha256`, so the extension
 * downloads them from a file:// base like any mirror. One per archive name a platform asks for.
 */
const OFFLINE_RELEASES = {
  '1.2.2': ['linux-amd64', 'osx-amd64', 'win-amd64'],
  '1.26.1': ['linux-amd64', 'linux-arm64', 'osx-amd64', 'osx-arm64', 'win-amd64'],
};

async function buildOfflineRelease() {
  const dir = path.join('dist', 'offline-release');
  // The marker holds what the archives were built from, so a changed generator rebuilds them.
  const marker = path.join(dir, '.complete');
  const source = crypto
    .createHash('sha256')
    .update(fs.readFileSync(path.join('scripts', 'lib', 'release-archive.mjs')))
    .update(JSON.stringify(OFFLINE_RELEASES))
    .digest('hex');
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === source) return;
  fs.rmSync(dir, { recursive: true, force: true });
  const { buildReleaseArchive } = await import('./scripts/lib/release-archive.mjs');
  for (const [version, platforms] of Object.entries(OFFLINE_RELEASES)) {
    for (const platform of platforms) await buildReleaseArchive({ root: dir, version, platform });
  }
  fs.writeFileSync(marker, source);
  const bytes = fs
    .readdirSync(dir, { recursive: true })
    .reduce((sum, file) => sum + fs.statSync(path.join(dir, file)).size, 0);
  console.log(`${dir}/  ${formatSize(bytes)}`);
}

async function main() {
  // A packaged build starts clean; a development build overwrites in place, so a test run
  // loading dist/ is not left without its bundle by another build on the same tree.
  if (production) fs.rmSync('dist', { recursive: true, force: true });
  await buildOfflineRelease();
  // The webview bundle is built once its entry exists (the registry viewer adds it).
  const present = bundles.filter((options) => Object.values(options.entryPoints).every((file) => fs.existsSync(file)));
  const contexts = await Promise.all(
    present.map((options) =>
      esbuild.context({
        bundle: true,
        minify: production,
        sourcemap: production ? 'external' : 'linked',
        sourcesContent: false,
        metafile: true,
        logLevel: 'silent',
        legalComments: 'none',
        ...options,
        plugins: [...(options.plugins ?? []), reportSizes],
      }),
    ),
  );
  if (watch) {
    await Promise.all(contexts.map((context) => context.watch()));
    console.log('watching for changes…');
    return;
  }
  const results = await Promise.allSettled(contexts.map((context) => context.rebuild()));
  await Promise.all(contexts.map((context) => context.dispose()));
  if (results.some((result) => result.status === 'rejected')) process.exit(1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
