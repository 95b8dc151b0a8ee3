// Keeps what pods have in common once. Each pod of a watch arrives as fresh JSON, so 50,000
// replicas would hold 50,000 copies of the same image names, labels, sidecar annotation, container
// states and conditions. The store keeps each distinct value once and lets pods share it: strings
// that repeat across pods go through a table, and the parts of a projection (labels, containers,
// conditions…) are shared with an equal part already kept, held weakly so that values no pod
// uses any more are collected. Projections are read-only, so sharing is invisible to readers.
import type { PodSummary } from './pod-summary';

/** Strings kept before the table starts again (a bound on values no pod uses any more). */
const MAX_STRINGS = 100_000;

export class PodIntern {
  private strings = new Map<string, string>();
  private readonly parts = new Map<string, WeakRef<object>>();
  private readonly forget = new FinalizationRegistry<string>((key) => {
    if (this.parts.get(key)?.deref() === undefined) this.parts.delete(key);
  });

  /** The projection with its repeated strings and parts shared with pods already kept (same fields, same values). */
  pod(pod: PodSummary): PodSummary {
    const s = (value: string | undefined): string | undefined => (value === undefined ? undefined : this.string(value));
    const strings = <T extends object>(entry: T): T => {
      const shared: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(entry))
        shared[key] = typeof value === 'string' ? this.string(value) : value;
      return shared as T;
    };
    return {
      ...pod,
      namespace: this.string(pod.namespace),
      labels: this.part('l', pod.labels, strings),
      annotations: this.part('a', pod.annotations, strings),
      ownerKind: s(pod.ownerKind),
      ownerName: s(pod.ownerName),
      phase: this.string(pod.phase),
      status: this.string(pod.status),
      nodeName: s(pod.nodeName),
      containers: this.part('c', pod.containers, (list) => list.map(strings)),
      initContainers: this.part('i', pod.initContainers, (list) => list.map(strings)),
      conditions: this.part('k', pod.conditions, (list) => list.map(strings)),
    };
  }

  private string(value: string): string {
    const known = this.strings.get(value);
    if (known !== undefined) return known;
    if (this.strings.size >= MAX_STRINGS) this.strings = new Map();
    this.strings.set(value, value);
    return value;
  }

  /** An equal part already kept, or this one (made of shared strings) kept from now on. */
  private part<T extends object>(kind: string, value: T, share: (value: T) => T): T {
    const key = kind + JSON.stringify(value);
    const known = this.parts.get(key)?.deref();
    if (known) return known as T;
    const shared = Object.freeze(share(value));
    this.parts.set(key, new WeakRef(shared));
    this.forget.register(shared, key);
    return shared;
  }
}
