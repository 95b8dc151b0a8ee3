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

export function problemText(problem: PodProblem): ProblemText {
  switch (problem.code) {
    case 'unschedulable':
      return {
        why: vscode.l10n.t(
          'No node has room for this pod: not enough {0}. The scheduler leaves it Pending, which is the usual reason an Istio install times out on a small cluster.',
          resources(problem.insufficient),
        ),
        fix: vscode.l10n.t(
          'Add nodes or use bigger machines (the demo profile wants about 4 vCPUs and 8 GB in all), or lower the resource requests in the manifest.',
        ),
      };
    case 'imagePull':
      return {
        why: vscode.l10n.t(
          'The image {0} of container {1} cannot be pulled ({2}).',
          problem.image,
          problem.container,
          problem.reason,
        ),
        fix: vscode.l10n.t(
          'Check the image name and tag, that the nodes can reach the registry, and any imagePullSecrets. Kubernetes keeps retrying with back-off.',
        ),
      };
    case 'crashLoop':
      return {
        why:
          problem.lastReason === 'OOMKilled'
            ? vscode.l10n.t(
                'Container {0} was killed for using more memory than its limit and keeps restarting ({1} restarts).',
                problem.container,
                problem.restarts,
              )
            : vscode.l10n.t(
                'Container {0} keeps exiting and Kubernetes keeps restarting it, waiting longer each time ({1} restarts).',
                problem.container,
                problem.restarts,
              ),
        fix:
          problem.lastReason === 'OOMKilled'
            ? vscode.l10n.t("Raise the container's memory limit, or give the nodes more memory.")
            : vscode.l10n.t('Read the log of its previous run (the command below) to see why it exits.'),
      };
    case 'notReady':
      return {
        why: vscode.l10n.t(
          'Running, but {0} never became ready: its readiness probe keeps failing.',
          problem.containers.join(', '),
        ),
        fix: vscode.l10n.t(
          'Describe the pod to see the probe and its last failures, and read its log. Control-plane pods often wait for another component (Pilot waits for Galley, for example).',
        ),
      };
    case 'proxyNotReady':
      return {
        why: vscode.l10n.t(
          'The istio-proxy sidecar runs but is not ready: it has not received its configuration from the control plane.',
        ),
        fix: vscode.l10n.t(
          'Check that Pilot (istiod) is running and ready in the control plane, then read the istio-proxy log.',
        ),
      };
    case 'sidecarNotInjected':
      return {
        why: vscode.l10n.t(
          'This pod asked for an Istio sidecar and has none: it was created while the sidecar injector was not answering.',
        ),
        fix: vscode.l10n.t(
          'Once istio-sidecar-injector is ready, delete the pod; its controller creates a new one and the sidecar is injected.',
        ),
      };
    case 'namespaceNotLabelled':
      return {
        why: vscode.l10n.t(
          '1/1, no istio-proxy: the namespace {0} is not labelled for injection. The sidecar injector only adds istio-proxy to pods created in a namespace labelled istio-injection=enabled.',
          problem.namespace,
        ),
        fix: vscode.l10n.t(
          'Label the namespace, then delete the pod: its Deployment creates a new one, and the new one gets the sidecar.',
        ),
      };
    case 'failed':
      return {
        why: vscode.l10n.t('The pod failed ({0}).', problem.reason ?? problem.message ?? 'Failed'),
        fix: vscode.l10n.t('Describe the pod and read its log to see why.'),
      };
  }
}
