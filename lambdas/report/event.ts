/**
 * The report Lambda's event: parsed and validated before any work is done.
 *
 * Accepted events (all keys optional; any other key is an error):
 *
 * - Scheduled (EventBridge Scheduler input): `{ scheduledTime: '2025-12-01T07:00:00Z' }`.
 *   An EventBridge *rule* schedule event works too: its `time` is used as the scheduled time. Its
 *   envelope keys (`version`, `id`, `detail-type`, `source`, `account`, `time`, `region`,
 *   `resources`, `detail`) are accepted only when the event really is one, i.e. `source` is
 *   `aws.events` and `detail-type` is `Scheduled Event`; otherwise they are unknown keys.
 *   The report covers the `days` (event) / `REPORT_DAYS` (env, default 14) whole days before the
 *   scheduled time, counted in the report time zone: the last day is the local day before the one
 *   the scheduled time falls on.
 * - Manual, explicit window: `{ from: 'YYYY-MM-DD', to: 'YYYY-MM-DD' }` (both inclusive).
 * - Manual, relative window: `{ days: N }`: the N whole days before now. `{}` = the default N days.
 * - Options on any of them: `recipients: string[]` (replaces env RECIPIENTS), `email: false`
 *   (store only), `email: true` (must send: an error when there is no recipient),
 *   `timezone: 'IANA/Name'` (replaces env REPORT_TIMEZONE, default UTC).
 *
 * No window may end after today (the calendar day of `now` in the report time zone): a report of
 * days that have not happened would be empty, and would hold latest.json (which never moves back).
 *
 * Errors are `InvalidEventError`s with a one-line message starting `Invalid event: `.
 */

/** What the handler needs from the event. */
export interface ReportEvent {
  /** First report day, inclusive, `YYYY-MM-DD` in `timezone`. */
  from: string;
  /** Last report day, inclusive, `YYYY-MM-DD` in `timezone`. */
  to: string;
  timezone: string;
  /** Recipients of the email (validated, de-duplicated; may be empty). */
  recipients: string[];
  /**
   * True when the email is to be sent: not `email: false` and at least one recipient. (`email: true`
   * with no recipient is an InvalidEventError, never a silent skip.)
   */
  sendEmail: boolean;
}

export interface ParseEventOptions {
  /** Environment to read REPORT_DAYS, REPORT_TIMEZONE and RECIPIENTS from (default process.env). */
  env?: Record<string, string | undefined>;
  /** The current time, for `{ days }` and `{}` events (default new Date()). */
  now?: Date;
}

export class InvalidEventError extends Error {
  constructor(reason: string) {
    super(`Invalid event: ${oneLine(reason)}`);
    this.name = 'InvalidEventError';
  }
}

/** Longest window, in days, for `days`, `REPORT_DAYS` and `from`..`to`. */
export const MAX_DAYS = 366;
export const DEFAULT_DAYS = 14;
/** SES accepts at most 50 recipients (To + Cc + Bcc) per message. */
export const MAX_RECIPIENTS = 50;

const OPTION_KEYS = ['recipients', 'email', 'timezone'] as const;
const WINDOW_KEYS = ['scheduledTime', 'from', 'to', 'days'] as const;
/** Keys of an EventBridge event envelope (a rule's "Scheduled Event"). */
const ENVELOPE_KEYS = ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail'] as const;
const OWN_KEYS = new Set<string>([...WINDOW_KEYS, ...OPTION_KEYS]);
const ENVELOPE_KEY_SET = new Set<string>(ENVELOPE_KEYS);

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** ISO-8601 instant with an explicit zone: `2025-12-01T07:00:00Z`, `...T07:00:00.123+01:00`. */
const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
/**
 * A pragmatic address check (the part SES itself would reject): one `@`, no spaces, control
 * characters, commas, angle brackets or quotes (so nothing can break out of a MIME header), a dotted domain.
 */
