// The registry webview's Proxies tab (dist/webview.js) in real headless Chromium: istioctl
// proxy-status's table from Pilot 1.2's /debug/syncz, a STALE proxy standing out, a click that
// reveals the pod, the data-plane box counted from the proxies, Korean, and a syncz error; and,
// as the E2E screenshots showed it beside the diagram in an 800-pixel editor, rows the search
// leaves out off screen (the rows' `display: grid` outranked `hidden`) and istioctl's seven
// columns all reachable, the header and the rows scrolling sideways together.
// Build first: `node esbuild.js`.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseSyncz } from '../../src/istio/registry/proxy-sync';
import { parseRegistration } from '../../src/istio/registry/legacy-registration';
import type { ExtensionMessage, ProxySync } from '../../src/shared/registry-messages';
import type { WebviewPage } from './webview-page';
import { browserForTests, initMessage, openWebview, root, shownRows } from './webview-page';

const bookinfo = fs.readFileSync(
  path.join(root, 'test', 'fixtures', 'istio', 'registry', 'legacy-registration-bookinfo.json'),
  'utf8',
);

/** Pilot 1.2's syncz for two Bookinfo sidecars (one behind on endpoints) and the ingress gateway. */
function syncz(): string {
  const synced = (proxy: string): Record<string, unknown> => {
    const entry: Record<string, unknown> = {
      proxy,
      proxy_version: '1.2.2',
      istio_version: '1.2.2',
      endpoint_percent: 100,
    };
    for (const type of ['cluster', 'listener', 'route', 'endpoint'])
      entry[`${type}_sent`] = entry[`${type}_acked`] = '2019-07-01 10:00:00.1 +0000 UTC m=+1.0';
    return entry;
  };
  const stale = {
    ...synced('sidecar~10.8.0.13~reviews-v2-5b64f47978-kxk7p.default~default.svc.cluster.local'),
    endpoint_sent: '2019-07-01 10:00:04.1 +0000 UTC m=+5.0',
  };
  return JSON.stringify(
    [
      synced('sidecar~10.8.0.12~productpage-v1-7d6cfb7dfd-5mc96.default~default.svc.cluster.local'),
      stale,
      synced('router~10.8.0.7~istio-ingressgateway-6b5b9b8b4f-8lm2z.istio-system~istio-system.svc.cluster.local'),
    ],
    null,
    4,
  );
}

function registryMessage(proxies: ProxySync): ExtensionMessage {
  return {
    type: 'registry',
    era: 'legacy',
    snapshot: parseRegistration(bookinfo),
    raw: bookinfo,
    rawTruncated: false,
    fetchedAt: Date.UTC(2026, 0, 1, 12, 0, 0),
    via: 'service-proxy',
    commands: [],
    proxies,
  };
}

const PROXIES: ProxySync = {
  rows: parseSyncz(syncz(), 'istio-pilot-5f9b7c8d4-abcde', { endpointPercent: true }),
  command: 'istioctl proxy-status',
};

const proxyRows = (view: WebviewPage): Promise<string[]> => shownRows(view, '#proxies-table .proxy-row:not([hidden])');

const browser = browserForTests();

test('the Proxies tab prints istioctl proxy-status, a STALE proxy stands out and a click reveals its pod', async () => {
  const view = await openWebview(browser());
  await view.send(initMessage());
  await view.send(registryMessage(PROXIES));
  await view.page.click('#tab-proxies');
  assert.equal(await view.page.getAttribute('#tab-proxies', 'aria-selected'), 'true');
  assert.deepEqual(await proxyRows(view), [
    'istio-ingressgateway-6b5b9b8b4f-8lm2z.istio-system | SYNCED | SYNCED | SYNCED (100%) | SYNCED | istio-pilot-5f9b7c8d4-abcde | 1.2.2',
    'productpage-v1-7d6cfb7dfd-5mc96.default | SYNCED | SYNCED | SYNCED (100%) | SYNCED | istio-pilot-5f9b7c8d4-abcde | 1.2.2',
    'reviews-v2-5b64f47978-kxk7p.default | SYNCED | SYNCED | STALE (4s) (100%) | SYNCED | istio-pilot-5f9b7c8d4-abcde | 1.2.2',
  ]);
  assert.equal(await view.page.textContent('#proxies-summary'), '3 proxies, 2 synced');
  const staleColour = await view.page.$eval(
    '.proxy-row[data-state="stale"] .xds.stale',
    (cell) => getComputedStyle(cell).fontWeight,
  );
  assert.equal(staleColour, '600', 'the STALE cell is bold');
  assert.match((await view.page.textContent('#commands')) ?? '', /istioctl proxy-status/);
  await view.page.click('.proxy-row[data-pod="reviews-v2-5b64f47978-kxk7p"]');
  assert.ok(
    (await view.posted()).some(
      (m) => m.type === 'revealPod' && m.namespace === 'default' && m.name === 'reviews-v2-5b64f47978-kxk7p',
    ),
  );
  await view.page.fill('#search', 'stale');
  assert.equal((await proxyRows(view)).length, 1, 'the search box filters the proxies too');
  assert.equal(await view.page.textContent('#proxies-summary'), 'showing 1 of 3 proxies');
  assert.deepEqual(view.errors, []);
  await view.page.close();
});

