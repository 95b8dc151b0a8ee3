// Commands of the lab guide: open it (at a step), and type or copy the shell commands a step
// stands for, so the learner sees what the extension does for them.
import * as vscode from 'vscode';
import type { LabStep } from '../lab/steps';
import type { StepStatus } from '../lab/lab-progress';
import { isLabStepId } from '../lab/lab-progress';
import type { StepHint } from '../lab/step-hints';
import { LAB_WALKTHROUGH_ID, findLabStep, labSteps, terminalLineFor } from '../lab/steps';
import type { LabStepsNode, LabStepsTreeProvider } from './lab-steps-tree';
import { stepTitle } from './lab-steps-tree';
import { outside } from './outside-text';
import { labTerminal, typeInTerminal } from './lab-terminal';
import { releasesDirectory } from './release-commands';

/** What a command receives: a step id from a walkthrough link, a tree node, or nothing (palette). */
type CommandTarget = string | LabStepsNode | undefined;

export function registerLabCommands(
  context: vscode.ExtensionContext,
  tree: LabStepsTreeProvider,
  log: vscode.LogOutputChannel,
): void {
  const walkthroughId = `${context.extension.id}#${LAB_WALKTHROUGH_ID}`;

  // The walkthrough ticks a step when its context key `istioLab.labStep.<id>` says done (see its
  // completionEvents), so the guide and the Lab Steps view agree, whichever way the step was done.
  const publishStates = (): void => {
    for (const step of labSteps)
      void vscode.commands.executeCommand(
        'setContext',
        `istioLab.labStep.${step.id}`,
        tree.progress.state(step.id).status,
      );
  };
  publishStates();
  // "Understand Istio's architecture" has nothing on the cluster to check: it is done once the
  // learner lists the components (its commands) or explores the registry viewer's diagram.
  const markReadingStep = async (step: LabStep | undefined): Promise<void> => {
    if (step?.id === 'architecture') await tree.progress.mark('architecture', 'done');
  };

  context.subscriptions.push(
    tree.progress.onDidChange(publishStates),
    vscode.commands.registerCommand('istioLab.openLabGuide', async (stepId?: string) => {
      await tree.markLabStarted();
      const step = typeof stepId === 'string' ? findLabStep(stepId) : undefined;
      const target = step ? { category: walkthroughId, step: step.id } : walkthroughId;
      await vscode.commands.executeCommand('workbench.action.openWalkthrough', target, false);
      // On a guide that is already open, openWalkthrough keeps the selected step; select it explicitly.
      if (step) await vscode.commands.executeCommand('walkthroughs.selectStep', step.id);
    }),
    vscode.commands.registerCommand('istioLab.typeStepCommand', async (target?: CommandTarget) => {
      const resolved = await resolveLine(target);
      if (resolved === undefined) return;
      const { line } = resolved;
      await tree.markLabStarted();
      await markReadingStep(resolved.step);
      // Opened where the releases are, so the book's `cd istio-1.2.2` finds the one downloaded here.
      const terminal = labTerminal({ cwd: releasesDirectory(context) });
      // Typed, not run: the learner reads the command and presses Enter themselves.
      await typeInTerminal(terminal, line);
      log.info(`typed a lab command into the terminal: ${line}`);
    }),
    // Internal (not in the palette), for tests and the packaged-extension check: features mark
    // their steps through the LabProgressService features.ts passes them, not through this.
    vscode.commands.registerCommand(
      'istioLab.markLabStep',
      async (step?: unknown, status: StepStatus = 'done', detail?: string, checkedSince?: number, hint?: StepHint) => {
        if (!isLabStepId(step)) throw new Error(`istioLab.markLabStep: unknown lab step ${JSON.stringify(step)}`);
        const checked = typeof hint === 'object' && hint !== null && typeof hint.code === 'string' ? hint : undefined;
        await tree.progress.mark(step, status, {
          detail,
          checkedSince: typeof checkedSince === 'number' ? checkedSince : undefined,
          hint: checked,
        });
      },
    ),
    // Internal: a step's state as the Lab Steps view shows it, for other views and tests.
    vscode.commands.registerCommand('istioLab.labStepState', (step?: unknown) => {
      if (!isLabStepId(step)) throw new Error(`istioLab.labStepState: unknown lab step ${JSON.stringify(step)}`);
      return tree.progress.state(step);
    }),
    // The lab guide's "Why not done yet?" link: a walkthrough step's text is fixed in package.json,
    // so the hint the Lab Steps view shows is given on request, from the same check.
    vscode.commands.registerCommand('istioLab.explainStep', async (stepId?: unknown) => {
      if (!isLabStepId(stepId)) throw new Error(`istioLab.explainStep: unknown lab step ${JSON.stringify(stepId)}`);
      const number = labSteps.findIndex((step) => step.id === stepId) + 1;
      const why = tree.whyNotDone(stepId);
      const state = tree.progress.state(stepId);
      const text =
        why && (state.status === 'todo' || state.hint)
          ? vscode.l10n.t('Step {0}, {1}: not yet. {2}', number, stepTitle(stepId), why)
          : vscode.l10n.t('Step {0}, {1}: {2}', number, stepTitle(stepId), tree.stateText(stepId));
      const open = vscode.l10n.t('Open Lab Steps');
      void vscode.window.showInformationMessage(outside(text), open).then((choice) => {
        if (choice === open) void vscode.commands.executeCommand('istioLab.steps.focus');
      });
      return text;
    }),
    vscode.commands.registerCommand('istioLab.copyStepCommand', async (target?: CommandTarget) => {
      const resolved = await resolveLine(target);
      if (resolved === undefined) return;
      const { line } = resolved;
      await markReadingStep(resolved.step);
      await vscode.env.clipboard.writeText(line);
      void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied: {0}', line), 3000);
    }),
  );
}

/** The shell line a target stands for, and its step when it is a whole step's commands. */
async function resolveLine(target: CommandTarget): Promise<{ line: string; step?: LabStep } | undefined> {
  if (typeof target === 'object') {
    return target.kind === 'command'
      ? { line: target.command }
      : { line: terminalLineFor(target.step), step: target.step };
  }
  const step = typeof target === 'string' ? findLabStep(target) : await pickStep();
  if (typeof target === 'string' && !step) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t('Unknown lab step "{0}". Open the lab guide and use the step\'s button instead.', outside(target)),
    );
  }
  return step ? { line: terminalLineFor(step), step } : undefined;
}

async function pickStep(): Promise<LabStep | undefined> {
  const picked = await vscode.window.showQuickPick(
    labSteps.map((step, index) => ({
      label: `${index + 1}. ${stepTitle(step.id)}`,
      detail: terminalLineFor(step),
      step,
    })),
    {
      title: vscode.l10n.t('Lab step'),
      placeHolder: vscode.l10n.t("Which step's commands?"),
      matchOnDetail: true,
      ignoreFocusOut: true,
    },
  );
  return picked?.step;
}
