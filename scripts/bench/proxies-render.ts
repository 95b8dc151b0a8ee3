// Bench scenario `proxies_render_5k`: the registry webview's Proxies tab (dist/webview.js,
// production build) in headless Chromium given 5,000 proxies from Pilot 1.2's `/debug/syncz`.
// Ours: JSON.parse of the registry message carrying the proxies, handling it and the first painted
// frame of the Proxies table; peer: JSON.parse of the same syncz body as Pilot sends it, in the same
// page. One JSON object on stdout.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseSyncz } from '../../src/istio/registry/proxy-sync';
import type { ExtensionMessage } from '../../src/shared/registry-messages';
import { launchBrowser, openWebview, root } from '../../test/webview/webview-page';
import { median, round } from './bench-stats';

const PROXIES = 5_000;
const RUNS = Number(process.env.ISTIO_LAB_BENCH_RUNS ?? 5);

/** `/debug/syncz` of 5,000 sidecars in 50 namespaces as Pilot 1.2 writes it (indented 4 spaces, Go time nonces); every 100th one stale. */
function synczBody(): string {
  const entries: Record<string, unknown>[] = [];
  for (let k = 0; k < PROXIES; k++) {
    const entry: Record<string, unknown> = {
      proxy: `sidecar~10.${(k >> 8) & 255}.${k & 255}.9~app-${k}-7d6cfb7dfd-5mc96.bench-${k % 50}~bench-${k % 50}.svc.cluster.local`,
      proxy_version: '1.2.2',
      istio_version: '1.2.2',
    };
    for (const type of ['cluster', 'listener', 'route', 'endpoint'])
      entry[`${type}_sent`] = entry[`${type}_acked`] = `2019-07-01 10:00:0${k % 10}.123 +0000 UTC m=+12.3`;
    if (k % 100 === 0) entry.endpoint_sent = '2019-07-01 10:01:00.5 +0000 UTC m=+72.7';
    entry.endpoint_percent = 100;
    entries.push(entry);
  }
  return JSON.stringify(entries, null, 4);
}

/** Runs in the page; a string, because tsx's transform would add helpers the page does not have. */
const IN_PAGE = `(async () => {
  const { raw: rawText, messageText: text } = window.__bench;
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  const peerStart = performance.now();
  JSON.parse(rawText);
  const peerMs = performance.now() - peerStart;
  await frame();
  const start = performance.now();
  window.dispatchEvent(new MessageEvent('message', { data: JSON.parse(text) }));
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const oursMs = performance.now() - start;
  return { oursMs, peerMs, rows: document.querySelectorAll('#proxies-table .proxy-row').length, summary: document.getElementById('proxies-summary').textContent };
})()`;

interface PageFigures {
  oursMs: number;
  peerMs: number;
  rows: number;
  summary: string;
}

async function main(): Promise<void> {
  const bundle = path.join(root, 'dist', 'webview.js');
  if (!fs.existsSync(bundle)) throw new Error('dist/webview.js is missing: run `node esbuild.js --production` first');
  const raw = synczBody();
  const message: ExtensionMessage = {
    type: 'registry',
    era: 'legacy',
    snapshot: { format: 'legacy-registration', services: [] },
    raw: '[]',
    rawTruncated: false,
    fetchedAt: Date.now(),
    via: 'service-proxy',
    commands: [],
    proxies: {
      rows: parseSyncz(raw, 'istio-pilot-5f9b7c8d4-abcde', { endpointPercent: true }),
      command: 'istioctl proxy-status',
    },
  };
  const messageText = JSON.stringify(message);
  console.error(
    `proxies_render_5k: syncz ${(raw.length / 1024 / 1024).toFixed(1)} MB, message ${(messageText.length / 1024 / 1024).toFixed(1)} MB`,
  );
  const browser = await launchBrowser();
  const ours: number[] = [];
  const peer: number[] = [];
  let figures: PageFigures | undefined;
  try {
    for (let run = 0; run < RUNS; run++) {
      const view = await openWebview(browser);
      await view.send({ type: 'init', state: { filter: '', tab: 'proxies' } });
      await view.page.evaluate(`window.__bench = ${JSON.stringify({ raw, messageText })};`);
      figures = (await view.page.evaluate(IN_PAGE)) as PageFigures;
      ours.push(figures.oursMs);
      peer.push(figures.peerMs);
      if (view.errors.length) throw new Error(`the page reported errors: ${view.errors.join('; ')}`);
      console.error(
        `run ${run + 1}/${RUNS}: first paint ${round(figures.oursMs)} ms, JSON.parse ${round(figures.peerMs)} ms, ${figures.summary}`,
      );
      await view.page.close();
    }
  } finally {
    await browser.close();
  }
  const result = {
    ours_ms: median(ours),
    peer_ms: median(peer),
    target: 5,
    proxies: PROXIES,
    payload_bytes: Buffer.byteLength(raw),
    dom_rows: figures?.rows,
    summary: figures?.summary,
    samples: { ours: ours.map((ms) => round(ms)), peer: peer.map((ms) => round(ms)) },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
