// The built registry webview (dist/webview.js) in real headless Chromium, under its real CSP:
// rendering, search, keyboard, refresh highlights, the diagram's live state, themes, Korean, and
// hostile service names that must stay text. Build first: `node esbuild.js`.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseRegistration } from '../../src/istio/registry/legacy-registration';
import { diffSnapshots } from '../../src/istio/registry/registry-model';
import type { ComponentHealth, ExtensionMessage, RegistrySnapshot } from '../../src/shared/registry-messages';
import type { WebviewPage } from './webview-page';
import { browserForTests, initMessage, openWebview, root, setTheme, shownRows } from './webview-page';

const bookinfo = fs.readFileSync(
  path.join(root, 'test', 'fixtures', 'istio', 'registry', 'legacy-registration-bookinfo.json'),
  'utf8',
);

function registryMessage(
  snapshot: RegistrySnapshot,
  extra: Partial<Extract<ExtensionMessage, { type: 'registry' }>> = {},
): ExtensionMessage {
  return {
    type: 'registry',
    era: 'legacy',
    snapshot,
    raw: bookinfo,
    rawTruncated: false,
    fetchedAt: Date.UTC(2026, 0, 1, 12, 0, 0),
    via: 'service-proxy',
    commands: [
      {
        label: 'commandGetRaw',
        command:
          'kubectl get --raw /api/v1/namespaces/istio-system/services/http:istio-pilot:8080/proxy/v1/registration',
      },
    ],
    ...extra,
  };
}

const browser = browserForTests();

/** The registry webview as the panel leaves it after `ready`: the page, then its `init`. */
async function openRegistry(options: Parameters<typeof openWebview>[1] = {}): Promise<WebviewPage> {
  const view = await openWebview(browser(), options);
  await view.send(initMessage());
  return view;
}

/** The diagram's live state of the Istio 1.0–1.4 components, as the panel posts it. */
const legacyHealth = (components: ComponentHealth[]): ExtensionMessage => ({
  type: 'health',
  era: 'legacy',
  components,
});

const rowTexts = (view: WebviewPage): Promise<string[]> =>
  shownRows(view, '.row:not([hidden])', { skipEmptyCells: true });

test('renders the registry grouped by namespace, service, port and endpoint, with counts', async () => {
  const view = await openRegistry();
  await view.send(registryMessage(parseRegistration(bookinfo)));
  const rows = await rowTexts(view);
  assert.deepEqual(rows.slice(0, 4), [
    '▾ | nino | 2 services · 4 endpoints',
    '▾ | details.nino.svc.cluster.local | 1 port · 1 endpoint',
    '▾ | http | details.nino.svc.cluster.local|http  · 1 endpoint',
    '10.244.0.37:9080',
  ]);
  assert.equal(rows.length, 9);
  assert.equal(await view.page.textContent('#summary'), '2 services · 2 ports · 4 endpoints');
  assert.match((await view.page.textContent('#era')) ?? '', /Pilot \/v1\/registration/);
  assert.match((await view.page.textContent('#commands')) ?? '', /kubectl get --raw/);
  assert.deepEqual(view.errors, [], 'the page logged errors (a CSP violation?)');
  await view.page.close();
});

test('filters as you type, says how many services it shows, and clears with Escape', async () => {
  const view = await openRegistry();
  await view.send(registryMessage(parseRegistration(bookinfo)));
  await view.page.fill('#search', '10.244.0.41');
  const rows = await rowTexts(view);
  assert.deepEqual(rows, [
    '▾ | nino | 1 service · 3 endpoints',
    '▾ | reviews.nino.svc.cluster.local | 1 port · 3 endpoints',
    '▾ | http | reviews.nino.svc.cluster.local|http  · 3 endpoints',
    '10.244.0.41:9080',
  ]);
  assert.match((await view.page.textContent('#summary')) ?? '', /showing 1 of 2 services/);
  const state = (await view.posted()).filter((m) => m.type === 'state').at(-1);
  assert.deepEqual(
    state,
    { type: 'state', state: { filter: '10.244.0.41', tab: 'table' } },
    'the filter is saved for restore',
  );
  await view.page.fill('#search', 'no-such-thing');
  assert.equal(await view.page.isVisible('#empty'), true);
  await view.page.press('#search', 'Escape');
  assert.equal((await rowTexts(view)).length, 9);
  await view.page.close();
});

