// The lab's "Deploy the sample app" step through its commands, against an in-process sandbox with
// the book's Istio 1.2.2 installed: declining the namespace label refuses with the one-line fix and
// creates nothing; Deploy the Sample App labels `default`, creates the release's bookinfo.yaml
// through the install engine and ticks the step once the 6 Bookinfo pods are 2/2 Running, which the
// Istio Pods view shows as the data plane; Remove the Sample App deletes them and keeps the label.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ApplyReport, DeleteReport } from '../../src/kube/apply/apply-engine';
import { diagnosePod, podHealth } from '../../src/istio/pod-diagnosis';
import { classifyPod } from '../../src/istio/roles/role-classifier';
import type { PodObject } from '../../src/kube/pod-summary';
import { summarizePod } from '../../src/kube/pod-summary';
import type { StepState } from '../../src/lab/lab-progress';
import { podTooltip } from '../../src/ui/pod-tree-items';
import type { Sandbox } from '../../src/sandbox';
import type { IstioSandbox } from './istio-sandbox';
import { startIstioSandbox } from './istio-sandbox';
import { assertShows, notCheckedOnDesktop, screenshot, treeRows } from './ui-helpers';

const BOOKINFO_APPS = /^(details|ratings|reviews|productpage)-v\d-/;

describe('Deploy the sample app (Bookinfo) through the commands', function () {
  this.timeout(300_000);
  let lab: IstioSandbox;
  let sandbox: Sandbox;
  let bookinfo: string;

  const defaultLabels = () =>
    sandbox.store.list('/namespaces').find((namespace) => namespace.metadata.name === 'default')?.metadata.labels ?? {};
  const bookinfoPods = () =>
    sandbox.store.list('/pods', 'default').filter((pod) => BOOKINFO_APPS.test(pod.metadata.name ?? ''));
  const stepState = () => vscode.commands.executeCommand<StepState>('istioLab.labStepState', 'sample-app');

  before(async () => {
    lab = await startIstioSandbox('sample-app');
    ({ sandbox, bookinfo } = lab);
  });

  after(() => lab?.close());

  it('refuses a bookinfo.yaml without a Deployment instead of waiting for pods that cannot come', async () => {
    const servicesOnly = path.join(lab.dir, 'bookinfo-services-only.yaml');
    fs.writeFileSync(
      servicesOnly,
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: details\nspec:\n  ports:\n  - port: 9080\n',
    );
    const report = await vscode.commands.executeCommand<ApplyReport | undefined>('istioLab.deploySampleApp', {
      version: '1.2.2',
      bookinfo: servicesOnly,
      label: true,
      yes: true,
    });
    assert.equal(report, undefined);
    assert.equal(defaultLabels()['istio-injection'], undefined, 'the namespace may not be labelled for nothing');
    assert.ok(
      sandbox.store.list('/services', 'default').every((service) => service.metadata.name !== 'details'),
      'nothing may be created',
    );
    await assertShows('has no Deployment, so there is no sample app to deploy', 'the refusal does not say why');
  });

  it('refuses when the learner declines the label, with the one-line fix, and creates nothing', async () => {
    const report = await vscode.commands.executeCommand<ApplyReport | undefined>('istioLab.deploySampleApp', {
      version: '1.2.2',
      bookinfo,
      label: false,
    });
    assert.equal(report, undefined);
    assert.equal(defaultLabels()['istio-injection'], undefined);
    assert.equal(sandbox.store.list('apps/deployments', 'default').length, 0, 'nothing of Bookinfo may be created');
    const state = await stepState();
    assert.deepEqual(state.hint, { code: 'namespace-not-labelled', namespace: 'default' });
    await assertShows(
      'Fix: kubectl label namespace default istio-injection=enabled',
      'the refusal does not give the fix',
    );
    const why = await vscode.commands.executeCommand<string>('istioLab.explainStep', 'sample-app');
    assert.equal(
      why,
      'Step 6, Deploy the sample app: not yet. the namespace default is not labelled for injection: kubectl label namespace default istio-injection=enabled',
    );
  });

  it('labels default, deploys Bookinfo with the install engine, and ticks the step when all 6 pods are 2/2', async () => {
    const report = await vscode.commands.executeCommand<ApplyReport>('istioLab.deploySampleApp', {
      version: '1.2.2',
      bookinfo,
      label: true,
      yes: true,
    });
    assert.ok(report, 'the deploy returned no report');
    assert.deepEqual(
      report.results.filter((result) => result.outcome !== 'created').map((result) => result.name),
      [],
    );
    assert.equal(report.results.filter((result) => result.object.kind === 'Deployment').length, 6);
    assert.equal(defaultLabels()['istio-injection'], 'enabled');
    const pods = bookinfoPods();
    assert.equal(pods.length, 6);
    for (const pod of pods) {
      const containers = (pod.spec as { containers: { name: string }[] }).containers.map((container) => container.name);
      assert.ok(
        containers.includes('istio-proxy'),
        `${pod.metadata.name} has no istio-proxy: ${containers.join(', ')}`,
      );
    }
    assert.deepEqual(await stepState().then((state) => [state.status, state.detail]), ['done', 'default']);
    await assertShows('Bookinfo runs in default: 6 pods 2/2', 'the deploy did not say Bookinfo runs');

    // The Istio Pods view: the data plane's sidecar group, each Bookinfo pod 2/2 Running.
    // The sidecar group starts collapsed (it can hold many pods): reveal each Bookinfo pod, as a
    // click on a proxy does, and read its row while it is in the viewport.
    await vscode.commands.executeCommand('istioLab.pods.focus');
    const shown = new Map<string, string>();
    let group: string | undefined;
    let rows: Awaited<ReturnType<typeof treeRows>>;
    for (const pod of pods) {
      const name = pod.metadata.name!;
      assert.equal(
        await vscode.commands.executeCommand<boolean>('istioLab.pods.reveal', 'default', name),
        true,
        `${name} is not in the tree`,
      );
      for (const deadline = Date.now() + 30_000; !shown.has(name) && Date.now() < deadline;) {
        rows = await treeRows('Istio Pods');
        if (rows === undefined) break;
        for (const row of rows.filter((entry) => BOOKINFO_APPS.test(entry.label)))
          shown.set(row.label, row.description);
        group = rows.find((row) => row.label === 'Data plane: sidecars')?.description ?? group;
        if (!shown.has(name)) await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    if (rows === undefined) {
      notCheckedOnDesktop('the Istio Pods view shows the 6 Bookinfo pods 2/2 as the data plane');
    } else {
      assert.deepEqual([...shown.keys()].sort(), pods.map((pod) => pod.metadata.name).sort(), JSON.stringify(rows));
      assert.ok(
        [...shown.values()].every((description) => description.startsWith('2/2 · Running')),
        JSON.stringify([...shown]),
      );
      assert.match(group ?? '', /^6 pods in 1 namespace · 6\/6 ready/);
    }
    await screenshot('sample-app-pods');

    // A Bookinfo pod's tooltip, from the pod the sandbox's injector changed: app and sidecar named,
    // the webhook, the namespace label and the proxy image.
    const summary = summarizePod(pods.find((pod) => pod.metadata.name?.startsWith('productpage-'))! as PodObject);
    const problems = diagnosePod(summary, Date.now());
    const role = classifyPod(summary);
    assert.equal(role.component, 'sidecar');
    const tooltip = podTooltip(
      {
        kind: 'pod',
        id: summary.uid,
        children: [],
        pod: summary,
        role,
        problems,
        health: podHealth(summary, problems),
      },
      problems,
    ).value.replace(/\\([!-/:-@[-`{-~])/g, '$1');
    const proxyImage = summary.containers.find((container) => container.name === 'istio-proxy')!.image;
    assert.match(tooltip, /\*\*App:\*\* productpage · \*\*Sidecar:\*\* istio-proxy/);
    assert.ok(
      tooltip.includes(
        `the sidecar-injector.istio.io webhook of the MutatingWebhookConfiguration istio-sidecar-injector added istio-proxy (${proxyImage}) because the namespace default is labelled istio-injection=enabled`,
      ),
      tooltip,
    );
  });

  it('removes what bookinfo.yaml created, and says the label stays', async () => {
    const report = await vscode.commands.executeCommand<DeleteReport>('istioLab.removeSampleApp', {
      version: '1.2.2',
      bookinfo,
      yes: true,
    });
    assert.equal(report.results.filter((result) => result.outcome === 'failed').length, 0);
    assert.equal(sandbox.store.list('apps/deployments', 'default').length, 0);
    assert.equal(defaultLabels()['istio-injection'], 'enabled');
    assert.equal((await stepState()).status, 'todo');
    await assertShows(
      'kubectl label namespace default istio-injection-',
      'the removal does not say how to remove the label',
    );
  });
});
