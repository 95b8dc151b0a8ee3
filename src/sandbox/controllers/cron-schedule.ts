// A CronJob's `schedule` as kube-controller-manager 1.13 reads it: github.com/robfig/cron's
// ParseStandard (parser.go, spec.go, constantdelay.go), five fields (minute, hour, day of month,
// month, day of week) with `*`, `?`, ranges, steps, lists and names, or a descriptor (`@hourly`,
// `@every 90s`…). Times are UTC, the zone of a GKE controller manager. No library: the npm cron
// parsers bring a date library with them, and this is the whole of the grammar.

export interface CronSchedule {
  /** The first activation strictly after `after`, or undefined when none comes in five years. */
  next(after: Date): Date | undefined;
}

/** What robfig/cron refuses, in its words (the controller's event quotes them). */
export class CronSyntaxError extends Error {}

interface Bounds {
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DAYS_OF_MONTH: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = {
  min: 1,
  max: 12,
  names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
};
const DAYS_OF_WEEK: Bounds = { min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] };

/** A field's allowed values, and whether it was `*` or `?` (day matching depends on it). */
interface Field {
  readonly values: ReadonlySet<number>;
  readonly isStar: boolean;
}

function parseNumber(text: string, bounds: Bounds): number {
  const named = bounds.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + bounds.min;
  if (!/^\d+$/.test(text))
    throw new CronSyntaxError(`Failed to parse int from ${text}: strconv.Atoi: parsing "${text}": invalid syntax`);
  return Number(text);
}

/** parser.go getRange: `*`, `?`, `n`, `a-b`, each optionally `/step`. */
function parseRange(expr: string, bounds: Bounds): { values: number[]; isStar: boolean } {
  const [rangePart, stepPart, extra] = expr.split('/');
  if (extra !== undefined) throw new CronSyntaxError(`Too many slashes: ${expr}`);
  const isStar = rangePart === '*' || rangePart === '?';
  let start: number;
  let end: number;
  if (isStar) {
    [start, end] = [bounds.min, bounds.max];
  } else {
    const [low, high, more] = rangePart.split('-');
    if (more !== undefined) throw new CronSyntaxError(`Too many hyphens: ${expr}`);
    start = parseNumber(low, bounds);
    end = high === undefined ? start : parseNumber(high, bounds);
  }
  let step = 1;
  if (stepPart !== undefined) {
    step = parseNumber(stepPart, { min: 0, max: Infinity });
    // `n/step` runs to the end of the field.
    if (!isStar && !rangePart.includes('-')) end = bounds.max;
  }
  if (start < bounds.min)
    throw new CronSyntaxError(`Beginning of range (${start}) below minimum (${bounds.min}): ${expr}`);
  if (end > bounds.max) throw new CronSyntaxError(`End of range (${end}) above maximum (${bounds.max}): ${expr}`);
  if (start > end) throw new CronSyntaxError(`Beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronSyntaxError(`Step of range should be a positive number: ${expr}`);
  const values: number[] = [];
  for (let value = start; value <= end; value += step) values.push(value);
  return { values, isStar: isStar && step === 1 };
}

function parseField(text: string, bounds: Bounds): Field {
  const values = new Set<number>();
  let isStar = false;
  for (const part of text.split(',')) {
    const range = parseRange(part, bounds);
    range.values.forEach((value) => values.add(value));
    isStar ||= range.isStar;
  }
  return { values, isStar };
}

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const GO_DURATION_UNITS: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  us: 0.001,
  µs: 0.001,
  ns: 0.000001,
};

/** time.ParseDuration, enough for `@every 1h30m`. */
function parseGoDuration(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)];
  if (!parts.length || parts.map((part) => part[0]).join('') !== text)
    throw new CronSyntaxError(`Failed to parse duration @every ${text}: time: invalid duration ${text}`);
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * GO_DURATION_UNITS[unit], 0);
}

/** constantdelay.go: every `delay` (at least a second), on whole seconds. */
function everySchedule(delayMs: number): CronSchedule {
  const delay = delayMs < 1000 ? 1000 : Math.floor(delayMs / 1000) * 1000;
  return { next: (after) => new Date(Math.floor(after.getTime() / 1000) * 1000 + delay) };
}

/** spec.go dayMatches: when both day fields are restricted, either may match. */
function dayMatches(day: Field, weekday: Field, date: Date): boolean {
  const isDay = day.values.has(date.getUTCDate());
  const isWeekday = weekday.values.has(date.getUTCDay());
  return day.isStar || weekday.isStar ? isDay && isWeekday : isDay || isWeekday;
}

/** Parses a standard spec; throws CronSyntaxError with robfig/cron's message. */
export function parseCronSchedule(spec: string): CronSchedule {
  const trimmed = spec.trim();
  if (trimmed.startsWith('@every ')) return everySchedule(parseGoDuration(trimmed.slice('@every '.length).trim()));
  if (trimmed.startsWith('@')) {
    const expanded = DESCRIPTORS[trimmed];
    if (!expanded) throw new CronSyntaxError(`Unrecognized descriptor: ${trimmed}`);
    return parseCronSchedule(expanded);
  }
  const fields = trimmed.split(/\s+/).filter(Boolean);
  if (fields.length !== 5) throw new CronSyntaxError(`Expected exactly 5 fields, found ${fields.length}: ${spec}`);
  const [minute, hour, day, month, weekday] = [
    parseField(fields[0], MINUTES),
    parseField(fields[1], HOURS),
    parseField(fields[2], DAYS_OF_MONTH),
    parseField(fields[3], MONTHS),
    parseField(fields[4], DAYS_OF_WEEK),
  ];
  return {
    // spec.go Next: wrap field by field, from the month down, on whole minutes.
    next(after) {
      const t = new Date(Math.floor(after.getTime() / 60_000) * 60_000 + 60_000);
      const limit = t.getUTCFullYear() + 5;
      while (t.getUTCFullYear() <= limit) {
        if (!month.values.has(t.getUTCMonth() + 1)) {
          t.setUTCMonth(t.getUTCMonth() + 1, 1);
          t.setUTCHours(0, 0, 0, 0);
        } else if (!dayMatches(day, weekday, t)) {
          t.setUTCDate(t.getUTCDate() + 1);
          t.setUTCHours(0, 0, 0, 0);
        } else if (!hour.values.has(t.getUTCHours())) {
          t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
        } else if (!minute.values.has(t.getUTCMinutes())) {
          t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
        } else {
          return t;
        }
      }
      return undefined;
    },
  };
}
