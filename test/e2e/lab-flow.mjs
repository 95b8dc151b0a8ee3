// The lab's steps as a learner takes them in the workbench, each ending on what the learner sees.
// Used by lab.e2e.test.mjs (a healthy sandbox) and reliability.e2e.test.mjs (a faulty one).
import * as assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { root } from '../../scripts/lib/vscode-tests.mjs';
import { kubectl } from './lab-driver.mjs';

/** The book's `kubectl get po -n istio-system` after the install: name prefix, READY, STATUS. */
export function bookPods() {
  const text = fs.readFileSync(
    path.join(root, 'test', 'fixtures', 'istio', 'kubectl-get-po', 'book-1.2.2.txt'),
    'utf8',
  );
  return text
    .split('\n')
    .filter((line) => /^[a-z]/.test(line) && !line.startsWith('NAME'))
    .map((line) => {
      const [name, ready, status] = line.trim().split(/\s+/);
      // Deployment pods end in -<replicaset hash>-<pod hash>, job pods in -<pod hash>.
      const prefix =
        status === 'Completed' ? name.replace(/-[a-z0-9]{5}$/, '') : name.replace(/-[a-z0-9]+-[a-z0-9]{5}$/, '');
      return { prefix, ready, status };
    });
}

/** Pod rows of the tree (`istio-pilot-…, 2/2 · Running · 0 restarts · 3m`) as { name, ready, status }. */
export function podsOfRows(rows) {
  return rows
    .map((row) => /^([a-z0-9][a-z0-9.-]*), (\d+\/\d+) · ([^·]+?) · /.exec(row))
    .filter(Boolean)
    .map(([, name, ready, status]) => ({ name, ready, status: status.trim() }));
}

/** Which of the book's pods the tree does not show as the book does (empty once it matches). */
export function missingBookPods(pods) {
  return bookPods()
    .filter(
      (want) =>
        !pods.some(
          (pod) => pod.name.startsWith(`${want.prefix}-`) && pod.ready === want.ready && pod.status === want.status,
        ),
    )
    .map((want) => `${want.prefix} ${want.ready} ${want.status}`);
}

/** Fails with the text of every error notification shown so far. */
export async function assertNoErrors(workbench, step) {
  const errors = await workbench.errors();
  assert.deepEqual(errors, [], `error notifications after "${step}":\n${errors.join('\n')}`);
}

/** Waits until `check()` returns a truthy value, polling every `everyMs`. */
export async function waitUntil(what, check, { timeout = 180_000, everyMs = 1000, page }) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeout / 1000} s waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
      );
    await page.waitForTimeout(everyMs);
  }
}

export async function openLabGuide(workbench) {
  await workbench.runCommand('istioLab.openLabGuide');
  await workbench.page.getByText('Deploy Istio on Kubernetes').first().waitFor({ timeout: 60_000 });
  await workbench.showIstioLab();
}

export async function selectSandboxContext(workbench, shoot) {
  const row = workbench.quickInput().locator('.monaco-list-row', { hasText: 'istio-lab-sandbox' }).first();
  for (let attempt = 1; ; attempt++) {
    await workbench.runCommand('istioLab.selectContext');
    await row.waitFor({ timeout: 60_000 });
    await shoot?.('context');
    try {
      await row.click({ timeout: 10_000 });
      break;
    } catch (error) {
      // A quick pick closes when something else takes the focus (an editor opening at start-up).
      if (attempt >= 3) throw error;
    }
  }
  await workbench.quickInput().waitFor({ state: 'hidden', timeout: 30_000 });
  // The status bar names the cluster the lab works on.
  await workbench.page
    .locator('.statusbar-item', { hasText: 'istio-lab-sandbox' })
    .first()
    .waitFor({ timeout: 120_000 });
  await workbench.showIstioLab();
}

export async function downloadRelease(workbench, shoot, version = '1.2.2') {
  await workbench.runCommand('istioLab.downloadRelease');
  await workbench.pickByTyping(version);
  // Done when the release's layout opens: "Istio 1.2.2 … SHA-256 verified: <dir>".
  const title = workbench.quickInput().locator('.quick-input-title', { hasText: `Istio ${version}` });
  await title.waitFor({ timeout: 180_000 });
  await shoot?.('download');
  await workbench.closeQuickInput();
}

