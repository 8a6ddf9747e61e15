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
      era: 'short',
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

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (month 1..12), by arithmetic: no `Date.UTC`,
 * which reads the years 0..99 as 1900..1999. (H. Hinnant's days_from_civil.)
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The date of a day number (days since 1970-01-01), as year, month (1..12), day. */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** A year as ISO-8601 writes it: 4 digits for 0000..9999, else signed 6 digits (as `Date#toISOString`). */
function isoYear(year: number): string {
  if (year >= 0 && year <= 9999) return String(year).padStart(4, '0');
  return `${year < 0 ? '-' : '+'}${String(Math.abs(year)).padStart(6, '0')}`;
}

function isoDate(year: number, month: number, day: number): string {
  return `${isoYear(year)}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  if (month === 2 && ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0)) return 29;
  return DAYS_IN_MONTH[month - 1];
}

/** The local calendar date (`YYYY-MM-DD`) of an instant in `timezone`. */
export function localDate(ms: number, timezone: string): string {
  const parts = formatter(timezone).formatToParts(new Date(ms));
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  // Intl numbers years by era (1 BC, 2 BC, ...) and without padding: the astronomical year, 4 digits
  const year = get('era') === 'BC' ? 1 - Number(get('year')) : Number(get('year'));
  return isoDate(year, Number(get('month')), Number(get('day')));
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const month = +m[2];
  const day = +m[3];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(+m[1], month);
}

/** Year, month, day of a `YYYY-MM-DD` date (or the signed 6-digit years `Date#toISOString` writes). */
function parseDate(date: string): [number, number, number] {
  const m = /^([+-]\d{6}|\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`not a date written YYYY-MM-DD: "${date}"`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** `YYYY-MM-DD` plus `n` days. */
export function addDays(date: string, n: number): string {
  return dateOfDayNumber(dayNumber(date) + n);
}

/** Number of calendar days from `from` to `to`, inclusive. */
export function daysBetweenInclusive(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from) + 1;
}

/** Every date from `from` to `to`, inclusive. */
export function dateRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = dayNumber(from), end = dayNumber(to); d <= end; d++) out.push(dateOfDayNumber(d));
  return out;
}

/**
 * The first instant (epoch ms, to the minute) whose local date in `timezone` is `date` or later.
 * Searches ±16 h around UTC midnight, which covers every real UTC offset (−12 h … +14 h).
 */
export function startOfLocalDay(date: string, timezone: string): number {
  const utcMidnight = dayNumber(date) * 86_400_000;
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
  const [y, m, d] = parseDate(date);
  return daysFromCivil(y, m, d);
}

/** `YYYY-MM-DD` of a day number. */
export function dateOfDayNumber(day: number): string {
  const { year, month, day: d } = civilFromDays(day);
  return isoDate(year, month, d);
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
