// The whole lab in real (browser) VS Code on the sandbox, as a new user takes it after
// `npm start`: lab guide, sandbox context, download 1.2.2 from the offline mirror, pre-check,
// install, the book's 15 pods in the Istio Pods tree, grafana in Pilot's registry, the
// architecture step, the sample app (Bookinfo 2/2 under the data plane), every proxy SYNCED in the
// Proxies tab and one STALE once its ACKs are delayed, a pod's logs, then the same lab restarted
// in Korean for the Proxies tab and the uninstall. Any error notification fails it. Screenshots
// of every step in light and dark: test-results/screenshots/e2e-<step>-<light|dark>.png
// (e2e-ko-… in Korean).
//
// The sandbox runs with one fault rule, which matches no pod until the step that labels one:
// `proxyAckDelay` (src/sandbox/faults/fault-config.ts) on pods labelled ACK_DELAY_LABEL, whose
// Envoy then leaves Pilot's last push unacknowledged.
import * as assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { after, before, test } from 'node:test';
import path from 'node:path';
import { Workbench, kubectl, screenshotDir, startLab } from './lab-driver.mjs';
import {
  EXPECTED_PROXIES,
  dataPlanePods,
  deploySampleApp,
  isStale,
  isSynced,
  proxiesShowing,
  proxyNames,
} from './data-plane-flow.mjs';
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

const ACK_DELAY_LABEL = { key: 'e2e-ack-delay', value: 'on' };

let lab;
let workbench;
let faultsFile;
const shoot = (step) => workbench.shoot(step, lab.locale === 'en' ? 'e2e' : `e2e-${lab.locale}`);
const stoppedCleanly = (code) =>
  assert.ok(code === 0 || code === 'SIGINT' || code === 130, `npm start did not stop cleanly on Ctrl-C (${code})`);

before(async () => {
  faultsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-e2e-faults-')), 'faults.json');
  const faults = { proxyAckDelay: [{ labels: { [ACK_DELAY_LABEL.key]: ACK_DELAY_LABEL.value } }] };
  fs.writeFileSync(faultsFile, JSON.stringify(faults, null, 2));
  lab = await startLab({ faultsFile });
  workbench = await Workbench.open(lab);
});

after(async () => {
  await workbench?.close();
  stoppedCleanly(await lab?.stop());
  if (faultsFile) fs.rmSync(path.dirname(faultsFile), { recursive: true, force: true });
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

step('Deploy the Sample App labels default, deploys Bookinfo and ticks step 6', async () => {
  await deploySampleApp(workbench, shoot);
  await shoot('sample-app');
});

step("the Istio Pods view shows Bookinfo's 6 pods 2/2 Running under Data plane: sidecars", async () => {
  const { group, pods } = await dataPlanePods(workbench);
  assert.match(group ?? '', /^Data plane: sidecars, 6 pods in 1 namespace · 6\/6 ready/, group);
  assert.deepEqual(
    pods.map((pod) => pod.name.replace(/-[a-z0-9]+-[a-z0-9]{5}$/, '')).sort(),
    ['details-v1', 'productpage-v1', 'ratings-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3'],
    JSON.stringify(pods),
  );
  assert.ok(
    pods.every((pod) => pod.ready === '2/2' && pod.status === 'Running'),
    JSON.stringify(pods),
  );
  await shoot('sample-app-pods');
});

step('the Proxies tab lists the 8 proxies (Bookinfo and both gateways), all SYNCED', async () => {
  const { frame, rows } = await proxiesShowing(
    workbench,
    '8 proxies, all SYNCED',
    (shown) => shown.length === 8 && shown.every(isSynced),
  );
  assert.equal(proxyNames(rows), EXPECTED_PROXIES);
  assert.ok(
    rows.every((row) => row.version === '1.2.2' && row.pilot.startsWith('istio-pilot-')),
    JSON.stringify(rows),
  );
  assert.match(await frame.locator('#proxies-summary').innerText(), /^8 proxies, 8 synced$/);
  await shoot('proxies');
});

step("a proxy whose Envoy does not acknowledge Pilot's push shows STALE, the others SYNCED", async () => {
  const reviews = kubectl(lab.kubeconfig, 'get', 'pods', '-n', 'default', '-l', 'app=reviews,version=v2', '-o', 'name');
  const pod = reviews.trim().split('\n')[0];
  assert.match(pod, /^pod\/reviews-v2-/);
  kubectl(lab.kubeconfig, 'label', '-n', 'default', pod, `${ACK_DELAY_LABEL.key}=${ACK_DELAY_LABEL.value}`);
  const { frame, rows } = await proxiesShowing(
    workbench,
    'reviews-v2 STALE',
    (shown) => shown.length === 8 && shown.some(isStale),
  );
  const stale = rows.filter((row) => !isSynced(row));
  assert.deepEqual(
    stale.map((row) => row.name),
    [`${pod.slice('pod/'.length)}.default`],
    JSON.stringify(rows),
  );
  assert.ok(isStale(stale[0]) && stale[0].state === 'stale', JSON.stringify(stale[0]));
  assert.match(await frame.locator('#proxies-summary').innerText(), /^8 proxies, 7 synced$/);
  await shoot('proxies-stale');
});

step("a pod's logs stream into an output channel", async () => {
  await showPodLogs(workbench, shoot);
});

step('restarted in Korean on the same cluster, the Proxies tab shows the same 8 proxies in Korean words', async () => {
  await workbench.close();
  workbench = undefined;
  const home = lab.home;
  stoppedCleanly(await lab.stop({ keepHome: true }));
  lab = await startLab({ faultsFile, locale: 'ko', home });
  workbench = await Workbench.open(lab);
  const { frame, rows } = await proxiesShowing(
    workbench,
    '8 proxies, one STALE',
    (shown) => shown.length === 8 && shown.filter(isSynced).length === 7,
  );
  assert.equal(proxyNames(rows), EXPECTED_PROXIES);
  const hangul = /[\uac00-\ud7a3]/;
  assert.equal(await frame.evaluate(() => globalThis.document.documentElement.lang), 'ko');
  for (const text of [
    await frame.locator('#tab-proxies').innerText(),
    await frame.locator('#proxies-summary').innerText(),
  ])
    assert.match(text, hangul, `not in Korean: ${text}`);
  await shoot('proxies');
});

step('the uninstall leaves nothing of Istio on the cluster', async () => {
  await workbench.runCommand('istioLab.uninstallIstio');
  await confirm(workbench, workbench.t('Uninstall'), () => shoot('uninstall-confirm'));
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
