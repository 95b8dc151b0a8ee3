// The one wait of the integration tests on a pod store: no sleeps, the predicate is checked now
// and after every change and state event the store reports.
import type { PodStore } from '../../src/kube/pod-summary';

/** Resolves when the predicate holds, checked now and after every change and state event. */
export function until(store: PodStore, predicate: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (!predicate()) return;
      offChange();
      offState();
      resolve();
    };
    const offChange = store.onChange(check);
    const offState = store.onState(check);
    check();
  });
}
