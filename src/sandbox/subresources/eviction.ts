// The eviction subresource (POST pods/{name}/eviction, a policy/v1beta1 Eviction on 1.13): deletes
// the pod unless that would break its PodDisruptionBudget, in which case it answers 429 and the
// client (kubectl drain) retries. Ported from kubernetes v1.13.7
// pkg/registry/core/pod/storage/eviction.go (Create, checkAndDecrement, getPodDisruptionBudgets);
// the budgets' status is kept by ../controllers/disruption.ts.
import type { KubeObject } from '../apimachinery/kube-object';
import type { Json } from '../apimachinery/objects';
import { asJson, isPodTerminated, selectorMatches } from '../apimachinery/objects';
import type { ResourceRegistry } from '../apimachinery/resource-registry';
import { badRequest, StatusError } from '../apimachinery/status-error';
import { ControllerClient, PDBS } from '../client/client';
import type { ObjectStorage, RestStorage } from '../storage/storage';

/** What an eviction reads and writes through: the server's storage, and its DELETE of the pod. */
export interface EvictionScope {
  readonly store: ObjectStorage;
  readonly registry: ResourceRegistry;
  readonly api: RestStorage;
  readonly now: () => Date;
  readonly userAgent?: string;
  /** Deletes the pod as DELETE with these DeleteOptions would (grace period, preconditions, dry run). */
  readonly deletePod: (deleteOptions: Json) => void;
}

/** More approved evictions than this that the controller has not seen yet are refused (MaxDisruptedPodSize). */
const MAX_DISRUPTED_POD_SIZE = 2000;
const VIOLATES = "Cannot evict pod as it would violate the pod's disruption budget.";

/** NewTooManyRequests with the DisruptionBudget cause eviction.go adds. */
function tooManyRequests(cause: string): StatusError {
  return new StatusError(429, 'TooManyRequests', VIOLATES, {
    causes: [{ reason: 'DisruptionBudget', message: cause }],
    retryAfterSeconds: 0,
  });
}

/** NewForbidden(policy.Resource("poddisruptionbudget"), name, err). */
function forbiddenBudget(name: string, reason: string): StatusError {
  return new StatusError(403, 'Forbidden', `poddisruptionbudget.policy "${name}" is forbidden: ${reason}`, {
    name,
    group: 'policy',
    kind: 'poddisruptionbudget',
  });
}

/** getPodDisruptionBudgets: the budgets of the pod's namespace whose non-empty selector matches its labels. */
function budgetsOf(scope: EvictionScope, pod: KubeObject): KubeObject[] {
  if (Object.keys(pod.metadata.labels ?? {}).length === 0) return [];
  return scope.store
    .list('policy/poddisruptionbudgets', pod.metadata.namespace)
    .filter((pdb) => selectorMatches(asJson(pdb.spec).selector, pod.metadata.labels));
}

/** checkAndDecrement: refuses (429 or 403) or takes one disruption and records the pod as about to go. */
function checkAndDecrement(
  client: ControllerClient,
  pdb: KubeObject,
  podName: string,
  dryRun: boolean,
  now: Date,
): void {
  const status = asJson(pdb.status);
  const name = pdb.metadata.name!;
  if (Number(status.observedGeneration ?? 0) < Number(pdb.metadata.generation ?? 0))
    throw tooManyRequests(`The disruption budget ${name} is still being processed by the server.`);
  const allowed = Number(status.disruptionsAllowed ?? 0);
  if (allowed < 0) throw forbiddenBudget(name, 'pdb disruptions allowed is negative');
  const disrupted = asJson(status.disruptedPods);
  if (Object.keys(disrupted).length > MAX_DISRUPTED_POD_SIZE)
    throw forbiddenBudget(name, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
  if (allowed === 0)
    throw tooManyRequests(
      `The disruption budget ${name} needs ${Number(status.desiredHealthy ?? 0)} healthy pods and has ${Number(status.currentHealthy ?? 0)} currently`,
    );
  if (dryRun) return;
  const time = now.toISOString().replace(/\.\d+Z$/, 'Z');
  client.updateStatus(PDBS, {
    ...pdb,
    status: { ...status, disruptionsAllowed: allowed - 1, disruptedPods: { ...disrupted, [podName]: time } },
  });
}

/**
 * Evicts the pod and answers the Status the create handler writes (201, Success). A terminal pod is
 * deleted without asking its budget; a pod matched by more than one budget gets upstream's 500 Status.
 */
export function evictPod(
  scope: EvictionScope,
  pod: KubeObject,
  body: KubeObject,
  query: URLSearchParams,
): [number, Json] {
  if (body.kind !== undefined && body.kind !== 'Eviction')
    throw badRequest(`not a Eviction object: ${String(body.kind)}`);
  const options = asJson(body.deleteOptions);
  const dryRun =
    query.getAll('dryRun').includes('All') || (Array.isArray(options.dryRun) && options.dryRun.includes('All'));
  const remove = (): [number, Json] => {
    scope.deletePod(options);
    return [201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }];
  };
  if (isPodTerminated(pod)) return remove();
  const budgets = budgetsOf(scope, pod);
  if (budgets.length > 1) {
    const message = 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.';
    return [500, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code: 500 }];
  }
  if (budgets.length === 1) {
    const client = new ControllerClient(scope.api, scope.store, scope.registry, scope.userAgent ?? 'kube-apiserver');
    checkAndDecrement(client, budgets[0], pod.metadata.name!, dryRun, scope.now());
  }
  return remove();
}
