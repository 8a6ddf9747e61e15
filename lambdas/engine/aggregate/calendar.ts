/**
 * Calendar days in a report time zone.
 *
 * A row's day is the calendar day of its instant in the report time zone (IANA name). Instead of
 * formatting every row's instant (slow), we compute once the UTC instant at which each local day of
 * the window starts, and place a row by binary search over those boundaries.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatters.set(timezone, f);
  }
  return f;
}

/** True when `timezone` is an IANA time zone this runtime knows. */
export function isValidTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/** The local calendar date (`YYYY-MM-DD`) of an instant in `timezone`. */
export function localDate(ms: number, timezone: string): string {
  const parts = formatter(timezone).formatToParts(new Date(ms));
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.toISOString().slice(0, 10) === s;
}

/** `YYYY-MM-DD` plus `n` days. */
export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** Number of calendar days from `from` to `to`, inclusive. */
export function daysBetweenInclusive(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** Every date from `from` to `to`, inclusive. */
export function dateRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/**
 * The first instant (epoch ms, to the minute) whose local date in `timezone` is `date` or later.
 * Searches ±16 h around UTC midnight, which covers every real UTC offset (−12 h … +14 h).
 */
export function startOfLocalDay(date: string, timezone: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  let lo = utcMidnight - 16 * 3_600_000; // local date is before `date`
  let hi = utcMidnight + 16 * 3_600_000; // local date is `date` or later
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
    if (localDate(mid, timezone) >= date) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` date (the "day number" used to index days). */
export function dayNumber(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / 86_400_000);
}

/** `YYYY-MM-DD` of a day number. */
export function dateOfDayNumber(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Maps instants to local day numbers in one time zone, fast: the answer is cached per UTC quarter-hour,
 * which is exact because time-zone offsets and their transitions fall on quarter-hours (tzdb, since 1970s).
 */
export class DayClock {
  private readonly cache = new Map<number, number>();

  constructor(readonly timezone: string) {
    if (!isValidTimeZone(timezone)) throw new RangeError(`unknown time zone "${timezone}" (expected an IANA name such as Europe/Paris)`);
  }

  /** Local day number of an instant (epoch ms). */
  dayOf(ms: number): number {
    const key = Math.floor(ms / 900_000);
    let day = this.cache.get(key);
    if (day === undefined) {
      day = dayNumber(localDate(key * 900_000, this.timezone));
      this.cache.set(key, day);
    }
    return day;
  }
}