const EMAIL_RE = /^[^\s@<>()",;:\\[\]\x00-\x1f\x7f]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** Parse and validate the event; throws InvalidEventError. Pure apart from reading `env`/`now`. */
export function parseReportEvent(event: unknown, options: ParseEventOptions = {}): ReportEvent {
  const env = options.env ?? process.env;
  const now = options.now ?? new Date();

  if (event === null || event === undefined) event = {};
  if (typeof event !== 'object' || Array.isArray(event)) {
    throw new InvalidEventError(`expected a JSON object, got ${Array.isArray(event) ? 'an array' : typeof event}`);
  }
  const e = event as Record<string, unknown>;

  // Envelope keys only on a real EventBridge (rule) scheduled event: otherwise `{"time": ...}` or
  // `{"detail": {...}}` would pass for options and silently run the default report.
  const isScheduledEvent = e.source === 'aws.events' && e['detail-type'] === 'Scheduled Event';
  const unknown = Object.keys(e).filter((k) => !OWN_KEYS.has(k) && !(isScheduledEvent && ENVELOPE_KEY_SET.has(k)));
  if (unknown.length > 0) {
    const envelopeHint = unknown.some((k) => ENVELOPE_KEY_SET.has(k))
      ? '; EventBridge envelope keys are accepted only with "source": "aws.events" and "detail-type": "Scheduled Event"'
      : '';
    throw new InvalidEventError(
      `unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map(show).join(', ')} (allowed: ${[...WINDOW_KEYS, ...OPTION_KEYS].join(', ')}, or an EventBridge schedule event)${envelopeHint}`,
    );
  }

  const timezone = resolveTimezone(e, env);
  const recipients = parseRecipients(e, env);
  let sendEmail = true;
  if ('email' in e) {
    if (typeof e.email !== 'boolean') throw new InvalidEventError(`"email" must be true or false, got ${show(e.email)}`);
    sendEmail = e.email;
  }

  if (e.email === true && recipients.length === 0) {
    throw new InvalidEventError(
      `"email" is true but there are no recipients to send to (${'recipients' in e ? '"recipients" is empty' : 'env RECIPIENTS is empty'}); give "recipients", or "email": false to store only`,
    );
  }

  const window = parseWindow(e, env, now, timezone, isScheduledEvent);
  const today = localDay(now, timezone);
  if (window.to > today) {
    throw new InvalidEventError(
      `${window.what === '"to"' ? `"to" (${window.to}) is` : `${window.what} ends on ${window.to},`} after today (${today} in ${timezone}); a report cannot cover days that have not happened`,
    );
  }
  return { from: window.from, to: window.to, timezone, recipients, sendEmail: sendEmail && recipients.length > 0 };
}

function parseWindow(
  e: Record<string, unknown>,
  env: Record<string, string | undefined>,
  now: Date,
  timezone: string,
  isScheduledEvent: boolean,
): { from: string; to: string; what: string } {
  const hasFrom = 'from' in e;
  const hasTo = 'to' in e;
  const hasDays = 'days' in e;
  const hasScheduled = 'scheduledTime' in e;

  if (hasFrom || hasTo) {
    if (hasDays) throw new InvalidEventError('give either "from"/"to" or "days", not both');
    if (hasScheduled) throw new InvalidEventError('give either "from"/"to" or "scheduledTime", not both');
    if (isScheduledEvent) throw new InvalidEventError('give either "from"/"to" or an EventBridge scheduled event, not both');
    if (!hasFrom || !hasTo) throw new InvalidEventError(`"${hasFrom ? 'to' : 'from'}" is missing: give both "from" and "to" (YYYY-MM-DD)`);
    const from = parseDay(e.from, 'from');
    const to = parseDay(e.to, 'to');
    if (from > to) throw new InvalidEventError(`"from" (${from}) is after "to" (${to})`);
    const span = dayNumber(to) - dayNumber(from) + 1;
    if (span > MAX_DAYS) throw new InvalidEventError(`window ${from}..${to} spans ${span} days; at most ${MAX_DAYS}`);
    return { from, to, what: '"to"' };
  }

  let days: number;
  if (hasDays) {
    days = parseDays(e.days, '"days"');
  } else {
    const raw = env.REPORT_DAYS?.trim();
    days = raw ? parseDays(/^\d+$/.test(raw) ? Number(raw) : raw, 'env REPORT_DAYS') : DEFAULT_DAYS;
  }

  let reference = now;
  let what = 'the window';
  if (hasScheduled) {
    if (isScheduledEvent && 'time' in e) throw new InvalidEventError('give either "scheduledTime" or an EventBridge event\'s "time", not both');
    reference = parseInstant(e.scheduledTime, 'scheduledTime');
    what = `the window before "scheduledTime" ${show(e.scheduledTime)}`;
  } else if (isScheduledEvent) {
    reference = parseInstant(e.time, 'time');
    what = `the window before "time" ${show(e.time)}`;
  }
  return { ...windowEndingBefore(reference, days, timezone), what };
}

/**
 * The `days` whole days before `instant` in `timezone`: `to` is the local day before the local
 * day `instant` falls on, `from` is `days - 1` days before `to`.
 */
export function windowEndingBefore(instant: Date, days: number, timezone: string): { from: string; to: string } {
  const today = localDay(instant, timezone);
  const toN = dayNumber(today) - 1;
  return { from: dayString(toN - (days - 1)), to: dayString(toN) };
}

/** The calendar day (`YYYY-MM-DD`) an instant falls on in an IANA time zone. */
export function localDay(instant: Date, timezone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    calendar: 'gregory',
    numberingSystem: 'latn',
  }).formatToParts(instant);
  const get = (type: string): string => parts.find((p) => p.type === type)!.value;
  return `${get('year').padStart(4, '0')}-${get('month')}-${get('day')}`;
}

/** Is `name` an IANA time zone this runtime knows? */
export function isValidTimezone(name: string): boolean {
  return canonicalTimezone(name) !== null;
}

