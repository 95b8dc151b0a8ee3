// The registry viewer's page (bundled to dist/webview.js): lays out the header, the architecture
// diagram (diagram.ts), the toolbar with tabs and search, the Registry table (registry-table.ts),
// the Proxies tab (proxies-view.ts) and the Raw JSON tab; keeps the view state, and turns the
// extension's messages into what they show. Every message is validated
// (src/shared/registry-messages.ts) and every cluster-provided string goes into the DOM through
// textContent — never innerHTML.
import type {
  ComponentId,
  EquivalentCommand,
  ExtensionMessage,
  RegistryTab,
  RegistryViewState,
  WebviewMessage,
} from '../shared/registry-messages';
import { asExtensionMessage, asViewState, DEFAULT_VIEW_STATE, RAW_DISPLAY_LIMIT } from '../shared/registry-messages';
import * as l10n from '@vscode/l10n';
import { h, setText } from './dom';
import { ArchitectureDiagram } from './diagram';
import { ProxiesView } from './proxies-view';
import { RegistryTable } from './registry-table';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

// The learner's language before any word is drawn: the panel puts VS Code's bundle for this
// extension (l10n/bundle.l10n.<language>.json) on <body>; in English there is none and l10n.t
// returns the English text it is given.
const bundle = document.body.dataset.l10nBundle;
if (bundle) l10n.config({ contents: bundle });

// ── state ─────────────────────────────────────────────────────────────────────────────────

let view: RegistryViewState = asViewState(vscode.getState()) ?? DEFAULT_VIEW_STATE;
let registry: Extract<ExtensionMessage, { type: 'registry' }> | undefined;

function post(message: WebviewMessage): void {
  vscode.postMessage(message);
}

function saveView(next: Partial<RegistryViewState>): void {
  view = { ...view, ...next };
  if (!view.component) delete (view as { component?: ComponentId }).component;
  vscode.setState(view);
  post({ type: 'state', state: view });
}

// ── layout ────────────────────────────────────────────────────────────────────────────────

const refreshButton = h('button', { type: 'button', id: 'refresh', class: 'primary' }, l10n.t('Refresh'));
const exportJsonButton = h('button', { type: 'button', id: 'export-json' }, l10n.t('Export JSON'));
const exportCsvButton = h('button', { type: 'button', id: 'export-csv' }, l10n.t('Export CSV'));
const eraBadge = h('span', { class: 'era', id: 'era' });
const metaLine = h('span', { class: 'meta', id: 'meta' });
const progress = h('div', { class: 'progress', id: 'progress', role: 'progressbar', hidden: '' });
const errorBanner = h('div', { class: 'error', id: 'error', role: 'alert', hidden: '' });

const legend = h(
  'ul',
  { class: 'legend' },
  h('li', { class: 'state-ready' }, h('span', { class: 'swatch' }), h('span', {}, l10n.t('ready'))),
  h('li', { class: 'state-partial' }, h('span', { class: 'swatch' }), h('span', {}, l10n.t('partly ready'))),
  h('li', { class: 'state-missing' }, h('span', { class: 'swatch' }), h('span', {}, l10n.t('missing'))),
);

const tabButton = (id: RegistryTab, text: string): HTMLButtonElement =>
  h('button', { type: 'button', role: 'tab', id: `tab-${id}`, 'aria-controls': `panel-${id}` }, text);
const tableTab = tabButton('table', l10n.t('Registry'));
const proxiesTab = tabButton('proxies', l10n.t('Proxies'));
const rawTab = tabButton('raw', l10n.t('Raw JSON'));
const TABS: readonly (readonly [HTMLButtonElement, RegistryTab])[] = [
  [tableTab, 'table'],
  [proxiesTab, 'proxies'],
  [rawTab, 'raw'],
];
const search = h('input', {
  type: 'search',
  id: 'search',
  spellcheck: 'false',
  autocomplete: 'off',
  placeholder: l10n.t('Filter services, ports, IPs, pods'),
  'aria-label': l10n.t('Filter the registry'),
});
const chip = h('div', { class: 'chip', id: 'component-filter', hidden: '' });
const chipText = h('span');
const chipClear = h('button', { type: 'button', class: 'link' }, l10n.t('Clear'));
chip.append(chipText, chipClear);
const changes = h('p', { class: 'changes', id: 'changes', hidden: '' });
const table = new RegistryTable(() => ({ query: view.filter, component: view.component }), post);
const rawNote = h('p', { class: 'note', hidden: '' });
const rawText = h('pre', { class: 'raw', id: 'raw', tabindex: '0' });
const tablePanel = h(
  'div',
  { role: 'tabpanel', id: 'panel-table', 'aria-labelledby': 'tab-table', class: 'panel' },
  table.summary,
  changes,
  table.viewport,
  table.emptyNote,
);
const rawPanel = h(
  'div',
  { role: 'tabpanel', id: 'panel-raw', 'aria-labelledby': 'tab-raw', class: 'panel', hidden: '' },
  rawNote,
  rawText,
);
const commandList = h('ul', { class: 'commands', id: 'commands' });
const proxies = new ProxiesView(post);
const diagram = new ArchitectureDiagram({
  chosen: () => view.component,
  choose: (id: ComponentId) => chooseComponent(id),
  proxyCounts: () => proxies.counts(),
});

