/**
 * The report email: one raw MIME message built with nodemailer's MailComposer, sent with SESv2.
 *
 * Structure (multipart/mixed is not needed: everything is inline):
 *
 *   multipart/alternative
 *   ├── text/plain                    the KPIs, notes, top tables and the link, as plain text
 *   └── multipart/related
 *       ├── text/html                 KPIs, notes, 4 charts (<img src="cid:…">), tables, link
 *       └── image/png × 4             Content-ID <cost-per-day@llm-log-analytics>, …, inline
 *
 * Charts are PNG, not SVG: most email clients (Gmail, Outlook) do not render SVG images.
 * Every string that comes from the logs or the model goes through `escapeHtml` in the HTML part.
 *
 * Size: SES v2 (SendEmail with Content.Raw) accepts messages up to 40 MB, SES v1 up to 10 MB,
 * and SES notes that messages over 10 MB are subject to bandwidth throttling; many receiving
 * servers also cap at 10–25 MB. We keep the raw MIME under 10 MB (`MAX_EMAIL_BYTES`, the safe
 * common limit): when it is bigger, the charts are re-rendered at 1x instead of 2x, then dropped
 * (the body says so and points at the full report).
 */
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { ReportModel } from '../report-model.js';
import {
  escapeHtml as esc,
  formatChange,
  formatDate,
  formatDateRange,
  formatInt,
  formatLatency,
  formatPct,
  formatUsd,
  truncate,
} from '../render/format.js';
import type { RenderedChart } from '../render/types.js';

/** Raw MIME size budget (bytes). SES v2 allows 40 MB, v1 10 MB; 10 MB is safe for SES and for receivers. */
export const MAX_EMAIL_BYTES = 10 * 1024 * 1024;
/** Domain part of the inline images' Content-IDs: `cid:<chart name>@llm-log-analytics`. */
export const CID_DOMAIN = 'llm-log-analytics';
/** Longest query text / error message shown in the email (characters); the full text is in the report. */
export const EMAIL_TEXT_MAX = 160;
export const EMAIL_TOP_QUERIES = 10;
export const EMAIL_MAX_ERRORS = 10;
export const EMAIL_MAX_MODELS = 15;

export interface BuildEmailOptions {
  /** Sender address (a verified SES identity), e.g. `reports@example.com` or `LLM reports <reports@example.com>`. */
  from: string;
  /** Recipients (To). */
  to: string[];
  /** Link to the full HTML report (a pre-signed S3 URL). */
  reportLink: string;
  /** When the link stops working (shown in the body). */
  linkExpiresAt?: Date;
  /** The link is signed with temporary credentials of unknown expiry: say it may stop working sooner. */
  linkMayExpireEarlier?: boolean;
  /** Where the report is stored (s3://…), shown in the footer. */
  reportUri?: string;
  /** Size budget for the raw message (default MAX_EMAIL_BYTES). */
  maxBytes?: number;
  /**
   * Re-render a chart's PNG at `width` pixels (used to drop the 2x resolution when the email is
   * too big). Default: `svgToPng` from render/png.ts, loaded only when needed.
   */
  rescalePng?: (chart: RenderedChart, width: number) => Promise<Uint8Array>;
  /** Date header (tests); default now. */
  date?: Date;
}

export type ChartMode = 'as-rendered' | '1x' | 'omitted';

export interface BuiltEmail {
  raw: Uint8Array;
  subject: string;
  sizeBytes: number;
  /** How the charts went in: as rendered (2x), re-rendered at 1x, or left out to fit the size budget. */
  charts: ChartMode;
  /** Content-IDs of the inline images, in order. */
  contentIds: string[];
}

interface InlineImage {
  name: string;
  title: string;
  description: string;
  /** CSS width of the image in the body. */
  width: number;
  height: number;
  png: Uint8Array;
}

export function chartContentId(name: string): string {
  return `${name}@${CID_DOMAIN}`;
}

