// Faults on demand, for reliability tests: added latency, error rates, dropped watches, forced
// 410s, refused connections, RBAC denials and expired tokens, and the workload faults of
// workload-faults.ts (crash loops, failing image pulls, NotReady nodes). Set from a JSON file
// (`--faults FILE`) or in-process through `Faults.set()`.
import type { CrashLoopRule, WorkloadFaultConfig } from './workload-faults';
import { crashLoopRule, imagePullError, isNodeNotReady } from './workload-faults';

export interface ErrorRule {
  /** `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, or `*`. */
  verb?: string;
  /** Resource plural (`pods`), or `*`. */
  resource?: string;
  /** Fraction of matching requests that fail, 0..1 (default 1). */
  rate?: number;
  /** HTTP status to answer (default 500). */
  code?: number;
  /** Stop after this many injected errors. */
  count?: number;
}

export interface DenyRule {
  verb?: string;
  /** A resource plural (`services`, with its subresources) or one subresource (`services/proxy`, `pods/portforward`). */
  resource?: string;
  namespace?: string;
}

export interface FaultConfig extends WorkloadFaultConfig {
  /** Added to every request, in milliseconds. */
  latencyMs?: number;
  errors?: ErrorRule[];
  /** Close every watch stream after this many events. */
  dropWatchesAfterEvents?: number;
  /** Answer the next N watches with a 410 Expired event. */
  goneOnNextWatches?: number;
  /** Refuse (reset) new connections for this many milliseconds from now. */
  refuseConnectionsForMs?: number;
  /** Answer 403 Forbidden, as RBAC would, for these requests. */
  deny?: DenyRule[];
  /** Answer every authenticated request 401, as an expired token does. */
  expiredToken?: boolean;
  /** Istio components whose debug endpoints (`/debug/*`, `/v1/registration`) answer 500 or malformed JSON. */
  debugEndpoints?: DebugEndpointRule[];
}

export interface DebugEndpointRule {
  /** The pod's `app` label (`pilot`, `istiod`), or `*`. */
  app?: string;
  /** `error`: HTTP 500; `malformed`: 200 with the JSON cut off mid-way. */
  answer: 'error' | 'malformed';
}

export type { CrashLoopRule, ImagePullRule, WorkloadFaultConfig } from './workload-faults';

const matches = (rule: { verb?: string; resource?: string }, verb: string, resource: string): boolean =>
  (!rule.verb || rule.verb === '*' || rule.verb === verb) && (!rule.resource || rule.resource === '*' || rule.resource === resource);

export class Faults {
  private config: FaultConfig = {};
  private refuseUntil = 0;
  private readonly injected = new Map<ErrorRule, number>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly random: () => number = Math.random) {}

  set(config: FaultConfig): void {
    this.config = { ...config, errors: config.errors?.map((rule) => ({ ...rule })), deny: config.deny?.map((rule) => ({ ...rule })) };
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

  isDenied(verb: string, resource: string, namespace: string | undefined): boolean {
    return (this.config.deny ?? []).some(
      (rule) => matches(rule, verb, resource) && (!rule.namespace || rule.namespace === namespace),
    );
  }
}