function buildLayout(): void {
  const header = h(
    'header',
    {},
    h('div', { class: 'title' }, h('h1', {}, l10n.t('Pilot service registry')), eraBadge),
    h('div', { class: 'actions' }, refreshButton, exportJsonButton, exportCsvButton),
    metaLine,
  );
  const aside = h(
    'aside',
    {},
    h('h2', {}, l10n.t('Istio architecture')),
    diagram.host,
    legend,
    diagram.role,
    h('p', { class: 'hint' }, l10n.t('Click a component to filter the registry and reveal its pods.')),
  );
  const main = h(
    'main',
    {},
    errorBanner,
    h('div', { class: 'toolbar' }, h('div', { role: 'tablist', class: 'tabs' }, tableTab, proxiesTab, rawTab), search),
    chip,
    tablePanel,
    proxies.panel,
    rawPanel,
    h('section', { class: 'commands-section' }, h('h2', {}, l10n.t('The same from a terminal')), commandList),
  );
  document.body.append(header, progress, h('div', { class: 'layout' }, aside, main));
}

// ── the diagram's filter ───────────────────────────────────────────────────────────────────

function chooseComponent(id: ComponentId | undefined): void {
  saveView({ component: view.component === id ? undefined : id });
  if (view.component) post({ type: 'component', id: view.component });
  showComponentFilter();
  diagram.paint();
  table.applyFilter();
}

function showComponentFilter(): void {
  chip.hidden = !view.component;
  if (view.component) setText(chipText, l10n.t('Showing what belongs to {0}', diagram.title(view.component)));
}

// ── tabs, commands, messages ──────────────────────────────────────────────────────────────

function showTab(tab: RegistryTab): void {
  for (const [button, id] of TABS) {
    button.setAttribute('aria-selected', String(tab === id));
    button.tabIndex = tab === id ? 0 : -1;
  }
  tablePanel.hidden = tab !== 'table';
  proxies.panel.hidden = tab !== 'proxies';
  rawPanel.hidden = tab !== 'raw';
  if (tab === 'proxies') proxies.refresh();
  if (tab === 'raw' && registry && rawText.textContent !== registry.raw) setText(rawText, registry.raw);
  if (tab === 'table') table.refresh();
}

/** What an equivalent command does, by the name the extension gives it (read when shown). */
const COMMAND_LABELS: Readonly<Record<EquivalentCommand['label'], () => string>> = {
  commandCurlPod: () => l10n.t("The book's way: a throw-away pod that curls Pilot"),
  commandGetRaw: () => l10n.t('Through the API server, no pod needed'),
  commandIstioctl: () => l10n.t("istioctl's view of the same registry"),
  commandPortForward: () => l10n.t('istiod answers only local callers: port-forward, then curl'),
};

function showCommands(commands: readonly EquivalentCommand[], proxyStatus?: string): void {
  const items = commands.map((command): [string, string] => [COMMAND_LABELS[command.label](), command.command]);
  if (proxyStatus) items.push([l10n.t('The same table from istioctl'), proxyStatus]);
  commandList.replaceChildren(
    ...items.map(([text, command]) => {
      const copy = h('button', { type: 'button', class: 'link copy' }, l10n.t('Copy'));
      copy.addEventListener('click', () => post({ type: 'copy', text: command }));
      return h('li', {}, h('span', { class: 'command-label' }, text), h('code', {}, command), copy);
    }),
  );
}

/** `13:16:38`, the same in both languages (a locale-aware formatter costs tens of ms to load ICU data before the first paint). */
function formatTime(epochMs: number): string {
  return new Date(epochMs).toTimeString().slice(0, 8);
}