test('the data-plane box counts proxies as Pilot sees them, partly synced in amber', async () => {
  const view = await openWebview(browser());
  await view.send(initMessage());
  await view.send({
    type: 'health',
    era: 'legacy',
    components: [
      { id: 'pilot', ready: 1, desired: 1, title: 'Pilot' },
      { id: 'sidecars', ready: 2, desired: 2, title: 'Envoy sidecars' },
    ],
  });
  await view.send(registryMessage(PROXIES));
  assert.equal(await view.page.getAttribute('[data-component="sidecars"]', 'data-state'), 'partial');
  assert.equal(await view.page.textContent('[data-component="sidecars"] .count'), '2/3 synced');
  await view.send(
    registryMessage({ rows: PROXIES.rows.filter((row) => row.state === 'synced'), command: 'istioctl proxy-status' }),
  );
  assert.equal(await view.page.getAttribute('[data-component="sidecars"]', 'data-state'), 'ready');
  await view.page.close();
});

test('no proxy yet says how to get one, in Korean too; a syncz error is shown, the registry stays', async () => {
  const view = await openWebview(browser(), { locale: 'ko' });
  await view.send(initMessage('proxies'));
  await view.send(registryMessage({ rows: [], command: 'istioctl proxy-status' }));
  assert.equal(await view.page.isVisible('#panel-proxies'), true, 'the saved tab is restored');
  assert.match(
    (await view.page.textContent('#proxies-empty')) ?? '',
    /istio-injection=enabled.*Bookinfo|Bookinfo.*istio-injection=enabled/,
  );
  assert.equal(await view.page.textContent('#tab-proxies'), '프록시');
  await view.send(registryMessage({ rows: [], command: 'istioctl proxy-status', error: 'Pilot answered 503' }));
  assert.match((await view.page.textContent('#proxies-empty')) ?? '', /Pilot answered 503/);
  await view.page.click('#tab-table');
  assert.ok((await view.page.$$('#registry-table .row')).length > 0, 'the registry still shows');
  await view.page.close();
});

test('beside the diagram, the Proxies tab hides what the search leaves out and scrolls to every column', async () => {
  const view = await openWebview(browser(), { width: 800, height: 700 });
  await view.send(initMessage('proxies'));
  const row = PROXIES.rows[0];
  await view.send(
    registryMessage({ ...PROXIES, rows: [row, { ...row, name: 'details-v1-77899cbd79-mcz9b.default' }] }),
  );
  const rows = view.page.locator('#proxies-table .proxy-row');
  await rows.first().waitFor();

  // Every column is there to scroll to: nothing of the header is clipped inside its row.
  const header = await view.page.$eval('#panel-proxies .proxy-row.header', (element) => ({
    clipped: element.scrollWidth > element.clientWidth,
    last: element.lastElementChild?.textContent,
  }));
  assert.deepEqual(header, { clipped: false, last: 'VERSION' });
  const version = await view.page.$eval('#proxies-table .proxy-row:not([hidden])', (element) => {
    const cell = element.lastElementChild!.getBoundingClientRect();
    return {
      inRow: cell.right <= element.getBoundingClientRect().right + 0.5,
      text: element.lastElementChild!.textContent,
    };
  });
  assert.deepEqual(version, { inRow: true, text: '1.2.2' });

  // A search that matches no proxy leaves no row on screen.
  await view.page.fill('#search', 'no-such-proxy');
  await view.page.locator('#proxies-summary', { hasText: 'showing 0 of 2 proxies' }).waitFor();
  const visible = await rows.evaluateAll((elements) => elements.filter((element) => element.checkVisibility()).length);
  assert.equal(visible, 0);
  assert.deepEqual(view.errors, []);
  await view.page.close();
});