/**
 * `name` itself when it is an IANA zone name this runtime knows, else null. The spelling is kept
 * (ICU would turn `EST` into `America/Panama`). UTC offsets such as `+01:00` (accepted by newer
 * runtimes' Intl) are not IANA names and are rejected.
 */
export function canonicalTimezone(name: string): string | null {
  if (!/^[A-Za-z][A-Za-z0-9_+\-]*(\/[A-Za-z0-9_+\-]+)*$/.test(name)) return null;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return name;
  } catch {
    return null;
  }
}

export function isValidEmail(address: string): boolean {
  return address.length <= 254 && EMAIL_RE.test(address);
}

/** The event's `timezone` wins; otherwise env REPORT_TIMEZONE (validated the same way), else UTC. */
function resolveTimezone(e: Record<string, unknown>, env: Record<string, string | undefined>): string {
  if ('timezone' in e) {
    const tz = typeof e.timezone === 'string' ? canonicalTimezone(e.timezone) : null;
    if (!tz) throw new InvalidEventError(`"timezone" ${show(e.timezone)} is not a valid IANA time zone (e.g. "Europe/Paris")`);
    return tz;
  }
  const raw = env.REPORT_TIMEZONE?.trim();
  if (!raw) return 'UTC';
  const tz = canonicalTimezone(raw);
  if (!tz) throw new InvalidEventError(`env REPORT_TIMEZONE ${show(raw)} is not a valid IANA time zone`);
  return tz;
}

function parseRecipients(e: Record<string, unknown>, env: Record<string, string | undefined>): string[] {
  let list: string[];
  let what: string;
  if ('recipients' in e) {
    what = '"recipients"';
    if (!Array.isArray(e.recipients) || !e.recipients.every((r) => typeof r === 'string')) {
      throw new InvalidEventError(`"recipients" must be an array of email addresses, got ${show(e.recipients)}`);
    }
    list = (e.recipients as string[]).map((r) => r.trim());
  } else {
    what = 'env RECIPIENTS';
    list = (env.RECIPIENTS ?? '').split(',').map((r) => r.trim()).filter((r) => r !== '');
  }
  const out: string[] = [];
  const seen = new Set<string>();
  for (const address of list) {
    if (!isValidEmail(address)) throw new InvalidEventError(`${what}: ${show(address)} is not a valid email address`);
    const k = address.toLowerCase();
    if (!seen.has(k)) {
      seen.add(k);
      out.push(address);
    }
  }
  if (out.length > MAX_RECIPIENTS) {
    throw new InvalidEventError(`${what}: ${out.length} recipients; SES accepts at most ${MAX_RECIPIENTS} per message`);
  }
  return out;
}

function parseDays(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_DAYS) {
    throw new InvalidEventError(`${what} must be a whole number from 1 to ${MAX_DAYS}, got ${show(value)}`);
  }
  return value;
}

function parseDay(value: unknown, key: string): string {
  if (typeof value !== 'string') throw new InvalidEventError(`"${key}" must be a date string YYYY-MM-DD, got ${show(value)}`);
  const m = DAY_RE.exec(value);
  if (!m) throw new InvalidEventError(`"${key}" must be a date YYYY-MM-DD, got ${show(value)}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(utcMidnight(y, mo, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
    throw new InvalidEventError(`"${key}" ${show(value)} is not a calendar date`);
  }
  return value;
}

function parseInstant(value: unknown, key: string): Date {
  if (typeof value !== 'string' || !INSTANT_RE.test(value)) {
    throw new InvalidEventError(`"${key}" must be an ISO-8601 instant with a zone (e.g. 2025-12-01T07:00:00Z), got ${show(value)}`);
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidEventError(`"${key}" ${show(value)} is not a valid instant`);
  // Date accepts 2025-02-30T...; make sure the calendar part was real.
  parseDay(value.slice(0, 10), key);
  return date;
}

/** Days since 1970-01-01 for a `YYYY-MM-DD` string (proleptic Gregorian, UTC arithmetic). */
function dayNumber(day: string): number {
  const m = DAY_RE.exec(day)!;
  return Math.round(utcMidnight(Number(m[1]), Number(m[2]), Number(m[3])) / 86_400_000);
}

/**
 * Milliseconds of `y-mo-d 00:00Z` (month 1-12; overflowing days/months roll over like Date.UTC).
 * Not Date.UTC: it maps years 0-99 to 1900-1999, so "0050-01-01" would not round-trip.
 */
function utcMidnight(y: number, mo: number, d: number): number {
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  return date.getTime();
}

function dayString(n: number): string {
  return new Date(n * 86_400_000).toISOString().slice(0, 10);
}

/** A value for an error message: JSON, shortened, on one line. */
function show(value: unknown): string {
  let s: string;
  try {
    s = value === undefined ? 'undefined' : JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ');
}