test('moves through rows with the keyboard, collapses groups and copies the selected row', async () => {
  const view = await openRegistry();
  await view.send(registryMessage(parseRegistration(bookinfo)));
  await view.page.focus('#registry-table');
  await view.page.keyboard.press('ArrowDown');
  await view.page.keyboard.press('ArrowLeft');
  assert.equal((await rowTexts(view)).length, 7, 'ArrowLeft on an open service collapses it');
  await view.page.keyboard.press('ArrowRight');
  await view.page.keyboard.press('ArrowDown');
  await view.page.keyboard.press('Control+c');
  const copy = (await view.posted()).find((m) => m.type === 'copy');
  assert.deepEqual(copy, { type: 'copy', text: 'details.nino.svc.cluster.local|http' });
  const active = await view.page.getAttribute('#registry-table', 'aria-activedescendant');
  assert.equal(await view.page.getAttribute(`#${active}`, 'aria-level'), '3');
  await view.page.close();
});

test('highlights the endpoints a refresh added and shows the removed ones struck through', async () => {
  const view = await openRegistry();
  const before = parseRegistration(bookinfo);
  const after = parseRegistration(bookinfo.replace('10.244.0.41', '10.244.0.50'));
  await view.send(registryMessage(before));
  await view.send(registryMessage(after, { diff: diffSnapshots(before, after) }));
  assert.equal(await view.page.textContent('#changes'), 'Endpoints since the last refresh: 1 added, 1 removed');
  assert.deepEqual(await view.page.$$eval('.row.added .name', (rows) => rows.map((r) => r.textContent)), [
    '10.244.0.50:9080',
  ]);
  assert.deepEqual(await view.page.$$eval('.row.removed .name', (rows) => rows.map((r) => r.textContent)), [
    '10.244.0.41:9080',
  ]);
  const decoration = await view.page.$eval('.row.removed .name', (name) => getComputedStyle(name).textDecorationLine);
  assert.equal(decoration, 'line-through');
  await view.page.close();
});

test('colours the diagram by live state, explains a component on hover and filters by it on click', async () => {
  const view = await openRegistry();
  await view.send(
    legacyHealth([
      { id: 'pilot', ready: 1, desired: 1, title: 'Pilot', role: 'Turns services into Envoy configuration.' },
      { id: 'mixer-telemetry', ready: 0, desired: 1, title: 'Mixer (telemetry)' },
      { id: 'citadel', ready: 0, desired: 0, title: 'Citadel' },
    ]),
  );
  const snapshot = parseRegistration(
    '[{"service-key":"istio-pilot.istio-system.svc.cluster.local|http-legacy-discovery","hosts":[{"ip_address":"10.4.0.9","port":8080}]},{"service-key":"grafana.istio-system.svc.cluster.local|http","hosts":[{"ip_address":"10.4.0.7","port":3000}]}]',
  );
  await view.send(registryMessage(snapshot));
  assert.equal(await view.page.getAttribute('[data-component="pilot"]', 'data-state'), 'ready');
  assert.equal(await view.page.getAttribute('[data-component="mixer-telemetry"]', 'data-state'), 'partial');
  assert.equal(await view.page.getAttribute('[data-component="citadel"]', 'data-state'), 'missing');
  assert.equal(await view.page.textContent('[data-component="pilot"] .count'), '1/1 ready');
  assert.equal(
    await view.page.textContent('#diagram-role'),
    'Pilot — Turns services into Envoy configuration. — ready: 1/1 pods',
    'the diagram describes Pilot until another component is pointed at',
  );
  await view.page.hover('[data-component="mixer-telemetry"]');
  assert.equal(await view.page.textContent('#diagram-role'), 'Mixer (telemetry) — partly ready: 0/1 pods');
  await view.page.click('[data-component="pilot"]');
  const rows = await rowTexts(view);
  assert.equal(rows.length, 4);
  assert.match(rows[1], /istio-pilot\.istio-system/);
  assert.ok(
    (await view.posted()).some((m) => m.type === 'component' && m.id === 'pilot'),
    'the click asks the extension to reveal the pods',
  );
  assert.equal(await view.page.textContent('#component-filter span'), 'Showing what belongs to Pilot');
  await view.page.close();
});

