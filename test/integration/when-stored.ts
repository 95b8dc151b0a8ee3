// The one wait of the integration tests on a sandbox's object store: no timers, `find` is checked
// now and after every change the store reports.
import type { Sandbox } from '../../src/sandbox';

/** Resolves with what `find` returns once it returns something (not undefined). */
export function whenStored<T>(sandbox: Sandbox, find: () => T | undefined): Promise<T> {
  return new Promise((resolve) => {
    const found = find();
    if (found !== undefined) return resolve(found);
    const unsubscribe = sandbox.store.subscribe(() => {
      const value = find();
      if (value === undefined) return;
      unsubscribe();
      resolve(value);
    });
  });
}
