// The lab's data plane as a learner meets it in the workbench: Deploy the Sample App from the
// command palette, Bookinfo's pods under "Data plane: sidecars" in the Istio Pods tree, and the
// registry viewer's Proxies tab read from its rendered rows (istioctl proxy-status's columns).
import * as assert from 'node:assert/strict';
import { confirm, podsOfRows, waitUntil } from './lab-flow.mjs';

/** Bookinfo's pods and workloads (samples/bookinfo/platform/kube/bookinfo.yaml): details-v1, reviews-v2… */
const BOOKINFO = /^(details|ratings|reviews|productpage)-v\d\b/;
const SIDECARS_GROUP = 'Data plane: sidecars';

/** Deploy the Sample App, labelling `default` when asked; done when Lab Steps ticks step 6. */
export async function deploySampleApp(workbench, shoot) {
  await workbench.runCommand('istioLab.deploySampleApp');
  // The question names what it will create: the release's real bookinfo.yaml, not an empty file.
  const dialog = workbench.page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 120_000 });
  const question = await dialog.innerText();
  const objects = Number(/(\d+) objects from bookinfo\.yaml/.exec(question)?.[1]);
  assert.ok(objects >= 10, `the deploy's question says: ${question}`);
  await confirm(workbench, workbench.t('Label and Deploy'), () => shoot?.('sample-app-confirm'));
  // The deploy waits (up to 5 min) for every Bookinfo pod to be 2/2 Running, then ticks the step.
  await workbench.showIstioLab();
  await workbench.page
    .locator('.monaco-list-row', { hasText: '6. Deploy the sample app' })
    .filter({ hasText: 'done' })
    .first()
    .waitFor({ timeout: 330_000 })
    .catch(() => assert.fail('the Lab Steps view does not show the sample-app step done'));
}

/**
 * Expands the sidecar group and Bookinfo's workloads in the Istio Pods tree; returns the group's
 * row (`name, description`) and the pods under it, as { name, ready, status }.
 */
export async function dataPlanePods(workbench) {
  await workbench.showIstioLab();
  await workbench.expandPodTree((name) => name === SIDECARS_GROUP || BOOKINFO.test(name));
  const items = await workbench.podTreeItems();
  const start = items.findIndex((item) => item.name === SIDECARS_GROUP);
  if (start < 0) return { group: undefined, pods: [] };
  const group = items[start];
  const end = items.findIndex((item, index) => index > start && item.level <= group.level);
  const under = items.slice(start + 1, end < 0 ? undefined : end);
  // Left showing the group and its pods, for the screenshot.
  await workbench.focusPodTreeRow(start + under.length);
  return { group: `${group.name}, ${group.description}`, pods: podsOfRows(under.map((item) => item.label)) };
}

/**
 * The registry viewer's frame on its Proxies tab. A restarted workbench restores its editors
 * after the window opens (the guide's walkthrough among them), and one restored late can cover
 * the viewer, whose frame is not kept while hidden, just before or after it is found: then the
 * viewer is shown and looked for again, for up to 3 minutes.
 */
export async function openProxiesTab(workbench) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    await workbench.runCommand('istioLab.showRegistry');
    try {
      const frame = await workbench.webviewFrame('the Proxies tab', (inner) => inner.locator('#tab-proxies'), 20_000);
      await frame.locator('#tab-proxies').click();
      await frame.locator('#panel-proxies').waitFor({ timeout: 30_000 });
      // Every proxy: no search text, no component chosen in the diagram (earlier steps leave both).
      await frame.locator('#search').fill('');
      const clearComponent = frame.locator('#component-filter button.link');
      if (await clearComponent.isVisible()) await clearComponent.click();
      return frame;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}

/** The Proxies table's rows as rendered: { name, cds, lds, eds, rds, pilot, version, state }. */
export function proxyRows(frame) {
  return frame.locator('#proxies-table .proxy-row:not([hidden])').evaluateAll((rows) =>
    rows.map((row) => {
      const [name, cds, lds, eds, rds, pilot, version] = [...row.children].map((cell) => cell.textContent.trim());
      return { name, cds, lds, eds, rds, pilot, version, state: row.dataset.state };
    }),
  );
}

/**
 * Opens the Proxies tab and presses Refresh (as a learner would, each time a fetch has ended)
 * until its rows satisfy `check`; returns the frame and the rows.
 */
export async function proxiesShowing(workbench, what, check) {
  let frame = await openProxiesTab(workbench);
  let rows = [];
  await waitUntil(
    `the Proxies tab to show ${what}`,
    async () => {
      if (frame.isDetached()) frame = await openProxiesTab(workbench);
      rows = await proxyRows(frame);
      if (check(rows)) return true;
      await frame.locator('#progress').waitFor({ state: 'hidden', timeout: 120_000 });
      await frame.locator('#refresh').click();
      throw new Error(`the table shows ${JSON.stringify(rows, null, 1)}`);
    },
    { timeout: 180_000, everyMs: 3000, page: workbench.page },
  );
  return { frame, rows };
}

/** A proxy Pilot calls STALE: at least one xDS push not acknowledged. */
export const isStale = (row) =>
  row.state === 'stale' && [row.cds, row.lds, row.eds, row.rds].some((cell) => cell.startsWith('STALE'));
/** SYNCED in every xDS column; EDS adds its percentage (`SYNCED (100%)`) as istioctl 1.2 prints it. */
export const isSynced = (row) =>
  row.state === 'synced' && [row.cds, row.lds, row.eds, row.rds].every((cell) => cell.startsWith('SYNCED'));

/** Bookinfo's 6 proxies and the two gateways, by the pod each row names (`reviews-v2-….default`). */
export function proxyNames(rows) {
  return rows
    .map((row) => row.name.replace(/-[a-z0-9]+-[a-z0-9]{5}\.([a-z0-9-]+)$/, '.$1'))
    .sort()
    .join(', ');
}

export const EXPECTED_PROXIES = [
  'details-v1.default',
  'istio-egressgateway.istio-system',
  'istio-ingressgateway.istio-system',
  'productpage-v1.default',
  'ratings-v1.default',
  'reviews-v1.default',
  'reviews-v2.default',
  'reviews-v3.default',
].join(', ');
