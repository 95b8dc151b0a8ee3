// kubectl's times: AGE and friends, a port of k8s.io/apimachinery/pkg/util/duration.HumanDuration and of the
// translateTimestampSince helpers in pkg/printers/internalversion/printers.go.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
/** metav1.Time's zero value as it reaches the wire when a client sends it. */
const ZERO_TIME = Date.parse('0001-01-01T00:00:00Z');

/**
 * HumanDuration: ~2-3 significant figures (`45s`, `9m12s`, `5h3m`, `2d3h`, `400d`, `3y`).
 * Takes milliseconds; Go truncates every unit toward zero, so do we.
 */
export function humanDuration(ms: number): string {
  // Up to 2 seconds in the future is tolerated as clock skew; further is <invalid>.
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.trunc(hours / 24) % 365;
    const years = Math.trunc(hours / 24 / 365);
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/**
 * A metav1.Time / MicroTime from the wire, in epoch milliseconds; undefined for Go's zero time
 * (absent, null, "" or 0001-01-01T00:00:00Z) and for text that is not RFC 3339.
 */
export function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  if (!match) return undefined;
  // JavaScript keeps milliseconds; Go keeps nanoseconds. Below a millisecond nothing printed changes.
  const fraction = match[2] ? match[2].slice(0, 4) : '';
  const time = Date.parse(`${match[1]}${fraction}${match[3]}`);
  if (Number.isNaN(time) || time === ZERO_TIME) return undefined;
  return time;
}

/** Whether a wire timestamp is RFC 3339 at all (an empty string is Go's zero time, which is valid). */
export function isValidTime(value: string): boolean {
  return (
    value === '' || value === 'null' || parseTime(value) !== undefined || /^0001-01-01T00:00:00(\.0+)?Z$/.test(value)
  );
}

/** translateTimestampSince: `<unknown>` for the zero time. */
export function since(timestamp: unknown, now: Date): string {
  const time = parseTime(timestamp);
  return time === undefined ? '<unknown>' : humanDuration(now.getTime() - time);
}

/** `time.Time.UTC().Format(time.RFC3339)`: whole seconds, `Z`. */
export function formatRFC3339(timestamp: unknown): string {
  const time = parseTime(timestamp);
  if (time === undefined) return '0001-01-01T00:00:00Z';
  return new Date(Math.floor(time / SECOND) * SECOND).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
