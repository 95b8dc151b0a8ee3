// Import rules checked by `npm run lint` (dependency-cruiser), the layers of docs/ARCHITECTURE.md:
// data goes up from src/kube (cluster access) through src/istio (Istio knowledge) and src/lab (the
// lab) to src/ui (the editor), and no layer imports one above it. src/kube is the one door to
// `@kubernetes/client-node`; the webview's bundle and src/shared import only src/shared; the
// sandbox is a module of its own (it imports only itself and src/shared); and no file or folder
// of src/ takes part in an import cycle. A folder here is the folder a file sits in: src/kube
// importing src/istio/registry while src/istio imports src/kube is not a folder cycle to
// dependency-cruiser, so the layers have rules of their own (from/to paths).
// Who may import 'vscode' is ESLint's rule (eslint.config.mjs), the one place it is kept: it also
// covers the tests, which this configuration does not read.

/** client-node as a resolved file of node_modules, or unresolved where no node_modules is (the rules' tests). */
const CLIENT_NODE = '(^|/)node_modules/@kubernetes/client-node/|^@kubernetes/client-node$';

/**
 * A layer's rule: a file under `from` imports nothing of src/ but what `mayImport` names (the
 * layer itself among them). `comment` is what lint says on a breach: why, and what to do.
 */
const layer = (name, from, mayImport, comment) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from },
  to: { path: '^src/', pathNot: mayImport },
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    layer(
      'kube-is-the-bottom-layer',
      '^src/kube/',
      ['^src/kube/', '^src/shared/'],
      'src/kube is cluster access and knows nothing above it: no Istio, no lab, no editor. Pass what it needs down as data, or move the Istio part up to src/istio (docs/ARCHITECTURE.md, Layers).',
    ),
    layer(
      'istio-stays-below-lab-and-ui',
      '^src/istio/',
      ['^src/istio/', '^src/kube/', '^src/shared/'],
      'src/istio may use src/kube and src/shared, never src/lab, src/ui or the webview (docs/ARCHITECTURE.md, Layers).',
    ),
    layer(
      'lab-stays-below-ui',
      '^src/lab/',
      ['^src/lab/', '^src/istio/', '^src/kube/', '^src/shared/', '^src/sandbox/index\\.ts$'],
      "src/lab may use src/istio, src/kube, src/shared and the sandbox's one entry (src/sandbox/index.ts), never src/ui or the webview (docs/ARCHITECTURE.md, Layers).",
    ),
    layer(
      'webview-and-shared-import-only-shared',
      '^src/(webview|shared)/',
      ['^src/webview/', '^src/shared/'],
      'The webview runs in a browser and src/shared is what both sides agree on: they import src/shared alone (docs/ARCHITECTURE.md, Layers).',
    ),
    {
      name: 'client-node-only-in-kube',
      comment:
        'Only src/kube imports @kubernetes/client-node (types too: src/kube/connection.ts names KubeConfig for the other layers). Add the call to src/kube and use it from here.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/kube/' },
      to: { path: CLIENT_NODE },
    },
    layer(
      'sandbox-stands-alone',
      '^src/sandbox/',
      ['^src/sandbox/', '^src/shared/'],
      'src/sandbox imports only itself and src/shared (see src/sandbox/README.md).',
    ),
    {
      name: 'no-file-cycles',
      comment:
        'This file is part of an import cycle; let one side depend on an interface (src/sandbox/README.md shows how the sandbox does it).',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      comment: 'This folder is part of an import cycle between folders: move the shared part down a layer.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    includeOnly: `^src/|${CLIENT_NODE}`,
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
  },
};
