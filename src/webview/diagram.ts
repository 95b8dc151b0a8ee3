// The registry viewer's Istio architecture diagram: the era's SVG (a <template> in the page) with
// each component coloured by its live state, a caption that says what the pointed-at component
// does, and the data plane counted as Pilot sees it (proxies connected, how many synced) once the
// Proxies tab has data. Choosing a component is the page's business: the diagram only reports it.
import type { ComponentHealth, ComponentId, IstioEra } from '../shared/registry-messages';
import * as l10n from '@vscode/l10n';
import { setText } from './dom';

export interface DiagramContext {
  /** The component the registry is filtered by, if any. */
  chosen(): ComponentId | undefined;
  /** The learner clicked a component (or pressed Enter on it). */
  choose(id: ComponentId): void;
  /** Proxies connected to Pilot and how many are synced; undefined before syncz was read. */
  proxyCounts(): { readonly proxies: number; readonly synced: number } | undefined;
}

type State = 'ready' | 'partial' | 'missing' | 'none' | 'unknown';

/** `none`: no pod yet where none is normal — the data plane before an app is deployed (chapter 2). */
function stateOf(entry: ComponentHealth | undefined): State {
  if (!entry) return 'unknown';
  if (entry.desired === 0) return entry.id === 'sidecars' ? 'none' : 'missing';
  return entry.ready >= entry.desired ? 'ready' : 'partial';
}

/** The words drawn in the SVG files, by their `data-l10n` name, in the learner's language (read when drawn). */
const SVG_WORDS: Readonly<Record<string, () => string>> = {
  controlPlane: () => l10n.t('Control plane'),
  dataPlane: () => l10n.t('Data plane'),
  addons: () => l10n.t('Add-ons'),
  sidecars: () => l10n.t('Envoy sidecars'),
  meshTraffic: () => l10n.t('mesh traffic'),
  arrowConfig: () => l10n.t('config (xDS)'),
  arrowCerts: () => l10n.t('certificates'),
  arrowTelemetry: () => l10n.t('check, report'),
};

/** The component that serves the registry; the diagram describes it until another is pointed at. */
function pilotOf(which: IstioEra): ComponentId {
  return which === 'legacy' ? 'pilot' : 'istiod';
}

export class ArchitectureDiagram {
  readonly host: HTMLDivElement;
  readonly role: HTMLParagraphElement;
  private era: IstioEra | undefined;
  private readonly health = new Map<ComponentId, ComponentHealth>();

  constructor(private readonly context: DiagramContext) {
    this.host = document.createElement('div');
    this.host.className = 'diagram';
    this.host.id = 'diagram';
    this.role = document.createElement('p');
    this.role.className = 'diagram-role';
    this.role.id = 'diagram-role';
    this.role.setAttribute('aria-live', 'polite');
  }

  /** Draws the era's diagram (once per era). */
  show(next: IstioEra): void {
    if (this.era === next && this.host.firstChild) return;
    this.era = next;
    const template = document.getElementById(`diagram-${next}`) as HTMLTemplateElement | null;
    this.host.replaceChildren();
    if (!template) return;
    this.host.append(template.content.cloneNode(true));
    for (const component of Array.from(this.host.querySelectorAll<SVGGElement>('[data-component]'))) {
      const id = component.dataset.component as ComponentId;
      component.addEventListener('click', () => this.context.choose(id));
      component.addEventListener('keydown', (event: KeyboardEvent) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          this.context.choose(id);
        }
      });
      component.addEventListener('mouseenter', () => this.describe(id));
      component.addEventListener('focus', () => this.describe(id));
      component.addEventListener('mouseleave', () => this.describe(this.restingCaption(next)));
      component.addEventListener('blur', () => this.describe(this.restingCaption(next)));
    }
    this.translateWords();
    this.paint();
  }

  setHealth(era: IstioEra, components: readonly ComponentHealth[]): void {
    this.show(era);
    this.health.clear();
    for (const entry of components) this.health.set(entry.id, entry);
    this.paint();
  }

  /** The headings and labels inside the SVG, in the learner's language (a word we do not know stays as drawn). */
  private translateWords(): void {
    for (const element of Array.from(this.host.querySelectorAll('[data-l10n]'))) {
      const word = Object.hasOwn(SVG_WORDS, element.getAttribute('data-l10n') ?? '')
        ? SVG_WORDS[element.getAttribute('data-l10n')!]
        : undefined;
      if (word) setText(element, word());
    }
  }

  title(id: ComponentId): string {
    return this.health.get(id)?.title ?? this.host.querySelector(`[data-component="${id}"] .name`)?.textContent ?? id;
  }

  /** Colours and counts every component, and updates the caption. */
  paint(): void {
    for (const component of Array.from(this.host.querySelectorAll<SVGGElement>('[data-component]'))) {
      const id = component.dataset.component as ComponentId;
      const entry = this.health.get(id);
      const proxies = this.proxiesOf(id);
      // The data plane as Pilot sees it once there are proxies: connected, and holding what it last sent.
      const state: State = proxies ? (proxies.synced === proxies.proxies ? 'ready' : 'partial') : stateOf(entry);
      component.classList.remove('state-ready', 'state-partial', 'state-missing', 'state-none', 'state-unknown');
      component.classList.add(`state-${state}`);
      component.classList.toggle('chosen', this.context.chosen() === id);
      component.dataset.state = state;
      const count = component.querySelector('.count');
      if (count) {
        const text = proxies
          ? l10n.t('{0}/{1} synced', proxies.synced, proxies.proxies)
          : entry
            ? entry.desired > 0
              ? l10n.t('{0}/{1} ready', entry.ready, entry.desired)
              : state === 'none'
                ? l10n.t('none yet')
                : l10n.t('missing')
            : '';
        setText(count, text);
      }
      let title = component.querySelector<SVGTitleElement>(':scope > title');
      if (!title) {
        title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
        component.prepend(title);
      }
      const text = [this.title(id), entry?.role, this.stateText(id)].filter(Boolean).join('\n');
      setText(title, text);
      component.setAttribute('aria-label', text.replace(/\n/g, ' — '));
    }
    if (this.era && !this.host.querySelector('.component:hover, .component:focus'))
      this.describe(this.restingCaption(this.era));
  }

  private proxiesOf(id: ComponentId): { readonly proxies: number; readonly synced: number } | undefined {
    if (id !== 'sidecars') return undefined;
    const counts = this.context.proxyCounts();
    return counts && counts.proxies > 0 ? counts : undefined;
  }

  private stateText(id: ComponentId): string {
    const proxies = this.proxiesOf(id);
    if (proxies) return l10n.t('{0} proxies, {1} synced', proxies.proxies, proxies.synced);
    const entry = this.health.get(id);
    const state = stateOf(entry);
    if (state === 'ready') return l10n.t('ready: {0}/{1} pods', entry!.ready, entry!.desired);
    if (state === 'partial') return l10n.t('partly ready: {0}/{1} pods', entry!.ready, entry!.desired);
    if (state === 'missing') return l10n.t('missing: no pods');
    if (state === 'none') return l10n.t('none yet: deploy an app to see the data plane');
    return '';
  }

  /** What the caption describes when nothing is pointed at: the chosen component (its chip shows), else Pilot. */
  private restingCaption(which: IstioEra): ComponentId {
    return this.context.chosen() ?? pilotOf(which);
  }

  private describe(id: ComponentId): void {
    setText(this.role, [this.title(id), this.health.get(id)?.role, this.stateText(id)].filter(Boolean).join(' — '));
  }
}
