// The Registry tab's table: the registry as a grouped tree grid (namespace › service › port ›
// endpoint), windowed by VirtualList, with its summary line, the "no match" note, keyboard
// navigation (arrows, Page Up/Down, Home/End, expand/collapse), click selection and Ctrl+C copy.
// What it shows is filtered by the search text and the diagram's component, read when it redraws.
import type { ComponentId, RegistryDiff, RegistrySnapshot, WebviewMessage } from '../shared/registry-messages';
import type { RegistryIndex, Row, VisibleRows } from './registry-rows';
import { indexRegistry, prepareSearch, ROW_LEVEL, rowCopyText, visibleRows } from './registry-rows';
import * as l10n from '@vscode/l10n';
import { h, setText } from './dom';
import { VirtualList } from './virtual-list';

const ROW_HEIGHT = 22;

/** Counts in words; Korean has one form, English a singular. */
const servicesText = (n: number): string => (n === 1 ? l10n.t('{0} service', n) : l10n.t('{0} services', n));
const portsText = (n: number): string => (n === 1 ? l10n.t('{0} port', n) : l10n.t('{0} ports', n));
const endpointsText = (n: number): string => (n === 1 ? l10n.t('{0} endpoint', n) : l10n.t('{0} endpoints', n));

function createRow(): HTMLElement {
  return h(
    'div',
    { role: 'row', class: 'row' },
    h('span', { class: 'twisty', 'aria-hidden': 'true' }),
    h('span', { class: 'name' }),
    h('span', { class: 'detail' }),
    h('span', { class: 'badge' }),
  );
}

type ExpandableRow = Extract<Row, { id: string }>;
const isExpandable = (row: Row | undefined): row is ExpandableRow => row !== undefined && 'id' in row;

/** What the table shows: the search text and the diagram's chosen component. */
export interface TableFilter {
  readonly query: string;
  readonly component?: ComponentId;
}

export class RegistryTable {
  readonly summary = h('p', { class: 'summary', id: 'summary' });
  readonly viewport = h('div', {
    class: 'table',
    id: 'registry-table',
    role: 'treegrid',
    tabindex: '0',
    'aria-label': l10n.t('Service registry: namespace, service, port, endpoints'),
  });
  readonly emptyNote = h('p', { class: 'empty', id: 'empty', hidden: '' });
  private readonly list: VirtualList<Row>;
  private services: RegistrySnapshot['services'] = [];
  private index: RegistryIndex | undefined;
  private rows: VisibleRows | undefined;
  private selected = 0;
  private readonly collapsed = new Set<string>();
  /** The whole registry's counts, for the summary line; counted once per registry message. */
  private totals: { services: number; ports: number; endpoints: number } | undefined;

  constructor(
    private readonly filter: () => TableFilter,
    private readonly post: (message: WebviewMessage) => void,
  ) {
    this.list = new VirtualList<Row>({
      viewport: this.viewport,
      rowHeight: ROW_HEIGHT,
      createRow,
      renderRow: (element, row, at) => this.renderRow(element, row, at),
    });
    this.viewport.addEventListener('keydown', (event) => this.onKey(event));
    this.viewport.addEventListener('click', (event) => this.onClick(event));
  }

  /** A new registry message: indexes it (the rows are drawn by the next applyFilter). */
  setRegistry(snapshot: RegistrySnapshot, diff: RegistryDiff | undefined): void {
    this.services = snapshot.services;
    this.totals = undefined;
    this.index = indexRegistry(snapshot, diff);
  }

  /** The search texts are built after the table is painted, so the first keystroke finds them ready. */
  prepareSearchWhenIdle(): void {
    const painted = this.index;
    if (painted) requestIdleCallback(() => prepareSearch(painted), { timeout: 2000 });
  }

  /** Redraws the rows the filter lets through; `fromTop` moves the selection to the first row. */
  applyFilter(fromTop = false): void {
    if (fromTop) this.selected = 0;
    const index = this.index;
    if (!index) return;
    const { query, component } = this.filter();
    const rows = visibleRows(index, { query, component, collapsed: this.collapsed });
    this.rows = rows;
    this.selected = Math.min(this.selected, Math.max(0, rows.length - 1));
    this.list.setItems(rows);
    this.updateActive();
    this.emptyNote.hidden = rows.length > 0;
    setText(this.emptyNote, l10n.t('No services match.'));
    const counts = this.countAll();
    const text = `${servicesText(counts.services)} · ${portsText(counts.ports)} · ${endpointsText(counts.endpoints)}`;
    setText(
      this.summary,
      rows.services === index.serviceCount
        ? text
        : `${text} — ${l10n.t('showing {0} of {1} services', rows.services, index.serviceCount)}`,
    );
  }

  /** Re-renders the rows in view (the tab was shown again). */
  refresh(): void {
    this.list.refresh();
  }

