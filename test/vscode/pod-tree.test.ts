// The Istio Pods view in real VS Code, watching an in-process sandbox cluster (3 nodes, no
// simulated delays) on which the book's Istio 1.2.2 demo manifest is applied with the real kubectl.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import * as k8s from '@kubernetes/client-node';
import * as vscode from 'vscode';
import type { Sandbox } from '../../src/sandbox';
import { startSandbox } from '../../src/sandbox';
import type { TreeRow } from './ui-helpers';
import { applyBookDemo, bookRelease, labExtension } from './lab-cluster';
import { assertShows, notCheckedOnDesktop, screenshot, setTheme, settings, treeRows } from './ui-helpers';
const EMPTY_CONTEXT = 'empty-cluster';
const DOWN_CONTEXT = 'cluster-down';

interface KubeconfigFile {
  clusters: { name: string }[];
  users: { name: string }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
}

/** One kubeconfig with both sandboxes: the Istio one as current-context, the bare one as `empty-cluster`. */
function mergedKubeconfig(istio: Sandbox, empty: Sandbox): string {
  const main = yaml.load(istio.kubeconfig) as KubeconfigFile;
  const other = yaml.load(empty.kubeconfig) as KubeconfigFile;
  main.clusters.push({ ...other.clusters[0], name: EMPTY_CONTEXT });
  main.users.push({ ...other.users[0], name: EMPTY_CONTEXT });
  main.contexts.push({ name: EMPTY_CONTEXT, context: { cluster: EMPTY_CONTEXT, user: EMPTY_CONTEXT } });
  // A cluster nobody listens for: port 1 on the loopback refuses every connection.
  main.clusters.push({
    name: DOWN_CONTEXT,
    cluster: { server: 'https://127.0.0.1:1', 'insecure-skip-tls-verify': true },
  } as KubeconfigFile['clusters'][0]);
  main.contexts.push({ name: DOWN_CONTEXT, context: { cluster: DOWN_CONTEXT, user: EMPTY_CONTEXT } });
  return yaml.dump(main);
}

/** What each pod of the book's `kubectl get po -n istio-system` should read like. */
function expectedRow(name: string): { group: string; description: string } {
  if (/-1\.2\.2-/.test(name)) return { group: 'Jobs', description: '0/1 · Completed · 0 restarts ·' };
  if (/^istio-(pilot|policy|telemetry)-/.test(name))
    return { group: 'Control plane', description: '2/2 · Running · 0 restarts ·' };
  if (/^istio-(citadel|galley|sidecar-injector)-/.test(name))
    return { group: 'Control plane', description: '1/1 · Running · 0 restarts ·' };
  if (/gateway-/.test(name)) return { group: 'Data plane: gateways', description: '1/1 · Running · 0 restarts ·' };
  return { group: 'Add-ons', description: '1/1 · Running · 0 restarts ·' };
}

