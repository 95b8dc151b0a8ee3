// Faults of the simulated workloads (part of `--faults FILE` / `Faults.set()`): a workload whose
// containers crash-loop, images that fail to pull, nodes whose kubelet stops reporting. Pure
// matching; the kubelet and node controllers act on the answers.

import type { CrashLoopRule, WorkloadFaultConfig } from './fault-config';

const SAFE = '[bcdfghjklmnpqrstvwxz2456789]';
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether a pod belongs to the named workload, from the names controllers give pods. */
export function isPodOfWorkload(podName: string, workload: string): boolean {
  if (podName === workload) return true;
  const name = escapeRegExp(workload);
  // Deployment (`<rs hash>-<5>`), ReplicaSet/Job/DaemonSet (`-<5>`), StatefulSet (`-<ordinal>`).
  return (
    new RegExp(`^${name}-(?:${SAFE}{6,10}-)?${SAFE}{5}$`).test(podName) || new RegExp(`^${name}-\\d+$`).test(podName)
  );
}

export function crashLoopRule(
  config: WorkloadFaultConfig,
  namespace: string | undefined,
  podName: string,
  container: string,
): CrashLoopRule | undefined {
  return (config.crashLoop ?? []).find(
    (rule) =>
      (!rule.namespace || rule.namespace === namespace) &&
      (!rule.container || rule.container === container) &&
      isPodOfWorkload(podName, rule.workload),
  );
}

function globMatches(pattern: string, text: string): boolean {
  return new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`).test(text);
}

/** The runtime's error for an image that fails to pull, or undefined when it pulls. */
export function imagePullError(config: WorkloadFaultConfig, image: string): string | undefined {
  const rule = (config.imagePull ?? []).find((candidate) => globMatches(candidate.image, image));
  if (!rule) return undefined;
  const reference = image.replace(/^docker\.io\/(library\/)?/, '');
  return (
    rule.error ?? `rpc error: code = Unknown desc = Error response from daemon: manifest for ${reference} not found`
  );
}

export function isNodeNotReady(config: WorkloadFaultConfig, node: string): boolean {
  return (config.notReadyNodes ?? []).some((name) => name === '*' || name === node);
}
