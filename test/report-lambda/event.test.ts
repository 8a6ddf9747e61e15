/**
 * Event parsing and window computation. Expected windows are worked out by hand (calendar + the
 * zone's UTC offset on that date), not by the code under test.
 */
import { InvalidEventError, localDay, parseReportEvent } from '../../lambdas/report/event.js';

const NOW = new Date('2026-01-02T10:00:00Z');
const ENV = {}; // nothing set: 14 days, UTC, no recipients

function parse(event: unknown, env: Record<string, string | undefined> = ENV) {
  return parseReportEvent(event, { env, now: NOW });
}

describe('scheduled events', () => {
  it('covers the 14 whole days before the scheduled time (UTC)', () => {
    expect(parse({ scheduledTime: '2025-12-01T07:00:00Z' })).toEqual({
      from: '2025-11-17', to: '2025-11-30', timezone: 'UTC', recipients: [], sendEmail: false,
    });
  });

  it('counts days in the report time zone: 03:00Z on Dec 1 is Nov 30 22:00 in New York', () => {
    const e = parse({ scheduledTime: '2025-12-01T03:00:00Z' }, { REPORT_TIMEZONE: 'America/New_York' });
    expect(e).toMatchObject({ from: '2025-11-16', to: '2025-11-29', timezone: 'America/New_York' });
  });

  it('the same instant in UTC ends a day later', () => {
    expect(parse({ scheduledTime: '2025-12-01T03:00:00Z' })).toMatchObject({ from: '2025-11-17', to: '2025-11-30' });
  });

  it('a zone ahead of UTC: 16:00Z on Nov 30 is Dec 1 01:00 in Tokyo', () => {
    const e = parse({ scheduledTime: '2025-11-30T16:00:00Z', timezone: 'Asia/Tokyo' });
    expect(e).toMatchObject({ from: '2025-11-17', to: '2025-11-30', timezone: 'Asia/Tokyo' });
  });

  it('uses EDT (UTC-4) right after the DST change: 2025-03-10T03:30Z is Mar 9 23:30 local', () => {
    const e = parse({ scheduledTime: '2025-03-10T03:30:00Z', days: 7 }, { REPORT_TIMEZONE: 'America/New_York' });
    expect(e).toMatchObject({ from: '2025-03-02', to: '2025-03-08' });
  });

  it('honours REPORT_DAYS and an offset in scheduledTime', () => {
    // 2025-12-01T01:00+02:00 = 2025-11-30T23:00Z -> UTC day Nov 30 -> to Nov 29.
    const e = parse({ scheduledTime: '2025-12-01T01:00:00+02:00' }, { REPORT_DAYS: '7' });
    expect(e).toMatchObject({ from: '2025-11-23', to: '2025-11-29' });
  });

  it('accepts an EventBridge rule "Scheduled Event" and uses its time', () => {
    const e = parse({
      version: '0', id: 'abc', 'detail-type': 'Scheduled Event', source: 'aws.events', account: '123456789012',
      time: '2025-12-01T07:00:00Z', region: 'us-east-1', resources: ['arn:aws:events:us-east-1:123456789012:rule/r'], detail: {},
    });
    expect(e).toMatchObject({ from: '2025-11-17', to: '2025-11-30' });
  });

  it('reads recipients from env RECIPIENTS (trimmed, de-duplicated)', () => {
    const e = parse({ scheduledTime: '2025-12-01T07:00:00Z' }, { RECIPIENTS: ' a@example.com,b.c+tag@mail.example.org,,A@example.com ' });
    expect(e.recipients).toEqual(['a@example.com', 'b.c+tag@mail.example.org']);
    expect(e.sendEmail).toBe(true);
  });
});