test('the caption follows the chosen component, and no sidecars yet is neutral, not missing', async () => {
  const view = await openRegistry();
  await view.send(
    legacyHealth([
      { id: 'pilot', ready: 1, desired: 1, title: 'Pilot' },
      { id: 'citadel', ready: 1, desired: 1, title: 'Citadel', role: 'Issues the certificates.' },
      { id: 'sidecars', ready: 0, desired: 0, title: 'Envoy sidecars' },
    ]),
  );
  await view.send(registryMessage(parseRegistration(bookinfo)));
  await view.page.click('[data-component="citadel"]');
  await view.page.mouse.move(0, 0);
  assert.equal(await view.page.textContent('#component-filter span'), 'Showing what belongs to Citadel');
  assert.equal(
    await view.page.textContent('#diagram-role'),
    'Citadel — Issues the certificates. — ready: 1/1 pods',
    'the caption stays on the chosen component',
  );
  await view.send(
    legacyHealth([
      { id: 'pilot', ready: 1, desired: 1, title: 'Pilot' },
      { id: 'citadel', ready: 1, desired: 1, title: 'Citadel' },
      { id: 'sidecars', ready: 0, desired: 0, title: 'Envoy sidecars' },
    ]),
  );
  assert.match((await view.page.textContent('#diagram-role')) ?? '', /^Citadel/, 'a health update keeps it there too');
  assert.equal(await view.page.getAttribute('[data-component="sidecars"]', 'data-state'), 'none');
  assert.equal(await view.page.textContent('[data-component="sidecars"] .count'), 'none yet');
  await view.page.focus('[data-component="sidecars"]');
  assert.equal(
    await view.page.textContent('#diagram-role'),
    'Envoy sidecars — none yet: deploy an app to see the data plane',
  );
  const stroke = await view.page.$eval('[data-component="sidecars"] .box', (box) => getComputedStyle(box).stroke);
  const missing = await view.page.$eval(
    '.legend .state-missing .swatch',
    (swatch) => getComputedStyle(swatch).backgroundColor,
  );
  assert.notEqual(stroke, missing, 'not drawn in the colour of a missing component');
  await view.page.close();
});

test('follows the theme: component colours change between light, dark and high contrast', async () => {
  const view = await openRegistry();
  await view.send(legacyHealth([{ id: 'pilot', ready: 1, desired: 1 }]));
  const stroke = (): Promise<string> =>
    view.page.$eval('[data-component="pilot"] .box', (box) => getComputedStyle(box).stroke);
  const background = (): Promise<string> => view.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const light = [await stroke(), await background()];
  await setTheme(view.page, 'dark');
  const dark = [await stroke(), await background()];
  await setTheme(view.page, 'high-contrast');
  const contrast = [await stroke(), await background()];
  assert.deepEqual(light, ['rgb(56, 138, 52)', 'rgb(255, 255, 255)']);
  assert.deepEqual(dark, ['rgb(115, 201, 145)', 'rgb(31, 31, 31)']);
  assert.equal(contrast[1], 'rgb(0, 0, 0)');
  await view.page.close();
});

