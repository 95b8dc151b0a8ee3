// Small helpers the controllers share: label selectors as objects, owner references, conditions.
import type { KubeObject, OwnerReference } from './kube-object';

export type Json = Record<string, unknown>;

export const asJson = (value: unknown): Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
export const asList = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);

/**
 * A metav1.LabelSelector (matchLabels and matchExpressions) against a label set. An empty one
 * selects nothing for workloads, and everything for a webhook's selectors (`emptySelects: 'all'`).
 */
export function selectorMatches(
  selector: unknown,
  labels: Record<string, string> | undefined,
  { emptySelects = 'nothing' }: { emptySelects?: 'nothing' | 'all' } = {},
): boolean {
  const { matchLabels, matchExpressions } = asJson(selector);
  const set = labels ?? {};
  const pairs = Object.entries(asJson(matchLabels));
  const expressions = asList(matchExpressions);
  if (pairs.length === 0 && expressions.length === 0) return emptySelects === 'all';
  if (!pairs.every(([key, value]) => set[key] === value)) return false;
  return expressions.every((expression) => {
    const key = String(expression.key);
    const values = (expression.values as string[] | undefined) ?? [];
    switch (expression.operator) {
      case 'In':
        return key in set && values.includes(set[key]);
      case 'NotIn':
        return !(key in set) || !values.includes(set[key]);
      case 'Exists':
        return key in set;
      case 'DoesNotExist':
        return !(key in set);
      default:
        return false;
    }
  });
}

/** A Service's plain map selector; an empty one selects nothing (no endpoints are managed). */
export function mapSelectorMatches(selector: unknown, labels: Record<string, string> | undefined): boolean {
  const pairs = Object.entries(asJson(selector));
  return pairs.length > 0 && pairs.every(([key, value]) => labels?.[key] === value);
}

export function controllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function isControlledBy(object: KubeObject, owner: KubeObject): boolean {
  return (object.metadata.ownerReferences ?? []).some((ref) => ref.controller && ref.uid === owner.metadata.uid);
}

export function condition(
  type: string,
  status: boolean,
  reason: string,
  message: string,
  time: string,
  previous?: Json,
): Json {
  const value = status ? 'True' : 'False';
  const transition = previous && previous.status === value ? previous.lastTransitionTime : time;
  return {
    type,
    status: value,
    lastUpdateTime:
      previous && previous.status === value && previous.reason === reason ? previous.lastUpdateTime : time,
    lastTransitionTime: transition,
    reason,
    message,
  };
}

/** Same JSON, ignoring key order? Not needed: controllers build status in one fixed order. */
export const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export function isPodReady(pod: KubeObject): boolean {
  return asList(asJson(pod.status).conditions).some((entry) => entry.type === 'Ready' && entry.status === 'True');
}

export function isPodTerminated(pod: KubeObject): boolean {
  const phase = asJson(pod.status).phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

export const isPodActive = (pod: KubeObject): boolean => !isPodTerminated(pod) && !pod.metadata.deletionTimestamp;
