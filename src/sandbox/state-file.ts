// `--state DIR`: the cluster's objects survive a restart of the sandbox, as a real cluster's etcd
// does. Saved as one JSON file, written to a temporary file and renamed, so a crash mid-write
// never leaves half a cluster behind.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KubeObject } from './kube-object';
import type { ObjectStore } from './object-store';

interface SavedState {
  format: 'istio-lab-sandbox-state/v1';
  resourceVersion: number;
  objects: { storageKey: string; object: KubeObject }[];
}

export class StateFileError extends Error {}

export function stateFilePath(stateDir: string): string {
  return path.join(stateDir, 'objects.json');
}

/** Loads the saved objects into the store; false when there is nothing saved yet. */
export function loadState(stateDir: string, store: ObjectStore): boolean {
  const file = stateFilePath(stateDir);
  if (!fs.existsSync(file)) return false;
  let saved: SavedState;
  try {
    saved = JSON.parse(fs.readFileSync(file, 'utf8')) as SavedState;
  } catch (error) {
    throw new StateFileError(`the sandbox state file ${file} is not valid JSON (${error instanceof Error ? error.message : String(error)}); move it away to start with an empty cluster`);
  }
  if (saved?.format !== 'istio-lab-sandbox-state/v1' || !Array.isArray(saved.objects)) {
    throw new StateFileError(`the sandbox state file ${file} was not written by this sandbox; move it away to start with an empty cluster`);
  }
  for (const { storageKey, object } of saved.objects) {
    store.restore(storageKey, object, Number(object.metadata.resourceVersion ?? 0));
  }
  store.advanceTo(Number(saved.resourceVersion) || 0);
  return true;
}

export function saveState(stateDir: string, store: ObjectStore): void {
  const state: SavedState = {
    format: 'istio-lab-sandbox-state/v1',
    resourceVersion: store.resourceVersion,
    objects: [...store.entries()].map(([storageKey, object]) => ({ storageKey, object })),
  };
  const file = stateFilePath(stateDir);
  fs.mkdirSync(stateDir, { recursive: true });
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(state), { mode: 0o600 });
  fs.renameSync(`${file}.tmp`, file);
}

/** Saves after changes settle (at most every `delayMs`); `flush()` saves now if anything changed. */
export class StateSaver {
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly stateDir: string,
    private readonly store: ObjectStore,
    private readonly delayMs = 500,
  ) {
    this.unsubscribe = store.subscribe(() => this.changed());
  }

  private changed(): void {
    this.dirty = true;
    this.timer ??= setTimeout(() => this.flush(), this.delayMs);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.dirty) return;
    this.dirty = false;
    saveState(this.stateDir, this.store);
  }

  close(): void {
    this.unsubscribe();
    this.flush();
  }
}
