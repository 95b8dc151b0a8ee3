// Opens the built registry webview (dist/webview.js + media/registry/) in headless Chromium the
// way VS Code hosts it: the page from registryPageHtml with its real CSP, served from one origin,
// `acquireVsCodeApi` provided, messages posted in as the extension would, theme variables set
// as VS Code sets them, and the display language's translations on the page as the panel puts
// them (VS Code's bundle for the extension: l10n/bundle.l10n.<language>.json). Used by the webview
// tests and the registry_render_10k bench.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import type { ExtensionMessage, RegistryTab, WebviewMessage } from '../../src/shared/registry-messages';
import { registryPageHtml } from '../../src/ui/registry-html';
import { CHROMIUM_ARGS, findChromium } from '../../scripts/lib/browser-vscode.mjs';

export const root = path.resolve(__dirname, '..', '..');
const ORIGIN = 'https://webview.istio-lab.test';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), args: [...CHROMIUM_ARGS] });
}

/** For a test file: Chromium launched before its tests (once the webview is built) and closed after them. */
export function browserForTests(): () => Browser {
  let browser: Browser | undefined;
  before(async () => {
    assert.ok(
      fs.existsSync(path.join(root, 'dist', 'webview.js')),
      'dist/webview.js is missing: run `node esbuild.js` first',
    );
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });
  return () => {
    assert.ok(browser, 'Chromium is not launched yet');
    return browser;
  };
}

export type Theme = 'light' | 'dark' | 'high-contrast';

/** A few of the variables VS Code puts on a webview's <html>, per theme kind. */
const THEMES: Record<Theme, Record<string, string>> = {
  light: {
    '--vscode-foreground': '#3b3b3b',
    '--vscode-editor-background': '#ffffff',
    '--vscode-descriptionForeground': '#717171',
    '--vscode-testing-iconPassed': '#388a34',
    '--vscode-editorWarning-foreground': '#bf8803',
    '--vscode-errorForeground': '#e51400',
    '--vscode-button-background': '#005fb8',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-list-activeSelectionBackground': '#e8e8e8',
    '--vscode-badge-background': '#cccccc',
    '--vscode-badge-foreground': '#3b3b3b',
    '--vscode-font-family': 'sans-serif',
  },
  dark: {
    '--vscode-foreground': '#cccccc',
    '--vscode-editor-background': '#1f1f1f',
    '--vscode-descriptionForeground': '#9d9d9d',
    '--vscode-testing-iconPassed': '#73c991',
    '--vscode-editorWarning-foreground': '#cca700',
    '--vscode-errorForeground': '#f85149',
    '--vscode-button-background': '#0078d4',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-list-activeSelectionBackground': '#04395e',
    '--vscode-badge-background': '#616161',
    '--vscode-badge-foreground': '#f8f8f8',
    '--vscode-font-family': 'sans-serif',
  },
  'high-contrast': {
    '--vscode-foreground': '#ffffff',
    '--vscode-editor-background': '#000000',
    '--vscode-descriptionForeground': '#ffffff',
    '--vscode-testing-iconPassed': '#73c991',
    '--vscode-editorWarning-foreground': '#ffd700',
    '--vscode-errorForeground': '#f48771',
    '--vscode-contrastActiveBorder': '#f38518',
    '--vscode-font-family': 'sans-serif',
  },
};

export async function setTheme(page: Page, theme: Theme): Promise<void> {
  await page.evaluate(
    ({ theme, variables }) => {
      document.body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast');
      document.body.classList.add(`vscode-${theme}`);
      for (const [name, value] of Object.entries(variables)) document.documentElement.style.setProperty(name, value);
    },
    { theme, variables: THEMES[theme] },
  );
}

export interface WebviewPage {
  readonly page: Page;
  /** Posts a message to the webview as the extension does. */
  send(message: ExtensionMessage | Record<string, unknown>): Promise<void>;
  /** What the webview posted to the extension so far. */
  posted(): Promise<WebviewMessage[]>;
  /** Errors the page threw or logged (a CSP violation shows up here). */
  readonly errors: string[];
}

