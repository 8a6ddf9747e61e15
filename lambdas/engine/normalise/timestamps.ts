/**
 * Timestamps → instants (epoch milliseconds, UTC).
 *
 * Accepted forms of the `timestamp` column:
 * - ISO-8601 strings `YYYY-MM-DDTHH:MM[:SS[.fraction]]` with `Z`, with an offset (`+05:30`, `+0530`, `+05`),
 *   or naive (read as UTC); a space may stand in for `T`; the fraction may have up to 9 digits.
 * - Parquet TIMESTAMP columns, which the reader hands over as `Date` objects.
 * - Numbers or BigInts are read as epoch milliseconds (some writers store them so).
 *
 * The parser is a hand-rolled fast path over ASCII bytes (it runs once per row, millions of times,
 * straight on the Parquet page's bytes); anything it does not accept is NaN, and the caller counts
 * the row as skipped with a reason.
 */

import { daysFromCivil, daysInMonth } from '../aggregate/calendar.js';

const DIGIT_0 = 48;

function digits(b: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = b[i] - DIGIT_0;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * Parse an ISO-8601 timestamp held as ASCII bytes `b[start..end)` (straight from a Parquet page, no
 * string made) to epoch milliseconds (fractional below 1 ms kept); NaN if invalid.
 */
export function parseIsoBytes(b: Uint8Array, start: number, end: number): number {
  const len = end - start;
  if (len < 16 || len > 40) return NaN;
  const year = digits(b, start, 4);
  const month = digits(b, start + 5, 2);
  const day = digits(b, start + 8, 2);
  const sep = b[start + 10];
  if (year < 0 || month < 1 || month > 12 || day < 1 || b[start + 4] !== 45 || b[start + 7] !== 45) return NaN;
  if (day > daysInMonth(year, month)) return NaN;
  if (sep !== 84 /* T */ && sep !== 32 /* space */ && sep !== 116 /* t */) return NaN;
  const hour = digits(b, start + 11, 2);
  const minute = digits(b, start + 14, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || b[start + 13] !== 58) return NaN;
  let i = start + 16;
  let second = 0;
  let fractionMs = 0;
  if (i < end && b[i] === 58 /* : */) {
    second = digits(b, i + 1, 2);
    if (second < 0 || second > 59) return NaN;
    i += 3;
    if (i < end && (b[i] === 46 /* . */ || b[i] === 44 /* , */)) {
      i++;
      let scale = 100;
      const from = i;
      while (i < end) {
        const d = b[i] - DIGIT_0;
        if (d < 0 || d > 9) break;
        fractionMs += d * scale;
        scale /= 10;
        i++;
      }
      if (i === from || i - from > 9) return NaN;
    }
  }
  let offsetMinutes = 0;
  if (i < end) {
    const c = b[i];
    if (c === 90 /* Z */ || c === 122 /* z */) {
      if (i + 1 !== end) return NaN;
    } else if (c === 43 /* + */ || c === 45 /* - */) {
      const oh = digits(b, i + 1, 2);
      if (oh < 0 || oh > 23) return NaN;
      let om = 0;
      const rest = end - (i + 3);
      if (rest === 3 && b[i + 3] === 58) om = digits(b, i + 4, 2);
      else if (rest === 2) om = digits(b, i + 3, 2);
      else if (rest !== 0) return NaN;
      if (om < 0 || om > 59) return NaN;
      offsetMinutes = (c === 43 ? 1 : -1) * (oh * 60 + om);
    } else {
      return NaN;
    }
  }
  // by arithmetic, not Date.UTC (which reads the years 0000..0099 as 1900..1999)
  return daysFromCivil(year, month, day) * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + fractionMs - offsetMinutes * 60_000;
}

const scratch = new Uint8Array(40);

/** Parse an ISO-8601 timestamp string (see parseIsoBytes); NaN if invalid. */
export function parseIsoTimestamp(s: string): number {
  const len = s.length;
  if (len < 16 || len > 40) return NaN;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c > 127) return NaN;
    scratch[i] = c;
  }
  return parseIsoBytes(scratch, 0, len);
}

/** Any value of a `timestamp` column → epoch milliseconds, or NaN when it is missing or not a timestamp. */
export function toInstant(value: unknown): number {
  if (typeof value === 'string') return parseIsoTimestamp(value);
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'bigint') return epochNumberToMs(Number(value));
  if (typeof value === 'number') return epochNumberToMs(value);
  return NaN;
}

/**
 * A plain number as a timestamp (a column with no TIMESTAMP type: Unix time written by hand), its unit
 * told by its size, as pandas and most log tools do: below 1e11 seconds (1e11 s is the year 5138, 1e11
 * ms is March 1973), below 1e14 milliseconds, below 1e17 microseconds, else nanoseconds.
 */
export function epochNumberToMs(v: number): number {
  if (!Number.isFinite(v)) return NaN;
  const a = Math.abs(v);
  if (a < 1e11) return v * 1000;
  if (a < 1e14) return v;
  if (a < 1e17) return v / 1e3;
  return v / 1e6;
}

/** Why a row's timestamp could not be used (for the data-quality ledger). */
export const TIMESTAMP_NULL = 'timestamp is null';
export const TIMESTAMP_INVALID = 'timestamp is not a valid ISO-8601 instant';

/** Epoch milliseconds → ISO-8601 UTC string with milliseconds. */
export function toIsoUtc(ms: number): string {
  return new Date(Math.floor(ms)).toISOString();
}
