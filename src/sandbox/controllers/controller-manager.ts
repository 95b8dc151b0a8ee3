// Runs the simulated cluster behind the API server: nodes, the workload controllers, the scheduler
// and kubelets, endpoints. Store changes mark the cluster dirty; one level-triggered pass then
// reconciles everything and repeats until nothing changes.
import type { ApiServer } from '../api-server';
import type { ObjectStore } from '../object-store';
import type { ResourceRegistry } from '../resource-registry';
import { ControllerClient } from './client';
import { syncEndpoints } from './endpoints';
import type { KubeletClock } from './kubelet';
import { syncPods } from './kubelet';
import { registerNodes } from './nodes';
import { syncWorkloads } from './workloads';

export interface ControllerManagerOptions {
  readonly api: ApiServer;
  readonly store: ObjectStore;
  readonly registry: ResourceRegistry;
  readonly kubeVersion: string;
  /** Nodes to register when the cluster has none. */
  readonly nodes: number;
  /** Multiplies every simulated delay (image pulls, job runs); 0 makes pods start at once. */
  readonly speed: number;
  readonly now?: () => Date;
  /** Where a failed pass is reported (the pass is retried on the next change). */
  readonly onError?: (error: unknown) => void;
}

/** About what pulling the book's images and starting their containers took on GKE. */
export const BASE_PULL_DELAY_MS = 3000;
/** Passes in a row before the manager waits for the next change (a safety net against a write loop). */
const MAX_PASSES = 200;

export interface ControllerManager {
  close(): void;
}

export function startControllerManager(options: ControllerManagerOptions): ControllerManager {
  const now = options.now ?? (() => new Date());
  const client = new ControllerClient(options.api, options.store, options.registry, `kube-controller-manager/${options.kubeVersion}`);
  const onError = options.onError ?? (() => undefined);
  const timers = new Set<NodeJS.Timeout>();
  const due = new Map<string, number>();
  const managedEndpoints = new Set<string>();
  let scheduled: NodeJS.Immediate | undefined;
  let isDirty = false;
  let isRunning = false;
  let closed = false;

  const clock: KubeletClock = {
    now,
    dueAt(uid, step, delayMs) {
      const key = `${uid}/${step}`;
      let at = due.get(key);
      if (at === undefined) {
        // A little jitter, so pods do not all turn Running in the same second.
        at = now().getTime() + Math.round(delayMs * (0.5 + Math.random()));
        due.set(key, at);
        const wait = at - now().getTime();
        if (wait > 0) {
          const timer = setTimeout(() => {
            timers.delete(timer);
            schedule();
          }, wait);
          timer.unref();
          timers.add(timer);
        }
      }
      return at;
    },
  };

  const pass = (): void => {
    const time = now().toISOString().replace(/\.\d+Z$/, 'Z');
    for (const step of [
      () => syncWorkloads(client, time, onError),
      () => syncPods(client, clock, BASE_PULL_DELAY_MS * options.speed, onError),
      () => syncEndpoints(client, managedEndpoints, onError),
    ]) {
      try {
        step();
      } catch (error) {
        onError(error);
      }
    }
  };

  const run = (): void => {
    scheduled = undefined;
    if (closed) return;
    isRunning = true;
    try {
      for (let i = 0; i < MAX_PASSES && isDirty; i++) {
        isDirty = false;
        pass();
      }
    } finally {
      isRunning = false;
    }
    if (isDirty) schedule();
  };

  function schedule(): void {
    isDirty = true;
    if (!scheduled && !isRunning && !closed) scheduled = setImmediate(run);
  }

  const unsubscribe = options.store.subscribe(() => schedule());
  const pruneDue = options.store.subscribe((event) => {
    if (event.type === 'DELETED' && event.storageKey === '/pods') {
      due.delete(`${event.object.metadata.uid}/start`);
      due.delete(`${event.object.metadata.uid}/exit`);
    }
  });
  try {
    registerNodes(client, options.nodes, options.kubeVersion, now().toISOString().replace(/\.\d+Z$/, 'Z'));
  } catch (error) {
    onError(error);
  }
  schedule();
  return {
    close() {
      closed = true;
      unsubscribe();
      pruneDue();
      if (scheduled) clearImmediate(scheduled);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