/** Answers the modal dialog a command shows before it changes the cluster by pressing `button`. */
export async function confirm(workbench, button, shoot) {
  const dialog = workbench.page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 120_000 });
  await shoot?.();
  await dialog.getByRole('button', { name: button, exact: true }).click();
  await dialog.waitFor({ state: 'hidden', timeout: 30_000 });
}

/** Reads the Istio Pods tree until it shows the book's 15 pods as the book does. */
export async function waitForBookPods(workbench, { timeout = 300_000 } = {}) {
  await workbench.showIstioLab();
  let pods = [];
  await waitUntil(
    "the Istio Pods tree to show the book's 15 pods",
    async () => {
      pods = podsOfRows(await workbench.podTreeRows());
      const missing = missingBookPods(pods);
      if (missing.length) throw new Error(`still missing: ${missing.join(', ')}`);
      return true;
    },
    { timeout, everyMs: 3000, page: workbench.page },
  );
  return pods;
}

export async function findGrafanaInRegistry(workbench, shoot) {
  await workbench.runCommand('istioLab.showRegistry');
  const key = 'grafana.istio-system.svc.cluster.local|http';
  const frame = await workbench.webviewFrameShowing('grafana.istio-system.svc.cluster.local', 180_000);
  const search = frame.locator('#search');
  await search.fill('grafana');
  await frame.getByText(key, { exact: false }).first().waitFor({ timeout: 60_000 });
  await shoot?.('registry');
}

export async function showPodLogs(workbench, shoot, podPrefix = 'istio-pilot-') {
  await workbench.showIstioLab();
  // The tree draws only the rows that fit: with Bookinfo's groups open, Pilot is below them.
  const index = (await workbench.podTreeItems()).find((item) => item.name.startsWith(podPrefix))?.index;
  if (index === undefined) throw new Error(`no ${podPrefix}… row in the Istio Pods tree`);
  await workbench.focusPodTreeRow(index);
  const row = workbench.podsPane().locator(`.monaco-list-row[data-index="${index}"]`);
  await row.click();
  await row.hover();
  await row.locator('.action-label[aria-label="Show Logs"]').click();
  // Pods with several containers ask which one.
  const quick = workbench.quickInput().locator('.monaco-list-row', { hasText: 'discovery' }).first();
  const output = workbench.page.locator('.part.panel .monaco-editor', { hasText: 'logs -f' });
  await waitUntil(
    'the log stream or the container pick',
    async () => {
      if (await quick.isVisible()) await quick.click();
      return output.first().isVisible();
    },
    { timeout: 120_000, everyMs: 500, page: workbench.page },
  );
  await shoot?.('logs');
}

/** True once the sandbox has no Istio left: no istio-system pods and no Istio CRDs. */
export function nothingInstalled(kubeconfig) {
  const pods = kubectl(kubeconfig, 'get', 'pods', '-n', 'istio-system', '-o', 'name').trim();
  const crds = kubectl(kubeconfig, 'get', 'crd', '-o', 'name')
    .split('\n')
    .filter((name) => name.includes('istio.io'));
  return pods === '' && crds.length === 0;
}

/** What of Istio is on the cluster, for messages: `12 pods, 23 CRDs`. */
export function installedSummary(kubeconfig) {
  const pods = kubectl(kubeconfig, 'get', 'pods', '-n', 'istio-system', '-o', 'name')
    .trim()
    .split('\n')
    .filter(Boolean).length;
  const crds = kubectl(kubeconfig, 'get', 'crd', '-o', 'name')
    .split('\n')
    .filter((name) => name.includes('istio.io')).length;
  return `${pods} pods in istio-system, ${crds} Istio CRDs`;
}

/**
 * After a command that reports in its own way (a notification, a quick pick, an editor), waits
 * until it showed something and no progress notification is still running.
 */
export async function waitForCommandToSettle(workbench, { timeout = 300_000 } = {}) {
  const page = workbench.page;
  const tabs = () => page.locator('.tabs-container .tab').count();
  const before = await tabs();
  await waitUntil(
    'the command to show its result',
    async () =>
      (await workbench.toast('').count()) > 0 ||
      (await workbench.quickInput().isVisible()) ||
      (await tabs()) !== before,
    { timeout: 120_000, everyMs: 250, page },
  );
  await waitUntil(
    'the command to finish',
    async () =>
      (await page.locator('.notifications-toasts .notification-toast .monaco-progress-container.active').count()) === 0,
    { timeout, everyMs: 500, page },
  );
}