export function emailSubject(model: ReportModel): string {
  const t = model.totals;
  return `LLM usage report ${model.window.from} to ${model.window.to}: ${formatInt(t.queries)} queries, ${formatUsd(t.costUsd)}, ${formatPct(t.errorRate)} errors`;
}

/** Build the raw MIME message. Throws if it cannot be brought under the size budget. */
export async function buildEmail(model: ReportModel, charts: RenderedChart[], options: BuildEmailOptions): Promise<BuiltEmail> {
  if (options.to.length === 0) throw new Error('buildEmail: no recipients');
  const maxBytes = options.maxBytes ?? MAX_EMAIL_BYTES;
  const subject = emailSubject(model);
  const withPng = charts.filter((c) => c.png && c.png.length > 0);

  const attempt = async (images: InlineImage[], mode: ChartMode): Promise<BuiltEmail> => {
    const sizeNote =
      mode === '1x'
        ? 'The charts in this email are at standard resolution to keep the email small; the full report has sharp versions.'
        : mode === 'omitted'
          ? `The charts were left out of this email to keep it under ${formatInt(maxBytes / 1024 / 1024)} MB; they are in the full report.`
          : null;
    const html = renderEmailHtml(model, images, { ...options, subject, sizeNote });
    const text = renderEmailText(model, { ...options, sizeNote, chartsIncluded: images.length > 0 });
    const raw = await compose(options, subject, html, text, images);
    return { raw, subject, sizeBytes: raw.byteLength, charts: mode, contentIds: images.map((i) => chartContentId(i.name)) };
  };

  const asRendered = withPng.map((c) => toImage(c, c.png));
  let built = await attempt(asRendered, 'as-rendered');
  if (built.sizeBytes <= maxBytes) return built;

  // 1) Drop the 2x resolution: re-render the charts whose PNG is wider than their CSS width.
  const hiDpi = withPng.filter((c) => pngWidth(c.png) > c.width * 1.25);
  if (hiDpi.length > 0) {
    const rescale = options.rescalePng ?? defaultRescale;
    const images: InlineImage[] = [];
    for (const c of withPng) {
      images.push(toImage(c, hiDpi.includes(c) ? await rescale(c, Math.round(c.width)) : c.png));
    }
    built = await attempt(images, '1x');
    if (built.sizeBytes <= maxBytes) return built;
  }

  // 2) Leave the charts out.
  built = await attempt([], 'omitted');
  if (built.sizeBytes <= maxBytes) return built;
  throw new Error(`the report email is ${formatInt(built.sizeBytes)} bytes even without charts; the limit is ${formatInt(maxBytes)}`);
}

/** Send a raw MIME message with SESv2; returns the SES message id. */
export async function sendEmail(ses: SESv2Client, raw: Uint8Array): Promise<string> {
  const res = await ses.send(new SendEmailCommand({ Content: { Raw: { Data: raw } } }));
  if (!res.MessageId) throw new Error('SES SendEmail returned no MessageId');
  return res.MessageId;
}

async function defaultRescale(chart: RenderedChart, width: number): Promise<Uint8Array> {
  const { svgToPng } = await import('../render/png.js');
  return svgToPng(chart.svg, { width });
}

function toImage(chart: RenderedChart, png: Uint8Array): InlineImage {
  return { name: chart.name, title: chart.title, description: chart.description, width: chart.width, height: chart.height, png };
}

/** Width from a PNG's IHDR chunk (0 when the bytes are not a PNG). */
export function pngWidth(png: Uint8Array): number {
  if (png.length < 24 || png[0] !== 0x89 || png[1] !== 0x50 || png[2] !== 0x4e || png[3] !== 0x47) return 0;
  return new DataView(png.buffer, png.byteOffset, png.byteLength).getUint32(16);
}

