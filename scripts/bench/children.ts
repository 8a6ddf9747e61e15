/**
 * Running the benchmark's child processes: engine / DuckDB runs (each a fresh `node --import tsx`
 * process), the local S3 server, and an optional snapshot of the engine at a git ref.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ChildReport, parseChildOutput } from './protocol.js';

export interface ChildRun {
  report: ChildReport;
  /** Whole child process, spawn to exit, measured by the parent. */
  processMs: number;
}

/** Run `node [nodeFlags] --import tsx <script> args...` in `cwd`; parse its BENCH_RESULT line. */
export async function runChild(opts: { cwd: string; script: string; args: string[]; nodeFlags?: string[]; env?: NodeJS.ProcessEnv }): Promise<ChildRun> {
  const began = performance.now();
  const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve, reject) => {
    const child = spawn(process.execPath, [...(opts.nodeFlags ?? []), '--import', 'tsx', opts.script, ...opts.args], {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('close', (c) => resolve({ stdout: out, stderr: err, code: c }));
  });
  const processMs = performance.now() - began;
  if (code !== 0) throw new Error(`${opts.script} exited with ${code}:\n${stderr.slice(-3000)}`);
  return { report: parseChildOutput(stdout), processMs };
}

export interface S3ServerHandle {
  endpoint: string;
  stop(): Promise<void>;
}

/** Start scripts/bench/s3-server.ts as a child (with the legacy OpenSSL provider s3rver needs). */
export async function startS3Server(projectRoot: string): Promise<S3ServerHandle> {
  const child: ChildProcess = spawn(process.execPath, ['--openssl-legacy-provider', '--import', 'tsx', join('scripts', 'bench', 's3-server.ts')], {
    cwd: projectRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`s3rver did not start in 30 s: ${err}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('S3RVER_READY '));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line.slice('S3RVER_READY '.length)) as { endpoint: string }).endpoint);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (err += d));
    child.on('exit', (c) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited with ${c}: ${err}`));
    });
  });
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
        }, 10_000);
        child.on('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.stdin!.end();
        child.kill('SIGTERM');
      }),
  };
}

export interface EngineTree {
  /** Where run-engine.ts is run from (the project, or a snapshot of the engine at a git ref). */
  root: string;
  head: string;
  /** `working tree` (possibly with uncommitted changes to lambdas/engine) or the ref snapshot. */
  description: string;
  /** Uncommitted changes under lambdas/engine when the working tree is used (porcelain lines). */
  dirty: string[];
  /** sha256 (first 12 hex) of the engine sources that were run. */
  sourceHash: string;
}

async function hashTree(dir: string): Promise<string> {
  const h = createHash('sha256');
  const entries = (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  for (const f of entries) {
    h.update(f.slice(dir.length));
    h.update(await readFile(f));
  }
  return h.digest('hex').slice(0, 12);
}

const git = (cwd: string, args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

/**
 * The engine to benchmark: the working tree (default), or `lambdas/engine` exported at `ref` into
 * `<cacheDir>/engine-<sha>/` next to copies of the bench child modules, with node_modules symlinked.
 */
export async function engineTree(projectRoot: string, cacheDir: string, ref: string | undefined): Promise<EngineTree> {
  let head = 'unknown';
  try {
    head = git(projectRoot, ['rev-parse', '--short', 'HEAD']);
  } catch {
    /* not a git checkout */
  }
  if (!ref) {
    let dirty: string[] = [];
    try {
      dirty = git(projectRoot, ['status', '--porcelain', '--', 'lambdas/engine']).split('\n').filter(Boolean);
    } catch {
      /* ignore */
    }
    return {
      root: projectRoot,
      head,
      description: dirty.length ? `working tree (HEAD ${head} + ${dirty.length} uncommitted engine changes)` : `working tree (HEAD ${head}, engine clean)`,
      dirty,
      sourceHash: await hashTree(join(projectRoot, 'lambdas', 'engine')),
    };
  }
  const sha = git(projectRoot, ['rev-parse', '--short', ref]);
  const dir = join(cacheDir, `engine-${sha}`);
  if (!existsSync(join(dir, '.complete'))) {
    await rm(dir, { recursive: true, force: true });
    await mkdir(join(dir, 'scripts', 'bench'), { recursive: true });
    const tar = execFileSync('git', ['archive', '--format=tar', sha, 'lambdas/engine'], { cwd: projectRoot, maxBuffer: 1 << 28 });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
    for (const f of ['run-engine.ts', 'aggregates.ts', 'protocol.ts']) await copyFile(join(projectRoot, 'scripts', 'bench', f), join(dir, 'scripts', 'bench', f));
    await copyFile(join(projectRoot, 'package.json'), join(dir, 'package.json'));
    await symlink(join(projectRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
    await writeFile(join(dir, '.complete'), `${sha}\n`);
  } else {
    // keep the child modules current
    for (const f of ['run-engine.ts', 'aggregates.ts', 'protocol.ts']) await copyFile(join(projectRoot, 'scripts', 'bench', f), join(dir, 'scripts', 'bench', f));
  }
  return { root: dir, head, description: `git ${ref} (${sha}) snapshot`, dirty: [], sourceHash: await hashTree(join(dir, 'lambdas', 'engine')) };
}