function showRegistry(message: Extract<ExtensionMessage, { type: 'registry' }>): void {
  registry = message;
  progress.hidden = true;
  // A stale registry (Pilot uninstalled since) stays readable, greyed and dated, under the reason.
  errorBanner.hidden = !message.stale;
  if (message.stale)
    errorBanner.replaceChildren(h('strong', {}, l10n.t('Pilot is no longer installed')), h('p', {}, message.stale));
  tablePanel.classList.toggle('stale', message.stale !== undefined);
  rawPanel.classList.toggle('stale', message.stale !== undefined);
  diagram.show(message.era);
  setText(
    eraBadge,
    message.era === 'legacy'
      ? l10n.t('Istio 1.0–1.4 · Pilot /v1/registration')
      : l10n.t('Istio 1.5+ · istiod /debug/registryz'),
  );
  const fetchedAt = formatTime(message.fetchedAt);
  setText(
    metaLine,
    message.stale
      ? l10n.t('from {0}, Pilot is no longer installed: this is the last registry it served', fetchedAt)
      : l10n.t(
          'fetched {0} via {1}',
          fetchedAt,
          message.via === 'service-proxy'
            ? l10n.t('the API server service proxy')
            : l10n.t('a port-forward to the pod'),
        ),
  );
  metaLine.classList.toggle('stale', message.stale !== undefined);
  table.setRegistry(message.snapshot, message.diff);
  changes.hidden = !message.diff;
  if (message.diff) {
    const { added, removed } = message.diff;
    setText(
      changes,
      added.length || removed.length
        ? l10n.t('Endpoints since the last refresh: {0} added, {1} removed', added.length, removed.length)
        : l10n.t('no endpoint changed since the last refresh'),
    );
    changes.classList.toggle('has-changes', added.length + removed.length > 0);
  }
  rawNote.hidden = !message.rawTruncated;
  setText(
    rawNote,
    l10n.t('Showing the first {0} characters; Export JSON saves the whole answer.', RAW_DISPLAY_LIMIT.toLocaleString()),
  );
  setText(rawText, view.tab === 'raw' ? message.raw : '');
  showCommands(message.commands, message.proxies?.command);
  proxies.show(message.proxies);
  diagram.paint();
  table.applyFilter();
  table.prepareSearchWhenIdle();
}

function receive(message: ExtensionMessage): void {
  switch (message.type) {
    case 'init':
      view = asViewState(vscode.getState()) ?? message.state;
      search.value = view.filter;
      proxies.setFilter(view.filter);
      showTab(view.tab);
      showComponentFilter();
      setText(table.summary, l10n.t('No registry fetched yet.'));
      return;
    case 'loading':
      progress.hidden = false;
      setText(progress, l10n.t('Fetching the registry…'));
      return;
    case 'registry':
      showRegistry(message);
      return;
    case 'health':
      diagram.setHealth(message.era, message.components);
      return;
    case 'error':
      progress.hidden = true;
      errorBanner.hidden = false;
      errorBanner.replaceChildren(
        h('strong', {}, l10n.t('The registry could not be fetched')),
        h('p', {}, message.message),
      );
      if (message.commands.length) showCommands(message.commands);
      return;
  }
}

window.addEventListener('message', (event: MessageEvent) => {
  const message = asExtensionMessage(event.data);
  if (message) receive(message);
});

// ── wiring ────────────────────────────────────────────────────────────────────────────────

buildLayout();
showTab(view.tab);
refreshButton.addEventListener('click', () => post({ type: 'refresh' }));
exportJsonButton.addEventListener('click', () => post({ type: 'export', format: 'json' }));
exportCsvButton.addEventListener('click', () => post({ type: 'export', format: 'csv' }));
chipClear.addEventListener('click', () => chooseComponent(undefined));
for (const [button, tab] of TABS) {
  button.addEventListener('click', () => {
    saveView({ tab });
    showTab(tab);
  });
  button.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    const at = TABS.findIndex(([, id]) => id === tab);
    const [otherButton, other] = TABS[(at + (event.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length];
    saveView({ tab: other });
    showTab(other);
    otherButton.focus();
  });
}
search.addEventListener('input', () => {
  saveView({ filter: search.value });
  proxies.setFilter(search.value);
  table.applyFilter(true);
});
search.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && search.value) {
    search.value = '';
    saveView({ filter: '' });
    proxies.setFilter('');
    table.applyFilter();
  } else if (event.key === 'ArrowDown') {
    event.preventDefault();
    table.viewport.focus();
  }
});
document.addEventListener('keydown', (event) => {
  if (event.key === '/' && document.activeElement !== search) {
    event.preventDefault();
    search.focus();
  }
});
post({ type: 'ready' });
