/**
 * Benchmark child: a local S3 server (s3rver) on a free port, storing objects in a fresh temp folder.
 * Run with `node --openssl-legacy-provider --import tsx scripts/bench/s3-server.ts` (s3rver's
 * continuation tokens need the legacy OpenSSL provider for listings past 1,000 keys).
 *
 * Prints `S3RVER_READY {"endpoint": ..., "directory": ...}` once listening, then serves until its stdin
 * closes (the parent ended or closed it) or it gets SIGTERM/SIGINT; it then removes its folder.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const READY_PREFIX = 'S3RVER_READY ';

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverCtor = new (options: Record<string, unknown>) => S3rverInstance;

async function main(): Promise<void> {
  const mod = (await import('s3rver' as string)) as { default: S3rverCtor };
  const directory = await mkdtemp(join(tmpdir(), 'bench-s3rver-'));
  const server = new mod.default({ address: '127.0.0.1', port: 0, silent: true, directory, resetOnClose: true });
  const { port } = await server.run();
  let closing = false;
  const stop = async () => {
    if (closing) return;
    closing = true;
    await server.close().catch(() => undefined);
    await rm(directory, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.stdin.on('end', () => void stop());
  process.stdin.on('close', () => void stop());
  process.stdin.resume();
  process.stdout.write(`${READY_PREFIX}${JSON.stringify({ endpoint: `http://127.0.0.1:${port}`, directory })}\n`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