test('speaks Korean when VS Code does', async () => {
  const view = await openRegistry({ locale: 'ko' });
  await view.send(registryMessage(parseRegistration(bookinfo)));
  assert.equal(await view.page.getAttribute('html', 'lang'), 'ko');
  assert.equal(await view.page.textContent('#refresh'), '새로 고침');
  assert.equal(await view.page.textContent('#summary'), '서비스 2개 · 포트 2개 · 엔드포인트 4개');
  assert.equal(await view.page.textContent('[data-l10n="controlPlane"]'), '컨트롤 플레인');
  assert.equal(await view.page.getAttribute('#search', 'placeholder'), '서비스, 포트, IP, 파드로 필터');
  // Korean wraps between words, not between any two syllables ("내려보냅|니다").
  assert.equal(await view.page.evaluate(() => getComputedStyle(document.body).wordBreak), 'keep-all');
  await view.page.close();
});

test('takes its words from the bundle the panel passes, as text, and keeps English where the bundle has none', async () => {
  // Not the shipped translation: a bundle of our own, with markup and quotes that must stay text.
  const view = await openRegistry({
    locale: 'ko',
    l10nBundle: { Refresh: '<b>"다시" & 가져오기</b>', '{0} services': '{0}개의 서비스' },
  });
  await view.send(registryMessage(parseRegistration(bookinfo)));
  assert.equal(await view.page.textContent('#refresh'), '<b>"다시" & 가져오기</b>');
  assert.equal(await view.page.$$eval('header b', (found) => found.length), 0, 'the bundle became markup');
  assert.match((await view.page.textContent('#summary')) ?? '', /^2개의 서비스 · 2 ports · 4 endpoints$/);
  assert.equal(await view.page.textContent('#tab-proxies'), 'Proxies');
  assert.deepEqual(view.errors, [], 'the page logged errors (a CSP violation?)');
  await view.page.close();
});

test('renders hostile service names as text and runs none of them', async () => {
  const view = await openWebview(browser());
  await view.page.evaluate(() => Object.assign(window, { __pwned: false }));
  await view.send(initMessage());
  const hostile = [
    '<img src=x onerror="window.__pwned=true">.evil.svc.cluster.local|http',
    '</script><script>window.__pwned=true</script>.evil.svc.cluster.local|http',
    `${'a'.repeat(5000)}.evil.svc.cluster.local|http`,
    '서비스-🚀-\u202eevil.evil.svc.cluster.local|http',
  ];
  const body = JSON.stringify(
    hostile.map((key) => ({ 'service-key': key, hosts: [{ ip_address: '<b>10.0.0.1</b>', port: 80 }] })),
  );
  await view.send(registryMessage(parseRegistration(body), { raw: body }));
  const names = await view.page.$$eval('.kind-service .name', (rows) => rows.map((r) => r.textContent ?? ''));
  assert.deepEqual(new Set(names), new Set(hostile.map((key) => key.split('|')[0])));
  assert.equal(
    await view.page.$$eval('img, b, main script', (found) => found.length),
    0,
    'markup from the cluster became elements',
  );
  await view.page.click('#tab-raw');
  assert.equal(await view.page.textContent('#raw'), body);
  await view.page.fill('#search', 'evil');
  await view.page.click('#tab-table');
  assert.equal(
    await view.page.evaluate(() => (window as unknown as { __pwned: boolean }).__pwned),
    false,
    'a hostile name ran script',
  );
  const width = await view.page.$eval('#registry-table', (table) => table.scrollWidth <= table.clientWidth + 1);
  assert.equal(width, true, 'a very long name widened the table instead of being cut');
  await view.page.close();
});

test('ignores messages that break the contract', async () => {
  const view = await openRegistry();
  await view.send(registryMessage(parseRegistration(bookinfo)));
  await view.send({
    type: 'registry',
    era: 'legacy',
    snapshot: { format: 'legacy-registration', services: '<img src=x>' },
  });
  await view.send({ type: 'error', message: 42, commands: [] });
  await view.send({ type: 'evil', html: '<img src=x>' });
  assert.equal(await view.page.textContent('#summary'), '2 services · 2 ports · 4 endpoints');
  assert.equal(await view.page.isHidden('#error'), true);
  await view.page.close();
});

