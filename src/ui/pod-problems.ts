// The words for what src/istio/pod-diagnosis.ts finds: why a pod is in trouble and how to fix it,
// in the display language (English or Korean).
import * as vscode from 'vscode';
import type { PodProblem } from '../istio/pod-diagnosis';

export interface ProblemText {
  /** What is wrong, in plain words. */
  readonly why: string;
  /** What to do about it. */
  readonly fix: string;
}

function resources(names: readonly string[]): string {
  return names.length ? names.join(', ') : vscode.l10n.t('CPU or memory');
}

type Problem<C extends PodProblem['code']> = Extract<PodProblem, { readonly code: C }>;

/** Why, for each problem: placeholders name the problem's fields (`{container}`, `{restarts}`). */
const WHY: { readonly [C in PodProblem['code']]: (problem: Problem<C>) => string } = {
  unschedulable: (problem) =>
    vscode.l10n.t(
      'No node has room for this pod: not enough {resources}. The scheduler leaves it Pending, which is the usual reason an Istio install times out on a small cluster.',
      { resources: resources(problem.insufficient) },
    ),
  imagePull: (problem) =>
    vscode.l10n.t('The image {image} of container {container} cannot be pulled ({reason}).', problem),
  crashLoop: (problem) =>
    problem.lastReason === 'OOMKilled'
      ? vscode.l10n.t(
          'Container {container} was killed for using more memory than its limit and keeps restarting ({restarts} restarts).',
          problem,
        )
      : vscode.l10n.t(
          'Container {container} keeps exiting and Kubernetes keeps restarting it, waiting longer each time ({restarts} restarts).',
          problem,
        ),
  notReady: (problem) =>
    vscode.l10n.t('Running, but {containers} never became ready: its readiness probe keeps failing.', {
      containers: problem.containers.join(', '),
    }),
  proxyNotReady: () =>
    vscode.l10n.t(
      'The istio-proxy sidecar runs but is not ready: it has not received its configuration from the control plane.',
    ),
  sidecarNotInjected: () =>
    vscode.l10n.t(
      'This pod asked for an Istio sidecar and has none: it was created while the sidecar injector was not answering.',
    ),
  namespaceNotLabelled: (problem) =>
    vscode.l10n.t(
      '1/1, no istio-proxy: the namespace {namespace} is not labelled for injection. The sidecar injector only adds istio-proxy to pods created in a namespace labelled istio-injection=enabled.',
      problem,
    ),
  failed: (problem) =>
    vscode.l10n.t('The pod failed ({reason}).', { reason: problem.reason ?? problem.message ?? 'Failed' }),
};

/** What to do about each problem. */
const FIX: { readonly [C in PodProblem['code']]: (problem: Problem<C>) => string } = {
  unschedulable: () =>
    vscode.l10n.t(
      'Add nodes or use bigger machines (the demo profile wants about 4 vCPUs and 8 GB in all), or lower the resource requests in the manifest.',
    ),
  imagePull: () =>
    vscode.l10n.t(
      'Check the image name and tag, that the nodes can reach the registry, and any imagePullSecrets. Kubernetes keeps retrying with back-off.',
    ),
  crashLoop: (problem) =>
    problem.lastReason === 'OOMKilled'
      ? vscode.l10n.t("Raise the container's memory limit, or give the nodes more memory.")
      : vscode.l10n.t('Read the log of its previous run (the command below) to see why it exits.'),
  notReady: () =>
    vscode.l10n.t(
      'Describe the pod to see the probe and its last failures, and read its log. Control-plane pods often wait for another component (Pilot waits for Galley, for example).',
    ),
  proxyNotReady: () =>
    vscode.l10n.t(
      'Check that Pilot (istiod) is running and ready in the control plane, then read the istio-proxy log.',
    ),
  sidecarNotInjected: () =>
    vscode.l10n.t(
      'Once istio-sidecar-injector is ready, delete the pod; its controller creates a new one and the sidecar is injected.',
    ),
  namespaceNotLabelled: () =>
    vscode.l10n.t(
      'Label the namespace, then delete the pod: its Deployment creates a new one, and the new one gets the sidecar.',
    ),
  failed: () => vscode.l10n.t('Describe the pod and read its log to see why.'),
};

export function problemText(problem: PodProblem): ProblemText {
  // The tables are typed per code; looked up by a code, TypeScript sees only the union.
  const why = WHY[problem.code] as (problem: PodProblem) => string;
  const fix = FIX[problem.code] as (problem: PodProblem) => string;
  return { why: why(problem), fix: fix(problem) };
}
