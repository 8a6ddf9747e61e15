/**
 * Numbers, money, times and dates for people (HTML report, e-mail).
 *
 * Conventions, shared by every formatter here:
 * - Locale is fixed to `en-US` (`1,234,567.8`), independent of the machine running the report.
 * - `null`, `undefined`, `NaN` and ±Infinity mean "no data" and render as an em dash `—`,
 *   never as `0` or `NaN`.
 * - A value that rounds to zero never shows a minus sign (`-0.0001` at 2 decimals is `0.00`).
 * - The output is plain text, NOT HTML-escaped; pass it through `escapeHtml` when building markup
 *   (all outputs here are safe ASCII/Unicode text, but escaping is the caller's rule for every string).
 */

/** What every formatter prints for a missing value. */
export const MISSING = '—';

/** Minus sign used for signed changes (U+2212, same width as `+` in most fonts). */
export const MINUS = '\u2212';

const LOCALE = 'en-US';

function isNumber(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

const numberFormats = new Map<string, Intl.NumberFormat>();
function fixed(n: number, digits: number): string {
  const key = String(digits);
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(LOCALE, {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
      // 'negative': no sign for zero and for negative values that round to zero.
      signDisplay: 'negative',
    });
    numberFormats.set(key, f);
  }
  return f.format(n);
}

/** Round half away from zero to `digits` decimals, the same rule `Intl.NumberFormat` uses. */
function roundTo(n: number, digits: number): number {
  return Number(fixed(n, digits).replace(/,/g, ''));
}

/**
 * Escape text for HTML element content and for quoted attribute values:
 * `&` `<` `>` `"` `'`. `null`/`undefined` give `''`; other values are converted with `String()`.
 */
export function escapeHtml(s: unknown): string {
  if (s === null || s === undefined) return '';
  return String(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Whole number with thousands separators: `1234567` -> `1,234,567` (fractions are rounded). */
export function formatInt(n: number | null | undefined): string {
  if (!isNumber(n)) return MISSING;
  return fixed(n, 0);
}

/** Number with thousands separators and exactly `digits` decimals: `(5666.67, 1)` -> `5,666.7`. */
export function formatNumber(n: number | null | undefined, digits = 1): string {
  if (!isNumber(n)) return MISSING;
  return fixed(n, clampDigits(digits));
}

/**
 * US dollars. Below $1 (in absolute value) 4 decimals, so per-query costs stay readable
 * (`$0.0091`); from $1 up 2 decimals with thousands separators (`$1,234.50`).
 * Negative values put the sign before the dollar sign: `-$0.0040`. Zero is `$0.0000`.
 */
export function formatUsd(n: number | null | undefined): string {
  if (!isNumber(n)) return MISSING;
  let digits = 4;
  let abs = roundTo(Math.abs(n), 4);
  // 0.99996 rounds to 1.0000 at 4 decimals: it is a dollar amount, show it as $1.00.
  if (abs >= 1) {
    digits = 2;
    abs = roundTo(Math.abs(n), 2);
  }
  const negative = n < 0 && abs !== 0;
  return `${negative ? '-' : ''}$${fixed(abs, digits)}`;
}

/** A ratio as a percentage: `0.2` -> `20.0%`, `(0.123456, 2)` -> `12.35%`. */
export function formatPct(ratio: number | null | undefined, digits = 1): string {
  if (!isNumber(ratio)) return MISSING;
  return `${fixed(ratio * 100, clampDigits(digits))}%`;
}

export interface ChangeOptions {
  /** The change is in percentage points (a ratio difference): `0.01` -> `+1.0 pp`. */
  pp?: boolean;
  /** Decimals, default 1. */
  digits?: number;
}

/**
 * A signed period-over-period change: `0.25` -> `+25.0%`, `-0.1` -> `−10.0%` (U+2212 minus),
 * `0` -> `0.0%`; with `{pp: true}`: `0.01` -> `+1.0 pp`. `null` (no previous value) -> `n/a`.
 */
export function formatChange(change: number | null | undefined, options: ChangeOptions = {}): string {
  if (!isNumber(change)) return 'n/a';
  const digits = clampDigits(options.digits ?? 1);
  const suffix = options.pp ? ' pp' : '%';
  const text = fixed(Math.abs(change) * 100, digits);
  const rounded = roundTo(Math.abs(change) * 100, digits);
  const sign = rounded === 0 ? '' : change > 0 ? '+' : MINUS;
  return `${sign}${text}${suffix}`;
}

/**
 * A latency given in milliseconds, shown in seconds with the unit:
 * `15000` -> `15.00 s`, `850` -> `0.850 s`, `125000` -> `125.00 s`, `null` -> `—`.
 */
export function formatLatency(ms: number | null | undefined): string {
  if (!isNumber(ms)) return MISSING;
  const seconds = ms / 1000;
  if (Math.abs(roundTo(seconds, 3)) < 1) return `${fixed(seconds, 3)} s`;
  return `${fixed(seconds, 2)} s`;
}

const dayFormat = new Intl.DateTimeFormat(LOCALE, { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' });
const instantFormats = new Map<string, Intl.DateTimeFormat>();

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A calendar day or an instant, for people.
 *
 * - `YYYY-MM-DD` (a report day, already in the report time zone) -> `Nov 18, 2025`.
 * - An ISO-8601 instant string or a `Date` -> date and time in `timeZone` (IANA, default `UTC`)
 *   with its abbreviation: `Nov 20, 2025, 01:46 UTC`.
 * - `null`/`undefined` -> `—`; a string that is not a date is returned unchanged (escape it).
 */
export function formatDate(value: string | Date | null | undefined, timeZone = 'UTC'): string {
  if (value === null || value === undefined) return MISSING;
  if (typeof value === 'string') {
    const day = DAY_RE.exec(value);
    if (day) {
      // setUTCFullYear, not Date.UTC (which reads the years 0000..0099 as 1900..1999)
      const d = new Date(0);
      d.setUTCFullYear(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
      if (Number.isNaN(d.getTime())) return value;
      // a year before 1000 written with 4 digits (`Jun 1, 0099`), so that it cannot pass for 1999
      return dayFormat.formatToParts(d).map((p) => (p.type === 'year' ? p.value.padStart(4, '0') : p.value)).join('');
    }
  }
  const d = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(d.getTime())) return typeof value === 'string' ? value : MISSING;
  let f = instantFormats.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(LOCALE, {
        timeZone, year: 'numeric', month: 'short', day: 'numeric',
        hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short',
      });
    } catch {
      // Unknown time zone name: fall back to UTC rather than failing the whole report.
      return formatDate(d, 'UTC');
    }
    instantFormats.set(timeZone, f);
  }
  return f.format(d);
}

/** A date range of report days: `Nov 18, 2025 – Nov 20, 2025` (one day: `Nov 18, 2025`). */
export function formatDateRange(from: string, to: string): string {
  return from === to ? formatDate(from) : `${formatDate(from)} – ${formatDate(to)}`;
}

/**
 * Shorten text for display to at most `max` characters (Unicode code points, so emoji are not cut
 * in half), ending with `…` when cut. Runs of whitespace (newlines included) become one space.
 */
export function truncate(text: string | null | undefined, max = 160): string {
  if (text === null || text === undefined) return '';
  const flat = String(text).replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat);
  if (chars.length <= max) return flat;
  return `${chars.slice(0, Math.max(1, max - 1)).join('').trimEnd()}…`;
}

function clampDigits(digits: number): number {
  if (!Number.isFinite(digits)) return 0;
  return Math.min(20, Math.max(0, Math.trunc(digits)));
}
