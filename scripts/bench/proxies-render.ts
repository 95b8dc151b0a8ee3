// Bench scenario `proxies_render_5k`: the registry webview's Proxies tab (dist/webview.js,
// production build) in headless Chromium given 5,000 proxies from Pilot 1.2's `/debug/syncz`.
// Ours: JSON.parse of the registry message carrying the proxies, handling it and the first painted
// frame of the Proxies table; peer: JSON.parse of the same syncz body as Pilot sends it, in the same
// page. One JSON object on stdout.
import { parseSyncz } from '../../src/istio/registry/proxy-sync';
import type { ExtensionMessage } from '../../src/shared/registry-messages';
import { median, round } from './bench-stats';
import type { PaintFigures } from './webview-render';
import { inPageScript, renderRuns, webviewBundle } from './webview-render';

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

const IN_PAGE = inPageScript(
  '',
  "rows: document.querySelectorAll('#proxies-table .proxy-row').length, summary: document.getElementById('proxies-summary').textContent",
);

interface PageFigures extends PaintFigures {
  rows: number;
  summary: string;
}

async function main(): Promise<void> {
  webviewBundle();
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
  const rendered = await renderRuns<PageFigures>({
    name: 'proxies_render_5k',
    runs: RUNS,
    tab: 'proxies',
    raw,
    message,
    script: IN_PAGE,
    describe: (figures) => figures.summary,
  });
  const { ours, peer } = rendered;
  const figures = rendered.figures.at(-1);
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