  private renderRow(element: HTMLElement, row: Row, at: number): void {
    const [twisty, name, detail, badge] = element.children as unknown as HTMLElement[];
    element.id = `row-${at}`;
    element.className = `row virtual-row kind-${row.kind}`;
    element.setAttribute('aria-level', String(ROW_LEVEL[row.kind]));
    element.setAttribute('aria-rowindex', String(at + 1));
    element.setAttribute('aria-selected', String(at === this.selected));
    element.dataset.index = String(at);
    if (isExpandable(row)) {
      const open = !this.collapsed.has(row.id);
      element.setAttribute('aria-expanded', String(open));
      setText(twisty, open ? '▾' : '▸');
    } else {
      element.removeAttribute('aria-expanded');
      setText(twisty, '');
    }
    let badgeText = '';
    switch (row.kind) {
      case 'namespace':
        setText(name, row.namespace || l10n.t('(outside Kubernetes)'));
        setText(detail, `${servicesText(row.services)} · ${endpointsText(row.endpoints)}`);
        break;
      case 'service':
        setText(name, row.service.hostname);
        setText(detail, `${portsText(row.service.ports.length)} · ${endpointsText(row.endpoints)}`);
        badgeText = row.removed ? l10n.t('removed') : (row.service.address ?? '');
        if (row.removed) element.classList.add('removed');
        break;
      case 'port':
        setText(name, row.port.name || l10n.t('(unnamed port)'));
        setText(
          detail,
          `${row.port.key}${row.port.port !== undefined ? `  :${row.port.port}` : ''}${row.port.protocol ? `  ${row.port.protocol}` : ''}  · ${endpointsText(row.port.endpoints.length)}`,
        );
        if (row.removed) element.classList.add('removed');
        break;
      case 'endpoint': {
        const pod = row.endpoint.pod;
        setText(name, `${row.endpoint.ip}:${row.endpoint.port}`);
        setText(detail, pod ? `${pod.namespace}/${pod.name}` : '');
        badgeText = row.added
          ? l10n.t('added')
          : pod
            ? pod.gone
              ? l10n.t('pod gone')
              : pod.ready
                ? l10n.t('ready')
                : l10n.t('not ready')
            : '';
        if (row.added) element.classList.add('added');
        if (pod && !pod.ready) element.classList.add(pod.gone ? 'gone' : 'not-ready');
        break;
      }
      case 'removed':
        setText(name, `${row.removed.ip}:${row.removed.port}`);
        setText(detail, row.removed.portKey);
        badgeText = l10n.t('removed');
        element.classList.add('removed');
        break;
      case 'no-endpoints':
        setText(name, '');
        setText(detail, l10n.t('no endpoints: no ready pod backs this port'));
        break;
    }
    setText(badge, badgeText);
  }

  private countAll(): { services: number; ports: number; endpoints: number } {
    if (this.totals) return this.totals;
    let ports = 0;
    let endpoints = 0;
    for (const service of this.services) {
      ports += service.ports.length;
      for (const port of service.ports) endpoints += port.endpoints.length;
    }
    this.totals = { services: this.services.length, ports, endpoints };
    return this.totals;
  }

  private updateActive(): void {
    const element = this.list.elementAt(this.selected);
    if (element) this.viewport.setAttribute('aria-activedescendant', element.id);
    else this.viewport.removeAttribute('aria-activedescendant');
  }

  private select(next: number): void {
    if (!this.rows || this.rows.length === 0) return;
    this.selected = Math.max(0, Math.min(this.rows.length - 1, next));
    this.list.reveal(this.selected);
    this.updateActive();
  }

  private toggle(row: Row | undefined): void {
    if (!isExpandable(row)) return;
    if (this.collapsed.has(row.id)) this.collapsed.delete(row.id);
    else this.collapsed.add(row.id);
    this.applyFilter();
  }

  private parentOf(at: number): number {
    if (!this.rows) return at;
    const level = this.rows.levelAt(at);
    for (let k = at - 1; k >= 0; k--) if (this.rows.levelAt(k) < level) return k;
    return at;
  }

  private copySelected(): void {
    const row = this.rows?.at(this.selected);
    if (row) this.post({ type: 'copy', text: rowCopyText(row) });
  }

  private onKey(event: KeyboardEvent): void {
    const { rows, selected, collapsed } = this;
    const row = rows && rows.length > 0 ? rows.at(selected) : undefined;
    const handled = (): void => event.preventDefault();
    switch (event.key) {
      case 'ArrowDown':
        this.select(selected + 1);
        return handled();
      case 'ArrowUp':
        this.select(selected - 1);
        return handled();
      case 'PageDown':
        this.select(selected + this.list.pageSize());
        return handled();
      case 'PageUp':
        this.select(selected - this.list.pageSize());
        return handled();
      case 'Home':
        this.select(0);
        return handled();
      case 'End':
        this.select((rows?.length ?? 0) - 1);
        return handled();
      case 'ArrowRight':
        if (isExpandable(row) && collapsed.has(row.id)) this.toggle(row);
        else this.select(selected + 1);
        return handled();
      case 'ArrowLeft':
        if (isExpandable(row) && !collapsed.has(row.id)) this.toggle(row);
        else this.select(this.parentOf(selected));
        return handled();
      case 'Enter':
      case ' ':
        this.toggle(row);
        return handled();
      case 'c':
      case 'C':
        if (event.ctrlKey || event.metaKey) {
          this.copySelected();
          handled();
        }
        return;
      default:
        return;
    }
  }

  private onClick(event: MouseEvent): void {
    const element = (event.target as Element).closest<HTMLElement>('.row');
    if (!element?.dataset.index) return;
    const at = Number(element.dataset.index);
    this.selected = at;
    if ((event.target as Element).classList.contains('twisty')) this.toggle(this.rows?.at(at));
    else this.list.refresh();
    this.updateActive();
    this.viewport.focus();
  }
}
