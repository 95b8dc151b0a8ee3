// Where the learner is in the lab: each step's state from real checks (release present and
// verified, cluster reachable, pre-check passed, installed, control plane ready, registry
// fetched), kept per workspace and re-checked against the cluster when the extension starts.
// One LabProgress serves the window: src/ui/features.ts creates it (through the UI's adapter,
// src/ui/lab-progress-service.ts) and passes it to every feature that marks a step or shows one;
// they subscribe to typed changes (`onDidChange`) instead of talking through commands.
import type { LabStepId } from './steps';
import { labSteps } from './steps';

export type StepStatus = 'todo' | 'done' | 'warning' | 'failed';

/** Why a step is not done yet, as a code with parameters that src/ui words (computed in step-hints.ts). */
export type StepHint =
  | { readonly code: 'no-cluster' }
  | { readonly code: 'cluster-unreachable' }
  | { readonly code: 'not-downloaded' }
  | { readonly code: 'checksum-not-verified' }
  | { readonly code: 'needs-step'; readonly step: LabStepId }
  | { readonly code: 'precheck-not-run' }
  | { readonly code: 'precheck-blocked' }
  | { readonly code: 'precheck-warnings' }
  | { readonly code: 'not-installed' }
  | { readonly code: 'install-interrupted'; readonly present: number; readonly total: number }
  | { readonly code: 'install-failed' }
  | {
      readonly code: 'pods-not-ready';
      readonly ready: number;
      readonly total: number;
      /** The workload (Deployment or Job) of the first pod that is not ready, and why it waits. */
      readonly waitingFor?: string;
      readonly reason?: string;
      /** Epoch milliseconds since when that pod exists, so the UI can say for how long. */
      readonly since?: number;
    }
  | { readonly code: 'control-plane-not-ready' }
  | { readonly code: 'sample-app-not-deployed' }
  /** A namespace the sample app's pods run in is not labelled, so they have no istio-proxy. */
  | { readonly code: 'namespace-not-labelled'; readonly namespace: string }
  | { readonly code: 'guide-not-read' }
  | { readonly code: 'registry-not-opened' };

/** How a step is marked: what the check found, and when. */
export interface MarkOptions {
  /** Structured detail the UI words: a version, a context, counts. */
  readonly detail?: string;
  readonly hint?: StepHint;
  /** Epoch milliseconds of the mark (default now). */
  readonly at?: number;
  /** When the check that found it began; a state marked since then is newer and stays. */
  readonly checkedSince?: number;
}

/** One step's state changed. */
export interface LabProgressChange {
  readonly step: LabStepId;
  readonly state: StepState;
  readonly previous: StepState;
}

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
  private readonly listeners = new Set<(change: LabProgressChange) => void>();

  constructor(private readonly store: ProgressStore) {
    this.states = store.get<Partial<Record<LabStepId, StepState>>>(KEY) ?? {};
  }

  state(id: LabStepId): StepState {
    return this.states[id] ?? { status: 'todo' };
  }

  /**
   * Records a step's state. `checkedSince`: when the check that found it began; a state marked
   * since then is newer than what this check saw (a download finished meanwhile) and stays.
   * Listeners hear of the change even when saving it fails; the failure is thrown after them.
   */
  async mark(id: LabStepId, status: StepStatus = 'done', options: MarkOptions = {}): Promise<void> {
    const { detail, hint, at = Date.now(), checkedSince } = options;
    const previous = this.states[id];
    if (
      previous?.status === status &&
      previous.detail === detail &&
      JSON.stringify(previous.hint) === JSON.stringify(hint)
    ) {
      // Confirmed again by a command: newer (a re-check that began before it must not undo it),
      // but nothing to show or save.
      if (checkedSince === undefined) this.states = { ...this.states, [id]: { ...previous, at } };
      return;
    }
    if (checkedSince !== undefined && previous?.at !== undefined && previous.at >= checkedSince) return;
    const state: StepState = { status, ...(detail ? { detail } : {}), ...(hint ? { hint } : {}), at };
    this.states = { ...this.states, [id]: state };
    try {
      await this.store.update(KEY, this.states);
    } finally {
      const change: LabProgressChange = { step: id, state, previous: previous ?? { status: 'todo' } };
      for (const listener of [...this.listeners]) listener(change);
    }
  }

  /** Subscribes to every change of a step's state; dispose to stop. */
  onDidChange(listener: (change: LabProgressChange) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
}
