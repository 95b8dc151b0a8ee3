// The "Deploy the sample app" step's check (src/lab/sample-app.ts) on the pods the release's own
// bookinfo.yaml runs: done only when all 6 are 2/2 Running with istio-proxy; a pod created before
// the namespace was labelled (1/1, no sidecar) names the missing label; the step's place and hint.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PodSummary } from '../../../src/kube/pod-summary';
import type { StepState } from '../../../src/lab/lab-progress';
import { checkSampleApp, isBookinfoPod, labelCommand, unlabelCommand } from '../../../src/lab/sample-app';
import { stepHint } from '../../../src/lab/step-hints';
import { BOOKINFO_MANIFEST, labSteps } from '../../../src/lab/steps';
import { podsFromManifest } from '../istio/pod-fixtures';

const PROXY_IMAGE = 'docker.io/istio/proxyv2:1.2.2';

/** Bookinfo's pods in `default` as created in an unlabelled namespace: the app container only. */
const plain = (): PodSummary[] =>
  podsFromManifest(`legacy/istio-1.2.2/${BOOKINFO_MANIFEST}`).map((pod) => ({ ...pod, namespace: 'default' }));

/** The same pods as the injector leaves them, with the sidecar `ready` or not. */
function injected(pod: PodSummary, ready = true): PodSummary {
  const containers = [
    ...pod.containers,
    { name: 'istio-proxy', image: PROXY_IMAGE, ready, restartCount: 0, state: 'running' as const },
  ];
  return {
    ...pod,
    containers,
    totalContainers: 2,
    readyContainers: containers.filter((entry) => entry.ready).length,
    annotations: { 'sidecar.istio.io/status': '{"version":"1"}' },
  };
}

test("bookinfo.yaml runs 6 pods, all Bookinfo's", () => {
  const pods = plain();
  assert.equal(pods.length, 6);
  assert.ok(pods.every(isBookinfoPod));
});

test('done once all 6 Bookinfo pods are 2/2 Running with istio-proxy', () => {
  assert.deepEqual(
    checkSampleApp(
      plain().map((pod) => injected(pod)),
      6,
      'default',
    ),
    { status: 'done' },
  );
});

test('not done while a sidecar is not ready, or a Deployment has no pod yet', () => {
  const pods = plain().map((pod, index) => injected(pod, index !== 2));
  const check = checkSampleApp(pods, 6, 'default');
  assert.equal(check.status, 'todo');
  assert.equal(check.hint?.code, 'pods-not-ready');
  assert.ok(check.hint?.code === 'pods-not-ready' && check.hint.ready === 5 && check.hint.total === 6);
  const five = checkSampleApp(
    plain()
      .slice(1)
      .map((pod) => injected(pod)),
    6,
    'default',
  );
  assert.equal(five.status, 'todo');
  assert.ok(five.hint?.code === 'pods-not-ready' && five.hint.ready === 5 && five.hint.total === 6);
});

test('a Bookinfo pod without istio-proxy (1/1) says the namespace is not labelled', () => {
  const pods = plain().map((pod, index) => (index === 0 ? pod : injected(pod)));
  assert.deepEqual(checkSampleApp(pods, 6, 'default'), {
    status: 'failed',
    hint: { code: 'namespace-not-labelled', namespace: 'default' },
  });
});

test('pods of other namespaces, terminating pods and other apps do not count', () => {
  const others = plain().map((pod) => ({ ...injected(pod), namespace: 'shop' }));
  assert.deepEqual(checkSampleApp(others, 6, 'default'), { status: 'todo', hint: { code: 'sample-app-not-deployed' } });
  const leaving = plain().map((pod) => ({ ...pod, deleting: true }));
  assert.equal(checkSampleApp([...leaving, ...plain().map((pod) => injected(pod))], 6, 'default').status, 'done');
});

test('the fix and the undo are one kubectl line each', () => {
  assert.equal(labelCommand('default'), 'kubectl label namespace default istio-injection=enabled');
  assert.equal(unlabelCommand('default'), 'kubectl label namespace default istio-injection-');
});

test('the step comes right after "Watch the control plane", with the lab commands, and needs it', () => {
  const ids = labSteps.map((step) => step.id);
  assert.equal(ids.indexOf('sample-app'), ids.indexOf('watch') + 1);
  assert.deepEqual(labSteps.find((step) => step.id === 'sample-app')?.commands, [
    'kubectl label namespace default istio-injection=enabled',
    'kubectl apply -f samples/bookinfo/platform/kube/bookinfo.yaml',
  ]);
  const states =
    (done: string[]) =>
    (id: string): StepState =>
      done.includes(id) ? { status: 'done' } : { status: 'todo' };
  assert.deepEqual(stepHint('sample-app', states(['install'])), { code: 'needs-step', step: 'watch' });
  assert.deepEqual(stepHint('sample-app', states(['install', 'watch'])), { code: 'sample-app-not-deployed' });
});
