#!/usr/bin/env -S npx tsx
/**
 * The report CLI:
 *   npm run report -- --source <folder|s3://bucket/prefix> --out <folder>
 *                     [--from YYYY-MM-DD --to YYYY-MM-DD | --days N | --all] [--tz Area/City] [--prices overrides.json]
 * With no arguments: the bundled sample (sample/finrag), all its dates, into ./out/report.
 * Exit 0 on success; 2 on bad arguments; 1 when the source cannot be read or the report fails.
 */
import { statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeReportFolder } from '../lambdas/engine/deliver/folder.js';
import { ReportRequestError, type WindowRequest, runReport } from '../lambdas/engine/run-report.js';
import { SourceError } from '../lambdas/engine/source/log-source.js';
import { formatUsd } from '../lambdas/engine/render/format.js';

const HERE = dirname(fileURLToPath(import.meta.url));
// The AWS SDK warns on Node 20 that its releases after January 2027 need Node 22: a notice for
// the project's maintainers, not for someone reading a report (the lockfile pins the SDK). Keeps
// errors one line; set the variable to false to see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
export const SAMPLE_ROOT = join(HERE, '..', 'sample', 'finrag');

const USAGE = `usage: npm run report -- [--source <folder|s3://bucket/prefix>] [--out <folder>]
       [--from YYYY-MM-DD --to YYYY-MM-DD | --days N | --all] [--tz Area/City] [--prices overrides.json] [--quiet]
defaults: --source sample/finrag (the bundled sample) --out out/report --all --tz UTC
  --days N    the N whole days up to and including yesterday, in --tz
  --all       every day that holds data
  --prices    JSON price table, USD per million tokens: {"models": {"<model id>": {"input_mtok": 1, "output_mtok": 5}}}
  --quiet     no progress on stderr (the summary still goes to stdout)
exit status: 0 report written; 2 bad arguments; 1 the source cannot be read or the report failed`;

class UsageError extends Error {}

export interface CliOptions {
  source: string;
  out: string;
  window: WindowRequest;
  timezone: string;
  prices: string | null;
  quiet: boolean;
}

/** A path shown relative to the working directory when it lies inside it. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

export function parseCli(argv: string[]): CliOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        source: { type: 'string' },
        out: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        days: { type: 'string' },
        all: { type: 'boolean' },
        tz: { type: 'string' },
        prices: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (e) {
    // node's parseArgs explains some errors over several lines: keep them on one
    throw new UsageError((e as Error).message.replace(/\s*\n\s*/g, ' '));
  }
  const v = parsed.values;
  if (v.help) return 'help';
  const windowFlags = [v.from !== undefined || v.to !== undefined, v.days !== undefined, v.all === true].filter(Boolean).length;
  if (windowFlags > 1) throw new UsageError('choose one of --from/--to, --days or --all');
  let window: WindowRequest = { all: true };
  if (v.from !== undefined || v.to !== undefined) {
    if (v.from === undefined || v.to === undefined) throw new UsageError('--from and --to go together');
    window = { from: v.from, to: v.to };
  } else if (v.days !== undefined) {
    if (!/^\d+$/.test(v.days)) throw new UsageError(`--days must be a whole number, got "${v.days}"`);
    window = { days: Number(v.days) };
  }
  if (v.source !== undefined && /^s3:/i.test(v.source) && !/^s3:\/\/[^/]+/.test(v.source)) {
    throw new UsageError(`--source must be a folder or s3://bucket/prefix, got "${v.source}"`);
  }
  if (v.out !== undefined) {
    const st = statSync(v.out, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) throw new UsageError(`--out ${v.out} exists and is not a folder`);
  }
  return {
    source: v.source ?? displayPath(SAMPLE_ROOT),
    out: v.out ?? join('out', 'report'),
    window,
    timezone: v.tz ?? 'UTC',
    prices: v.prices ?? null,
    quiet: v.quiet ?? false,
  };
}

export async function main(argv: string[]): Promise<number> {
  let opts;
  try {
    opts = parseCli(argv);
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message} (see --help)\n`);
    return 2;
  }
  if (opts === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const progress = opts.quiet ? undefined : (m: string) => process.stderr.write(`${m}\n`);
  try {
    const result = await runReport({
      source: opts.source,
      window: opts.window,
      timezone: opts.timezone,
      priceOverrides: opts.prices,
      onProgress: progress,
    });
    await writeReportFolder(opts.out, result.files);
    const { model } = result;
    const t = model.totals;
    const dq = model.dataQuality;
    const lines = [
      `Report for ${model.window.from} to ${model.window.to} (${model.window.timezone}) from ${model.source}`,
      `  ${t.queries.toLocaleString('en-US')} queries, ${t.failed.toLocaleString('en-US')} failed, cost ${formatUsd(t.costUsd)}, ${t.totalTokens.toLocaleString('en-US')} tokens`,
      `  rows read ${dq.rowsRead.toLocaleString('en-US')}: used ${dq.rowsUsed.toLocaleString('en-US')}, outside the window ${dq.rowsOutsideWindow.toLocaleString('en-US')}, skipped ${dq.rowsSkipped.toLocaleString('en-US')}`,
      ...dq.notes.map((n) => `  note: ${n}`),
      `Written to ${join(resolve(opts.out), 'report.html')}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } catch (e) {
    const err = e as Error;
    const reason = err instanceof SourceError || err instanceof ReportRequestError ? err.message : `${err.name}: ${err.message}`;
    process.stderr.write(`error: ${reason.split('\n')[0]}\n`);
    return err instanceof ReportRequestError ? 2 : 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
