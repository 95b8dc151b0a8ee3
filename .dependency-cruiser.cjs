// Import rules checked by `npm run lint` (dependency-cruiser): the sandbox is a module of its
// own (it imports only itself and src/shared), and no file or folder of it takes part in an
// import cycle. The cycle rules cover src/sandbox for now: src/kube and src/istio still import
// each other (the extension's layers get their own rules later).
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
      name: 'no-sandbox-file-cycles',
      comment: 'A file of src/sandbox is part of an import cycle; let one side depend on an interface (see src/sandbox/README.md).',
      severity: 'error',
      from: { path: '^src/sandbox/' },
      to: { circular: true },
    },
    {
      name: 'no-sandbox-folder-cycles',
      comment: 'A folder of src/sandbox is part of an import cycle between folders.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/sandbox/' },
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
