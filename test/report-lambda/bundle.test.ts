/**
 * The deployable report Lambda bundle, outside the TypeScript sources: build `index.mjs` with the
 * esbuild JS API and the project's options (lib/bundling.ts), run the CDK afterBundling hook's
 * commands to put the fonts and the resvg wasm beside it, import the bundle from a temp folder
 * (no node_modules anywhere above it) and invoke its `handler` once on the sample logs in s3rver.
 * The handler builds its own S3 client from the environment (AWS_ENDPOINT_URL_S3, read by the
 * SDK itself, and S3_FORCE_PATH_STYLE), exactly as it would in Lambda.
 */
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { PROJECT_ROOT, reportBundling, reportEsbuildOptions } from '../../lib/bundling.js';
import { getObject, listObjects, startS3rver, uploadFolder, type S3rverHandle } from '../support/s3rver.js';

const BUCKET = 'bundle-logs';
const LOG_PREFIX = 'DATA_MERGE_ASSETS/LOGS/FINRAG/';

function isValidPng(bytes: Uint8Array): boolean {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 33 || !sig.every((b, i) => bytes[i] === b)) return false;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let c = 0xffffffff;
  for (const byte of bytes.subarray(12, 29)) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return v.getUint32(8) === 13 && Buffer.from(bytes.subarray(12, 16)).toString('latin1') === 'IHDR' && v.getUint32(16) > 0 && v.getUint32(20) > 0 && v.getUint32(29) === (c ^ 0xffffffff) >>> 0;
}

describe('report Lambda bundle (esbuild, ESM)', () => {
  let outDir: string;
  let s3rver: S3rverHandle;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'report-bundle-'));
    s3rver = await startS3rver({ buckets: [BUCKET] });
    await uploadFolder(s3rver.client, join(PROJECT_ROOT, 'sample', 'finrag'), BUCKET, LOG_PREFIX);
  }, 120_000);

  afterAll(async () => {
    process.env = savedEnv;
    await s3rver?.stop();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('builds index.mjs and ships the assets beside it', async () => {
    const result = await build({ ...reportEsbuildOptions, outfile: join(outDir, 'index.mjs'), metafile: true });
    expect(result.errors).toEqual([]);
    // The CDK afterBundling hook, run as CDK runs it (a shell command per entry).
    for (const cmd of reportBundling.commandHooks!.afterBundling(PROJECT_ROOT, outDir)) execSync(cmd, { stdio: 'pipe' });
    const files = (await readdir(outDir)).sort();
    expect(files).toEqual(['DejaVuSans-Bold.ttf', 'DejaVuSans.ttf', 'index.mjs', 'index_bg.wasm']);
    const sizes = await Promise.all(files.map(async (f) => [f, (await stat(join(outDir, f))).size] as const));
    const total = sizes.reduce((s, [, n]) => s + n, 0);
    process.stdout.write(
      `\nreport Lambda bundle: ${sizes.map(([f, n]) => `${f} ${(n / 1024 / 1024).toFixed(2)} MB`).join(', ')}; total ${(total / 1024 / 1024).toFixed(2)} MB\n`,
    );
    // Nothing above the temp folder can resolve packages: the bundle must be self-contained.
    expect(existsSync(join(outDir, '..', 'node_modules'))).toBe(false);
  }, 180_000);

  it('imports in-process and its handler stores a report with valid chart PNGs (email: false)', async () => {
    Object.assign(process.env, {
      LOG_BUCKET: BUCKET,
      LOG_PREFIX,
      REPORT_PREFIX: 'reports/',
      REPORT_TIMEZONE: 'UTC',
      REPORT_DAYS: '14',
      SENDER: '',
      RECIPIENTS: 'cfo@example.com',
      POWERTOOLS_SERVICE_NAME: 'llm-log-analytics-report',
      POWERTOOLS_METRICS_NAMESPACE: 'LlmLogAnalyticsTest',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'WARN',
      // Only the standard SDK variable: proves the SDK honours it for the handler's own client.
      AWS_ENDPOINT_URL_S3: s3rver.endpoint,
      S3_FORCE_PATH_STYLE: 'true',
    });
    delete process.env.S3_ENDPOINT;

    const mod = (await import(pathToFileURL(join(outDir, 'index.mjs')).href)) as { handler: (event: unknown) => Promise<Record<string, unknown>> };
    expect(typeof mod.handler).toBe('function');
    const summary = await mod.handler({ scheduledTime: '2025-11-17T07:00:00Z', email: false });
    expect(summary).toMatchObject({
      window: { from: '2025-11-03', to: '2025-11-16', timezone: 'UTC', days: 14 },
      reportUri: `s3://${BUCKET}/reports/2025-11-03_2025-11-16/report.html`,
      latestUri: `s3://${BUCKET}/reports/latest.json`,
      emailMessageId: null,
    });
    expect(summary.rowsUsed).toBeGreaterThan(1000);

    const keys = (await listObjects(s3rver.client, BUCKET, 'reports/')).map((o) => o.key);
    expect(keys).toContain('reports/latest.json');
    const pngKeys = keys.filter((k) => k.endsWith('.png'));
    expect(pngKeys).toHaveLength(4);
    for (const key of pngKeys) {
      const { body, contentType } = await getObject(s3rver.client, BUCKET, key);
      expect(contentType).toBe('image/png');
      expect(isValidPng(body)).toBe(true);
      expect(body.length).toBeGreaterThan(5_000); // a real chart with text, not an empty image
    }
  }, 180_000);
});
