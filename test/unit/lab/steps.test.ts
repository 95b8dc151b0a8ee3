import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { LAB_WALKTHROUGH_ID, findLabStep, labSteps, terminalLineFor } from '../../../src/lab/steps';

const root = path.resolve(__dirname, '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const readJson = (file: string): Record<string, string> => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));
const nls = { en: readJson('package.nls.json'), ko: readJson('package.nls.ko.json') };

/**
 * The lines of the fenced code blocks of a step's walkthrough page in one language, each command
 * as the shell reads it: the pages split long ones over lines (after `|`, or with `\`) to fit.
 */
function codeLines(language: keyof typeof nls, step: string): string[] {
  const page = fs.readFileSync(path.join(root, nls[language][`walkthrough.lab.${step}.markdown`]), 'utf8');
  const joined = (block: string) =>
    block
      .replace(/ \\\n\s*/g, ' ')
      .replace(/\\\n/g, '')
      .replace(/\|\n\s*/g, '| ');
  return [...page.matchAll(/^```[^\n]*\n([\s\S]*?)^```$/gm)].flatMap((match) => joined(match[1]).split('\n'));
}

test('the lab steps are the walkthrough steps, in the same order', () => {
  const walkthrough = manifest.contributes.walkthroughs.find((w: { id: string }) => w.id === LAB_WALKTHROUGH_ID);
  assert.deepEqual(
    walkthrough.steps.map((step: { id: string }) => step.id),
    labSteps.map((step) => step.id),
  );
});

test("each walkthrough page shows, as code, the exact commands its step's button types", () => {
  for (const language of ['en', 'ko'] as const) {
    for (const step of labSteps) {
      const lines = codeLines(language, step.id);
      for (const command of [...step.commands, ...(step.variants ?? [])]) {
        assert.ok(lines.includes(command), `the ${language} ${step.id} page has no code line \`${command}\``);
      }
    }
  }
});

test('each walkthrough step has a button for its own commands, in both languages', () => {
  for (const language of ['en', 'ko'] as const) {
    for (const step of labSteps) {
      const description = nls[language][`walkthrough.lab.${step.id}.description`];
      assert.ok(
        description.includes(`command:istioLab.typeStepCommand?${encodeURIComponent(JSON.stringify([step.id]))}`),
        `the ${language} ${step.id} step has no button for its own commands`,
      );
    }
  }
});

test("chains a step's commands with && so the first failure stops the rest", () => {
  assert.equal(
    terminalLineFor(findLabStep('download')!),
    'curl -L https://istio.io/downloadIstio | ISTIO_VERSION=1.2.2 sh - && cd istio-1.2.2 && export PATH=$PWD/bin:$PATH',
  );
});

test('keeps the variants out of the typed line', () => {
  assert.equal(terminalLineFor(findLabStep('watch')!), 'kubectl get po -n istio-system');
});

test('finds no step for an unknown id', () => {
  assert.equal(findLabStep('deploy-everything'), undefined);
});
