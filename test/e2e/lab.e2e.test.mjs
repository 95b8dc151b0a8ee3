// The whole lab in real (browser) VS Code on the sandbox, as a new user takes it after
// `npm start`: lab guide, sandbox context, download 1.2.2 from the offline mirror, pre-check,
// install, the book's 15 pods in the Istio Pods tree, grafana in Pilot's registry, a pod's logs,
// uninstall. Any error notification fails it. Screenshots of every step in light and dark:
// test-results/screenshots/e2e-<step>-<light|dark>.png.
import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import path from 'node:path';
import { Workbench, screenshotDir, startLab } from './lab-driver.mjs';
import {
  assertNoErrors,
  confirm,
  downloadRelease,
  findGrafanaInRegistry,
  installedSummary,
  nothingInstalled,
  openLabGuide,
  selectSandboxContext,
  showPodLogs,
  waitForBookPods,
  waitForCommandToSettle,
  waitUntil,
} from './lab-flow.mjs';

let lab;
let workbench;
const shoot = (step) => workbench.shoot(step);

before(async () => {
  lab = await startLab();
  workbench = await Workbench.open(lab);
});

after(async () => {
  await workbench?.close();
  const code = await lab?.stop();
  assert.ok(code === 0 || code === 'SIGINT' || code === 130, `npm start did not stop cleanly on Ctrl-C (${code})`);
});

/** Opens the lab guide and waits until it ticks each of these steps. */
async function assertGuideTicks(...titles) {
  await openLabGuide(workbench);
  for (const title of titles) {
    const ticked = workbench.page
      .locator('.getting-started-step', { hasText: title })
      .locator('.codicon-getting-started-step-checked');
    await ticked
      .first()
      .waitFor({ timeout: 30_000 })
      .catch(() => assert.fail(`the lab guide does not tick "${title}"`));
  }
}

// The steps build on each other: once one fails, the rest would only repeat its failure.
let failed;
const step = (name, body) =>
  test(name, { timeout: 600_000 }, async (t) => {
    if (failed) return t.skip(`an earlier step failed: ${failed}`);
    try {
      await body();
      await assertNoErrors(workbench, name);
    } catch (error) {
      failed = name;
      await workbench?.page.screenshot({ path: path.join(screenshotDir, 'e2e-failed.png') }).catch(() => undefined);
      throw error;
    }
  });

step('the lab guide opens from the command palette', async () => {
  await openLabGuide(workbench);
  // Shot once the lab has started (Lab Steps lists the steps) and the step's page has rendered.
  await workbench.page
    .locator('.monaco-list-row', { hasText: '1. Prepare a cluster' })
    .first()
    .waitFor({ timeout: 60_000 });
  await workbench.webviewFrameShowing('Istio runs on top of Kubernetes', 60_000);
  await shoot('guide');
});

step('the sandbox context is picked from the context picker', async () => {
  await selectSandboxContext(workbench, shoot);
});

step('Istio 1.2.2 downloads from the offline mirror and its layout opens', async () => {
  await downloadRelease(workbench, shoot);
});

step('the pre-check reports on the cluster', async () => {
  await workbench.runCommand('istioLab.checkCluster');
  await waitForCommandToSettle(workbench);
  // The report is a Markdown preview: the first one waits for the Markdown extension to activate.
  await workbench.webviewFrameShowing('Pre-check for Istio 1.2.2', 180_000);
  await shoot('precheck');
  await workbench.closeQuickInput();
});

step('Preview checks every object with a server dry run, then asks again whether to install', async () => {
  await workbench.runCommand('istioLab.installIstio');
  await confirm(workbench, 'Preview (Server Dry Run)', () => shoot('install'));
  await workbench.webviewFrameShowing('Install preview for Istio 1.2.2', 180_000);
  // The same question comes back, with what the preview found: every object accounted for.
  const dialog = workbench.page.locator('.monaco-dialog-box', { hasText: 'Preview: ' });
  await dialog.waitFor({ timeout: 60_000 });
  const text = await dialog.innerText();
  const total = Number(/(\d+) objects from istio-demo\.yaml/.exec(text)?.[1]);
  const found = /Preview: (\d+) would be created, (\d+) already there, (\d+) failed, (\d+) not checkable/.exec(text);
  assert.ok(total > 100 && found, `the confirmation after the preview says: ${text}`);
  assert.equal(Number(found[1]) + Number(found[2]) + Number(found[3]) + Number(found[4]), total, text);
  assert.equal(Number(found[3]), 0, text);
  await shoot('install-after-preview');
});

step("the install brings up the book's 15 pods in the Istio Pods tree", async () => {
  await confirm(workbench, 'Install');
  const pods = await waitForBookPods(workbench);
  assert.equal(
    pods.filter((pod) => pod.name.startsWith('istio-') || /^(grafana|kiali|prometheus)-/.test(pod.name)).length,
    15,
    JSON.stringify(pods),
  );
  await shoot('pods');
});

step("a pod's tooltip names its containers as Kubernetes does, with no Markdown escapes showing", async () => {
  const row = workbench.podsPane().locator('.monaco-list-row', { hasText: 'istio-pilot-' }).first();
  await row.scrollIntoViewIfNeeded();
  const text = await workbench.rowHoverText(row);
  await workbench.page.screenshot({ path: path.join(screenshotDir, `e2e-pod-tooltip-${workbench.theme}.png`) });
  assert.match(text, /istio-proxy docker\.io\/istio\/proxyv2:1\.2\.2/, text);
  assert.doesNotMatch(text, /\\/, text);
  await workbench.page.mouse.move(5, 400);
});

step('the lab guide ticks the steps done so far, as the Lab Steps view shows them', async () => {
  await assertGuideTicks(
    'Prepare a Kubernetes cluster',
    'Download Istio 1.2.2',
    'Pre-check the cluster with istioctl',
    'Install the demo profile',
    'Watch the control plane come up',
  );
  await shoot('guide-ticked');
});

step('the registry viewer lists grafana.istio-system.svc.cluster.local|http', async () => {
  await findGrafanaInRegistry(workbench, shoot);
});

step("clicking Pilot in the architecture diagram completes the lab's architecture step", async () => {
  const frame = await workbench.webviewFrameShowing('grafana.istio-system.svc.cluster.local', 30_000);
  await frame.locator('[data-component="pilot"]').first().click();
  const done = workbench.page
    .locator('.monaco-list-row', { hasText: "7. Istio's architecture" })
    .filter({ hasText: 'done' });
  await done
    .first()
    .waitFor({ timeout: 30_000 })
    .catch(() => assert.fail('the Lab Steps view does not show the architecture step done'));
  await assertGuideTicks("Understand Istio's architecture", "Query Pilot's service registry");
});

step("a pod's logs stream into an output channel", async () => {
  await showPodLogs(workbench, shoot);
});

step('the uninstall leaves nothing of Istio on the cluster', async () => {
  await workbench.runCommand('istioLab.uninstallIstio');
  await confirm(workbench, 'Uninstall', () => shoot('uninstall-confirm'));
  await waitUntil(
    `the uninstall to remove everything (${installedSummary(lab.kubeconfig)})`,
    () => nothingInstalled(lab.kubeconfig),
    {
      timeout: 300_000,
      everyMs: 2000,
      page: workbench.page,
    },
  );
  await waitForCommandToSettle(workbench);
  await shoot('uninstall');
});
