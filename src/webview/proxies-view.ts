// The Proxies tab: what Pilot sent every Envoy and what it acknowledged, one row per proxy as
// `istioctl proxy-status` prints it (NAME, CDS, LDS, EDS, RDS, PILOT, VERSION), windowed like the
// registry table so 5,000 proxies cost what 40 do. The cells are istioctl's own words (SYNCED,
// NOT SENT, STALE (…)), untranslated as a terminal shows them; a click reveals the proxy's pod.
import type { ProxySync, ProxySyncRow, WebviewMessage } from '../shared/registry-messages';
import * as l10n from '@vscode/l10n';
import { h, setText } from './dom';
import { VirtualList } from './virtual-list';

const ROW_HEIGHT = 22;
const COLUMNS = ['NAME', 'CDS', 'LDS', 'EDS', 'RDS', 'PILOT', 'VERSION'] as const;
const cellsOf = (row: ProxySyncRow): string[] => [row.name, row.cds, row.lds, row.eds, row.rds, row.pilot, row.version];

export class ProxiesView {
  readonly panel: HTMLElement;
  private readonly summary = h('p', { class: 'summary', id: 'proxies-summary' });
  private readonly note = h('p', { class: 'empty', id: 'proxies-empty', hidden: '' });
  private readonly viewport = h('div', {
    class: 'table proxies',
    id: 'proxies-table',
    role: 'grid',
    tabindex: '0',
    'aria-label': l10n.t('Proxies: name, CDS, LDS, EDS, RDS, Pilot, version'),
  });
  private readonly list: VirtualList<ProxySyncRow>;
  private sync: ProxySync | undefined;
  private shown: readonly ProxySyncRow[] = [];
  private filter = '';

  constructor(post: (message: WebviewMessage) => void) {
    const header = h(
      'div',
      { class: 'proxy-row header', role: 'row' },
      ...COLUMNS.map((name) => h('span', { role: 'columnheader' }, name)),
    );
    this.panel = h(
      'div',
      { role: 'tabpanel', id: 'panel-proxies', 'aria-labelledby': 'tab-proxies', class: 'panel', hidden: '' },
      this.summary,
      h(
        'p',
        { class: 'hint' },
        l10n.t(
          'What Pilot sent each Envoy and what it acknowledged, as istioctl proxy-status prints it. Click a proxy to show its pod.',
        ),
      ),
      header,
      this.viewport,
      this.note,
    );
    this.list = new VirtualList<ProxySyncRow>({
      viewport: this.viewport,
      rowHeight: ROW_HEIGHT,
      createRow: () => {
        const row = h('div', { class: 'proxy-row', role: 'row' });
        for (let k = 0; k < COLUMNS.length; k++) row.append(h('span', { role: 'gridcell' }));
        return row;
      },
      renderRow: (element, row) => {
        const cells = cellsOf(row);
        for (let k = 0; k < cells.length; k++) {
          const cell = element.children[k];
          setText(cell, cells[k]);
          // Fixed columns keep the rows aligned; a long cell (`STALE (Never Acknowledged)`) shows whole on hover.
          (cell as HTMLElement).title = cells[k];
          // Colour the xDS cells by their word, so a STALE one stands out in a long column of SYNCED.
          if (k >= 1 && k <= 4)
            cell.className = cells[k].startsWith('SYNCED')
              ? 'xds synced'
              : cells[k].startsWith('STALE')
                ? 'xds stale'
                : 'xds not-sent';
        }
        element.dataset.namespace = row.namespace;
        element.dataset.pod = row.pod;
        element.dataset.state = row.state;
      },
    });
    this.viewport.addEventListener('click', (event) => {
      const target = (event.target as Element).closest<HTMLElement>('.proxy-row');
      if (target?.dataset.pod && target.dataset.namespace !== undefined)
        post({ type: 'revealPod', namespace: target.dataset.namespace, name: target.dataset.pod });
    });
  }

  /** The proxies of the latest fetch. */
  show(sync: ProxySync | undefined): void {
    this.sync = sync;
    this.apply();
  }

  /** Filters by the search box's text (name, pod, namespace, version or a cell's word). */
  setFilter(text: string): void {
    this.filter = text.trim().toLowerCase();
    this.apply();
  }

  /** Counts for the diagram's data-plane box: proxies and how many are fully synced. */
  counts(): { readonly proxies: number; readonly synced: number } | undefined {
    if (!this.sync || this.sync.error !== undefined) return undefined;
    return { proxies: this.sync.rows.length, synced: this.sync.rows.filter((row) => row.state === 'synced').length };
  }

  refresh(): void {
    this.list.refresh();
  }

  private apply(): void {
    const rows = this.sync?.rows ?? [];
    const filter = this.filter;
    this.shown = filter ? rows.filter((row) => cellsOf(row).some((cell) => cell.toLowerCase().includes(filter))) : rows;
    const shown = this.shown;
    this.list.setItems({ length: shown.length, at: (index) => shown[index] });
    this.paintSummary();
  }

  private paintSummary(): void {
    const sync = this.sync;
    const rows = sync?.rows ?? [];
    const counts = this.counts();
    setText(
      this.summary,
      counts
        ? this.shown.length === rows.length
          ? counts.proxies === 1
            ? l10n.t('{0} proxy, {1} synced', counts.proxies, counts.synced)
            : l10n.t('{0} proxies, {1} synced', counts.proxies, counts.synced)
          : l10n.t('showing {0} of {1} proxies', this.shown.length, rows.length)
        : '',
    );
    const message =
      sync?.error !== undefined
        ? l10n.t('Pilot did not say what it sent to the proxies: {0}', sync.error)
        : sync && rows.length === 0
          ? l10n.t(
              'No proxy is connected to Pilot yet. Deploy the sample app (Bookinfo) into a namespace labelled istio-injection=enabled: each of its pods adds one.',
            )
          : '';
    this.note.hidden = message === '';
    this.note.classList.toggle('error-text', sync?.error !== undefined);
    setText(this.note, message);
  }
}
