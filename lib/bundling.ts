/**
 * esbuild settings for the Lambda bundles, in one place (TEAM-CONTRACTS "Lambda bundle assets").
 *
 * - `reportBundling` / `startNotebookJobBundling`: `BundlingOptions` for `NodejsFunction`.
 * - `reportEsbuildOptions`: the same report build as a plain esbuild JS-API object, so a test can
 *   run `esbuild.build({ ...reportEsbuildOptions, outfile })` and then `copyReportAssets(outDir)`
 *   to get the bundle CDK deploys (`index.mjs` + fonts + wasm).
 *
 * AWS SDK: we BUNDLE our own pinned `@aws-sdk/*` (no `@aws-sdk/*` external). The Lambda runtime
 * ships an SDK v3 too, but its version moves under us; bundling the versions locked in
 * package-lock.json (the ones the tests ran against) keeps deploys reproducible, at the price of
 * a larger bundle and a slightly slower cold start - irrelevant for a job that runs every two weeks.
 *
 * `canvas` stays external: vega probes for node-canvas with a guarded `require('canvas')`; we render
 * SVG and turn it into PNG with resvg-wasm, so the probe failing at run time is the intended path.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

/** Repository root (this file is `<root>/lib/bundling.ts`). */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEPS_LOCK_FILE = join(PROJECT_ROOT, 'package-lock.json');
export const REPORT_ENTRY = join(PROJECT_ROOT, 'lambdas', 'report', 'handler.ts');
export const START_NOTEBOOK_JOB_ENTRY = join(PROJECT_ROOT, 'lambdas', 'start-notebook-job', 'handler.ts');

/**
 * Runtime and esbuild target move together. nodejs22.x rather than the newest (nodejs24.x):
 * the bundle is built for and tested on Node 22 semantics (`target: node22`); nodejs22.x is
 * supported by Lambda until 2027. Bump both constants together.
 */
export const LAMBDA_RUNTIME = Runtime.NODEJS_22_X;
export const ESBUILD_TARGET = 'node22';

/** ESM bundles still contain CommonJS dependencies that call `require` on Node built-ins. */
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";
/** Prefer the ES-module build of dependencies (vega, hyparquet are ESM-first). */
export const MAIN_FIELDS = ['module', 'main'];
export const REPORT_EXTERNALS = ['canvas'];

/** Files shipped next to the report bundle's `index.mjs` (looked up beside the module by png.ts). */
export const REPORT_BUNDLE_ASSETS: readonly string[] = [
  'node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf',
  'node_modules/dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf',
  'node_modules/@resvg/resvg-wasm/index_bg.wasm',
];

/**
 * A shell command that copies `files` (absolute) into `outDir`. Uses `node -e` so it runs the same
 * under bash and cmd.exe (no `cp`/`copy` difference); paths are passed as arguments.
 */
export function copyFilesCommand(files: readonly string[], outDir: string): string {
  const script = "const fs=require('fs'),path=require('path');const[o,...f]=process.argv.slice(1);for(const s of f)fs.copyFileSync(s,path.join(o,path.basename(s)))";
  return ['node', '-e', `"${script}"`, ...[outDir, ...files].map((p) => `"${p}"`)].join(' ');
}

const noCommands = (): string[] => [];

/** NodejsFunction bundling for the report Lambda: ESM `index.mjs` + fonts + resvg wasm. */
export const reportBundling: BundlingOptions = {
  format: OutputFormat.ESM,
  target: ESBUILD_TARGET,
  mainFields: MAIN_FIELDS,
  banner: ESM_REQUIRE_BANNER,
  externalModules: REPORT_EXTERNALS,
  minify: true,
  sourceMap: false,
  commandHooks: {
    beforeBundling: noCommands,
    beforeInstall: noCommands,
    // inputDir is the project root (local bundling) or /asset-input (Docker): node_modules is there.
    afterBundling: (inputDir: string, outputDir: string): string[] => [
      copyFilesCommand(
        REPORT_BUNDLE_ASSETS.map((rel) => `${inputDir}/${rel}`),
        outputDir,
      ),
    ],
  },
};

/** NodejsFunction bundling for the notebook-job starter: a plain ESM bundle, nothing beside it. */
export const startNotebookJobBundling: BundlingOptions = {
  format: OutputFormat.ESM,
  target: ESBUILD_TARGET,
  mainFields: MAIN_FIELDS,
  banner: ESM_REQUIRE_BANNER,
  externalModules: [],
  minify: true,
  sourceMap: false,
};

/**
 * The report build for the esbuild JS API (`import { build } from 'esbuild'`). Add `outfile`
 * (use `reportEsbuildBuildOptions(outDir)` for `<outDir>/index.mjs`, the name Lambda loads).
 */
export const reportEsbuildOptions = {
  entryPoints: [REPORT_ENTRY],
  bundle: true,
  platform: 'node' as const,
  format: 'esm' as const,
  target: ESBUILD_TARGET,
  mainFields: MAIN_FIELDS,
  banner: { js: ESM_REQUIRE_BANNER },
  external: REPORT_EXTERNALS,
  minify: true,
  sourcemap: false,
  logLevel: 'warning' as const,
};

/** `reportEsbuildOptions` writing `<outDir>/index.mjs`. */
export function reportEsbuildBuildOptions(outDir: string): typeof reportEsbuildOptions & { outfile: string } {
  return { ...reportEsbuildOptions, outfile: join(outDir, 'index.mjs') };
}

/** Copy the report bundle's assets into `outDir` (what `afterBundling` does for CDK). Returns the file names. */
export async function copyReportAssets(outDir: string, root: string = PROJECT_ROOT): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const names: string[] = [];
  for (const rel of REPORT_BUNDLE_ASSETS) {
    const from = join(root, rel);
    if (!existsSync(from)) throw new Error(`report bundle asset missing: ${from} (run npm ci)`);
    await copyFile(from, join(outDir, basename(rel)));
    names.push(basename(rel));
  }
  return names;
}
