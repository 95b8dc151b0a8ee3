// Import rules checked by `npm run lint` (dependency-cruiser): the sandbox is a module of its
// own (it imports only itself and src/shared), and no file or folder of src/ takes part in an
// import cycle. A folder here is the folder a file sits in: src/kube importing src/istio/registry
// while src/istio imports src/kube is not a folder cycle to dependency-cruiser, so the extension's
// layers need rules of their own (from/to paths) to be kept apart.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'sandbox-stands-alone',
      comment: 'src/sandbox imports only itself and src/shared (see src/sandbox/README.md).',
      severity: 'error',
      from: { path: '^src/sandbox/' },
      to: { path: '^src/', pathNot: ['^src/sandbox/', '^src/shared/'] },
    },
    {
      name: 'no-file-cycles',
      comment: 'This file is part of an import cycle; let one side depend on an interface (src/sandbox/README.md shows how the sandbox does it).',
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
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
  },
};
