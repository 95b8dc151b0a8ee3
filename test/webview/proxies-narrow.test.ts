// The Proxies tab as the E2E screenshots showed it beside the diagram in an 800-pixel editor: rows
// the search leaves out must not stay on screen (the rows' `display: grid` outranked `hidden`),
// and istioctl's seven columns must all be reachable (EDS, RDS, PILOT and VERSION were cut off),
// the header and the rows scrolling sideways together. Build first: `node esbuild.js`.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { parseRegistration } from '../../src/istio/registry/legacy-registration';
import type { ProxySyncRow } from '../../src/shared/registry-messages';
import { launchBrowser, openWebview, root } from './webview-page';

const bookinfo = fs.readFileSync(
  path.join(root, 'test', 'fixtures', 'istio', 'registry', 'legacy-registration-bookinfo.json'),
  'utf8',
);

const row = (pod: string, namespace: string): ProxySyncRow => ({
  name: `${pod}.${namespace}`,
  pod,
  namespace,
  cds: 'SYNCED',
  lds: 'SYNCED',
  eds: 'SYNCED (100%)',
  rds: 'SYNCED',
  pilot: 'istio-pilot-8586999589-nph59',
  version: '1.2.2',
  state: 'synced',
});

let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('beside the diagram, the Proxies tab hides what the search leaves out and scrolls to every column', async () => {
  const view = await openWebview(browser, { width: 800, height: 700 });
  await view.send({ type: 'init', locale: 'en', state: { filter: '', tab: 'proxies' } });
  await view.send({
    type: 'registry',
    era: 'legacy',
    snapshot: parseRegistration(bookinfo),
    raw: bookinfo,
    rawTruncated: false,
    fetchedAt: Date.UTC(2026, 0, 1, 12, 0, 0),
    via: 'service-proxy',
    commands: [],
    proxies: {
      rows: [
        row('details-v1-77899cbd79-mcz9b', 'default'),
        row('istio-ingressgateway-77d8cd6596-9vpns', 'istio-system'),
      ],
      command: 'istioctl proxy-status',
    },
  });
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
});
