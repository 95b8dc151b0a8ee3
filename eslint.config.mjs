// Lint rules. The layering rules of docs/ARCHITECTURE.md that name imports, not files, are enforced
// here: only the composition root, the UI layer and tests that run inside VS Code may import
// 'vscode'; only src/kube loads the Kubernetes client (`kubernetesClient()`, the client bundle);
// and outside text reaches notifications and Markdown only escaped.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { istioLabPlugin } from './scripts/lint/outside-text-rule.mjs';

const vscodeOnlyInUi = {
  paths: [
    {
      name: 'vscode',
      message:
        "Only src/extension.ts, src/ui/** and tests running inside VS Code may import 'vscode' (see docs/ARCHITECTURE.md, Layers). Return data from this layer and let src/ui present it.",
    },
  ],
};

/** src/kube is the one door to the cluster: its files load the client, the others call them. */
const clientOnlyInKube = [
  {
    regex: '(^|/)kube/connection$',
    importNames: ['kubernetesClient'],
    message:
      'Only src/kube loads the Kubernetes client (see docs/ARCHITECTURE.md, Layers). Add the call to src/kube (cluster-reads.ts, pod-reads.ts, …) and use it from here.',
  },
  {
    regex: '(^|/)kube/client-bundle$',
    message:
      'src/kube/client-bundle.ts is the entry of dist/kube.js; only src/kube reaches the client, through connection.ts (see docs/ARCHITECTURE.md, Layers).',
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test-results/**', '.vscode-test/**', '*.vsix'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', vscodeOnlyInUi],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/kube/**'],
    rules: { 'no-restricted-imports': ['error', { ...vscodeOnlyInUi, patterns: clientOnlyInKube }] },
  },
  {
    files: ['test/vscode/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/extension.ts', 'src/ui/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: clientOnlyInKube }] },
  },
  {
    // Outside text reaches notifications and Markdown only escaped (scripts/lint/outside-text-rule.mjs).
    files: ['src/**/*.ts'],
    plugins: { 'istio-lab': istioLabPlugin },
    rules: { 'istio-lab/outside-text': 'error' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
