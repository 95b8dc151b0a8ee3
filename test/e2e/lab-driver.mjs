// Drives the whole lab as a learner would: `npm start -- --no-open --browser` (sandbox cluster,
// offline release mirror, browser VS Code), then headless Chromium clicking through the workbench
// — the command palette, quick picks, the Istio Pods tree, the registry webview — while every
// error notification is collected. Shared by the end-to-end and the reliability runs.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchChromium } from '../../scripts/lib/browser-vscode.mjs';
import { root } from '../../scripts/lib/vscode-tests.mjs';

export const screenshotDir = path.join(root, 'test-results', 'screenshots');
export const THEMES = { light: 'Default Light Modern', dark: 'Default Dark Modern' };

const readJson = (file) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));
const manifest = readJson('package.json');
const nls = { en: readJson('package.nls.json'), ko: readJson('package.nls.ko.json') };
const bundles = { ko: readJson('l10n/bundle.l10n.ko.json') };

/** What the command palette shows for a command of package.json: `Istio Lab: Download Istio Release…`. */
export function commandTitle(id, locale = 'en') {
  const command = manifest.contributes.commands.find((entry) => entry.command === id);
  if (!command) return undefined;
  const title = command.title.replace(/^%(.+)%$/, (_, key) => nls[locale][key]);
  return command.category ? `${command.category}: ${title}` : title;
}

/** An extension string (vscode.l10n.t's key) as the workbench in `locale` shows it. */
export function l10n(text, locale = 'en') {
  return bundles[locale]?.[text] ?? text;
}

/**
 * Runs `npm start -- --no-open --browser` with its state in a fresh folder (or `home`, the folder
 * of a lab stopped with `keepHome`, whose cluster survives the restart); resolves once it printed
 * the sandbox's kubeconfig and the VS Code URL. `locale`: VS Code's display language (`ko`).
 * `stop()` is Ctrl-C to its process group.
 */
