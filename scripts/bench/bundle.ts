/**
 * The report Lambda bundle: built with esbuild from `reportEsbuildOptions` (lib/bundling.ts; when that
 * module is missing, the same options written out here), zipped with its assets, and timed to
 * `import()` in fresh Node processes (a cold-start proxy).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflateRawSync } from 'node:zlib';

export interface BundleFigures {
  /** `handler`: lambdas/report/handler.ts; `projected`: PROJECTED_ENTRY (what the handler will bundle). */
  variant: 'handler' | 'projected';
  /** How the build options were obtained. */
  options: 'lib/bundling.ts reportEsbuildOptions' | 'fallback (lib/bundling.ts missing or failed to load)';
  optionsError?: string;
  buildMs: number;
  /** index.mjs size in bytes (minified). */
  indexBytes: number;
  /** Every file of the bundle folder (index.mjs + assets) and its size. */
  files: { name: string; bytes: number }[];
  unzippedBytes: number;
  zippedBytes: number;
  zipMethod: 'zip CLI (default level 6, -X)' | 'estimate: node:zlib deflateRaw level 9 per file + zip headers';
  /** Largest inputs of index.mjs by bytes in the output, packages collapsed. */
  topInputs: { input: string; bytes: number }[];
  /** import() of index.mjs in a fresh process: in-process ms and whole-process wall ms, each run. */
  loads: { importMs: number; processMs: number; maxRssKb: number; hasHandler: boolean }[];
  medianImportMs: number;
  medianProcessMs: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const FALLBACK_ASSETS = [
  'node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf',
  'node_modules/dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf',
  'node_modules/@resvg/resvg-wasm/index_bg.wasm',
];

function packageOfInput(input: string): string {
  const i = input.lastIndexOf('node_modules/');
  if (i < 0) return input.split('/').slice(0, 2).join('/');
  const parts = input.slice(i + 'node_modules/'.length).split('/');
  return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

/** Environment a report Lambda sees (dummy values: importing must not reach AWS). */
export const LAMBDA_ENV: Record<string, string> = {
  LOG_BUCKET: 'bench-logs',
  LOG_PREFIX: 'DATA_MERGE_ASSETS/LOGS/FINRAG/',
  REPORT_PREFIX: 'reports/',
  REPORT_TIMEZONE: 'UTC',
  REPORT_DAYS: '14',
  SENDER: 'reports@example.com',
  RECIPIENTS: '',
  POWERTOOLS_SERVICE_NAME: 'llm-log-analytics-report',
  POWERTOOLS_METRICS_NAMESPACE: 'LlmLogAnalytics',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'BENCH',
  AWS_SECRET_ACCESS_KEY: 'BENCH',
  AWS_EC2_METADATA_DISABLED: 'true',
};

const LOAD_SCRIPT = `
const t = performance.now();
const m = await import(process.env.BENCH_BUNDLE_URL);
const importMs = performance.now() - t;
process.stdout.write('BENCH_LOAD ' + JSON.stringify({ importMs, hasHandler: typeof m.handler === 'function', maxRssKb: process.resourceUsage().maxRSS }) + '\\n');
process.exit(0);
`;

async function loadOnce(indexPath: string): Promise<BundleFigures['loads'][number]> {
  const began = performance.now();
  const out = await new Promise<string>((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...LAMBDA_ENV, BENCH_BUNDLE_URL: pathToFileURL(indexPath).href };
    const child = spawn(process.execPath, ['--input-type=module', '-e', LOAD_SCRIPT], { env, cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`import of the bundle failed (exit ${code}): ${stderr.slice(-2000)}`))));
  });
  const processMs = performance.now() - began;
  const line = out.split('\n').find((l) => l.startsWith('BENCH_LOAD '));
  if (!line) throw new Error('bundle load printed nothing');
  const r = JSON.parse(line.slice('BENCH_LOAD '.length)) as { importMs: number; hasHandler: boolean; maxRssKb: number };
  return { ...r, processMs };
}

/**
 * A stand-in for the report handler while lambdas/report/handler.ts is not written yet: everything the
 * contract says the report Lambda does (engine + charts/PNG/HTML, S3 delivery, SES e-mail with a MIME
 * message, Powertools logging and metrics), referenced so that nothing is tree-shaken away.
 */
export const PROJECTED_ENTRY = `
import { runReport } from './lambdas/engine/run-report.js';
import { renderCharts } from './lambdas/engine/render/charts.js';
import { renderReportFiles } from './lambdas/engine/render/report-folder.js';
import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
const logger = new Logger();
const metrics = new Metrics();
const s3 = new S3Client({});
const ses = new SESv2Client({});
export const handler = async (event) => {
  logger.info('start', { event });
  const r = await runReport({ source: 's3://' + process.env.LOG_BUCKET + '/' + process.env.LOG_PREFIX, window: { days: 14 }, s3 });
  const files = renderReportFiles(r.model, await renderCharts(r.model));
  for (const f of files) await s3.send(new PutObjectCommand({ Bucket: process.env.LOG_BUCKET, Key: f.path, Body: f.body }));
  const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: process.env.LOG_BUCKET, Key: 'x' }));
  const raw = await new MailComposer({ from: process.env.SENDER, to: process.env.RECIPIENTS, html: url }).compile().build();
  await ses.send(new SendEmailCommand({ Content: { Raw: { Data: raw } } }));
  metrics.publishStoredMetrics();
};
`;

