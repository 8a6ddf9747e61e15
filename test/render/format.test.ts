import {
  escapeHtml, formatChange, formatDate, formatDateRange, formatInt, formatLatency, formatNumber, formatPct, formatUsd, truncate,
} from '../../lambdas/engine/render/format.js';

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
  it('escapes an ampersand only once (no double-escaping of the output)', () => {
    expect(escapeHtml('&lt;')).toBe('&amp;lt;');
  });
  it('turns null/undefined into an empty string and stringifies other values', () => {
    expect(escapeHtml(null)).toBe('');
    expect(escapeHtml(undefined)).toBe('');
    expect(escapeHtml(5)).toBe('5');
  });
  it('leaves Unicode alone', () => {
    expect(escapeHtml('Nestlé — “risk” 📈')).toBe('Nestlé — “risk” 📈');
  });
});

describe('formatInt', () => {
  it.each([
    [1234567, '1,234,567'],
    [23000, '23,000'],
    [999, '999'],
    [0, '0'],
    [-1234, '-1,234'],
    [1234.5, '1,235'],
    [5666.666666666667, '5,667'],
    [-0.2, '0'],
  ])('%p -> %p', (n, expected) => expect(formatInt(n)).toBe(expected));
  it.each([null, undefined, NaN, Infinity, -Infinity])('%p -> em dash', (n) => expect(formatInt(n)).toBe('—'));
});

describe('formatNumber', () => {
  it('uses exactly the given decimals and thousands separators', () => {
    expect(formatNumber(5666.666666666667, 1)).toBe('5,666.7');
    expect(formatNumber(49.18032786885246, 2)).toBe('49.18');
    expect(formatNumber(0, 2)).toBe('0.00');
    expect(formatNumber(1234567.891, 0)).toBe('1,234,568');
    expect(formatNumber(-0.001, 1)).toBe('0.0');
  });
  it('null -> em dash', () => {
    expect(formatNumber(null, 2)).toBe('—');
    expect(formatNumber(NaN, 2)).toBe('—');
  });
});

describe('formatUsd', () => {
  it.each([
    [0.0091, '$0.0091'],
    [0.0625, '$0.0625'],
    [0.026034, '$0.0260'],
    [0.0036363636363636364, '$0.0036'],
    [0, '$0.0000'],
    [0.5, '$0.5000'],
    [0.99996, '$1.00'],
    [1, '$1.00'],
    [12.345, '$12.35'],
    [1234.5, '$1,234.50'],
    [1234567.891, '$1,234,567.89'],
    [-0.004, '-$0.0040'],
    [-0.0015, '-$0.0015'],
    [-1234.5, '-$1,234.50'],
    [-0.00001, '$0.0000'],
  ])('%p -> %p', (n, expected) => expect(formatUsd(n)).toBe(expected));
  it.each([null, undefined, NaN, Infinity])('%p -> em dash, never $0 or NaN', (n) => expect(formatUsd(n)).toBe('—'));
});

describe('formatPct', () => {
  it.each([
    [0.2, undefined, '20.0%'],
    [0, undefined, '0.0%'],
    [1, undefined, '100.0%'],
    [0.64, undefined, '64.0%'],
    [0.123456, 2, '12.35%'],
    [0.5, 0, '50%'],
    [12.5, undefined, '1,250.0%'],
    [-0.0909090909090909, undefined, '-9.1%'],
  ])('%p (digits %p) -> %p', (ratio, digits, expected) => expect(formatPct(ratio, digits)).toBe(expected));
  it('null -> em dash', () => {
    expect(formatPct(null)).toBe('—');
    expect(formatPct(undefined)).toBe('—');
    expect(formatPct(NaN)).toBe('—');
  });
});

