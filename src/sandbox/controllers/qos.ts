// A pod's quality-of-service class, ported from kubernetes v1.13 pkg/apis/core/helper/qos/qos.go
// (GetPodQOS): BestEffort when no container asks for CPU or memory, Guaranteed when every container
// limits both and the summed requests equal the summed limits, Burstable otherwise. At v1.13 only
// `spec.containers` count (init containers joined the sum in later releases); requests a pod left out
// next to its limits are already the limits (SetDefaults_Pod, `apimachinery/defaults.ts`).
import type { KubeObject } from '../apimachinery/kube-object';
import { asJson, asList } from '../apimachinery/objects';

export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

const QOS_RESOURCES = ['cpu', 'memory'];

const SUFFIXES: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * A resource.Quantity (`100m`, `128Mi`, `1e3`, `0.5`) in milli-units, rounded, so that sums compare
 * exactly as apimachinery's Cmp does for the quantities a manifest writes; NaN when it does not parse.
 */
export function quantityMillis(quantity: unknown): number {
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?)$/.exec(
    String(quantity).trim(),
  );
  if (!match) return Number.NaN;
  const value = Number(match[1] + (match[2] ?? ''));
  return Math.round(value * SUFFIXES[match[3] ?? ''] * 1000);
}

export function podQosClass(pod: KubeObject): QosClass {
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let isGuaranteed = true;
  const add = (sums: Map<string, number>, name: string, millis: number) =>
    sums.set(name, (sums.get(name) ?? 0) + millis);
  for (const container of asList(asJson(pod.spec).containers)) {
    const resources = asJson(container.resources);
    for (const [name, quantity] of Object.entries(asJson(resources.requests))) {
      const millis = quantityMillis(quantity);
      if (QOS_RESOURCES.includes(name) && millis > 0) add(requests, name, millis);
    }
    const limitsFound = new Set<string>();
    for (const [name, quantity] of Object.entries(asJson(resources.limits))) {
      const millis = quantityMillis(quantity);
      if (!QOS_RESOURCES.includes(name) || !(millis > 0)) continue;
      limitsFound.add(name);
      add(limits, name, millis);
    }
    if (!QOS_RESOURCES.every((name) => limitsFound.has(name))) isGuaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (isGuaranteed) {
    for (const [name, request] of requests) {
      if (limits.get(name) !== request) isGuaranteed = false;
    }
  }
  return isGuaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