export async function startLab({
  faultsFile,
  locale,
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-e2e-')),
} = {}) {
  const args = [
    'start',
    '--',
    '--no-open',
    '--browser',
    ...(faultsFile ? ['--faults', faultsFile] : []),
    ...(locale ? ['--locale', locale] : []),
  ];
  const child = spawn('npm', args, {
    cwd: root,
    env: { ...process.env, ISTIO_LAB_START_DIR: home },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  let exitCode;
  const checks = new Set();
  const onOutput = (chunk) => {
    output += chunk;
    for (const check of checks) check();
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      exitCode = code ?? signal;
      for (const check of checks) check();
      resolve(exitCode);
    }),
  );
  const waitFor = (pattern) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(output);
        if (match) resolve(match);
        else if (exitCode !== undefined)
          reject(new Error(`npm start exited (${exitCode}) before printing ${pattern}:\n${output}`));
        else return;
        checks.delete(check);
      };
      checks.add(check);
      check();
    });
  const stop = async ({ keepHome = false } = {}) => {
    if (exitCode === undefined) {
      try {
        process.kill(-child.pid, 'SIGINT');
      } catch {
        // already gone
      }
    }
    const code = await exited;
    if (!keepHome) fs.rmSync(home, { recursive: true, force: true });
    return code;
  };
  try {
    const [, server, kubeconfig] = await waitFor(/^Sandbox cluster: (\S+) \(kubeconfig (.+)\)$/m);
    const [, releases] = await waitFor(/^Istio releases: (.+)$/m);
    const [, url] = await waitFor(/^VS Code: (http\S+)$/m);
    return { home, server, kubeconfig, releases, url, locale: locale ?? 'en', output: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `kubectl --kubeconfig <sandbox> …`, returning stdout (throws with stderr on failure). */
export function kubectl(kubeconfig, ...args) {
  const result = spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

// Runs in the workbench page: records the text of every error notification (toast or centre).
const recordErrorNotifications = () => {
  const { document, MutationObserver } = globalThis;
  globalThis.__istioLabErrors = [];
  const seen = new Set();
  const scan = () => {
    for (const item of document.querySelectorAll('.notification-list-item')) {
      if (!item.querySelector('.notification-list-item-icon.codicon-error')) continue;
      const text = item.querySelector('.notification-list-item-message')?.textContent?.trim() ?? '';
      if (text && !seen.has(text)) {
        seen.add(text);
        globalThis.__istioLabErrors.push(text);
      }
    }
  };
  const start = () =>
    new MutationObserver(scan).observe(document.body, { childList: true, subtree: true, attributes: true });
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
};

/** The workbench in headless Chromium, with the steps a learner takes. */
export class Workbench {
  static async open(lab, { theme = 'light' } = {}) {
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      await page.addInitScript(recordErrorNotifications);
      const workbench = new Workbench(lab, browser, page);
      workbench.setUserSetting('workbench.colorTheme', THEMES[theme]);
      // A restarted lab keeps the workspace's theme, which outranks the user's.
      workbench.setWorkspaceSetting('workbench.colorTheme', THEMES[theme]);
      workbench.theme = theme;
      // The size of the README's screenshots.
      await page.setViewportSize({ width: 1280, height: 800 });
      // A loaded machine (CI, other suites) can take longer than Playwright's 30 s to serve the first page.
      await page.goto(lab.url, { timeout: 180_000 });
      await page.locator('.activitybar [aria-label^="Istio Lab"]').first().waitFor({ timeout: 120_000 });
      await workbench.waitForTheme(theme);
      await workbench.widenSideBar(430);
      return workbench;
    } catch (error) {
      await browser.close();
      throw error;
    }
  }

  constructor(lab, browser, page) {
    this.lab = lab;
    this.browser = browser;
    this.page = page;
    this.shots = [];
  }

  async close() {
    await this.browser.close();
  }

  /** The text of every error notification shown so far. */
  async errors() {
    return this.page.evaluate(() => globalThis.__istioLabErrors ?? []);
  }

  /** Edits a settings file as a learner would by hand; VS Code picks the change up. */
  setUserSetting(key, value) {
    this.editSettings(path.join(this.lab.home, 'user-data', 'User', 'settings.json'), key, value);
  }

  /** The workspace's .vscode/settings.json, which VS Code watches while it runs. */
  setWorkspaceSetting(key, value) {
    this.editSettings(path.join(this.lab.home, 'workspace', '.vscode', 'settings.json'), key, value);
  }

  editSettings(file, key, value) {
    let settings = {};
    try {
      settings = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      // not written yet
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify({ ...settings, [key]: value }, null, 2)}\n`);
  }

  /** Drags the side bar's edge so the pod tree's descriptions (ready, status, restarts) fit. */
  async widenSideBar(width) {
    const box = await this.page.locator('.part.sidebar').boundingBox();
    if (!box || box.width >= width) return;
    const y = box.y + box.height / 2;
    await this.page.mouse.move(box.x + box.width - 1, y);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + width, y, { steps: 5 });
    await this.page.mouse.up();
  }

  async waitForTheme(theme) {
    const selector = theme === 'dark' ? '.monaco-workbench.vs-dark' : '.monaco-workbench.vs';
    await this.page.locator(selector).waitFor({ timeout: 60_000 });
  }

  async switchTheme(theme) {
    if (this.theme === theme) return;
    this.setWorkspaceSetting('workbench.colorTheme', THEMES[theme]);
    await this.waitForTheme(theme);
    this.theme = theme;
    // Open webviews restyle themselves from a message; wait until each shows the new theme.
    const kind = theme === 'dark' ? 'vscode-dark' : 'vscode-light';
    for (const frame of this.page.frames()) {
      if (!frame.url().includes('webview')) continue;
      await frame
        .locator(`body.${kind}`)
        .waitFor({ timeout: 10_000 })
        .catch(() => undefined);
    }
  }

  /** Screenshots of the current state in both themes: test-results/screenshots/<prefix>-<step>-<theme>.png. */
  async shoot(step, prefix = 'e2e') {
    fs.mkdirSync(screenshotDir, { recursive: true });
    const order = this.theme === 'light' ? ['light', 'dark'] : ['dark', 'light'];
    for (const theme of order) {
      await this.switchTheme(theme);
      const file = path.join(screenshotDir, `${prefix}-${step}-${theme}.png`);
      await this.page.screenshot({ path: file });
      this.shots.push(file);
    }
  }

  quickInput() {
    return this.page.locator('.quick-input-widget');
  }

  /** An extension string in the workbench's display language. */
  t(text) {
    return l10n(text, this.lab.locale);
  }

  /** F1, the command's title as package.json gives it (in the display language), Enter. */
  async runCommand(id) {
    const title = commandTitle(id, this.lab.locale);
    if (!title) throw new Error(`package.json has no command ${id}`);
    const input = this.quickInput().locator('input.input');
    for (let attempt = 0; ; attempt++) {
      await this.page.keyboard.press('Escape');
      // Focus the workbench (not a webview) on an empty spot of the title bar, where no tooltip shows.
      await this.page
        .locator('.part.titlebar')
        .click({ position: { x: 250, y: 8 } })
        .catch(() => undefined);
      await this.page.keyboard.press('F1');
      await input.waitFor({ timeout: 30_000 });
      await input.fill(`>${title.replace(/…$/, '')}`);
      const row = this.quickInput()
        .locator('.monaco-list-row', { hasText: title.replace(/^[^:]+: /, '').replace(/…$/, '') })
        .first();
      try {
        await row.waitFor({ timeout: 30_000 });
        break;
      } catch (error) {
        // The extension may still be activating its commands.
        if (attempt >= 3) throw new Error(`the command palette does not offer "${title}"`, { cause: error });
      }
    }
    await this.page.keyboard.press('Enter');
  }

  /**
   * Types `label` into the open quick pick, waits until it stops loading (its list may be replaced
   * meanwhile) and the first row is `label`, then presses Enter.
   */
  async pickByTyping(label, { timeout = 60_000 } = {}) {
    const widget = this.quickInput();
    await widget.locator('input.input').fill(label);
    await widget
      .locator('.quick-input-progress.active, .monaco-progress-container.active')
      .first()
      .waitFor({ state: 'hidden', timeout });
    await widget
      .locator(
        `.monaco-list-row[data-index="0"][aria-label^="${label},"], .monaco-list-row[data-index="0"][aria-label="${label}"]`,
      )
      .waitFor({ timeout });
    await this.page.keyboard.press('Enter');
  }

  async closeQuickInput() {
    if (await this.quickInput().isVisible()) await this.page.keyboard.press('Escape');
    await this.quickInput()
      .waitFor({ state: 'hidden', timeout: 10_000 })
      .catch(() => undefined);
  }

  /** A notification toast containing `text` (any severity). */
  toast(text) {
    return this.page.locator('.notifications-toasts .notification-toast', { hasText: text });
  }

  async showIstioLab() {
    const container = this.page.locator('.sidebar .composite.title', { hasText: 'Istio Lab' });
    if (!(await container.isVisible()))
      await this.page.locator('.activitybar [aria-label^="Istio Lab"]').first().click();
    await container.first().waitFor({ timeout: 30_000 });
  }

  /** The Istio Pods view's pane body. */
  podsPane() {
    return this.page.locator('.pane', { has: this.page.locator('.pane-header', { hasText: 'Istio Pods' }) });
  }

  /**
   * Every row of the Istio Pods tree as its accessible label (`name, 2/2 · Running · …`): the
   * tree draws only what fits, so it is read page by page from the keyboard.
   */
  async podTreeRows() {
    return (await this.podTreeItems()).map((item) => item.label);
  }

  /**
   * Every row of the Istio Pods tree as { label (its accessible label), name and description (as
   * drawn), level (1 for the cluster), expanded (undefined for a leaf) }.
   */
  async podTreeItems() {
    const pane = this.podsPane();
    const rows = new Map();
    await pane.locator('.monaco-list').focus();
    await this.page.keyboard.press('Home');
    for (let unchanged = 0; unchanged < 2;) {
      const visible = await pane.locator('.monaco-list-row').evaluateAll((elements) =>
        elements.map((element) => ({
          index: Number(element.getAttribute('data-index')),
          label: element.getAttribute('aria-label') ?? element.textContent ?? '',
          name: element.querySelector('.label-name')?.textContent ?? '',
          description: element.querySelector('.label-description')?.textContent ?? '',
          level: Number(element.getAttribute('aria-level')),
          expanded: element.hasAttribute('aria-expanded')
            ? element.getAttribute('aria-expanded') === 'true'
            : undefined,
        })),
      );
      const before = rows.size;
      for (const row of visible) rows.set(row.index, row);
      unchanged = rows.size === before ? unchanged + 1 : 0;
      await this.page.keyboard.press('PageDown');
    }
    await this.page.keyboard.press('Home');
    return [...rows.values()].sort((a, b) => a.index - b.index);
  }

  /** Moves the Istio Pods tree's focus (and so its scroll) to the row at `index`, from the keyboard. */
  async focusPodTreeRow(index) {
    await this.podsPane().locator('.monaco-list').focus();
    await this.page.keyboard.press('Home');
    for (let step = 0; step < index; step++) await this.page.keyboard.press('ArrowDown');
  }

  /**
   * Expands every collapsed row of the Istio Pods tree whose name (as drawn) `shouldExpand`
   * accepts, by a click on its twistie as a learner would, then their new children in turn. The
   * tree draws only what fits: each round reads it page by page and expands the first match.
   */
  async expandPodTree(shouldExpand) {
    const pane = this.podsPane();
    for (let round = 0; round < 50; round++) {
      await pane.locator('.monaco-list').focus();
      await this.page.keyboard.press('Home');
      let target;
      for (let unchanged = 0, seen = new Set(); target === undefined && unchanged < 2;) {
        const rows = await pane.locator('.monaco-list-row').evaluateAll((elements) =>
          elements.map((element) => ({
            index: Number(element.getAttribute('data-index')),
            name: element.querySelector('.label-name')?.textContent ?? '',
            collapsed: element.getAttribute('aria-expanded') === 'false',
          })),
        );
        target = rows.find((row) => row.collapsed && shouldExpand(row.name))?.index;
        const before = seen.size;
        for (const row of rows) seen.add(row.index);
        unchanged = seen.size === before ? unchanged + 1 : 0;
        if (target === undefined) await this.page.keyboard.press('PageDown');
      }
      if (target === undefined) return;
      const row = pane.locator(`.monaco-list-row[data-index="${target}"]`);
      await row.locator('.monaco-tl-twistie').click();
      await pane.locator(`.monaco-list-row[data-index="${target}"][aria-expanded="true"]`).waitFor({ timeout: 10_000 });
    }
    throw new Error('the Istio Pods tree kept offering rows to expand');
  }

  /**
   * The text of the hover a tree row shows while the mouse rests on it (its tooltip as VS Code
   * renders it, once resolved). The mouse keeps moving a pixel at a time: a refresh of the tree
   * closes a hover.
   */
  async rowHoverText(row, { timeout = 60_000 } = {}) {
    const hover = this.page.locator('.workbench-hover').first();
    const box = await row.boundingBox();
    if (!box) throw new Error('the row is not on screen');
    const deadline = Date.now() + timeout;
    for (let step = 0; Date.now() < deadline; step++) {
      await this.page.mouse.move(box.x + 100 + (step % 20), box.y + box.height / 2, { steps: 2 });
      // A pod's tooltip says "Loading..." while the extension reads its events.
      const text = (await hover.isVisible()) ? await hover.innerText().catch(() => '') : '';
      if (text && !/^Loading/.test(text.trim())) return text;
      await this.page.waitForTimeout(500);
    }
    throw new Error(`no hover appeared within ${timeout / 1000} s`);
  }

  /** The registry webview's inner frame, once it shows `text`. */
  async webviewFrameShowing(text, timeout = 120_000) {
    return this.webviewFrame(`"${text}"`, (frame) => frame.getByText(text, { exact: false }), timeout);
  }

  /** The inner frame of a webview, once `locate(frame)` finds something visible in it. */
  async webviewFrame(what, locate, timeout = 120_000) {
    const deadline = Date.now() + timeout;
    for (;;) {
      for (const frame of this.page.frames()) {
        if (!frame.url().includes('webview')) continue;
        if (
          await locate(frame)
            .first()
            .isVisible()
            .catch(() => false)
        )
          return frame;
      }
      if (Date.now() > deadline) throw new Error(`no webview shows ${what} within ${timeout / 1000} s`);
      await this.page.waitForTimeout(500);
    }
  }
}