describe('manual events', () => {
  it('{} = the default 14 days before now', () => {
    expect(parse({})).toMatchObject({ from: '2025-12-19', to: '2026-01-01' });
    expect(parse(null)).toMatchObject({ from: '2025-12-19', to: '2026-01-01' });
  });

  it('{ days } = the N whole days before now, across a year end', () => {
    expect(parse({ days: 3 })).toMatchObject({ from: '2025-12-30', to: '2026-01-01' });
    expect(parse({ days: 1 })).toMatchObject({ from: '2026-01-01', to: '2026-01-01' });
    expect(parse({ days: 366 })).toMatchObject({ from: '2025-01-01', to: '2026-01-01' });
  });

  it('{ from, to } is taken as given (inclusive), leap day included', () => {
    expect(parse({ from: '2024-02-28', to: '2024-03-01' })).toMatchObject({ from: '2024-02-28', to: '2024-03-01' });
    expect(parse({ from: '2025-11-18', to: '2025-11-18' })).toMatchObject({ from: '2025-11-18', to: '2025-11-18' });
  });

  it('recipients and email options', () => {
    const env = { RECIPIENTS: 'ops@example.com' };
    expect(parse({ days: 2 }, env)).toMatchObject({ recipients: ['ops@example.com'], sendEmail: true });
    expect(parse({ days: 2, email: false }, env)).toMatchObject({ recipients: ['ops@example.com'], sendEmail: false });
    expect(parse({ days: 2, recipients: ['cfo@example.com'] }, env)).toMatchObject({ recipients: ['cfo@example.com'], sendEmail: true });
    expect(parse({ days: 2, recipients: [] }, env)).toMatchObject({ recipients: [], sendEmail: false });
    expect(parse({ days: 2, email: true }, env)).toMatchObject({ recipients: ['ops@example.com'], sendEmail: true });
    // No recipients and no "email" key: a store-only deployment, not an error.
    expect(parse({ days: 2 })).toMatchObject({ recipients: [], sendEmail: false });
  });

  it('a window may end today in the report zone, not later', () => {
    // NOW = 2026-01-02T10:00Z: 2026-01-02 in UTC, 2026-01-03 00:00 in Kiritimati (UTC+14).
    expect(parse({ from: '2026-01-01', to: '2026-01-02' })).toMatchObject({ from: '2026-01-01', to: '2026-01-02' });
    expect(parse({ from: '2026-01-03', to: '2026-01-03', timezone: 'Pacific/Kiritimati' })).toMatchObject({ to: '2026-01-03' });
    // The schedule fires at (or just before) now: its window ends yesterday.
    expect(parse({ scheduledTime: '2026-01-02T10:00:00Z', days: 1 })).toMatchObject({ from: '2026-01-01', to: '2026-01-01' });
  });

  it('years 0001-0099 are calendar dates too (no two-digit-year shift)', () => {
    expect(parse({ from: '0001-01-01', to: '0001-01-02' })).toMatchObject({ from: '0001-01-01', to: '0001-01-02' });
    // Year 4 is a leap year in the proleptic Gregorian calendar, year 50 is not.
    expect(parse({ from: '0004-02-29', to: '0004-03-01' })).toMatchObject({ from: '0004-02-29' });
    expect(() => parse({ from: '0050-02-29', to: '0050-03-01' })).toThrow('Invalid event: "from" "0050-02-29" is not a calendar date');
    // Spans are counted on the real calendar: 0099 has 365 days, so this is 367 days, too long.
    expect(() => parse({ from: '0099-01-01', to: '0100-01-02' })).toThrow('Invalid event: window 0099-01-01..0100-01-02 spans 367 days; at most 366');
    expect(parse({ from: '0099-12-31', to: '0100-01-01' })).toMatchObject({ from: '0099-12-31', to: '0100-01-01' });
  });

  it('returns a plain object with exactly the documented keys', () => {
    const e = parse({ days: 2 });
    expect(Object.keys(e).sort()).toEqual(['from', 'recipients', 'sendEmail', 'timezone', 'to']);
    expect(Object.getPrototypeOf(e)).toBe(Object.prototype);
  });
});

const ENVELOPE_HINT = '; EventBridge envelope keys are accepted only with "source": "aws.events" and "detail-type": "Scheduled Event"';

