// What every proxy received from Pilot: the body of `/debug/syncz` (Pilot 1.0–1.4 on port 8080,
// istiod 1.5+ on 15014) turned into the rows `istioctl proxy-status` prints. Ported from istio/istio
// tag 1.2.2 `istioctl/pkg/writer/pilot/status.go` (xdsStatus, statusPrintln) and, for istiod,
// `pilot/pkg/xds/debug.go` (SyncStatus); the shapes are in test/fixtures/istio/registry/FORMATS.md §4.
// Pure: a body in, rows out; a body that is not a syncz answer is a RegistryFormatError.
import type { ProxySyncRow, XdsState } from '../../shared/registry-messages';
import { parseJsonText, RegistryFormatError } from './json-text';

/** One element of the syncz array; every field is `omitempty` in Go. */
interface SyncStatus {
  proxy?: unknown;
  proxy_version?: unknown;
  istio_version?: unknown;
  cluster_sent?: unknown;
  cluster_acked?: unknown;
  listener_sent?: unknown;
  listener_acked?: unknown;
  route_sent?: unknown;
  route_acked?: unknown;
  endpoint_sent?: unknown;
  endpoint_acked?: unknown;
  endpoint_percent?: unknown;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * A nonce Pilot 1.2 sent: Go's `time.Now().String()`, `2019-07-01 10:00:00.123456789 +0000 UTC m=+12.3`.
 * Milliseconds since the epoch, or undefined for anything else (istiod's nonces are UUIDs).
 */
export function goTimeMillis(nonce: string): number | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))? ([+-])(\d{2})(\d{2})\b/.exec(nonce);
  if (!match) return undefined;
  const [, date, time, fraction = '', sign, hours, minutes] = match;
  const utc = Date.parse(`${date}T${time}Z`);
  if (Number.isNaN(utc)) return undefined;
  const offset = (Number(hours) * 60 + Number(minutes)) * 60_000 * (sign === '-' ? -1 : 1);
  return utc - offset + Number(`0.${fraction || '0'}`) * 1000;
}

/** Go's `time.Duration.String()` for whole milliseconds: `1.5s`, `2m3s`, `1h0m0s`, `250ms`, `0s`. */
export function goDuration(milliseconds: number): string {
  const sign = milliseconds < 0 ? '-' : '';
  let rest = Math.round(Math.abs(milliseconds));
  if (rest === 0) return '0s';
  if (rest < 1000) return `${sign}${rest}ms`;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = (rest / 1000).toFixed(3).replace(/\.?0+$/, '');
  if (hours) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}

/** istioctl's cell for one xDS type: `NOT SENT`, `SYNCED`, `STALE (Never Acknowledged)`, `STALE (<sent − acked>)` or `STALE`. */
export function xdsCell(sent: string, acked: string): { readonly cell: string; readonly state: XdsState } {
  if (sent === '') return { cell: 'NOT SENT', state: 'not-sent' };
  if (sent === acked) return { cell: 'SYNCED', state: 'synced' };
  if (acked === '') return { cell: 'STALE (Never Acknowledged)', state: 'stale' };
  const sentAt = goTimeMillis(sent);
  const ackedAt = goTimeMillis(acked);
  // Pilot 1.2's nonces are times, so istioctl could say how far behind the proxy is; istiod's are UUIDs.
  return {
    cell: sentAt !== undefined && ackedAt !== undefined ? `STALE (${goDuration(sentAt - ackedAt)})` : 'STALE',
    state: 'stale',
  };
}

/** `<pod>.<namespace>` from a node ID (`sidecar~10.0.0.5~productpage-v1-7d6cfb7dfd-5mc96.default~default.svc.cluster.local`) or the name itself. */
export function proxyName(proxy: string): string {
  const parts = proxy.split('~');
  return parts.length === 4 ? parts[2] : proxy;
}

const STATE_ORDER: Record<XdsState, number> = { synced: 0, 'not-sent': 1, stale: 2 };

/** One row per proxy, sorted by name as istioctl sorts them; `pilot` names the Pilot pod that answered. */
export function parseSyncz(
  body: string,
  pilot: string,
  options: { readonly endpointPercent: boolean },
): ProxySyncRow[] {
  const parsed = body.trim() === '' || body.trim() === 'null' ? [] : parseJsonText(body);
  if (!Array.isArray(parsed))
    throw new RegistryFormatError('unexpected-shape', '/debug/syncz did not answer a JSON array of proxies');
  const rows: ProxySyncRow[] = [];
  for (const element of parsed as unknown[]) {
    if (typeof element !== 'object' || element === null || Array.isArray(element)) continue;
    const status = element as SyncStatus;
    const name = proxyName(text(status.proxy));
    if (!name) continue;
    const cells = [
      xdsCell(text(status.cluster_sent), text(status.cluster_acked)),
      xdsCell(text(status.listener_sent), text(status.listener_acked)),
      xdsCell(text(status.endpoint_sent), text(status.endpoint_acked)),
      xdsCell(text(status.route_sent), text(status.route_acked)),
    ];
    const percent = typeof status.endpoint_percent === 'number' ? status.endpoint_percent : 0;
    const dot = name.lastIndexOf('.');
    const version = text(status.istio_version) || `${text(status.proxy_version)}*`;
    rows.push({
      name,
      pod: dot > 0 ? name.slice(0, dot) : name,
      namespace: dot > 0 ? name.slice(dot + 1) : '',
      cds: cells[0].cell,
      lds: cells[1].cell,
      // Pilot 1.2's istioctl prints the share of endpoints sent after EDS; istiod's dropped the field.
      eds: options.endpointPercent ? `${cells[2].cell} (${percent}%)` : cells[2].cell,
      rds: cells[3].cell,
      pilot,
      version,
      state: cells.reduce<XdsState>(
        (worst, { state }) => (STATE_ORDER[state] > STATE_ORDER[worst] ? state : worst),
        'synced',
      ),
    });
  }
  return rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
