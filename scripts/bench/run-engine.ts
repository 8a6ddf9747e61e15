/**
 * Benchmark child: the engine computes the report over a log root, in a fresh process.
 *
 *   node --import tsx scripts/bench/run-engine.ts --root DIR --from YYYY-MM-DD --to YYYY-MM-DD [--tz UTC]
 *     [--charts] [--s3-endpoint http://127.0.0.1:PORT --s3-bucket B --s3-prefix P/]
 *
 * Prints `BENCH_RESULT {json}` (see protocol.ts): the comparable aggregates, the wall time of the
 * work measured here (after imports), peak RSS, and for S3 runs what the S3 client requested.
 */
import { parseArgs } from 'node:util';
import type { S3Client } from '@aws-sdk/client-s3';
import { aggregatesFromModel } from './aggregates.js';
import { type ChildReport, type S3RequestLog, emit, monoUs, usage } from './protocol.js';

interface WireLog {
  keys: Map<string, number>;
  ranges: Map<string, [number, number][]>;
  gets: number;
  whole: number;
  lists: number;
  rangeBytes: number;
}

/** Bytes of an object fetched more than once by overlapping (not identical) ranges. */
function overlapBytes(ranges: Map<string, [number, number][]>): number {
  let over = 0;
  for (const list of ranges.values()) {
    const sorted = [...list].sort((a, b) => a[0] - b[0]);
    let covered = 0;
    let end = -1;
    let total = 0;
    for (const [a, b] of sorted) {
      total += b - a + 1;
      if (b > end) {
        covered += b - Math.max(a, end + 1) + 1;
        end = b;
      }
    }
    over += total - covered;
  }
  return over;
}

async function s3Client(endpoint: string, log: WireLog): Promise<S3Client> {
  const { S3Client } = await import('@aws-sdk/client-s3');
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  // Count every request on the wire side of the engine (as test/engine/s3-source.test.ts does).
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Key?: string; Range?: string };
      if (context.commandName === 'GetObjectCommand') {
        log.gets++;
        if (!input.Range) log.whole++;
        else {
          const m = /^bytes=(\d+)-(\d+)$/.exec(input.Range);
          if (m) {
            log.rangeBytes += Number(m[2]) - Number(m[1]) + 1;
            const list = log.ranges.get(input.Key!) ?? [];
            list.push([Number(m[1]), Number(m[2])]);
            log.ranges.set(input.Key!, list);
          }
        }
        const k = `${input.Key}\u0000${input.Range ?? ''}`;
        log.keys.set(k, (log.keys.get(k) ?? 0) + 1);
      }
      if (context.commandName === 'ListObjectsV2Command') log.lists++;
      return next(args);
    },
    { step: 'initialize', name: 'benchRecordRequests' },
  );
  return client;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      root: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      tz: { type: 'string', default: 'UTC' },
      charts: { type: 'boolean', default: false },
      's3-endpoint': { type: 'string' },
      's3-bucket': { type: 'string' },
      's3-prefix': { type: 'string', default: '' },
    },
  });
  if (!values.root || !values.from || !values.to) throw new Error('usage: run-engine.ts --root DIR --from DATE --to DATE [--tz TZ] [--charts] [--s3-endpoint URL --s3-bucket B --s3-prefix P]');

  const importStart = performance.now();
  const { runReport } = await import('../../lambdas/engine/run-report.js');
  const s3log: WireLog = { keys: new Map(), ranges: new Map(), gets: 0, whole: 0, lists: 0, rangeBytes: 0 };
  let source = values.root;
  let client: S3Client | undefined;
  if (values['s3-endpoint']) {
    if (!values['s3-bucket']) throw new Error('--s3-bucket is required with --s3-endpoint');
    client = await s3Client(values['s3-endpoint'], s3log);
    source = `s3://${values['s3-bucket']}/${values['s3-prefix']}`;
  }
  const importMs = performance.now() - importStart;

  const monoStartUs = monoUs();
  const t0 = performance.now();
  let renderAt: number | null = null;
  const result = await runReport({
    source,
    window: { from: values.from, to: values.to },
    timezone: values.tz,
    renderCharts: values.charts,
    s3: client,
    onProgress: (m) => {
      if (m.startsWith('rendering')) renderAt = performance.now();
    },
  });
  const wallMs = performance.now() - t0;
  const monoEndUs = monoUs();
  const u = usage();
  client?.destroy();

  const report: ChildReport = {
    side: 'engine',
    pid: process.pid,
    wallMs,
    importMs,
    ...u,
    aggregates: aggregatesFromModel(result.model),
    rowsRead: result.model.dataQuality.rowsRead,
    io: { ...result.io },
    filesRead: result.model.dataQuality.files.filter((f) => f.status === 'read').map((f) => f.path),
    monoStartUs,
    monoEndUs,
  };
  if (values.charts) {
    const at = renderAt ?? t0 + wallMs;
    report.phases = { aggregatesMs: at - t0, renderMs: t0 + wallMs - at };
    report.reportFiles = result.files.length;
  }
  if (client) {
    const dups = [...s3log.keys.entries()].filter(([, n]) => n > 1);
    const log: S3RequestLog = {
      gets: s3log.gets,
      wholeObjectGets: s3log.whole,
      listRequests: s3log.lists,
      duplicateCount: dups.length,
      duplicates: dups.slice(0, 10).map(([k, times]) => {
        const [key, range] = k.split('\u0000');
        return { key, range: range || null, times };
      }),
      rangeBytes: s3log.rangeBytes,
      overlapBytes: overlapBytes(s3log.ranges),
    };
    report.s3 = log;
  }
  emit(report);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
