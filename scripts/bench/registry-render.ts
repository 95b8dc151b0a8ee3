// Bench scenario `registry_render_10k`: the registry webview (dist/webview.js, production build)
// in headless Chromium given 10,000 services × 2 ports × 3 endpoints. Ours: JSON.parse of the
// registry message, handling it and the first painted frame of the table; peer: JSON.parse of the
// same registry as Pilot sends it, in the same page. Also the filter keystroke at 10k (p95 of the
// time from an `input` event to the table re-rendered) and the bundle size. One JSON object on stdout.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseRegistration } from '../../src/istio/registry/legacy-registration';
import type { ExtensionMessage } from '../../src/shared/registry-messages';
import { RAW_DISPLAY_LIMIT } from '../../src/shared/registry-messages';
import { goMarshalIndent } from '../../src/sandbox/istio/pilot-registry';
import { launchBrowser, openWebview, root } from '../../test/webview/webview-page';
import { median, percentile, round } from './bench-stats';

const SERVICES = 10_000;
const RUNS = Number(process.env.ISTIO_LAB_BENCH_RUNS ?? 5);

/** `/v1/registration` of 10,000 services in 100 namespaces, 2 ports each, 3 endpoints per port, as Pilot pretty-prints it. */
function registrationBody(): string {
  const entries: { 'service-key': string; hosts: { ip_address: string; port: number }[] }[] = [];
  for (let s = 0; s < SERVICES; s++) {
    const host = `service-${s}.bench-${s % 100}.svc.cluster.local`;
    for (const [name, port] of [
      ['http', 9080],
      ['grpc', 9090],
    ] as const) {
      entries.push({
        'service-key': `${host}|${name}`,
        hosts: [0, 1, 2].map((k) => ({ ip_address: `10.${(s >> 8) & 255}.${s & 255}.${k + 1}`, port })),
      });
    }
  }
  entries.sort((a, b) => (a['service-key'] < b['service-key'] ? -1 : 1));
  return goMarshalIndent(entries, ' ', ' ');
}

/** Runs in the page; a string, because tsx's transform would add helpers the page does not have. */
const IN_PAGE = `(async () => {
  const { raw: rawText, messageText: text } = window.__bench;
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  // Peer: what any consumer of /v1/registration pays first.
  const peerStart = performance.now();
  JSON.parse(rawText);
  const peerMs = performance.now() - peerStart;
  await frame();
  // Ours: parse the message, handle it (index, rows, the window of DOM rows), then the painted
  // frame: a task queued from the next animation frame runs once that frame is painted (idle-time
  // work the viewer defers, such as building the search texts, comes after it).
  const start = performance.now();
  window.dispatchEvent(new MessageEvent('message', { data: JSON.parse(text) }));
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const oursMs = performance.now() - start;
  // Keystrokes: type a query and delete it again, one input event per character.
  const search = document.getElementById('search');
  const keystrokesMs = [];
  const query = 'service-1234.bench-34';
  const values = [];
  for (let k = 1; k <= query.length; k++) values.push(query.slice(0, k));
  for (let k = query.length - 1; k >= 0; k--) values.push(query.slice(0, k));
  values.push('10.4.', '10.4.210', '9090', 'grpc', '');
  for (const value of values) {
    search.value = value;
    const typed = performance.now();
    search.dispatchEvent(new Event('input'));
    keystrokesMs.push(performance.now() - typed);
    await frame();
  }
  return { oursMs, peerMs, keystrokesMs, rows: document.querySelectorAll('.row:not([hidden])').length };
})()`;

interface PageFigures {
  oursMs: number;
  peerMs: number;
  keystrokesMs: number[];
  rows: number;
}

async function main(): Promise<void> {
  const bundle = path.join(root, 'dist', 'webview.js');
  if (!fs.existsSync(bundle)) throw new Error('dist/webview.js is missing: run `node esbuild.js --production` first');
  const raw = registrationBody();
  const snapshot = parseRegistration(raw);
  const message: ExtensionMessage = {
    type: 'registry',
    era: 'legacy',
    snapshot,
    raw: raw.slice(0, RAW_DISPLAY_LIMIT),
    rawTruncated: raw.length > RAW_DISPLAY_LIMIT,
    fetchedAt: Date.now(),
    via: 'service-proxy',
    commands: [],
  };
  const messageText = JSON.stringify(message);
  console.error(
    `registry_render_10k: payload ${(raw.length / 1024 / 1024).toFixed(1)} MB, message ${(messageText.length / 1024 / 1024).toFixed(1)} MB`,
  );
  const browser = await launchBrowser();
  const ours: number[] = [];
  const peer: number[] = [];
  const keystrokes: number[] = [];
  let rows = 0;
  try {
    for (let run = 0; run < RUNS; run++) {
      const view = await openWebview(browser);
      await view.send({ type: 'init', state: { filter: '', tab: 'table' } });
      await view.page.evaluate(`window.__bench = ${JSON.stringify({ raw, messageText })};`);
      const figures = (await view.page.evaluate(IN_PAGE)) as PageFigures;
      ours.push(figures.oursMs);
      peer.push(figures.peerMs);
      keystrokes.push(...figures.keystrokesMs);
      rows = figures.rows;
      if (view.errors.length) throw new Error(`the page reported errors: ${view.errors.join('; ')}`);
      console.error(
        `run ${run + 1}/${RUNS}: first paint ${round(figures.oursMs)} ms, JSON.parse ${round(figures.peerMs)} ms, keystroke p95 ${round(percentile(figures.keystrokesMs, 95))} ms`,
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
    filter_keystroke_p95_ms: round(percentile(keystrokes, 95)),
    filter_keystroke_target_ms: 16,
    filter_keystrokes: keystrokes.length,
    services: SERVICES,
    endpoints: SERVICES * 2 * 3,
    payload_bytes: Buffer.byteLength(raw),
    dom_rows_after_filter: rows,
    webview_bundle_bytes: fs.statSync(bundle).size,
    samples: { ours: ours.map((ms) => round(ms)), peer: peer.map((ms) => round(ms)) },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
