// The service registry viewer in real VS Code against an in-process sandbox (3 nodes, no simulated
// delays) with the book's Istio 1.2.2 demo applied: the panel lists what the book's curl shows,
// the diagram shows Pilot's live state, errors say what to do, and the theme follows VS Code.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { explain } from '../../src/istio/roles/components';
import { openConnection } from '../../src/kube/connection';
import { startPodStore } from '../../src/kube/pod-store';
import { istioPodScope } from '../../src/istio/data-plane';
import type { LabCluster } from './lab-cluster';
import { applyBookDemo, bookRelease, startLabCluster, stopLabCluster } from './lab-cluster';
import { assertShows, kubectl, screenshot, setTheme } from './ui-helpers';

describe('the service registry viewer', function () {
  this.timeout(180_000);
  let lab: LabCluster;
  let grafanaIp: string;

  before(async () => {
    lab = await startLabCluster('registry', { nodes: 3, speed: 0 });
    await applyBookDemo(lab.kubeconfig, lab.dir);
    // Wait for the control plane through a watch, not a sleep.
    const store = startPodStore(await openConnection({ kubeconfig: lab.kubeconfig }), istioPodScope('istio-system'));
    await new Promise<void>((resolve) => {
      const ready = (): boolean =>
        ['istio-pilot-', 'grafana-'].every((prefix) =>
          store
            .pods()
            .some(
              (pod) =>
                pod.name.startsWith(prefix) && pod.status === 'Running' && pod.readyContainers === pod.totalContainers,
            ),
        );
      const check = (): void => {
        if (!ready()) return;
        off();
        resolve();
      };
      const off = store.onChange(check);
      check();
    });
    grafanaIp = store.pods().find((pod) => pod.name.startsWith('grafana-'))!.podIP!;
    store.dispose();
  });

  after(() => stopLabCluster(lab));

  it("lists grafana.istio-system.svc.cluster.local|http on port 3000, as the book's curl does, and shows Pilot ready", async () => {
    await setTheme('Default Light Modern');
    await vscode.commands.executeCommand('istioLab.showRegistry');
    await assertShows('grafana.istio-system.svc.cluster.local|http', 'the registry does not list grafana|http');
    await assertShows(`${grafanaIp}:3000`, "grafana's endpoint on port 3000 is not listed");
    await assertShows(`Pilot — ${explain('pilot', 'en')} — ready: 1/1 pods`, 'the diagram does not show Pilot ready');
    await assertShows('via the API server service proxy', 'the panel does not say how it reached Pilot');
    await screenshot('registry-light');
    await setTheme('Default Dark Modern');
    await screenshot('registry-dark');
  });

  it('says what a 500 from Pilot means and what to do', async () => {
    lab.sandbox.faults.set({ debugEndpoints: [{ app: 'pilot', answer: 'error' }] });
    try {
      await vscode.commands.executeCommand('istioLab.showRegistry');
      await assertShows('Pilot answered HTTP 500', 'the 500 is not explained');
      await screenshot('registry-error-dark');
    } finally {
      lab.sandbox.faults.clear();
    }
  });

  it('falls back to a port-forward when RBAC denies services/proxy', async () => {
    lab.sandbox.faults.set({ deny: [{ verb: 'get', resource: 'services/proxy' }] });
    try {
      await vscode.commands.executeCommand('istioLab.showRegistry');
      await assertShows('via a port-forward to the pod', 'the fallback to a port-forward is not shown');
      await assertShows(
        'grafana.istio-system.svc.cluster.local|http',
        'the registry fetched through the port-forward is not listed',
      );
    } finally {
      lab.sandbox.faults.clear();
    }
  });

  // Last: it uninstalls Istio.
  it('after Istio is uninstalled, shows the pods as gone and the last registry as stale, not ready', async () => {
    await vscode.commands.executeCommand('istioLab.showRegistry');
    await assertShows('grafana.istio-system.svc.cluster.local|http', 'the registry is not shown before the uninstall');
    // The book's uninstall: delete what the demo applied (the istio-system namespace with it).
    const uninstall = await kubectl(lab.kubeconfig, lab.dir, [
      'delete',
      '-f',
      bookRelease('istio-demo.yaml'),
      '--ignore-not-found',
    ]);
    assert.equal(uninstall.code, 0, uninstall.output);
    // The open panel follows the pod watch: grafana's endpoint no longer says its pod is ready.
    await assertShows('pod gone', "the endpoints' pods are not shown as gone");
    await assertShows(
      `Pilot — ${explain('pilot', 'en')} — missing: no pods`,
      'the diagram does not show Pilot missing',
    );
    await vscode.commands.executeCommand('istioLab.showRegistry');
    await assertShows(
      'Pilot is no longer installed: this is the last registry it served',
      'the refresh does not mark the registry stale',
    );
    await assertShows(
      'Pilot is not installed: istio-system has neither',
      'the refresh does not say Pilot is not installed',
    );
    await screenshot('registry-uninstalled-dark');
  });
});
