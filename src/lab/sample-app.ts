// The lab's sample app, Bookinfo (the release's samples/bookinfo/platform/kube/bookinfo.yaml), as
// data and checks: which pods are Bookinfo's, and the "Deploy the sample app" step's state from
// them — done once every Bookinfo pod is 2/2 Running (its app container and the injected
// istio-proxy). A pod that runs 1/1 without istio-proxy means its namespace was not labelled
// `istio-injection=enabled` when it was created, the learner's most common mistake.
import { isBookinfoPod } from '../istio/data-plane';
import type { PodSummary } from '../kube/pod-summary';
import type { StepCheck } from './step-hints';
import { workloadOf } from './step-hints';

export { BOOKINFO_APPS, isBookinfoPod } from '../istio/data-plane';

/** The label that asks the sidecar injector to add istio-proxy to a namespace's new pods. */
export const INJECTION_LABEL = { key: 'istio-injection', value: 'enabled' } as const;

/** The one-line fix for a namespace that is not labelled. */
export function labelCommand(namespace: string): string {
  return `kubectl label namespace ${namespace} ${INJECTION_LABEL.key}=${INJECTION_LABEL.value}`;
}

/** The line that removes the label again (kubectl's `key-` form). */
export function unlabelCommand(namespace: string): string {
  return `kubectl label namespace ${namespace} ${INJECTION_LABEL.key}-`;
}

export function hasSidecar(pod: PodSummary): boolean {
  return (
    pod.containers.some((container) => container.name === 'istio-proxy') ||
    pod.initContainers.some((container) => container.name === 'istio-proxy') ||
    Boolean(pod.annotations['sidecar.istio.io/status'])
  );
}

/** `2/2 Running`: the app and its sidecar both ready. */
export function meshedAndRunning(pod: PodSummary): boolean {
  return hasSidecar(pod) && pod.status === 'Running' && pod.totalContainers === 2 && pod.readyContainers === 2;
}

/**
 * The step's state from the pods in the sample app's namespace: done when the `expected` pods
 * (one per Deployment of bookinfo.yaml) exist and every Bookinfo pod is 2/2 Running; a pod
 * without its sidecar says the namespace is not labelled.
 */
export function checkSampleApp(pods: readonly PodSummary[], expected: number, namespace: string): StepCheck {
  const bookinfo = pods.filter((pod) => pod.namespace === namespace && !pod.deleting && isBookinfoPod(pod));
  if (bookinfo.length === 0) return { status: 'todo', hint: { code: 'sample-app-not-deployed' } };
  if (bookinfo.some((pod) => !hasSidecar(pod)))
    return { status: 'failed', hint: { code: 'namespace-not-labelled', namespace } };
  const waiting = bookinfo.filter((pod) => !meshedAndRunning(pod));
  if (waiting.length === 0 && bookinfo.length >= expected) return { status: 'done' };
  const first = [...waiting].sort((a, b) => a.createdAt - b.createdAt)[0];
  return {
    status: 'todo',
    hint: {
      code: 'pods-not-ready',
      ready: bookinfo.length - waiting.length,
      total: Math.max(expected, bookinfo.length),
      ...(first
        ? {
            waitingFor: workloadOf({
              metadata: { name: first.name, ownerReferences: [{ kind: first.ownerKind, name: first.ownerName }] },
            }),
            reason: first.status,
            since: first.createdAt,
          }
        : {}),
    },
  };
}
