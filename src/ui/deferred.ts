// Stand-ins that let activation register everything VS Code asks for without loading the
// features behind it: command stubs and tree data providers that load the real code on first
// use. Imports nothing but `vscode`, so the activation bundle stays small.
import * as vscode from 'vscode';

/**
 * A tree data provider registered at activation whose real provider arrives later. VS Code's
 * first `getChildren` (the view became visible) loads it; afterwards every call passes through.
 */
export class DeferredTreeDataProvider<T> implements vscode.TreeDataProvider<T>, vscode.Disposable {
  private target: vscode.TreeDataProvider<T> | undefined;
  private readonly changed = new vscode.EventEmitter<T | T[] | undefined | null | void>();
  private forwarding: vscode.Disposable | undefined;
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly load: () => Promise<unknown>) {}

  /** Called by the features module once its provider exists. */
  attach(target: vscode.TreeDataProvider<T>): void {
    this.target = target;
    this.forwarding = target.onDidChangeTreeData?.((change) => this.changed.fire(change));
    this.changed.fire();
  }

  async getChildren(element?: T): Promise<T[]> {
    if (!this.target) await this.load();
    return (await this.target?.getChildren(element)) ?? [];
  }

  getTreeItem(element: T): vscode.TreeItem | Thenable<vscode.TreeItem> {
    // VS Code asks for items only of elements getChildren returned, so the target is there.
    return this.target!.getTreeItem(element);
  }

  getParent(element: T): vscode.ProviderResult<T> {
    return this.target?.getParent?.(element);
  }

  resolveTreeItem(
    item: vscode.TreeItem,
    element: T,
    token: vscode.CancellationToken,
  ): vscode.ProviderResult<vscode.TreeItem> {
    return this.target?.resolveTreeItem ? this.target.resolveTreeItem(item, element, token) : item;
  }

  dispose(): void {
    this.forwarding?.dispose();
    this.changed.dispose();
  }
}

/**
 * Registers a stub for each command that loads the features, which register the real handlers,
 * then runs the real command with the same arguments and returns its result. `load` must
 * dispose the returned stubs before the features register their commands.
 */
export function registerCommandStubs(ids: readonly string[], load: () => Promise<unknown>): vscode.Disposable {
  const stubs = ids.map((id) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      await load();
      return vscode.commands.executeCommand(id, ...args);
    }),
  );
  return vscode.Disposable.from(...stubs);
}