async function compose(options: BuildEmailOptions, subject: string, html: string, text: string, images: InlineImage[]): Promise<Uint8Array> {
  const composer = new MailComposer({
    from: options.from,
    to: options.to,
    subject,
    date: options.date,
    text,
    html,
    attachments: images.map((img) => ({
      filename: `${img.name}.png`,
      content: Buffer.from(img.png.buffer, img.png.byteOffset, img.png.byteLength),
      contentType: 'image/png',
      cid: chartContentId(img.name),
      contentDisposition: 'inline',
    })),
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const raw = await composer.compile().build();
  return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
}

// ---------------------------------------------------------------------------------------------
// HTML body. Email clients: tables for layout, inline styles, no external resources.

interface HtmlContext extends BuildEmailOptions {
  subject: string;
  sizeNote: string | null;
}

const FONT = 'font-family:Arial,Helvetica,sans-serif';
const TH = 'text-align:left;padding:6px 8px;border-bottom:2px solid #d0d7de;font-size:12px;color:#57606a;white-space:nowrap';
const TD = 'padding:6px 8px;border-bottom:1px solid #eaeef2;font-size:13px;vertical-align:top';
const NUM = `${TD};text-align:right;white-space:nowrap`;

function renderEmailHtml(model: ReportModel, images: InlineImage[], ctx: HtmlContext): string {
  const w = model.window;
  const prev = model.previousPeriod.window;
  const period = formatDateRange(w.from, w.to);
  const parts: string[] = [];
  parts.push(
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light">',
    `<title>${esc(ctx.subject)}</title></head>`,
    `<body style="margin:0;padding:0;background:#f6f8fa;${FONT};color:#1f2328">`,
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f6f8fa"><tr><td align="center" style="padding:16px">',
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:760px;background:#ffffff;border:1px solid #d0d7de;border-radius:6px"><tr><td style="padding:20px 24px">',
    `<h1 style="margin:0 0 4px;font-size:22px">LLM usage report</h1>`,
    `<p style="margin:0 0 16px;font-size:14px;color:#57606a">${esc(period)} (${esc(formatInt(w.days))} ${w.days === 1 ? 'day' : 'days'}, ${esc(w.timezone)}), compared with ${esc(formatDateRange(prev.from, prev.to))}</p>`,
  );
  parts.push(linkBlock(ctx));
  parts.push(kpiTable(model));
  parts.push(notesBlock(model, ctx.sizeNote));
  if (images.length > 0) parts.push(section('Charts'));
  for (const img of images) {
    // The chart image carries its own title; the title and description go in alt/title for
    // clients that block images.
    parts.push(
      `<img src="cid:${esc(chartContentId(img.name))}" alt="${esc(`${img.title}: ${img.description}`)}" title="${esc(img.title)}" width="${esc(Math.round(img.width))}" style="display:block;width:100%;max-width:${esc(Math.round(img.width))}px;height:auto;border:0;margin:24px 0 0">`,
    );
  }
  parts.push(modelsTable(model), queriesTable(model), errorsTable(model));
  parts.push(
    `<p style="margin:24px 0 0;font-size:12px;color:#57606a">Generated ${esc(formatDate(model.generatedAt))} from ${esc(model.source)}. ` +
      `Prices: ${esc(model.pricing.source)}${model.pricing.overridesFile ? `, overrides ${esc(model.pricing.overridesFile)}` : ''}. ` +
      `Latency percentiles: ${esc(model.latencyMs.method)}.` +
      (ctx.reportUri ? ` Stored at ${esc(ctx.reportUri)}.` : '') +
      '</p>',
    '</td></tr></table>',
    '</td></tr></table>',
    '</body></html>',
    '',
  );
  return parts.join('\n');
}

function linkBlock(ctx: BuildEmailOptions): string {
  const until = ctx.linkExpiresAt ? `<p style="margin:0 0 20px;font-size:12px;color:#57606a">${esc(capitalise(linkValidity(ctx)))}.</p>` : '';
  return (
    `<p style="margin:0 0 6px"><a href="${esc(ctx.reportLink)}" style="display:inline-block;background:#0969da;color:#ffffff;text-decoration:none;padding:10px 16px;border-radius:6px;font-weight:bold;font-size:14px">Open the full report</a></p>` +
    until
  );
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function linkValidity(ctx: BuildEmailOptions): string {
  const until = `link valid until ${formatDate(ctx.linkExpiresAt!)}`;
  return ctx.linkMayExpireEarlier ? `${until} at the latest; it stops working sooner if the signing credentials expire` : until;
}

interface Kpi {
  label: string;
  value: string;
  previous: string;
  change: string;
  detail?: string;
}

function kpis(model: ReportModel): Kpi[] {
  const t = model.totals;
  const p = model.previousPeriod;
  const c = p.change;
  return [
    { label: 'Queries', value: formatInt(t.queries), previous: formatInt(p.totals.queries), change: formatChange(c.queries), detail: `${formatInt(t.succeeded)} succeeded, ${formatInt(t.failed)} failed` },
    { label: 'Error rate', value: formatPct(t.errorRate), previous: formatPct(p.totals.errorRate), change: formatChange(c.errorRate, { pp: true }) },
    { label: 'Cost', value: formatUsd(t.costUsd), previous: formatUsd(p.totals.costUsd), change: formatChange(c.costUsd), detail: `list price ${formatUsd(t.listPriceCostUsd)}` },
    { label: 'Tokens', value: formatInt(t.totalTokens), previous: formatInt(p.totals.totalTokens), change: formatChange(c.totalTokens), detail: `${formatInt(t.inputTokens)} in, ${formatInt(t.outputTokens)} out` },
    { label: 'Latency p50', value: formatLatency(model.latencyMs.p50), previous: formatLatency(p.latencyMs.p50), change: formatChange(c.latencyP50) },
    { label: 'Latency p95', value: formatLatency(model.latencyMs.p95), previous: formatLatency(p.latencyMs.p95), change: formatChange(c.latencyP95) },
  ];
}

function kpiTable(model: ReportModel): string {
  const rows = kpis(model).map(
    (k) =>
      `<tr><td style="${TD};font-weight:bold">${esc(k.label)}</td>` +
      `<td style="${NUM};font-size:16px;font-weight:bold">${esc(k.value)}${k.detail ? `<br><span style="font-size:11px;font-weight:normal;color:#57606a">${esc(k.detail)}</span>` : ''}</td>` +
      `<td style="${NUM};color:#57606a">${esc(k.previous)}</td>` +
      `<td style="${NUM}">${esc(k.change)}</td></tr>`,
  );
  return table(['Key figure', 'This period', 'Previous period', 'Change'], rows, [false, true, true, true]);
}

function notesBlock(model: ReportModel, sizeNote: string | null): string {
  const dq = model.dataQuality;
  const items = dq.notes.map((n) => truncate(n, 600));
  if (sizeNote) items.push(sizeNote);
  const rowsLine =
    `Rows read: ${formatInt(dq.rowsRead)}; in the window: ${formatInt(dq.rowsUsed)}; ` +
    `outside it (incl. the previous period): ${formatInt(dq.rowsOutsideWindow)}; not usable: ${formatInt(dq.rowsSkipped)}.`;
  const list = items.length
    ? `<ul style="margin:0 0 8px;padding-left:20px;font-size:13px">${items.map((n) => `<li style="margin:2px 0">${esc(n)}</li>`).join('')}</ul>`
    : '';
  return (
    `<h2 style="margin:24px 0 6px;font-size:16px">Data quality</h2>` +
    list +
    `<p style="margin:0;font-size:12px;color:#57606a">${esc(rowsLine)}</p>`
  );
}

function modelsTable(model: ReportModel): string {
  const rows = model.byModel.slice(0, EMAIL_MAX_MODELS).map(
    (m) =>
      `<tr><td style="${TD}" title="${esc(m.modelId)}">${esc(m.displayName)}${m.priced ? '' : ' <span style="color:#bc4c00">(unpriced)</span>'}</td>` +
      `<td style="${NUM}">${esc(formatInt(m.queries))}</td>` +
      `<td style="${NUM}">${esc(formatPct(m.share))}</td>` +
      `<td style="${NUM}">${esc(formatUsd(m.costUsd))}</td>` +
      `<td style="${NUM}">${esc(formatPct(m.costShare))}</td>` +
      `<td style="${NUM}">${esc(formatInt(m.totalTokens))}</td>` +
      `<td style="${NUM}">${esc(formatLatency(m.latencyMs.p50))}</td>` +
      `<td style="${NUM}">${esc(formatLatency(m.latencyMs.p95))}</td></tr>`,
  );
  const more = model.byModel.length > EMAIL_MAX_MODELS ? moreLine(model.byModel.length - EMAIL_MAX_MODELS, 'model') : '';
  return (
    section('By model') +
    (rows.length
      ? table(['Model', 'Queries', 'Share', 'Cost', 'Cost share', 'Tokens', 'p50', 'p95'], rows, [false, true, true, true, true, true, true, true]) + more
      : empty('No model usage in this period.'))
  );
}

function queriesTable(model: ReportModel): string {
  const rows = model.byQuery.slice(0, EMAIL_TOP_QUERIES).map(
    (q, i) =>
      `<tr><td style="${NUM}">${i + 1}</td>` +
      `<td style="${TD}">${esc(truncate(q.query, EMAIL_TEXT_MAX))}</td>` +
      `<td style="${NUM}">${esc(formatInt(q.runs))}</td>` +
      `<td style="${NUM}">${esc(formatInt(q.failed))}</td>` +
      `<td style="${NUM}">${esc(formatUsd(q.costUsd))}</td>` +
      `<td style="${NUM}">${esc(formatUsd(q.avgCostUsd))}</td>` +
      `<td style="${NUM}">${esc(formatLatency(q.avgLatencyMs))}</td></tr>`,
  );
  return (
    section(`Top ${EMAIL_TOP_QUERIES} queries by cost`) +
    (rows.length
      ? table(['#', 'Query', 'Runs', 'Failed', 'Cost', 'Avg cost', 'Avg latency'], rows, [true, false, true, true, true, true, true])
      : empty('No queries in this period.'))
  );
}

function errorsTable(model: ReportModel): string {
  const rows = model.errors.slice(0, EMAIL_MAX_ERRORS).map(
    (e) =>
      `<tr><td style="${TD}">${esc(e.errorType ?? '(none)')}</td>` +
      `<td style="${TD}">${esc(e.stage ?? '—')}</td>` +
      `<td style="${NUM}">${esc(formatInt(e.count))}</td>` +
      `<td style="${TD};white-space:nowrap">${esc(formatDate(e.lastSeen, model.window.timezone))}</td>` +
      `<td style="${TD}">${esc(truncate(e.example, EMAIL_TEXT_MAX))}</td></tr>`,
  );
  const more = model.errors.length > EMAIL_MAX_ERRORS ? moreLine(model.errors.length - EMAIL_MAX_ERRORS, 'error group') : '';
  return (
    section('Errors') +
    (rows.length
      ? table(['Type', 'Stage', 'Count', 'Last seen', 'Example'], rows, [false, false, true, false, false]) + more
      : empty('No errors in this period.'))
  );
}

function section(title: string): string {
  return `<h2 style="margin:24px 0 6px;font-size:16px">${esc(title)}</h2>`;
}

function empty(text: string): string {
  return `<p style="margin:0;font-size:13px;color:#57606a">${esc(text)}</p>`;
}

function moreLine(n: number, what: string): string {
  return `<p style="margin:4px 0 0;font-size:12px;color:#57606a">${esc(`… and ${formatInt(n)} more ${what}${n === 1 ? '' : 's'} in the full report.`)}</p>`;
}

function table(headers: string[], rows: string[], numeric: boolean[]): string {
  const head = headers.map((h, i) => `<th style="${TH}${numeric[i] ? ';text-align:right' : ''}">${esc(h)}</th>`).join('');
  return (
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;${FONT}">` +
    `<thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

// ---------------------------------------------------------------------------------------------
// Plain-text alternative: the same KPIs, notes, link and top tables.

interface TextContext extends BuildEmailOptions {
  sizeNote: string | null;
  chartsIncluded: boolean;
}

function renderEmailText(model: ReportModel, ctx: TextContext): string {
  const w = model.window;
  const prev = model.previousPeriod.window;
  const lines: string[] = [];
  lines.push(
    'LLM usage report',
    `${formatDateRange(w.from, w.to)} (${formatInt(w.days)} ${w.days === 1 ? 'day' : 'days'}, ${w.timezone}), compared with ${formatDateRange(prev.from, prev.to)}`,
    '',
    `Full report${ctx.linkExpiresAt ? ` (${linkValidity(ctx)})` : ''}:`,
    ctx.reportLink,
    '',
    'KEY FIGURES (this period | previous period | change)',
  );
  const ks = kpis(model);
  const labelWidth = Math.max(...ks.map((k) => k.label.length));
  const valueWidth = Math.max(...ks.map((k) => k.value.length));
  const prevWidth = Math.max(...ks.map((k) => k.previous.length));
  for (const k of ks) {
    lines.push(`  ${k.label.padEnd(labelWidth)}  ${k.value.padStart(valueWidth)} | ${k.previous.padStart(prevWidth)} | ${k.change}${k.detail ? `   (${k.detail})` : ''}`);
  }
  const dq = model.dataQuality;
  lines.push('', 'DATA QUALITY');
  for (const n of dq.notes) lines.push(`  - ${oneLine(truncate(n, 600))}`);
  if (ctx.sizeNote) lines.push(`  - ${ctx.sizeNote}`);
  lines.push(
    `  Rows read: ${formatInt(dq.rowsRead)}; in the window: ${formatInt(dq.rowsUsed)}; outside it: ${formatInt(dq.rowsOutsideWindow)}; not usable: ${formatInt(dq.rowsSkipped)}.`,
  );

  lines.push('', 'BY MODEL (queries, cost, share of cost, p50 / p95 latency)');
  if (model.byModel.length === 0) lines.push('  No model usage in this period.');
  for (const m of model.byModel.slice(0, EMAIL_MAX_MODELS)) {
    lines.push(`  ${m.displayName}: ${formatInt(m.queries)} queries, ${formatUsd(m.costUsd)} (${formatPct(m.costShare)}), ${formatLatency(m.latencyMs.p50)} / ${formatLatency(m.latencyMs.p95)}${m.priced ? '' : ' (unpriced)'}`);
  }

  lines.push('', `TOP ${EMAIL_TOP_QUERIES} QUERIES BY COST`);
  if (model.byQuery.length === 0) lines.push('  No queries in this period.');
  model.byQuery.slice(0, EMAIL_TOP_QUERIES).forEach((q, i) => {
    lines.push(`  ${String(i + 1).padStart(2)}. ${formatUsd(q.costUsd)}, ${formatInt(q.runs)} ${q.runs === 1 ? 'run' : 'runs'}${q.failed ? ` (${formatInt(q.failed)} failed)` : ''}: ${oneLine(truncate(q.query, EMAIL_TEXT_MAX))}`);
  });

  lines.push('', 'ERRORS');
  if (model.errors.length === 0) lines.push('  No errors in this period.');
  for (const e of model.errors.slice(0, EMAIL_MAX_ERRORS)) {
    lines.push(`  ${e.errorType ?? '(none)'} at ${e.stage ?? '—'}: ${formatInt(e.count)}, last ${formatDate(e.lastSeen, w.timezone)}: ${oneLine(truncate(e.example, EMAIL_TEXT_MAX))}`);
  }

  lines.push('', ctx.chartsIncluded ? 'Charts: see the HTML version of this email or the full report.' : 'Charts: see the full report.');
  lines.push(`Generated ${formatDate(model.generatedAt)} from ${model.source}.${ctx.reportUri ? ` Stored at ${ctx.reportUri}.` : ''}`, '');
  return lines.join('\n');
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ');
}