describe('formatChange', () => {
  it('relative changes carry a sign', () => {
    expect(formatChange(0.25)).toBe('+25.0%');
    expect(formatChange(-0.1)).toBe('\u221210.0%');
    expect(formatChange(0.2777777777777778)).toBe('+27.8%');
    expect(formatChange(0.07142857142857142)).toBe('+7.1%');
    expect(formatChange(0.08157894736842106)).toBe('+8.2%');
    expect(formatChange(-0.0625)).toBe('\u22126.3%');
    expect(formatChange(2)).toBe('+200.0%');
  });
  it('no sign when the change rounds to zero', () => {
    expect(formatChange(0)).toBe('0.0%');
    expect(formatChange(0.0001)).toBe('0.0%');
    expect(formatChange(-0.0004)).toBe('0.0%');
  });
  it('percentage points', () => {
    expect(formatChange(0.01, { pp: true })).toBe('+1.0 pp');
    expect(formatChange(0.2, { pp: true })).toBe('+20.0 pp');
    expect(formatChange(-0.005, { pp: true })).toBe('\u22120.5 pp');
    expect(formatChange(0, { pp: true })).toBe('0.0 pp');
  });
  it('digits option', () => {
    expect(formatChange(0.2777777777777778, { digits: 0 })).toBe('+28%');
  });
  it('null (no previous value) -> n/a', () => {
    expect(formatChange(null)).toBe('n/a');
    expect(formatChange(undefined)).toBe('n/a');
    expect(formatChange(NaN)).toBe('n/a');
    expect(formatChange(null, { pp: true })).toBe('n/a');
  });
});

describe('formatLatency', () => {
  it.each([
    [15000, '15.00 s'],
    [20550, '20.55 s'],
    [850, '0.850 s'],
    [12, '0.012 s'],
    [0, '0.000 s'],
    [999.6, '1.00 s'],
    [1000, '1.00 s'],
    [125000, '125.00 s'],
    [1234567, '1,234.57 s'],
  ])('%p ms -> %p', (ms, expected) => expect(formatLatency(ms)).toBe(expected));
  it.each([null, undefined, NaN])('%p -> em dash', (ms) => expect(formatLatency(ms)).toBe('—'));
});

describe('formatDate', () => {
  it('formats a report day', () => {
    expect(formatDate('2025-11-18')).toBe('Nov 18, 2025');
    expect(formatDate('2024-02-29')).toBe('Feb 29, 2024');
  });
  it('a report day is not shifted by the time zone', () => {
    expect(formatDate('2025-11-18', 'America/Los_Angeles')).toBe('Nov 18, 2025');
  });
  it('formats an instant in UTC by default', () => {
    expect(formatDate('2025-11-20T01:46:49.520Z')).toBe('Nov 20, 2025, 01:46 UTC');
    expect(formatDate(new Date('2025-11-21T08:00:00.000Z'))).toBe('Nov 21, 2025, 08:00 UTC');
  });
  it('formats an instant in the report time zone', () => {
    expect(formatDate('2025-11-20T00:46:49Z', 'America/New_York')).toBe('Nov 19, 2025, 19:46 EST');
  });
  it('falls back to UTC for an unknown time zone', () => {
    expect(formatDate('2025-11-20T01:46:49Z', 'Mars/Olympus_Mons')).toBe('Nov 20, 2025, 01:46 UTC');
  });
  it('null -> em dash; text that is not a date is returned as is', () => {
    expect(formatDate(null)).toBe('—');
    expect(formatDate(undefined)).toBe('—');
    expect(formatDate('not a date')).toBe('not a date');
  });
  it('date ranges', () => {
    expect(formatDateRange('2025-11-18', '2025-11-20')).toBe('Nov 18, 2025 – Nov 20, 2025');
    expect(formatDateRange('2025-11-18', '2025-11-18')).toBe('Nov 18, 2025');
  });
});

describe('truncate', () => {
  it('keeps short text', () => {
    expect(truncate('short text')).toBe('short text');
    expect(truncate(null)).toBe('');
  });
  it('cuts long text to the limit with an ellipsis', () => {
    const out = truncate('a'.repeat(200));
    expect(out).toBe(`${'a'.repeat(159)}…`);
    expect(truncate('abcdef', 4)).toBe('abc…');
  });
  it('does not split an emoji (counts code points)', () => {
    const out = truncate('📈'.repeat(200), 10);
    expect(out).toBe(`${'📈'.repeat(9)}…`);
  });
  it('collapses whitespace and newlines', () => {
    expect(truncate('a\n\n  b\tc ')).toBe('a b c');
  });
});
