import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StepState } from '../../../src/lab/lab-progress';
import { LabProgress } from '../../../src/lab/lab-progress';
import type { HintPod } from '../../../src/lab/step-hints';
import { checkControlPlane, checkInstall, stepHint, workloadOf } from '../../../src/lab/step-hints';
import type { LabStepId } from '../../../src/lab/steps';
import { labSteps } from '../../../src/lab/steps';

/** The states of all steps: the given ones, the rest to do. */
const states =
  (given: Partial<Record<LabStepId, StepState>>) =>
  (id: LabStepId): StepState =>
    given[id] ?? { status: 'todo' };
const done: StepState = { status: 'done' };

const pod = (
  name: string,
  owner: { kind: string; name: string },
  created: string,
  status: HintPod['status'],
): HintPod => ({
  metadata: { name, creationTimestamp: new Date(created), ownerReferences: [owner] },
  status,
});
const ready = (name: string, replicaSet: string) =>
  pod(name, { kind: 'ReplicaSet', name: replicaSet }, '2026-12-05T21:00:00Z', {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True' }],
  });
const completedJob = pod(
  'istio-init-crd-10-x7k2p',
  { kind: 'Job', name: 'istio-init-crd-10' },
  '2026-12-05T21:00:00Z',
  { phase: 'Succeeded' },
);
const creating = (name: string, replicaSet: string, created: string) =>
  pod(name, { kind: 'ReplicaSet', name: replicaSet }, created, {
    phase: 'Pending',
    containerStatuses: [{ state: { waiting: { reason: 'ContainerCreating' } } }],
  });

test('a done step has no hint, whatever step it is', () => {
  for (const step of labSteps) assert.equal(stepHint(step.id, states({ [step.id]: done })), undefined, step.id);
});

test('cluster: no context selected, or a context that does not answer', () => {
  assert.deepEqual(stepHint('cluster', states({})), { code: 'no-cluster' });
  assert.deepEqual(stepHint('cluster', states({ cluster: { status: 'failed', detail: 'kind-istio' } })), {
    code: 'cluster-unreachable',
  });
});

test('download: not downloaded, or downloaded without a verified checksum', () => {
  assert.deepEqual(stepHint('download', states({})), { code: 'not-downloaded' });
  assert.deepEqual(stepHint('download', states({ download: { status: 'warning', detail: '1.2.2' } })), {
    code: 'checksum-not-verified',
  });
});

test('verify: needs a reachable cluster, then the pre-check; says when it found problems or warnings', () => {
  assert.deepEqual(stepHint('verify', states({})), { code: 'needs-step', step: 'cluster' });
  assert.deepEqual(stepHint('verify', states({ cluster: done })), { code: 'precheck-not-run' });
  assert.deepEqual(stepHint('verify', states({ cluster: done, verify: { status: 'failed' } })), {
    code: 'precheck-blocked',
  });
  assert.deepEqual(stepHint('verify', states({ cluster: done, verify: { status: 'warning' } })), {
    code: 'precheck-warnings',
  });
});

test('install: needs the cluster and the release first, then says it is not installed; the check sees an interrupted install', () => {
  assert.deepEqual(stepHint('install', states({})), { code: 'needs-step', step: 'cluster' });
  assert.deepEqual(stepHint('install', states({ cluster: done })), { code: 'needs-step', step: 'download' });
  // An unverified download is still a release to install from.
  assert.deepEqual(stepHint('install', states({ cluster: done, download: { status: 'warning' } })), {
    code: 'not-installed',
  });
  assert.deepEqual(stepHint('install', states({ cluster: done, download: done, install: { status: 'failed' } })), {
    code: 'install-failed',
  });

  assert.deepEqual(checkInstall(15), { status: 'done' });
  assert.deepEqual(checkInstall(0), { status: 'todo', hint: { code: 'not-installed' } });
  assert.deepEqual(checkInstall(0, { present: 0, total: 153 }), { status: 'todo', hint: { code: 'not-installed' } });
  const interrupted = checkInstall(0, { present: 51, total: 153 });
  assert.deepEqual(interrupted, { status: 'failed', hint: { code: 'install-interrupted', present: 51, total: 153 } });
  assert.deepEqual(
    stepHint('install', states({ cluster: done, download: done, install: interrupted })),
    interrupted.hint,
  );
});

