// A windowed list: only the rows in view (plus a few) exist in the DOM, positioned over a spacer
// as tall as all rows, so 90,000 rows cost what 40 do. Rows have one fixed height.

export interface VirtualListOptions<T> {
  readonly viewport: HTMLElement;
  readonly rowHeight: number;
  readonly createRow: () => HTMLElement;
  readonly renderRow: (element: HTMLElement, item: T, index: number) => void;
  /** Rows rendered above and below the visible ones. */
  readonly overscan?: number;
}

/** What the list shows: a length and the item at a position (made on demand). */
export interface ListItems<T> {
  readonly length: number;
  at(index: number): T;
}

export class VirtualList<T> {
  private items: ListItems<T> = { length: 0, at: () => undefined as never };
  private readonly spacer: HTMLElement;
  private readonly pool: HTMLElement[] = [];
  /** Which item each pooled element shows (-1: hidden). */
  private readonly shown = new Map<HTMLElement, number>();
  private frame = 0;
  /** The viewport's height from the ResizeObserver: reading clientHeight after a write forces a layout. */
  private height = 0;

  constructor(private readonly options: VirtualListOptions<T>) {
    this.spacer = document.createElement('div');
    this.spacer.className = 'virtual-spacer';
    options.viewport.append(this.spacer);
    options.viewport.addEventListener('scroll', () => {
      if (!this.frame) this.frame = requestAnimationFrame(() => ((this.frame = 0), this.update()));
    });
    new ResizeObserver(([entry]) => {
      this.height = entry.contentRect.height;
      this.update();
    }).observe(options.viewport);
  }

  get length(): number {
    return this.items.length;
  }

  /** Replaces the items and renders the visible window at once (no frame delay). */
  setItems(items: ListItems<T>): void {
    // Read the scroll position before writing, and clamp it as the browser will: one keystroke of
    // the search then costs no forced layout.
    const { viewport, rowHeight } = this.options;
    const top = Math.min(viewport.scrollTop, Math.max(0, items.length * rowHeight - this.viewportHeight()));
    this.items = items;
    this.spacer.style.height = `${items.length * rowHeight}px`;
    this.update(true, top);
  }

  private viewportHeight(): number {
    return this.height || this.options.viewport.clientHeight || 600;
  }

  /** Re-renders the visible rows (selection or highlight changed). */
  refresh(): void {
    this.update(true);
  }

  /** How many rows fit in the viewport. */
  pageSize(): number {
    return Math.max(1, Math.floor(this.viewportHeight() / this.options.rowHeight) - 1);
  }

  /** Scrolls just enough for row `index` to be in view. */
  reveal(index: number): void {
    const { viewport, rowHeight } = this.options;
    const top = index * rowHeight;
    if (top < viewport.scrollTop) viewport.scrollTop = top;
    else if (top + rowHeight > viewport.scrollTop + viewport.clientHeight)
      viewport.scrollTop = top + rowHeight - viewport.clientHeight;
    this.update(true);
  }

  /** The element showing item `index`, when it is rendered. */
  elementAt(index: number): HTMLElement | undefined {
    for (const [element, shown] of this.shown) if (shown === index) return element;
    return undefined;
  }

  private update(force = false, scrollTop = this.options.viewport.scrollTop): void {
    const { viewport, rowHeight, overscan = 8 } = this.options;
    const height = this.viewportHeight();
    const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
    const last = Math.min(this.items.length, Math.ceil((scrollTop + height) / rowHeight) + overscan);
    const needed = last - first;
    while (this.pool.length < needed) {
      const element = this.options.createRow();
      element.classList.add('virtual-row');
      this.pool.push(element);
      this.shown.set(element, -1);
      viewport.append(element);
    }
    // Keep elements that already show an index in the window, so scrolling re-renders only new rows.
    const free: HTMLElement[] = [];
    const placed = new Set<number>();
    for (const element of this.pool) {
      const index = this.shown.get(element)!;
      if (!force && index >= first && index < last) placed.add(index);
      else free.push(element);
    }
    for (let index = first; index < last; index++) {
      if (placed.has(index)) continue;
      const element = free.pop()!;
      this.shown.set(element, index);
      element.hidden = false;
      element.style.transform = `translateY(${index * rowHeight}px)`;
      this.options.renderRow(element, this.items.at(index), index);
    }
    for (const element of free) {
      this.shown.set(element, -1);
      element.hidden = true;
    }
  }
}
