// Faults on demand, for reliability tests: the fault schema of fault-config.ts, answered for the API
// server, the kubelet and the simulated containers. Set from a JSON file (`--faults FILE`) or
// in-process through `Faults.set()`.
import type { CrashLoopRule, DebugEndpointRule, ErrorRule, FaultConfig, ProxyAckDelayRule } from './fault-config';
import { crashLoopRule, imagePullError, isNodeNotReady, isPodOfWorkload } from './workload-faults';

export type {
  CrashLoopRule,
  DebugEndpointRule,
  DenyRule,
  ErrorRule,
  FaultConfig,
  ImagePullRule,
  ProxyAckDelayRule,
  WorkloadFaultConfig,
} from './fault-config';

const matches = (rule: { verb?: string; resource?: string }, verb: string, resource: string): boolean =>
  (!rule.verb || rule.verb === '*' || rule.verb === verb) &&
  (!rule.resource || rule.resource === '*' || rule.resource === resource);

export class Faults {
  private config: FaultConfig = {};
  private refuseUntil = 0;
  private readonly injected = new Map<ErrorRule, number>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly random: () => number = Math.random) {}

  set(config: FaultConfig): void {
    this.config = {
      ...config,
      errors: config.errors?.map((rule) => ({ ...rule })),
      deny: config.deny?.map((rule) => ({ ...rule })),
    };
    this.injected.clear();
    this.refuseUntil = config.refuseConnectionsForMs ? Date.now() + config.refuseConnectionsForMs : 0;
    for (const listener of this.listeners) listener();
  }

  /** Called after every `set`, so the simulated cluster reacts to workload faults at once. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  crashLoopFor(namespace: string | undefined, podName: string, container: string): CrashLoopRule | undefined {
    return crashLoopRule(this.config, namespace, podName, container);
  }

  imagePullErrorFor(image: string): string | undefined {
    return imagePullError(this.config, image);
  }

  isNodeNotReady(node: string): boolean {
    return isNodeNotReady(this.config, node);
  }

  clear(): void {
    this.set({});
  }

  get latencyMs(): number {
    return this.config.latencyMs ?? 0;
  }

  get expiredToken(): boolean {
    return this.config.expiredToken === true;
  }

  get dropWatchesAfterEvents(): number | undefined {
    return this.config.dropWatchesAfterEvents;
  }

  isRefusingConnections(now = Date.now()): boolean {
    return now < this.refuseUntil;
  }

  /** Whether this watch should be answered 410 (consumes one). */
  takeGone(): boolean {
    if (!this.config.goneOnNextWatches) return false;
    this.config.goneOnNextWatches--;
    return true;
  }

  /** The status code to fail this request with, if an error rule fires. */
  errorFor(verb: string, resource: string): number | undefined {
    for (const rule of this.config.errors ?? []) {
      if (!matches(rule, verb, resource)) continue;
      const used = this.injected.get(rule) ?? 0;
      if (rule.count !== undefined && used >= rule.count) continue;
      if (this.random() < (rule.rate ?? 1)) {
        this.injected.set(rule, used + 1);
        return rule.code ?? 500;
      }
    }
    return undefined;
  }

  /** How a component's debug endpoint should misbehave, if a rule names its app. */
  debugEndpointFault(app: string | undefined): DebugEndpointRule['answer'] | undefined {
    return (this.config.debugEndpoints ?? []).find((rule) => !rule.app || rule.app === '*' || rule.app === app)?.answer;
  }

  /** The rule delaying the ACKs of the Envoy in this pod, if one matches it. */
  proxyAckDelayFor(pod: {
    namespace?: string;
    name?: string;
    labels?: Record<string, string>;
  }): ProxyAckDelayRule | undefined {
    return (this.config.proxyAckDelay ?? []).find(
      (rule) =>
        (!rule.namespace || rule.namespace === pod.namespace) &&
        (!rule.workload || isPodOfWorkload(pod.name ?? '', rule.workload)) &&
        Object.entries(rule.labels ?? {}).every(([key, value]) => pod.labels?.[key] === value),
    );
  }

  isDenied(verb: string, resource: string, namespace: string | undefined): boolean {
    return (this.config.deny ?? []).some(
      (rule) => matches(rule, verb, resource) && (!rule.namespace || rule.namespace === namespace),
    );
  }
}
