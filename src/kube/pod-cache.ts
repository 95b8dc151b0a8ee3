// The store's memory: pod projections by uid, and the diff each watch event or relist makes to
// them. A relist is diffed against what is known, so pods that did not change are neither
// removed nor re-added (no flicker), and an update that changes nothing shown is no change. What
// pods have in common (images, labels, container states…) is kept once (pod-intern.ts).
import type { PodStoreChange, PodSummary } from './pod-summary';
import { PodIntern } from './pod-intern';
import { isSamePodSummary } from './pod-summary';

export type PodEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

const isEmpty = (change: PodStoreChange): boolean =>
  change.added.length + change.updated.length + change.removed.length === 0;

export class PodCache {
  private readonly byUid = new Map<string, PodSummary>();
  private readonly intern = new PodIntern();

  pods(): PodSummary[] {
    return [...this.byUid.values()];
  }

  get(uid: string): PodSummary | undefined {
    return this.byUid.get(uid);
  }

  get size(): number {
    return this.byUid.size;
  }

  /**
   * One watch event. `pod` undefined on ADDED/MODIFIED means the pod left the scope (it no longer
   * matches the filter): it is removed if known. Returns undefined when nothing shown changed.
   */
  apply(type: PodEventType, uid: string, pod: PodSummary | undefined): PodStoreChange | undefined {
    const known = this.byUid.get(uid);
    if (type === 'DELETED' || !pod) {
      if (!known) return undefined;
      this.byUid.delete(uid);
      return { added: [], updated: [], removed: [known] };
    }
    const kept = this.intern.pod(pod);
    this.byUid.set(uid, kept);
    if (!known) return { added: [kept], updated: [], removed: [] };
    return isSamePodSummary(known, kept) ? undefined : { added: [], updated: [kept], removed: [] };
  }

  /** A full list replaces what is known; the change is the difference (undefined when none). */
  replace(pods: Iterable<PodSummary>): PodStoreChange | undefined {
    const added: PodSummary[] = [];
    const updated: PodSummary[] = [];
    const seen = new Set<string>();
    for (const listed of pods) {
      const pod = this.intern.pod(listed);
      seen.add(pod.uid);
      const known = this.byUid.get(pod.uid);
      this.byUid.set(pod.uid, pod);
      if (!known) added.push(pod);
      else if (known.resourceVersion !== pod.resourceVersion && !isSamePodSummary(known, pod)) updated.push(pod);
    }
    const removed: PodSummary[] = [];
    for (const [uid, pod] of this.byUid) {
      if (seen.has(uid)) continue;
      this.byUid.delete(uid);
      removed.push(pod);
    }
    const change = { added, updated, removed };
    return isEmpty(change) ? undefined : change;
  }
}
