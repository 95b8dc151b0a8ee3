// What the registry webview's render benches share: the runs, each in a fresh page of the
// production bundle (dist/webview.js) in headless Chromium, and the in-page timing of the peer
// (JSON.parse of the body as Pilot sends it) against ours (the extension's message parsed and
// handled, up to its first painted frame).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExtensionMessage, RegistryTab } from '../../src/shared/registry-messages';
import { launchBrowser, openWebview, root } from '../../test/webview/webview-page';
import { round } from './bench-stats';

/** The webview's production bundle; the benches measure it as it ships. */
export function webviewBundle(): string {
  const bundle = path.join(root, 'dist', 'webview.js');
  if (!fs.existsSync(bundle)) throw new Error('dist/webview.js is missing: run `node esbuild.js --production` first');
  return bundle;
}

/** What every render bench's page returns: ours and the peer, in milliseconds. */
export interface PaintFigures {
  oursMs: number;
  peerMs: number;
}

/**
 * The script a run evaluates in the page, on `window.__bench` ({ raw, messageText }): the peer's
 * JSON.parse, then ours, then `more` (statements that may use `frame()`), returning
 * `{ oursMs, peerMs, <figures> }`. A string, because tsx's transform would add helpers the page
 * does not have.
 */
export function inPageScript(more: string, figures: string): string {
  return `(async () => {
  const { raw: rawText, messageText: text } = window.__bench;
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  // Peer: what any consumer of Pilot's debug endpoint pays first.
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
${more}
  return { oursMs, peerMs, ${figures} };
})()`;
}

export interface RenderRuns<F extends PaintFigures> {
  /** The scenario's name, for the lines of progress on stderr. */
  readonly name: string;
  readonly runs: number;
  /** The tab the webview opens on. */
  readonly tab: RegistryTab;
  /** The body as Pilot sends it (the peer parses it) and the extension's message carrying it (ours). */
  readonly raw: string;
  readonly message: ExtensionMessage;
  /** From inPageScript. */
  readonly script: string;
  /** What a run found beyond the two times, for its line of progress. */
  readonly describe: (figures: F) => string;
}

/** Each run's figures in order, and ours and the peer's times run by run. */
export interface RenderResults<F extends PaintFigures> {
  readonly figures: F[];
  readonly ours: number[];
  readonly peer: number[];
}

/** Runs `script` in a fresh webview page `runs` times. A page that reports an error fails the bench. */
export async function renderRuns<F extends PaintFigures>(options: RenderRuns<F>): Promise<RenderResults<F>> {
  const messageText = JSON.stringify(options.message);
  const mb = (text: string) => (text.length / 1024 / 1024).toFixed(1);
  console.error(`${options.name}: body ${mb(options.raw)} MB, message ${mb(messageText)} MB`);
  const browser = await launchBrowser();
  const results: F[] = [];
  try {
    for (let run = 0; run < options.runs; run++) {
      const view = await openWebview(browser);
      await view.send({ type: 'init', state: { filter: '', tab: options.tab } });
      await view.page.evaluate(`window.__bench = ${JSON.stringify({ raw: options.raw, messageText })};`);
      const figures = (await view.page.evaluate(options.script)) as F;
      if (view.errors.length) throw new Error(`the page reported errors: ${view.errors.join('; ')}`);
      console.error(
        `run ${run + 1}/${options.runs}: first paint ${round(figures.oursMs)} ms, JSON.parse ${round(figures.peerMs)} ms, ${options.describe(figures)}`,
      );
      results.push(figures);
      await view.page.close();
    }
  } finally {
    await browser.close();
  }
  return {
    figures: results,
    ours: results.map((figures) => figures.oursMs),
    peer: results.map((figures) => figures.peerMs),
  };
}