describe('malformed events fail with a one-line reason', () => {
  const cases: Array<[string, unknown, string, Record<string, string>?]> = [
    ['not an object', 'hello', 'Invalid event: expected a JSON object, got string'],
    ['an array', [1], 'Invalid event: expected a JSON object, got an array'],
    ['unknown key', { days: 3, dayz: 3 }, 'Invalid event: unknown key "dayz" (allowed: scheduledTime, from, to, days, recipients, email, timezone, or an EventBridge schedule event)'],
    ['unknown keys', { fro: 'x', To: 'y' }, 'Invalid event: unknown keys "fro", "To" (allowed: scheduledTime, from, to, days, recipients, email, timezone, or an EventBridge schedule event)'],
    ['bad date format', { from: '2025-11-1', to: '2025-11-30' }, 'Invalid event: "from" must be a date YYYY-MM-DD, got "2025-11-1"'],
    ['not a calendar date', { from: '2025-02-29', to: '2025-03-01' }, 'Invalid event: "from" "2025-02-29" is not a calendar date'],
    ['date not a string', { from: 20251101, to: '2025-11-30' }, 'Invalid event: "from" must be a date string YYYY-MM-DD, got 20251101'],
    ['from > to', { from: '2025-11-30', to: '2025-11-17' }, 'Invalid event: "from" (2025-11-30) is after "to" (2025-11-17)'],
    ['only from', { from: '2025-11-17' }, 'Invalid event: "to" is missing: give both "from" and "to" (YYYY-MM-DD)'],
    ['window too long', { from: '2024-01-01', to: '2025-01-01' }, 'Invalid event: window 2024-01-01..2025-01-01 spans 367 days; at most 366'],
    ['from/to and days', { from: '2025-11-17', to: '2025-11-30', days: 14 }, 'Invalid event: give either "from"/"to" or "days", not both'],
    ['from/to and scheduledTime', { from: '2025-11-17', to: '2025-11-30', scheduledTime: '2025-12-01T07:00:00Z' }, 'Invalid event: give either "from"/"to" or "scheduledTime", not both'],
    ['days 0', { days: 0 }, 'Invalid event: "days" must be a whole number from 1 to 366, got 0'],
    ['days fraction', { days: 1.5 }, 'Invalid event: "days" must be a whole number from 1 to 366, got 1.5'],
    ['days too big', { days: 367 }, 'Invalid event: "days" must be a whole number from 1 to 366, got 367'],
    ['days as string', { days: '14' }, 'Invalid event: "days" must be a whole number from 1 to 366, got "14"'],
    ['days negative', { days: -3 }, 'Invalid event: "days" must be a whole number from 1 to 366, got -3'],
    ['bad scheduledTime', { scheduledTime: 'yesterday' }, 'Invalid event: "scheduledTime" must be an ISO-8601 instant with a zone (e.g. 2025-12-01T07:00:00Z), got "yesterday"'],
    ['scheduledTime without zone', { scheduledTime: '2025-12-01T07:00:00' }, 'Invalid event: "scheduledTime" must be an ISO-8601 instant with a zone (e.g. 2025-12-01T07:00:00Z), got "2025-12-01T07:00:00"'],
    ['invalid zone', { days: 3, timezone: 'Mars/Olympus_Mons' }, 'Invalid event: "timezone" "Mars/Olympus_Mons" is not a valid IANA time zone (e.g. "Europe/Paris")'],
    ['offset is not an IANA zone', { days: 3, timezone: '+01:00' }, 'Invalid event: "timezone" "+01:00" is not a valid IANA time zone (e.g. "Europe/Paris")'],
    ['invalid env zone', { days: 3 }, 'Invalid event: env REPORT_TIMEZONE "Europe/Nowhere" is not a valid IANA time zone', { REPORT_TIMEZONE: 'Europe/Nowhere' }],
    ['bad env REPORT_DAYS', {}, 'Invalid event: env REPORT_DAYS must be a whole number from 1 to 366, got "two weeks"', { REPORT_DAYS: 'two weeks' }],
    ['invalid email', { days: 3, recipients: ['ok@example.com', 'not-an-email'] }, 'Invalid event: "recipients": "not-an-email" is not a valid email address'],
    ['header injection attempt', { days: 3, recipients: ['a@example.com\r\nBcc: x@evil.example'] }, 'Invalid event: "recipients": "a@example.com\\r\\nBcc: x@evil.example" is not a valid email address'],
    ['recipients not an array', { days: 3, recipients: 'a@example.com' }, 'Invalid event: "recipients" must be an array of email addresses, got "a@example.com"'],
    ['invalid env email', { days: 3 }, 'Invalid event: env RECIPIENTS: "bob" is not a valid email address', { RECIPIENTS: 'a@example.com,bob' }],
    ['email not boolean', { days: 3, email: 'no' }, 'Invalid event: "email" must be true or false, got "no"'],
    ['email: true, empty recipients', { email: true, recipients: [] }, 'Invalid event: "email" is true but there are no recipients to send to ("recipients" is empty); give "recipients", or "email": false to store only', { RECIPIENTS: 'ops@example.com' }],
    ['email: true, no env recipients', { days: 3, email: true }, 'Invalid event: "email" is true but there are no recipients to send to (env RECIPIENTS is empty); give "recipients", or "email": false to store only'],
    ['future window', { from: '2099-01-01', to: '2099-01-02' }, 'Invalid event: "to" (2099-01-02) is after today (2026-01-02 in UTC); a report cannot cover days that have not happened'],
    ['window ending tomorrow', { from: '2026-01-01', to: '2026-01-03' }, 'Invalid event: "to" (2026-01-03) is after today (2026-01-02 in UTC); a report cannot cover days that have not happened'],
    ['tomorrow in the zone of the report', { from: '2026-01-02', to: '2026-01-02', timezone: 'Pacific/Pago_Pago' }, 'Invalid event: "to" (2026-01-02) is after today (2026-01-01 in Pacific/Pago_Pago); a report cannot cover days that have not happened'],
    ['scheduledTime in the future', { scheduledTime: '2099-01-01T00:00:00Z' }, 'Invalid event: the window before "scheduledTime" "2099-01-01T00:00:00Z" ends on 2098-12-31, after today (2026-01-02 in UTC); a report cannot cover days that have not happened'],
    ['envelope "time" alone', { time: '2020-01-01T00:00:00Z' }, `Invalid event: unknown key "time" (allowed: scheduledTime, from, to, days, recipients, email, timezone, or an EventBridge schedule event)${ENVELOPE_HINT}`],
    ['envelope "detail" alone', { detail: { from: '2020-01-01', to: '2020-01-14' } }, `Invalid event: unknown key "detail" (allowed: scheduledTime, from, to, days, recipients, email, timezone, or an EventBridge schedule event)${ENVELOPE_HINT}`],
    ['another source', { source: 'other', time: 'bad' }, `Invalid event: unknown keys "source", "time" (allowed: scheduledTime, from, to, days, recipients, email, timezone, or an EventBridge schedule event)${ENVELOPE_HINT}`],
    ['aws.events without detail-type', { source: 'aws.events', time: '2025-12-01T07:00:00Z' }, `Invalid event: unknown keys "source", "time" (allowed: scheduledTime, from, to, days, recipients, email, timezone, or an EventBridge schedule event)${ENVELOPE_HINT}`],
    ['another detail-type', { source: 'aws.events', 'detail-type': 'EC2 Instance State-change Notification', time: '2025-12-01T07:00:00Z' }, `Invalid event: unknown keys "source", "detail-type", "time" (allowed: scheduledTime, from, to, days, recipients, email, timezone, or an EventBridge schedule event)${ENVELOPE_HINT}`],
    ['scheduled event with a bad time', { source: 'aws.events', 'detail-type': 'Scheduled Event', time: 'bad' }, 'Invalid event: "time" must be an ISO-8601 instant with a zone (e.g. 2025-12-01T07:00:00Z), got "bad"'],
    ['scheduled event and from/to', { source: 'aws.events', 'detail-type': 'Scheduled Event', time: '2025-12-01T07:00:00Z', from: '2025-11-01', to: '2025-11-02' }, 'Invalid event: give either "from"/"to" or an EventBridge scheduled event, not both'],
  ];

  // Rows as objects: a 3-element array row would make Jest take the 4th parameter for `done`.
  const rows = cases.map(([name, event, message, env]) => ({ name, event, message, env: env ?? ENV }));
  it.each(rows)('$name', ({ event, message, env }) => {
    let error: unknown;
    try {
      parse(event, env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as Error).message).toBe(message);
    expect((error as Error).message).not.toMatch(/[\r\n]/);
  });

  it('more than 50 recipients', () => {
    const many = Array.from({ length: 51 }, (_, i) => `u${i}@example.com`);
    expect(() => parse({ days: 3, recipients: many })).toThrow('Invalid event: "recipients": 51 recipients; SES accepts at most 50 per message');
  });
});

describe('localDay', () => {
  it('gives the calendar day in the zone', () => {
    expect(localDay(new Date('2025-12-01T03:00:00Z'), 'America/New_York')).toBe('2025-11-30');
    expect(localDay(new Date('2025-12-01T05:00:00Z'), 'America/New_York')).toBe('2025-12-01');
    expect(localDay(new Date('2025-11-30T14:59:59Z'), 'Asia/Tokyo')).toBe('2025-11-30');
    expect(localDay(new Date('2025-11-30T15:00:00Z'), 'Asia/Tokyo')).toBe('2025-12-01');
  });
});