test('watch: the check counts the ready pods and names the oldest one still waiting, with its reason and since when', () => {
  const pods = [
    ready('istio-pilot-5b4c8d7f9-abcde', 'istio-pilot-5b4c8d7f9'),
    completedJob,
    creating('istio-telemetry-6d7f9c-zzzzz', 'istio-telemetry-6d7f9c', '2026-12-05T21:00:30Z'),
    creating('istio-policy-7c9f8b6d5-q2w3e', 'istio-policy-7c9f8b6d5', '2026-12-05T21:00:10Z'),
  ];
  const check = checkControlPlane(pods);
  assert.deepEqual(check, {
    status: 'todo',
    hint: {
      code: 'pods-not-ready',
      ready: 2,
      total: 4,
      waitingFor: 'istio-policy',
      reason: 'ContainerCreating',
      since: Date.parse('2026-12-05T21:00:10Z'),
    },
  });
  assert.deepEqual(stepHint('watch', states({ install: done, watch: check })), check.hint);
  assert.deepEqual(checkControlPlane(pods.slice(0, 2)), { status: 'done' });
  assert.deepEqual(checkControlPlane([]), { status: 'todo', hint: { code: 'needs-step', step: 'install' } });
  // Without a recorded check: the install first, then "not ready at the last look".
  assert.deepEqual(stepHint('watch', states({})), { code: 'needs-step', step: 'install' });
  assert.deepEqual(stepHint('watch', states({ install: done })), { code: 'control-plane-not-ready' });
});

test("a pod's workload is its Deployment (its ReplicaSet without the hash) or its Job", () => {
  assert.equal(
    workloadOf(ready('istio-ingressgateway-6d8f9c7b4-xk2lp', 'istio-ingressgateway-6d8f9c7b4')),
    'istio-ingressgateway',
  );
  assert.equal(workloadOf(completedJob), 'istio-init-crd-10');
  assert.equal(workloadOf({ metadata: { name: 'bare' } }), 'bare');
});

test('architecture: says the step has not been opened', () => {
  assert.deepEqual(stepHint('architecture', states({})), { code: 'guide-not-read' });
});

test('registry: waits for the control plane, then says Pilot answers but the registry was not opened', () => {
  assert.deepEqual(stepHint('registry', states({ install: done })), { code: 'needs-step', step: 'watch' });
  assert.deepEqual(stepHint('registry', states({ install: done, watch: done })), { code: 'registry-not-opened' });
});

test("the progress keeps a check's hint with its state, and drops it when the step is marked without one", async () => {
  const saved = new Map<string, unknown>();
  const progress = new LabProgress({
    get: <T>(key: string) => saved.get(key) as T | undefined,
    update: async (key, value) => void saved.set(key, value),
  });
  const hint = { code: 'install-interrupted', present: 51, total: 153 } as const;
  await progress.mark('install', 'failed', { at: 1, hint });
  assert.deepEqual(progress.state('install').hint, hint);
  assert.deepEqual(
    new LabProgress({ get: <T>(key: string) => saved.get(key) as T | undefined, update: async () => undefined }).state(
      'install',
    ).hint,
    hint,
  );
  // Same status, another hint: a change to show.
  await progress.mark('install', 'failed', { at: 2, hint: { code: 'install-interrupted', present: 60, total: 153 } });
  assert.deepEqual(progress.state('install').hint, { code: 'install-interrupted', present: 60, total: 153 });
  await progress.mark('install', 'done', { detail: '1.2.2', at: 3 });
  assert.equal(progress.state('install').hint, undefined);
});
