/**
 * The report email, built from the hand-written fixture model and parsed back with mailparser
 * (an independent MIME parser). Expected KPI strings are worked out by hand from the fixture.
 */
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { simpleParser, type ParsedMail } from 'mailparser';
import { buildEmail, MAX_EMAIL_BYTES, sendEmail } from '../../lambdas/engine/deliver/email.js';
import { renderCharts } from '../../lambdas/engine/render/charts.js';
import { svgToPng } from '../../lambdas/engine/render/png.js';
import type { RenderedChart } from '../../lambdas/engine/render/types.js';
import { makeModel } from '../support/model-fixture.js';

const LINK = 'https://bucket.s3.amazonaws.com/reports/2025-11-18_2025-11-20/report.html?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=604800&X-Amz-Signature=abc123';
const OPTS = { from: 'LLM reports <reports@example.com>', to: ['cfo@example.com', 'ops@example.com'], reportLink: LINK };

/** PNG signature + a well-formed IHDR chunk (length 13, type, width/height > 0, CRC-32 correct). */
function pngInfo(bytes: Uint8Array): { width: number; height: number } {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  sig.forEach((b, i) => expect(bytes[i]).toBe(b));
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect(v.getUint32(8)).toBe(13);
  expect(Buffer.from(bytes.subarray(12, 16)).toString('latin1')).toBe('IHDR');
  const width = v.getUint32(16);
  const height = v.getUint32(20);
  expect(width).toBeGreaterThan(0);
  expect(height).toBeGreaterThan(0);
  expect(v.getUint32(29)).toBe(crc32(bytes.subarray(12, 29)));
  return { width, height };
}

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

function cidsInHtml(html: string): string[] {
  return [...html.matchAll(/src="cid:([^"]+)"/g)].map((m) => m[1]!);
}

async function parse(raw: Uint8Array): Promise<ParsedMail> {
  return simpleParser(Buffer.from(raw), { keepCidLinks: true });
}

