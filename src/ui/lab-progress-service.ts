// The lab's progress as the features use it: the window's one LabProgress (src/lab/lab-progress.ts),
// kept in the workspace state, created in features.ts and passed to each feature that marks a step
// (install, releases, registry panel, lab guide) or shows one (Lab Steps view, pod explorer).
// Features call it directly, typed, instead of through internal commands; and a step that cannot
// be saved is not swallowed: it goes to the Istio Lab log, and the learner is told once.
import * as vscode from 'vscode';
import type { LabProgressChange, MarkOptions, StepState, StepStatus } from '../lab/lab-progress';
import { LabProgress } from '../lab/lab-progress';
import type { LabStepId } from '../lab/steps';
import { outside } from './outside-text';

/** Shows a pod in the Istio Pods tree (the pod explorer's); false when the tree does not have it. */
export type RevealPod = (namespace: string, name: string) => Promise<boolean>;

/** What features.ts hands a feature that reaches into the lab beyond itself. */
export interface LabServices {
  readonly progress: LabProgressService;
  readonly revealPod: RevealPod;
}

export class LabProgressService {
  private readonly progress: LabProgress;
  private toldSaveFailed = false;

  constructor(
    workspaceState: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.progress = new LabProgress(workspaceState);
  }

  state(step: LabStepId): StepState {
    return this.progress.state(step);
  }

  onDidChange(listener: (change: LabProgressChange) => void): vscode.Disposable {
    return this.progress.onDidChange(listener);
  }

  /**
   * Marks a step. Never rejects: a save that fails is logged, and shown the first time (the step
   * still shows in this window, but the next one starts from the saved progress).
   */
  async mark(step: LabStepId, status: StepStatus = 'done', options: MarkOptions = {}): Promise<void> {
    try {
      await this.progress.mark(step, status, options);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.log.error(`could not save the lab step ${step} as ${status}`, error);
      if (this.toldSaveFailed) return;
      this.toldSaveFailed = true;
      void vscode.window.showWarningMessage(
        vscode.l10n.t(
          'Istio Lab could not save the lab progress ({0}). The Lab Steps view is right in this window but may be out of date next time.',
          outside(reason),
        ),
      );
    }
  }
}
