// Where the learner is in the lab: each step's state from real checks (release present and
// verified, cluster reachable, pre-check passed, installed, control plane ready, registry
// fetched), kept per workspace and re-checked against the cluster when the extension starts.
// Any part of the extension marks a step through `mark` (the UI exposes it as the internal
// command `istioLab.markLabStep`, e.g. `executeCommand('istioLab.markLabStep', 'registry')`).
import type { StepHint } from './step-hints';
import type { LabStepId } from './steps';
import { labSteps } from './steps';

export type StepStatus = 'todo' | 'done' | 'warning' | 'failed';

export interface StepState {
  readonly status: StepStatus;
  /** Structured detail the UI words: a version, a context, counts. */
  readonly detail?: string;
  /** Why the step is not done, when the check that found it says more than its status. */
  readonly hint?: StepHint;
  /** Epoch milliseconds of the check. */
  readonly at?: number;
}

/** What VS Code's workspaceState offers, so this stays testable without an editor. */
export interface ProgressStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

const KEY = 'istioLab.labProgress';

export function isLabStepId(value: unknown): value is LabStepId {
  return typeof value === 'string' && labSteps.some((step) => step.id === value);
}

export class LabProgress {
  private states: Partial<Record<LabStepId, StepState>>;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly store: ProgressStore) {
    this.states = store.get<Partial<Record<LabStepId, StepState>>>(KEY) ?? {};
  }

  state(id: LabStepId): StepState {
    return this.states[id] ?? { status: 'todo' };
  }

  /**
   * Records a step's state. `checkedSince`: when the check that found it began; a state marked
   * since then is newer than what this check saw (a download finished meanwhile) and stays.
   */
  async mark(id: LabStepId, status: StepStatus = 'done', detail?: string, at = Date.now(), checkedSince?: number, hint?: StepHint): Promise<void> {
    const previous = this.states[id];
    if (previous?.status === status && previous.detail === detail && JSON.stringify(previous.hint) === JSON.stringify(hint)) {
      // Confirmed again by a command: newer (a re-check that began before it must not undo it),
      // but nothing to show or save.
      if (checkedSince === undefined) this.states = { ...this.states, [id]: { ...previous, at } };
      return;
    }
    if (checkedSince !== undefined && previous?.at !== undefined && previous.at >= checkedSince) return;
    this.states = { ...this.states, [id]: { status, ...(detail ? { detail } : {}), ...(hint ? { hint } : {}), at } };
    await this.store.update(KEY, this.states);
    for (const listener of this.listeners) listener();
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
}