/** The `init` message the panel sends when the page says it is ready. */
export const initMessage = (tab: RegistryTab = 'table'): ExtensionMessage => ({
  type: 'init',
  state: { filter: '', tab },
});

/** The text of a virtual list's shown rows in screen order (rows are placed by translateY), cells joined by ' | '. */
export async function shownRows(
  view: WebviewPage,
  selector: string,
  { skipEmptyCells = false } = {},
): Promise<string[]> {
  return view.page.$$eval(
    selector,
    (rows, skipEmpty) =>
      rows
        .map((row) => ({
          top: Number(/translateY\((\d+)px\)/.exec((row as HTMLElement).style.transform)?.[1] ?? 0),
          text: Array.from(row.children)
            .map((cell) => cell.textContent ?? '')
            .filter((text) => !skipEmpty || text !== '')
            .join(' | '),
        }))
        .sort((a, b) => a.top - b.top)
        .map((row) => row.text),
    skipEmptyCells,
  );
}

/**
 * A page with the registry webview loaded and its `ready` message received, in English or, as a
 * VS Code started with `--locale ko` shows it, in Korean.
 */
export async function openWebview(
  browser: Browser,
  options: {
    state?: unknown;
    width?: number;
    height?: number;
    locale?: 'en' | 'ko';
    /** Instead of the locale's l10n/bundle.l10n.<locale>.json. */
    l10nBundle?: Record<string, string>;
  } = {},
): Promise<WebviewPage> {
  const locale = options.locale ?? 'en';
  const page = await browser.newPage({ viewport: { width: options.width ?? 1300, height: options.height ?? 820 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  const files: Record<string, [string, string]> = {
    '/dist/webview.js': [path.join(root, 'dist', 'webview.js'), 'text/javascript'],
    '/media/registry/registry.css': [path.join(root, 'media', 'registry', 'registry.css'), 'text/css'],
  };
  const html = registryPageHtml({
    cspSource: ORIGIN,
    nonce: 'dGVzdC1ub25jZQ==',
    scriptUri: `${ORIGIN}/dist/webview.js`,
    styleUri: `${ORIGIN}/media/registry/registry.css`,
    legacySvg: fs.readFileSync(path.join(root, 'media', 'registry', 'architecture-legacy.svg'), 'utf8'),
    istiodSvg: fs.readFileSync(path.join(root, 'media', 'registry', 'architecture-istiod.svg'), 'utf8'),
    lang: locale,
    // What vscode.l10n.bundle holds: the parsed bundle of the display language, none in English.
    l10nBundle:
      options.l10nBundle ??
      (locale === 'en'
        ? undefined
        : JSON.parse(fs.readFileSync(path.join(root, 'l10n', `bundle.l10n.${locale}.json`), 'utf8'))),
  });
  await page.route(`${ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/') return route.fulfill({ status: 200, contentType: 'text/html', body: html });
    const file = files[url.pathname];
    if (!file) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ status: 200, contentType: file[1], body: fs.readFileSync(file[0]) });
  });
  // A string, not a function: tsx's transform would add helpers the page does not have.
  await page.addInitScript(`(() => {
    const posted = [];
    let saved = ${JSON.stringify(options.state ?? null)} ?? undefined;
    window.__posted = posted;
    window.acquireVsCodeApi = () => ({
      postMessage: (message) => posted.push(message),
      getState: () => saved,
      setState: (next) => { saved = next; },
    });
  })();`);
  await page.goto(`${ORIGIN}/`);
  await page.waitForFunction(() =>
    (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'),
  );
  await setTheme(page, 'light');
  return {
    page,
    errors,
    send: (message) =>
      page.evaluate((data) => window.postMessage(data, '*'), message as unknown as Record<string, unknown>),
    posted: () => page.evaluate(() => (window as unknown as { __posted: WebviewMessage[] }).__posted),
  };
}
