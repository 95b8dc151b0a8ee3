import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { LAB_WALKTHROUGH_ID, findLabStep, labSteps, terminalLineFor } from '../../../src/lab/steps';

const root = path.resolve(__dirname, '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const nls: Record<string, string> = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8'));

test('the lab steps are the walkthrough steps, in the same order', () => {
  const walkthrough = manifest.contributes.walkthroughs.find((w: { id: string }) => w.id === LAB_WALKTHROUGH_ID);
  assert.deepEqual(
    walkthrough.steps.map((step: { id: string }) => step.id),
    labSteps.map((step) => step.id),
  );
});

test("each walkthrough step teaches the exact commands its button types", () => {
  for (const step of labSteps) {
    const description = nls[`walkthrough.lab.${step.id}.description`];
    for (const command of [...step.commands, ...(step.variants ?? [])]) {
      assert.ok(description.includes(command), `step ${step.id} does not show \`${command}\``);
    }
    assert.ok(
      description.includes(`command:istioLab.typeStepCommand?${encodeURIComponent(JSON.stringify([step.id]))}`),
      `step ${step.id} has no button for its own commands`,
    );
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