export async function measureBundle(
  projectRoot: string,
  loads = 5,
  log: (m: string) => void = () => {},
  variant: 'handler' | 'projected' = 'handler',
): Promise<BundleFigures> {
  const outDir = await mkdtemp(join(tmpdir(), 'llm-log-analytics-bundle-'));
  try {
    const esbuild = await import('esbuild');
    let options: Record<string, unknown>;
    let how: BundleFigures['options'];
    let optionsError: string | undefined;
    let copyAssets: (dir: string) => Promise<void>;
    try {
      const b = (await import(pathToFileURL(join(projectRoot, 'lib', 'bundling.ts')).href)) as {
        reportEsbuildOptions: Record<string, unknown>;
        copyReportAssets?: (dir: string) => Promise<string[]>;
        REPORT_BUNDLE_ASSETS?: readonly string[];
      };
      if (!b.reportEsbuildOptions) throw new Error('lib/bundling.ts has no reportEsbuildOptions');
      options = { ...b.reportEsbuildOptions };
      how = 'lib/bundling.ts reportEsbuildOptions';
      copyAssets = b.copyReportAssets
        ? async (dir) => void (await b.copyReportAssets!(dir))
        : async (dir) => {
            for (const rel of b.REPORT_BUNDLE_ASSETS ?? FALLBACK_ASSETS) await copyFile(join(projectRoot, rel), join(dir, basename(rel)));
          };
    } catch (e) {
      optionsError = e instanceof Error ? e.message : String(e);
      how = 'fallback (lib/bundling.ts missing or failed to load)';
      options = {
        entryPoints: [join(projectRoot, 'lambdas', 'report', 'handler.ts')],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node22',
        minify: true,
        banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
        external: ['canvas'],
        logLevel: 'warning',
      };
      copyAssets = async (dir) => {
        for (const rel of FALLBACK_ASSETS) await copyFile(join(projectRoot, rel), join(dir, basename(rel)));
      };
    }
    const indexPath = join(outDir, 'index.mjs');
    log(`bundle (${variant}): esbuild (${how}) -> ${indexPath}`);
    const t0 = performance.now();
    const buildOptions: Record<string, unknown> = { ...options, outfile: indexPath, metafile: true, absWorkingDir: projectRoot, write: true };
    if (variant === 'projected') {
      delete buildOptions.entryPoints;
      buildOptions.stdin = { contents: PROJECTED_ENTRY, resolveDir: projectRoot, sourcefile: 'projected-report-handler.ts', loader: 'ts' };
    }
    const result = await esbuild.build(buildOptions as Parameters<typeof esbuild.build>[0]);
    const buildMs = performance.now() - t0;
    await copyAssets(outDir);

    const byPackage = new Map<string, number>();
    for (const out of Object.values(result.metafile!.outputs)) {
      for (const [input, info] of Object.entries(out.inputs)) {
        const k = packageOfInput(input);
        byPackage.set(k, (byPackage.get(k) ?? 0) + info.bytesInOutput);
      }
    }
    const topInputs = [...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([input, bytes]) => ({ input, bytes }));

    const names = (await readdir(outDir)).sort();
    const files = await Promise.all(names.map(async (name) => ({ name, bytes: (await stat(join(outDir, name))).size })));
    const unzippedBytes = files.reduce((n, f) => n + f.bytes, 0);

    let zippedBytes: number;
    let zipMethod: BundleFigures['zipMethod'];
    const zipPath = `${outDir}.zip`;
    const hasZip = spawnSync('zip', ['-v'], { stdio: 'ignore' }).status === 0;
    if (hasZip) {
      const z = spawnSync('zip', ['-q', '-X', '-r', zipPath, '.'], { cwd: outDir });
      if (z.status !== 0) throw new Error(`zip failed: ${z.stderr?.toString()}`);
      zippedBytes = (await stat(zipPath)).size;
      zipMethod = 'zip CLI (default level 6, -X)';
      await rm(zipPath, { force: true });
    } else {
      zippedBytes = 22; // end of central directory
      for (const name of names) {
        const data = await readFile(join(outDir, name));
        zippedBytes += deflateRawSync(data, { level: 9 }).length + 30 + 46 + 2 * name.length;
      }
      zipMethod = 'estimate: node:zlib deflateRaw level 9 per file + zip headers';
    }

    const runs: BundleFigures['loads'] = [];
    for (let i = 0; i < loads; i++) runs.push(await loadOnce(indexPath));
    return {
      variant,
      options: how,
      ...(optionsError ? { optionsError } : {}),
      buildMs,
      indexBytes: files.find((f) => f.name === 'index.mjs')?.bytes ?? 0,
      files,
      unzippedBytes,
      zippedBytes,
      zipMethod,
      topInputs,
      loads: runs,
      medianImportMs: median(runs.map((r) => r.importMs)),
      medianProcessMs: median(runs.map((r) => r.processMs)),
    };
  } finally {
    if (existsSync(outDir)) await rm(outDir, { recursive: true, force: true });
  }
}
