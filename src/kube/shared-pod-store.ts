// One pod watch per cluster connection, shared by everything that reads pods: the Istio Pods
// tree, the registry panel's diagram, the install's wait for the control plane. Each reader
// acquires a lease (a PodStore of its own to subscribe to and dispose); the first lease of a
// connection and scope starts the watch (pod-store.ts), the last one released stops it. A new
// connection (another context, the sandbox restarting) is another key: its readers acquire anew
// and the old watch stops when they release it.
import type { ClusterConnection } from './connection';
import type { PodStoreOptions, PodStoreScope } from './pod-store';
import { startPodStore } from './pod-store';
import type { PodStore } from './pod-summary';

interface Running {
  readonly store: PodStore;
  leases: number;
}

export class SharedPodStores {
  private readonly running = new Map<ClusterConnection, Map<string, Running>>();
  private disposed = false;

  constructor(private readonly options: Omit<PodStoreOptions, 'signal'> = {}) {}

  /**
   * A lease on the connection's pod watch: reads and subscriptions go to the shared store, and
   * `dispose()` drops this lease's subscriptions and, for the last lease, stops the watch.
   */
  acquire(connection: ClusterConnection, scope: PodStoreScope): PodStore {
    if (this.disposed) throw new Error('the shared pod stores are disposed');
    const key = `${scope.namespace}\n${scope.otherNamespaces?.name ?? ''}`;
    let stores = this.running.get(connection);
    if (!stores) this.running.set(connection, (stores = new Map()));
    let running = stores.get(key);
    if (!running) stores.set(key, (running = { store: startPodStore(connection, scope, this.options), leases: 0 }));
    running.leases++;
    const { store } = running;
    const offs = new Set<() => void>();
    const track = (off: () => void): (() => void) => {
      const untrack = (): void => {
        offs.delete(untrack);
        off();
      };
      offs.add(untrack);
      return untrack;
    };
    let released = false;
    const entry = running;
    return {
      pods: () => store.pods(),
      get: (uid) => store.get(uid),
      state: () => store.state(),
      onChange: (listener) => track(store.onChange(listener)),
      onState: (listener) => track(store.onState(listener)),
      dispose: () => {
        if (released) return;
        released = true;
        for (const off of [...offs]) off();
        if (--entry.leases > 0) return;
        store.dispose();
        if (stores.get(key) === entry) stores.delete(key);
        if (stores.size === 0 && this.running.get(connection) === stores) this.running.delete(connection);
      },
    };
  }

  /** How many pod watches run now (one per connection and scope with a lease). */
  get watches(): number {
    let count = 0;
    for (const stores of this.running.values()) count += stores.size;
    return count;
  }

  /** Stops every watch (the extension deactivates); leases still held read the last pods. */
  dispose(): void {
    this.disposed = true;
    for (const stores of this.running.values()) for (const running of stores.values()) running.store.dispose();
    this.running.clear();
  }
}
