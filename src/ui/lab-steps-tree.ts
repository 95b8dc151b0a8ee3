// The "Lab Steps" view: the lab's steps, each with its state from real checks (src/lab/lab-progress.ts)
// and, under it, the shell commands it stands for. Empty until the learner starts the lab, so
// that the view's welcome text says what to do first.
import * as vscode from 'vscode';
import type { StepState } from '../lab/lab-progress';
import type { LabStep, LabStepId } from '../lab/steps';
import { labSteps } from '../lab/steps';
import { LAB_ISTIO_VERSION } from '../shared/istio-defaults';
import { stepHint } from '../lab/step-hints';
import type { LabProgressService } from './lab-progress-service';
import { OutsideMarkdown } from './outside-markdown';
import { stepHintText } from './step-hint-text';
import type { IconSpec } from './theme-icon';
import { themeIcon } from './theme-icon';

export type LabStepsNode =
  | { readonly kind: 'step'; readonly step: LabStep }
  | { readonly kind: 'command'; readonly step: LabStep; readonly command: string; readonly isVariant: boolean };

const LAB_STARTED_KEY = 'istioLab.labStarted';

/** A step whose label is its whole title. */
const both = (title: string) => ({ title, label: title });

/** Each step's title (the tooltip, the guide) and its short label for the Lab Steps view, which fits the default side bar. */
const STEP_WORDS: { readonly [S in LabStepId]: () => { readonly title: string; readonly label: string } } = {
  cluster: () => ({ title: vscode.l10n.t('Prepare a Kubernetes cluster'), label: vscode.l10n.t('Prepare a cluster') }),
  download: () => both(vscode.l10n.t('Download Istio {0}', LAB_ISTIO_VERSION)),
  verify: () => ({
    title: vscode.l10n.t('Pre-check the cluster with istioctl'),
    label: vscode.l10n.t('Pre-check the cluster'),
  }),
  install: () => both(vscode.l10n.t('Install the demo profile')),
  watch: () => ({
    title: vscode.l10n.t('Watch the control plane come up'),
    label: vscode.l10n.t('Watch the control plane'),
  }),
  'sample-app': () => both(vscode.l10n.t('Deploy the sample app')),
  architecture: () => ({
    title: vscode.l10n.t("Understand Istio's architecture"),
    label: vscode.l10n.t("Istio's architecture"),
  }),
  registry: () => ({
    title: vscode.l10n.t("Query Pilot's service registry"),
    label: vscode.l10n.t("Query Pilot's registry"),
  }),
};

export function stepTitle(id: LabStepId): string {
  return STEP_WORDS[id]().title;
}

/** A step's short label; the tooltip has its title. */
export function stepLabel(id: LabStepId): string {
  return STEP_WORDS[id]().label;
}

export class LabStepsTreeProvider implements vscode.TreeDataProvider<LabStepsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<LabStepsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  private readonly progressListener: { dispose(): void };

  constructor(
    private readonly state: vscode.Memento,
    /** Each step's state, kept per workspace (features.ts creates it). */
    readonly progress: LabProgressService,
  ) {
    this.progressListener = this.progress.onDidChange(() => this.changed.fire(undefined));
  }

  get isLabStarted(): boolean {
    return this.state.get<boolean>(LAB_STARTED_KEY, false);
  }

  async markLabStarted(): Promise<void> {
    if (this.isLabStarted) return;
    await this.state.update(LAB_STARTED_KEY, true);
    this.changed.fire(undefined);
  }

  /** Why a step is not done, from the check that ticks it (undefined when nothing is missing). */
  whyNotDone(id: LabStepId): string | undefined {
    const hint = stepHint(id, (step) => this.progress.state(step));
    return hint ? stepHintText(hint, stepTitle) : undefined;
  }

  /** A step's state as its description says it: `done (1.2.2)`, `to do`. */
  stateText(id: LabStepId): string {
    return stateText(this.progress.state(id));
  }

  getChildren(node?: LabStepsNode): LabStepsNode[] {
    if (!node) {
      return this.isLabStarted ? labSteps.map((step) => ({ kind: 'step', step })) : [];
    }
    if (node.kind === 'command') return [];
    return [
      ...node.step.commands.map((command) => ({
        kind: 'command' as const,
        step: node.step,
        command,
        isVariant: false,
      })),
      ...(node.step.variants ?? []).map((command) => ({
        kind: 'command' as const,
        step: node.step,
        command,
        isVariant: true,
      })),
    ];
  }

  getTreeItem(node: LabStepsNode): vscode.TreeItem {
    if (node.kind === 'step') {
      const index = labSteps.indexOf(node.step) + 1;
      const item = new vscode.TreeItem(
        `${index}. ${stepLabel(node.step.id)}`,
        vscode.TreeItemCollapsibleState.Collapsed,
      );
      const state = this.progress.state(node.step.id);
      item.id = `step:${node.step.id}`;
      item.contextValue = 'labStep';
      item.iconPath = themeIcon(STATE_ICONS[state.status]);
      // Not done yet: why, in the description too, since that is what the learner reads first
      // (also for a failure its check explained, such as an interrupted install).
      const why = this.whyNotDone(node.step.id);
      item.description = why && (state.status === 'todo' || state.hint) ? why : stateText(state);
      // The state's detail and the hint name a context, version or pod from outside: escaped like the rest.
      const tooltip = new OutsideMarkdown()
        .appendMarkdown('**')
        .appendText(`${index}. ${stepTitle(node.step.id)}`)
        .appendMarkdown('**  \n')
        .appendText(stateText(state));
      if (why) tooltip.appendMarkdown('\n\n').appendText(vscode.l10n.t('Not yet: {0}', why));
      item.tooltip = tooltip
        .appendMarkdown('\n\n')
        .appendText(vscode.l10n.t('Open this step in the lab guide.'))
        .appendCodeblock(node.step.commands.join('\n'), 'sh');
      item.command = {
        command: 'istioLab.openLabGuide',
        title: vscode.l10n.t('Open Lab Guide'),
        arguments: [node.step.id],
      };
      return item;
    }
    const item = new vscode.TreeItem(node.command, vscode.TreeItemCollapsibleState.None);
    item.id = `command:${node.step.id}:${node.command}`;
    item.contextValue = 'labCommand';
    item.iconPath = new vscode.ThemeIcon(node.isVariant ? 'debug-alt' : 'terminal');
    item.description = node.isVariant ? vscode.l10n.t('alternative') : undefined;
    item.tooltip = node.command;
    return item;
  }

  dispose(): void {
    this.progressListener.dispose();
    this.changed.dispose();
  }
}

const STATE_ICONS: { readonly [S in StepState['status']]: IconSpec } = {
  done: ['pass-filled', 'testing.iconPassed'],
  warning: ['warning', 'list.warningForeground'],
  failed: ['error', 'list.errorForeground'],
  todo: ['circle-large-outline'],
};

function stateText(state: StepState): string {
  switch (state.status) {
    case 'done':
      return state.detail ? vscode.l10n.t('done ({0})', state.detail) : vscode.l10n.t('done');
    case 'warning':
      return state.detail
        ? vscode.l10n.t('done with warnings ({0})', state.detail)
        : vscode.l10n.t('done with warnings');
    case 'failed':
      return state.detail ? vscode.l10n.t('failed ({0})', state.detail) : vscode.l10n.t('failed');
    case 'todo':
      return vscode.l10n.t('to do');
  }
}
