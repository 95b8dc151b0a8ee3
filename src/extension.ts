// Activation: registers what VS Code needs to know at once (commands, the two views, the
// registry panel's serializer) as stand-ins, and loads the features (dist/features.js, see
// src/ui/features.ts) on first use. So activation costs about what an empty extension's does,
// and a window that never uses Istio Lab never parses its code.
import * as vscode from 'vscode';
import { DeferredTreeDataProvider, registerCommandStubs } from './ui/deferred';
import type * as FeaturesModule from './ui/features';
import type { Features } from './ui/features';
import { openLabGuideIfAsked } from './ui/lab-workspace';
import { outside } from './ui/outside-text';
import { INTERNAL_COMMANDS, PODS_VIEW_ID, REGISTRY_VIEW_TYPE, STEPS_VIEW_ID } from './ui/view-ids';

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Istio Lab', { log: true });
  context.subscriptions.push(log);

  let features: Promise<Features> | undefined;
  const load = (): Promise<Features> => (features ??= loadFeatures());

  const steps = new DeferredTreeDataProvider<unknown>(load);
  const pods = new DeferredTreeDataProvider<unknown>(load);
  const podsView = vscode.window.createTreeView(PODS_VIEW_ID, { treeDataProvider: pods, showCollapseAll: true });
  const contributed = (context.extension.packageJSON as { contributes: { commands: { command: string }[] } })
    .contributes.commands;
  const stubs = registerCommandStubs([...contributed.map((entry) => entry.command), ...INTERNAL_COMMANDS], load);
  context.subscriptions.push(
    steps,
    pods,
    podsView,
    stubs,
    vscode.window.registerTreeDataProvider(STEPS_VIEW_ID, steps),
    vscode.window.registerWebviewPanelSerializer(REGISTRY_VIEW_TYPE, {
      async deserializeWebviewPanel(panel, state) {
        (await load()).restoreRegistry(panel, state);
      },
    }),
  );

  async function loadFeatures(): Promise<Features> {
    // Fails only when the install is broken (the bundle missing): say so where the user looks.
    let module: typeof FeaturesModule;
    try {
      module = await import('./ui/features');
    } catch (error) {
      features = undefined;
      const message = vscode.l10n.t(
        'Istio Lab could not load its features ({0}). Reinstall the extension.',
        error instanceof Error ? error.message : String(error),
      );
      log.error(message);
      void vscode.window.showErrorMessage(outside(message));
      throw error;
    }
    stubs.dispose();
    return module.activateFeatures({
      context,
      log,
      podsView: podsView as vscode.TreeView<never>,
      attachPods: (provider) => pods.attach(provider as vscode.TreeDataProvider<unknown>),
      attachSteps: (provider) => steps.attach(provider),
    });
  }

  log.info(`activated in ${(performance.now() - started).toFixed(1)} ms`);
  openLabGuideIfAsked(log).catch((error: unknown) => log.error('could not open the lab guide', error));
}

export function deactivate(): void {}