test('restores its filter and tab from the saved state', async () => {
  const view = await openRegistry({ state: { filter: 'reviews', tab: 'raw' } });
  await view.send(registryMessage(parseRegistration(bookinfo)));
  assert.equal(await view.page.inputValue('#search'), 'reviews');
  assert.equal(await view.page.getAttribute('#tab-raw', 'aria-selected'), 'true');
  assert.equal(await view.page.isVisible('#raw'), true);
  await view.page.click('#tab-table');
  assert.equal((await rowTexts(view)).length, 6);
  await view.page.close();
});

test('shows an error with what to do, and keeps the commands to try', async () => {
  const view = await openRegistry();
  await view.send({
    type: 'error',
    message: 'Pilot is not installed: no istio-pilot Service in istio-system.',
    commands: [{ label: 'commandGetRaw', command: 'kubectl get svc -n istio-system' }],
  });
  assert.equal(await view.page.isVisible('#error'), true);
  assert.match((await view.page.textContent('#error')) ?? '', /Pilot is not installed/);
  assert.match((await view.page.textContent('#commands')) ?? '', /kubectl get svc/);
  await view.page.close();
});

test('after Istio is uninstalled, keeps the last registry greyed and dated, and shows gone pods as gone', async () => {
  const view = await openRegistry();
  const snapshot = parseRegistration(
    '[{"service-key":"grafana.istio-system.svc.cluster.local|http","hosts":[{"ip_address":"10.4.0.7","port":3000}]}]',
  );
  const withPod = (pod: { ready: boolean; gone?: boolean }): RegistrySnapshot => ({
    ...snapshot,
    services: snapshot.services.map((service) => ({
      ...service,
      ports: service.ports.map((port) => ({
        ...port,
        endpoints: port.endpoints.map((endpoint) => ({
          ...endpoint,
          pod: { namespace: 'istio-system', name: 'grafana-6fb9f8c5c7-x2x4m', ...pod },
        })),
      })),
    })),
  });
  await view.send(registryMessage(withPod({ ready: true })));
  assert.equal((await rowTexts(view)).at(-1), '10.4.0.7:3000 | istio-system/grafana-6fb9f8c5c7-x2x4m | ready');
  assert.equal(await view.page.isHidden('#error'), true);
  const opacity = (): Promise<string> => view.page.$eval('#registry-table', (table) => getComputedStyle(table).opacity);
  assert.equal(await opacity(), '1');

  await view.send(
    registryMessage(withPod({ ready: false, gone: true }), {
      stale: 'Pilot is not installed: istio-system has neither an istiod Service nor an istio-pilot Service.',
    }),
  );
  assert.equal((await rowTexts(view)).at(-1), '10.4.0.7:3000 | istio-system/grafana-6fb9f8c5c7-x2x4m | pod gone');
  assert.equal(
    await view.page.$eval('.row.gone .detail', (detail) => getComputedStyle(detail).textDecorationLine),
    'line-through',
  );
  assert.match(
    (await view.page.textContent('#meta')) ?? '',
    /^from \d\d:\d\d:\d\d, Pilot is no longer installed: this is the last registry it served$/,
  );
  assert.equal(await view.page.isVisible('#error'), true);
  assert.match((await view.page.textContent('#error strong')) ?? '', /^Pilot is no longer installed$/);
  assert.match((await view.page.textContent('#error p')) ?? '', /Pilot is not installed: istio-system has neither/);
  assert.equal(await opacity(), '0.55', 'the stale table is greyed');

  await view.send(registryMessage(withPod({ ready: true })));
  assert.equal(await view.page.isHidden('#error'), true, 'a fresh registry clears the stale banner');
  assert.equal(await opacity(), '1');
  assert.match((await view.page.textContent('#meta')) ?? '', /^fetched /);
  assert.deepEqual(view.errors, []);
  await view.page.close();
});