describe('buildEmail with the real charts', () => {
  let charts: RenderedChart[];
  let built: Awaited<ReturnType<typeof buildEmail>>;
  let mail: ParsedMail;

  beforeAll(async () => {
    charts = await renderCharts(makeModel());
    built = await buildEmail(makeModel(), charts, { ...OPTS, linkExpiresAt: new Date('2025-11-28T08:00:00Z'), reportUri: 's3://bucket/reports/2025-11-18_2025-11-20/report.html' });
    mail = await parse(built.raw);
  });

  it('has subject, sender and recipients', () => {
    expect(built.subject).toBe('LLM usage report 2025-11-18 to 2025-11-20: 5 queries, $0.0625, 20.0% errors');
    expect(mail.subject).toBe(built.subject);
    expect(mail.from?.value).toEqual([{ address: 'reports@example.com', name: 'LLM reports' }]);
    const to = Array.isArray(mail.to) ? mail.to : [mail.to!];
    expect(to.flatMap((t) => t.value.map((v) => v.address))).toEqual(['cfo@example.com', 'ops@example.com']);
  });

  it('reports its size, under the SES-safe budget, with the charts as rendered', () => {
    expect(built.sizeBytes).toBe(built.raw.byteLength);
    expect(built.sizeBytes).toBeLessThan(MAX_EMAIL_BYTES);
    expect(built.charts).toBe('as-rendered');
    expect(MAX_EMAIL_BYTES).toBe(10 * 1024 * 1024);
  });

  it('embeds the four charts as inline PNGs, one per cid: in the HTML', () => {
    const cids = cidsInHtml(mail.html as string);
    expect(cids).toEqual([
      'cost-per-day@llm-log-analytics',
      'volume-reliability@llm-log-analytics',
      'model-usage@llm-log-analytics',
      'efficiency@llm-log-analytics',
    ]);
    expect(mail.attachments).toHaveLength(4);
    for (const a of mail.attachments) {
      expect(a.contentType).toBe('image/png');
      expect(a.contentDisposition).toBe('inline');
      expect(a.related).toBe(true);
      expect(cids).toContain(a.cid);
      expect(a.contentId).toBe(`<${a.cid}>`);
    }
    expect(mail.attachments.map((a) => a.cid).sort()).toEqual([...cids].sort());
    // The bytes are the renderer's PNGs, valid and at 2x the CSS width.
    for (const chart of charts) {
      const a = mail.attachments.find((x) => x.cid === `${chart.name}@llm-log-analytics`)!;
      expect(Buffer.compare(a.content, Buffer.from(chart.png))).toBe(0);
      expect(pngInfo(new Uint8Array(a.content)).width).toBe(Math.round(chart.width * 2));
    }
    // No SVG anywhere in the message (email clients do not render it).
    expect(Buffer.from(built.raw).toString('latin1')).not.toMatch(/image\/svg/);
  });

  it('shows the KPIs with period-over-period change in HTML and text', () => {
    const html = mail.html as string;
    const text = mail.text!;
    const expected: Array<[string, string, string, string]> = [
      ['Queries', '5', '4', '+25.0%'],
      ['Error rate', '20.0%', '0.0%', '+20.0 pp'],
      ['Cost', '$0.0625', '$0.0500', '+25.0%'],
      ['Tokens', '23,000', '18,000', '+27.8%'],
      ['Latency p50', '15.00 s', '14.00 s', '+7.1%'],
      ['Latency p95', '20.55 s', '19.00 s', '+8.2%'],
    ];
    for (const [label, value, previous, change] of expected) {
      // HTML: label cell, then value, previous and change cells in that order.
      const row = new RegExp(`>${label}</td><td[^>]*>${value.replace(/[$.+]/g, '\\$&')}(<br>.*?)?</td><td[^>]*>${previous.replace(/[$.+]/g, '\\$&')}</td><td[^>]*>${change.replace(/[$.+]/g, '\\$&')}</td>`);
      expect(html).toMatch(row);
      const line = text.split('\n').find((l) => l.trimStart().startsWith(label))!;
      expect(line).toBeDefined();
      expect(line).toContain(` ${value} | `);
      expect(line).toContain(`| ${previous.padStart(7)} | ${change}`);
    }
    expect(text).toContain('(4 succeeded, 1 failed)');
    expect(text).toContain('(20,000 in, 3,000 out)');
  });

  it('has the pre-signed link (HTML attribute-escaped, text verbatim) and its expiry', () => {
    const html = mail.html as string;
    expect(html).toContain(`href="${LINK.replace(/&/g, '&amp;')}"`);
    expect(mail.text).toContain(LINK);
    expect(mail.text).toContain('link valid until Nov 28, 2025, 08:00 UTC');
    expect(html).toContain('Link valid until Nov 28, 2025, 08:00 UTC.');
    expect(html).toContain('s3://bucket/reports/2025-11-18_2025-11-20/report.html');
  });

  it('escapes every log string in the HTML', () => {
    const html = mail.html as string;
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img src=x/i);
    expect(html).not.toContain('<b>Apple</b>');
    expect(html).toContain('What was &lt;b&gt;Apple&lt;/b&gt;&#39;s revenue in FY2024? &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Rate exceeded &lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('=HYPERLINK(&quot;http://evil.example&quot;,&quot;click&quot;)');
    // Non-ASCII survives the MIME encoding.
    expect(html).toContain('Résumé of Nestlé&#39;s 10-K — “risk factors” 📈');
    // The text part carries the raw text (plain text needs no escaping).
    expect(mail.text).toContain("What was <b>Apple</b>'s revenue in FY2024? <script>alert(1)</script>");
  });

  it('has the key tables and the data-quality notes', () => {
    const html = mail.html as string;
    for (const h of ['Charts', 'By model', 'Top 10 queries by cost', 'Errors', 'Data quality']) expect(html).toContain(`>${h}</h2>`);
    expect(html).toMatch(/>claude-sonnet-4-5<\/td><td[^>]*>2<\/td><td[^>]*>50\.0%<\/td><td[^>]*>\$0\.0400<\/td><td[^>]*>64\.0%<\/td><td[^>]*>11,000<\/td><td[^>]*>18\.50 s<\/td><td[^>]*>20\.75 s<\/td>/);
    expect(html).toMatch(/>ThrottlingException<\/td><td[^>]*>generation<\/td><td[^>]*>1<\/td>/);
    expect(html).toContain('The headline cost excludes 1 model without a logged cost or a known price: my-finetuned-model (1 row).');
    expect(mail.text).toContain('The headline cost excludes 1 model without a logged cost or a known price: my-finetuned-model (1 row).');
    expect(mail.text).toContain('Rows read: 12; in the window: 5; outside it: 6; not usable: 1.');
    expect(mail.text).toContain('claude-sonnet-4-5: 2 queries, $0.0400 (64.0%), 18.50 s / 20.75 s');
    expect(mail.text).toContain('ThrottlingException at generation: 1');
  });
});

describe('buildEmail link wording', () => {
  it('says the link may stop working sooner when signed with temporary credentials of unknown expiry', async () => {
    const built = await buildEmail(makeModel(), [], { ...OPTS, linkExpiresAt: new Date('2025-11-28T08:00:00Z'), linkMayExpireEarlier: true });
    const mail = await parse(built.raw);
    const wording = 'link valid until Nov 28, 2025, 08:00 UTC at the latest; it stops working sooner if the signing credentials expire';
    expect(mail.text).toContain(wording);
    expect(mail.html).toContain(`L${wording.slice(1)}.`);
    // No charts given: no images, no Charts heading.
    expect(mail.attachments).toHaveLength(0);
    expect(mail.html).not.toContain('>Charts</h2>');
  });
});

describe('buildEmail size budget', () => {
  // A chart with a big (fake-content) 2x PNG: valid signature + IHDR of width 1440, then padding.
  function bigChart(name: RenderedChart['name'], bytes: number): RenderedChart {
    const png = new Uint8Array(bytes);
    png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    new DataView(png.buffer).setUint32(16, 1440);
    new DataView(png.buffer).setUint32(20, 800);
    for (let i = 33; i < bytes; i++) png[i] = (i * 2654435761) >>> 24; // incompressible-ish, base64 grows it by 4/3
    return { name, title: `Chart ${name}`, description: `About ${name}`, svg: '<svg xmlns="http://www.w3.org/2000/svg" width="720" height="400"><rect width="720" height="400" fill="#0072B2"/></svg>', png, width: 720, height: 400 };
  }
  const names: RenderedChart['name'][] = ['cost-per-day', 'volume-reliability', 'model-usage', 'efficiency'];
  const big = names.map((n) => bigChart(n, 1_000_000));

  it('re-renders the charts at 1x when the 2x email is too big, and says so', async () => {
    const widths: number[] = [];
    const built = await buildEmail(makeModel(), big, {
      ...OPTS,
      maxBytes: 3_000_000, // 4 x 1 MB x 4/3 (base64) > 3 MB
      rescalePng: async (chart, width) => {
        widths.push(width);
        return svgToPng(chart.svg, { width });
      },
    });
    expect(widths).toEqual([720, 720, 720, 720]);
    expect(built.charts).toBe('1x');
    expect(built.sizeBytes).toBeLessThanOrEqual(3_000_000);
    const mail = await parse(built.raw);
    expect(mail.attachments).toHaveLength(4);
    for (const a of mail.attachments) expect(pngInfo(new Uint8Array(a.content)).width).toBe(720);
    expect(mail.html).toContain('The charts in this email are at standard resolution to keep the email small');
    expect(mail.text).toContain('The charts in this email are at standard resolution to keep the email small');
  });

  it('leaves the charts out when even 1x is too big, and says so', async () => {
    const built = await buildEmail(makeModel(), big, {
      ...OPTS,
      maxBytes: 3_000_000,
      rescalePng: async (chart) => chart.png, // "1x" no smaller
    });
    expect(built.charts).toBe('omitted');
    expect(built.contentIds).toEqual([]);
    const mail = await parse(built.raw);
    expect(mail.attachments).toHaveLength(0);
    expect(cidsInHtml(mail.html as string)).toEqual([]);
    expect(mail.html).toContain('The charts were left out of this email to keep it under 3 MB; they are in the full report.');
    expect(mail.text).toContain('The charts were left out of this email');
    expect(mail.text).toContain('Charts: see the full report.');
  });

  it('fails clearly when even the text is over the budget', async () => {
    await expect(buildEmail(makeModel(), big, { ...OPTS, maxBytes: 2_000, rescalePng: async (c) => c.png })).rejects.toThrow(
      /^the report email is [\d,]+ bytes even without charts; the limit is 2,000$/,
    );
  });

  it('refuses to build without recipients', async () => {
    await expect(buildEmail(makeModel(), [], { ...OPTS, to: [] })).rejects.toThrow('buildEmail: no recipients');
  });
});

describe('sendEmail', () => {
  it('sends the raw bytes with SESv2 SendEmail and returns the message id', async () => {
    const ses = new SESv2Client({ region: 'us-east-1' });
    const mock = mockClient(ses);
    mock.on(SendEmailCommand).resolves({ MessageId: '0100018c-abc' });
    const raw = new TextEncoder().encode('From: a@example.com\r\nTo: b@example.com\r\nSubject: x\r\n\r\nhello\r\n');
    await expect(sendEmail(ses, raw)).resolves.toBe('0100018c-abc');
    const calls = mock.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({ Content: { Raw: { Data: raw } } });
    mock.restore();
  });

  it('fails when SES returns no message id', async () => {
    const ses = new SESv2Client({ region: 'us-east-1' });
    const mock = mockClient(ses);
    mock.on(SendEmailCommand).resolves({});
    await expect(sendEmail(ses, new Uint8Array([1]))).rejects.toThrow('SES SendEmail returned no MessageId');
    mock.restore();
  });
});