describe('the Istio Pods view', function () {
  this.timeout(180_000);
  let istio: Sandbox;
  let empty: Sandbox;
  let dir: string;
  let core: k8s.CoreV1Api;
  let podNames: string[] = [];

  before(async () => {
    [istio, empty] = await Promise.all([startSandbox({ nodes: 3, speed: 0 }), startSandbox()]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-pod-tree-'));
    const kubeconfig = path.join(dir, 'kubeconfig');
    fs.writeFileSync(kubeconfig, mergedKubeconfig(istio, empty), { mode: 0o600 });
    const kc = new k8s.KubeConfig();
    kc.loadFromString(istio.kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);

    await settings({ kubeconfig, context: '' });
    await labExtension().activate();
    await applyBookDemo(kubeconfig, dir);
  });

  after(async () => {
    await vscode.commands.executeCommand('istioLab.steps.toggleVisibility');
    await settings({ kubeconfig: '', context: '' });
    await Promise.all([istio?.close(), empty?.close()]);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("shows the book's 15 pods, 12 ready and 3 completed, with the Istio version in the status bar", async () => {
    await vscode.commands.executeCommand('istioLab.pods.focus');
    await assertShows('Istio 1.2.2 · 12/12 ready', 'the status bar does not show the healthy control plane');
    const pods = await core.listNamespacedPod({ namespace: 'istio-system' });
    podNames = pods.items.map((pod) => pod.metadata!.name!).sort();
    assert.equal(podNames.length, 15);
    await assertShows('Control plane', 'the Control plane group is not shown');
    await assertShows('simulated', 'the cluster node is not shown');
    // Room for the tree in the screenshots: the Lab Steps view out of the way, a wider sidebar.
    await vscode.commands.executeCommand('istioLab.steps.toggleVisibility');
    await vscode.commands.executeCommand('workbench.action.focusSideBar');
    for (let i = 0; i < 4; i++) await vscode.commands.executeCommand('workbench.action.decreaseViewWidth');
    await setTheme('Default Light Modern');
    await screenshot('pods-tree-light');
    await setTheme('Default Dark Modern');
    await screenshot('pods-tree-dark');
  });

  it('describes each pod as kubectl get po does, under its role group', async () => {
    for (const name of podNames) {
      const { group, description } = expectedRow(name);
      // The filter leaves out the last character, so the full name is found in the row, not in the view's "filter:" text.
      await vscode.commands.executeCommand('istioLab.pods.filter', name.slice(0, -1));
      await assertShows(name, `${name} is not in the tree`);
      await assertShows(description, `${name} does not read "${description}"`);
      await assertShows(group, `${name} is not under ${group}`);
    }
    await screenshot('pods-tree-filtered-dark');
    await vscode.commands.executeCommand('istioLab.pods.clearFilter');
  });

  it('reveals a pod inside a collapsed tree', async () => {
    await vscode.commands.executeCommand('workbench.actions.treeView.istioLab.pods.collapseAll');
    const job = podNames.find((name) => name.startsWith('istio-security-post-install'))!;
    assert.equal(await vscode.commands.executeCommand('istioLab.pods.reveal', 'istio-system', job), true);
    await assertShows(job, 'the revealed pod is not visible');
    assert.equal(await vscode.commands.executeCommand('istioLab.pods.reveal', 'istio-system', 'no-such-pod'), false);
    await setTheme('Default Light Modern');
    await screenshot('pods-tree-revealed-light');
  });

  it('describes a pod in a read-only document laid out like kubectl describe', async () => {
    const pilot = (await core.listNamespacedPod({ namespace: 'istio-system', labelSelector: 'istio=pilot' })).items[0];
    await vscode.commands.executeCommand('istioLab.pods.describe', { id: `pod:${pilot.metadata!.uid}` });
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.scheme, 'istio-lab-describe');
    const text = editor.document.getText();
    assert.match(text, new RegExp(`^Name: +${pilot.metadata!.name}$`, 'm'));
    assert.match(text, /^Controlled By: +ReplicaSet\/istio-pilot-/m);
    assert.match(text, /^ {2}discovery:$/m);
    assert.match(text, /^ {4}Image: +docker\.io\/istio\/pilot:1\.2\.2$/m);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('port-forwards to Pilot and reads its service registry on the local URL', async () => {
    const pilot = (await core.listNamespacedPod({ namespace: 'istio-system', labelSelector: 'istio=pilot' })).items[0];
    const url = await vscode.commands.executeCommand<string | undefined>(
      'istioLab.pods.portForward',
      { id: `pod:${pilot.metadata!.uid}` },
      8080,
    );
    assert.match(url ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${url}/v1/registration`);
    assert.equal(response.status, 200);
    const registry = (await response.json()) as { 'service-key': string }[];
    assert.ok(
      registry.some((entry) => entry['service-key'].startsWith('istio-pilot.istio-system.svc.cluster.local|')),
      'Pilot does not list itself',
    );
  });

  it('follows the log of a pod, types its kubectl command into a terminal and copies its name', async () => {
    const galley = (await core.listNamespacedPod({ namespace: 'istio-system', labelSelector: 'istio=galley' }))
      .items[0];
    const element = { id: `pod:${galley.metadata!.uid}` };
    await vscode.commands.executeCommand('istioLab.pods.showLogs', element);
    await assertShows('simulated container "galley"', 'the log of galley is not shown');
    const opened = new Promise<vscode.Terminal>((resolve) => {
      const listener = vscode.window.onDidOpenTerminal((terminal) => {
        listener.dispose();
        resolve(terminal);
      });
    });
    await vscode.commands.executeCommand('istioLab.pods.openTerminal', element);
    const terminal = await opened;
    assert.equal(terminal.name, 'Istio Lab');
    // Typed once the shell had drawn its prompt (shell integration reports it for bash), not into
    // a shell still starting, where the prompt garbles the echo.
    if (/bash|zsh|fish|pwsh/.test(vscode.env.shell))
      assert.ok(terminal.shellIntegration, 'the command was typed before the shell was ready');
    await assertShows(`describe pod ${galley.metadata!.name}`, 'the kubectl command is not typed in the terminal');
    terminal.dispose();
    await vscode.commands.executeCommand('istioLab.pods.copyName', element);
    assert.equal(await vscode.env.clipboard.readText(), galley.metadata!.name);
  });

  it('opens a shell in a container with kubectl exec -it … -c …', async () => {
    const galley = (await core.listNamespacedPod({ namespace: 'istio-system', labelSelector: 'istio=galley' }))
      .items[0];
    const opened = new Promise<vscode.Terminal>((resolve) => {
      const listener = vscode.window.onDidOpenTerminal((terminal) => {
        listener.dispose();
        resolve(terminal);
      });
    });
    await vscode.commands.executeCommand('istioLab.pods.exec', { id: `pod:${galley.metadata!.uid}` });
    const terminal = await opened;
    const options = terminal.creationOptions as vscode.TerminalOptions;
    assert.equal(options.shellPath, 'kubectl');
    assert.equal((options.shellArgs as string[])[0], '--context');
    assert.deepEqual((options.shellArgs as string[]).slice(2), [
      '-n',
      'istio-system',
      'exec',
      '-it',
      galley.metadata!.name!,
      '-c',
      'galley',
      '--',
      'sh',
    ]);
    terminal.dispose();
  });

  it('shows a crash-looping Mixer as failing and the control plane as not ready', async () => {
    istio.faults.set({
      crashLoop: [
        {
          workload: 'istio-telemetry',
          namespace: 'istio-system',
          container: 'mixer',
          log: ['panic: listen tcp :9091: bind: address already in use'],
        },
      ],
    });
    const telemetry = (
      await core.listNamespacedPod({ namespace: 'istio-system', labelSelector: 'istio-mixer-type=telemetry' })
    ).items[0];
    await core.deleteNamespacedPod({
      name: telemetry.metadata!.name!,
      namespace: 'istio-system',
      gracePeriodSeconds: 0,
    });
    await vscode.commands.executeCommand('istioLab.pods.filter', 'istio-telemetry');
    await assertShows('CrashLoopBackOff', 'the crash loop is not shown');
    await assertShows('11/12 ready', 'the status bar does not count the crashing pod out');
    await screenshot('pods-tree-crashloop-dark');
    await vscode.commands.executeCommand('istioLab.pods.clearFilter');
    istio.faults.set({});
  });

  it('rebuilds for another context, and says when it has no Istio', async () => {
    await settings({ context: EMPTY_CONTEXT });
    await assertShows('Istio is not installed on this cluster yet', 'the no-Istio welcome is not shown');
    await screenshot('pods-tree-no-istio-light');
    await settings({ context: '' });
    await assertShows('Istio 1.2.2 · 12/12 ready', 'switching back did not rebuild the tree');
    await assertShows('istio-lab-sandbox', 'the cluster node is not shown');
  });

  it('says why when the cluster does not answer or there is no kubeconfig, with what to do', async () => {
    await settings({ context: DOWN_CONTEXT });
    await assertShows('cannot watch the pods of this cluster', 'the unreachable welcome is not shown');
    await assertShows('Show the Error', 'the welcome has no button to show the error');
    await screenshot('pods-tree-unreachable-light');
    const kubeconfig = vscode.workspace.getConfiguration('istioLab').get<string>('kubeconfig')!;
    await settings({ kubeconfig: path.join(dir, 'no-such-kubeconfig'), context: '' });
    await assertShows('No cluster to watch', 'the no-cluster welcome is not shown');
    await settings({ kubeconfig });
    await assertShows('Istio 1.2.2 · 12/12 ready', 'the view did not come back');
  });
});

/** Where a pod belongs in the tree: its group's label and its component's (its workload's name). */
interface Placement {
  readonly group: string;
  readonly workload: string;
}

async function placements(core: k8s.CoreV1Api): Promise<Map<string, Placement>> {
  const list = await core.listNamespacedPod({ namespace: 'istio-system' });
  return new Map(
    list.items.map((pod) => {
      const owner = pod.metadata!.ownerReferences![0];
      const hash = pod.metadata!.labels?.['pod-template-hash'];
      const workload = owner.kind === 'ReplicaSet' && hash ? owner.name.replace(`-${hash}`, '') : owner.name;
      return [pod.metadata!.name!, { group: expectedRow(pod.metadata!.name!).group, workload }];
    }),
  );
}

/**
 * What is wrong with rendered rows (depth 1 cluster, 2 group, 3 component, 4 pod): a pod row not
 * under its own component and group, a component not under its group, a row shown twice, a pod
 * the cluster does not have. Rows whose ancestors are scrolled out of the DOM are checked as far
 * as their known ancestors go. Empty when all is right.
 */
function misplacedRows(rows: readonly TreeRow[], pods: ReadonlyMap<string, Placement>): string[] {
  const problems: string[] = [];
  const groupOf = new Map([...pods.values()].map(({ group, workload }) => [workload, group]));
  const seen = new Set<string>();
  const ancestors: (string | undefined)[] = [];
  for (const row of rows) {
    if (!(row.level >= 1 && row.level <= 4)) problems.push(`"${row.label}" is at depth ${row.level}`);
    if (seen.has(row.label)) problems.push(`"${row.label}" is shown twice`);
    seen.add(row.label);
    ancestors.length = Math.max(0, row.level - 1);
    const [, group, component] = ancestors;
    if (row.level === 3 && (groupOf.get(row.label) ?? 'no group') !== (group ?? groupOf.get(row.label))) {
      problems.push(`component "${row.label}" is under "${group}"`);
    }
    if (row.level === 4) {
      const expected = pods.get(row.label);
      if (!expected) problems.push(`"${row.label}" is not a pod of the cluster, or not at depth 4`);
      else if (expected.workload !== (component ?? expected.workload) || expected.group !== (group ?? expected.group)) {
        problems.push(`pod "${row.label}" is under "${group} › ${component}"`);
      }
    }
    if (row.level < 4 && pods.has(row.label)) problems.push(`pod "${row.label}" is at depth ${row.level}`);
    ancestors[row.level - 1] = row.label;
  }
  return problems;
}

const show = (rows: readonly TreeRow[]): string =>
  rows.map((row) => `${'  '.repeat(row.level)}${row.label}  ${row.description}`).join('\n');

describe('the Istio Pods view while Istio installs', function () {
  this.timeout(180_000);
  let istio: Sandbox;
  let dir: string;
  let kubeconfig: string;
  let core: k8s.CoreV1Api;

  before(async () => {
    istio = await startSandbox({ nodes: 3, speed: 0 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-pod-tree-install-'));
    kubeconfig = path.join(dir, 'kubeconfig');
    fs.writeFileSync(kubeconfig, istio.kubeconfig, { mode: 0o600 });
    const kc = new k8s.KubeConfig();
    kc.loadFromString(istio.kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);
    await labExtension().activate();
  });

  after(async () => {
    await settings({ kubeconfig: '', context: '' });
    await istio?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Reads the rendered rows at the top of the tree and, scrolled down, at its bottom, until they
   * match the pods (the view follows the model within a few refreshes) or 10 s have passed.
   */
  async function assertRowsMatch(pods: ReadonlyMap<string, Placement>, name: string): Promise<void> {
    const seen = new Set<string>();
    for (const where of ['top', 'bottom']) {
      await vscode.commands.executeCommand('istioLab.pods.focus');
      await vscode.commands.executeCommand(where === 'top' ? 'list.focusFirst' : 'list.focusLast');
      let rows: TreeRow[] = [];
      let problems = ['no rows rendered'];
      for (const deadline = Date.now() + 10_000; problems.length && Date.now() < deadline;) {
        const read = await treeRows('Istio Pods');
        if (read === undefined) return notCheckedOnDesktop(`the rows of the Istio Pods tree match the pods (${name})`);
        rows = read;
        problems = rows.length ? misplacedRows(rows, pods) : ['no rows rendered'];
        if (problems.length) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      await screenshot(`${name}-${where}`);
      assert.deepEqual(problems, [], `the rows at the ${where} of the tree do not match the pods:\n${show(rows)}`);
      for (const row of rows) seen.add(row.label);
    }
    assert.deepEqual(
      [...pods.keys()].filter((pod) => !seen.has(pod)),
      [],
      'pods are missing from the tree',
    );
  }

  it('keeps each pod under its own component and group while the pods come up', async () => {
    await settings({ kubeconfig, context: '' });
    await vscode.commands.executeCommand('istioLab.pods.focus');
    await assertShows('Istio is not installed on this cluster yet', 'the tree is not watching the empty cluster');
    // As the install command does, and more: each pod is revealed as it appears, while the tree refreshes.
    const reveals: Thenable<unknown>[] = [];
    const kc = new k8s.KubeConfig();
    kc.loadFromString(istio.kubeconfig);
    const watch = await new k8s.Watch(kc).watch(
      '/api/v1/namespaces/istio-system/pods',
      {},
      (type: string, pod: k8s.V1Pod) => {
        if (type === 'ADDED')
          reveals.push(vscode.commands.executeCommand('istioLab.pods.reveal', 'istio-system', pod.metadata!.name!));
      },
      () => undefined,
    );
    // The lab's install: the demo manifest's 153 objects created from the extension host, as in the book.
    const manifest = bookRelease('istio-demo.yaml');
    const report = await vscode.commands.executeCommand<{ results: unknown[] }>('istioLab.installIstio', {
      version: '1.2.2',
      manifest,
      yes: true,
    });
    assert.equal(report.results.length, 153);
    await assertShows('Istio 1.2.2 · 12/12 ready', 'the status bar does not show the healthy control plane');
    watch.abort();
    await Promise.all(reveals);
    const pods = await placements(core);
    assert.equal(pods.size, 15);
    await assertRowsMatch(pods, 'pods-tree-installed');
  });

  it('keeps them in place while pods of several groups are replaced at once, round after round', async () => {
    let pods = await placements(core);
    for (let round = 0; round < 6; round++) {
      // A pod from each of three groups: one tree refresh then touches several subtrees.
      const deployed = (await core.listNamespacedPod({ namespace: 'istio-system', labelSelector: 'pod-template-hash' }))
        .items;
      const victims = ['istio-galley', 'istio-pilot', 'istio-ingressgateway', 'istio-egressgateway', 'grafana', 'kiali']
        .filter((_, index) => index % 2 === round % 2)
        .map((prefix) => deployed.find((pod) => pod.metadata!.name!.startsWith(`${prefix}-`))!.metadata!.name!);
      await Promise.all(
        victims.map((name) => core.deleteNamespacedPod({ name, namespace: 'istio-system', gracePeriodSeconds: 0 })),
      );
      do {
        await new Promise((resolve) => setTimeout(resolve, 250));
        pods = await placements(core);
      } while (victims.some((name) => pods.has(name)) || pods.size !== 15);
      await assertShows(
        'Istio 1.2.2 · 12/12 ready',
        `round ${round}: the status bar does not show the healthy control plane`,
      );
    }
    await assertRowsMatch(pods, 'pods-tree-replaced');
  });
});
