/**
 * bin/app.ts end to end, as `cdk synth` runs it (the CLI passes cdk.json's context in
 * CDK_CONTEXT_JSON and the output folder in CDK_OUTDIR): real esbuild bundling, cdk-nag on.
 * The esbuild JS-API bundle (reportEsbuildOptions) is tested by the bundle test's owner.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/bundling.js';
import { readCdkJson } from './fixture.js';

const TSX = join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');

function runApp(context: Record<string, unknown>): { status: number | null; stdout: string; stderr: string; outdir: string } {
  const outdir = mkdtempSync(join(tmpdir(), 'llm-log-analytics-cdk-'));
  const result = spawnSync(TSX, ['bin/app.ts'], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify({ ...readCdkJson().context, ...context }) },
    timeout: 170_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, outdir };
}

describe('bin/app.ts', () => {
  const outdirs: string[] = [];
  afterAll(() => {
    for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
  });

  test('synthesises with real bundling and cdk-nag: report bundle ships index.mjs, fonts and the resvg wasm', () => {
    const run = runApp({});
    outdirs.push(run.outdir);
    expect({ status: run.status, stderr: run.stderr.includes('Validation failed') ? run.stderr : '' }).toEqual({ status: 0, stderr: '' });

    const template = JSON.parse(readFileSync(join(run.outdir, 'LlmLogAnalytics.template.json'), 'utf8'));
    const report = JSON.parse(readFileSync(join(run.outdir, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports.flatMap((r: { violations?: unknown[] }) => r.violations ?? [])).toEqual([]);

    const assets = JSON.parse(readFileSync(join(run.outdir, 'LlmLogAnalytics.assets.json'), 'utf8')).files as Record<string, { source: { path: string } }>;
    const assetDir = (functionPrefix: string): string => {
      const [, fn] = Object.entries(template.Resources as Record<string, any>).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(functionPrefix))!;
      const key = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
      return join(run.outdir, assets[key]!.source.path);
    };

    const reportDir = assetDir('ReportFunction');
    expect(readdirSync(reportDir).sort()).toEqual(['DejaVuSans-Bold.ttf', 'DejaVuSans.ttf', 'index.mjs', 'index_bg.wasm']);
    const bundle = readFileSync(join(reportDir, 'index.mjs'), 'utf8');
    expect(bundle.startsWith("import { createRequire } from 'module'; const require = createRequire(import.meta.url);")).toBe(true);
    for (const file of ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'index_bg.wasm']) {
      const shipped = readFileSync(join(reportDir, file));
      const source = readFileSync(join(PROJECT_ROOT, 'node_modules', file.endsWith('.wasm') ? '@resvg/resvg-wasm' : 'dejavu-fonts-ttf/ttf', file));
      expect(shipped.equals(source)).toBe(true);
    }

    const starterDir = assetDir('NotebookJobStarter');
    expect(readdirSync(starterDir)).toEqual(['index.mjs']);
    expect(existsSync(join(run.outdir, 'manifest.json'))).toBe(true);
  }, 180_000);

  test('bad context: exits 1 with the list of problems, no stack trace', () => {
    const run = runApp({ logPrefix: 'DATA_MERGE_ASSETS/LOGS/FINRAG', recipients: 'cfo@example.com' });
    outdirs.push(run.outdir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Invalid CDK context (cdk.json "context" or -c key=value):');
    expect(run.stderr).toContain('  - logPrefix: "DATA_MERGE_ASSETS/LOGS/FINRAG" must end with "/"');
    expect(run.stderr).toContain('  - sender: required when recipients are given');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
