// Lint rules. The layering rule of docs/ARCHITECTURE.md is enforced here: only the composition root,
// the UI layer and tests that run inside VS Code may import 'vscode'; and outside text reaches
// notifications and Markdown only escaped.
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
    files: ['src/extension.ts', 'src/ui/**/*.ts', 'test/vscode/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
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
