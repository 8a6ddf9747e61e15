/**
 * A real, local S3 (s3rver) for tests: started on a free port, storing its data in a fresh temp
 * directory, removed again by `stop()`. Nothing here talks to AWS.
 *
 *   const s3 = await startS3rver({ buckets: ['logs'] });
 *   await uploadFolder(s3.client, 'sample/finrag', 'logs', 'DATA_MERGE_ASSETS/LOGS/FINRAG/');
 *   ...
 *   await s3.stop();
 *
 * `s3.env` holds the environment variables that make code outside the test (e.g. a bundled Lambda
 * building its own S3Client) reach this server: AWS_ENDPOINT_URL_S3 + S3_FORCE_PATH_STYLE=true.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, relative, sep } from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';

/** s3rver accepts this key pair by default; test/setup-env.ts sets the same ones in the environment. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface S3rverHandle {
  /** A client for this server: path-style, dummy credentials, us-east-1. */
  client: S3Client;
  /** e.g. `http://127.0.0.1:43121` */
  endpoint: string;
  port: number;
  /** The temp directory s3rver stores objects in (deleted by stop()). */
  directory: string;
  /** Env vars that point an SDK client built elsewhere at this server. */
  env: Record<string, string>;
  /** Build another client for this server (e.g. with different options). */
  makeClient(): S3Client;
  stop(): Promise<void>;
}

export interface StartS3rverOptions {
  /** Buckets to create before returning. */
  buckets?: string[];
  /** Keep s3rver's request log quiet (default true). */
  silent?: boolean;
}

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverCtor = new (options: Record<string, unknown>) => S3rverInstance;

/** Build an S3Client for a local endpoint (path-style, dummy credentials). */
export function localS3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { ...S3RVER_CREDENTIALS },
    // s3rver predates the SDK's default CRC32 checksums; only send/verify them where S3 requires them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export async function startS3rver(options: StartS3rverOptions = {}): Promise<S3rverHandle> {
  // s3rver is CommonJS without type declarations: load it untyped and describe the bit we use.
  const mod = (await import('s3rver' as string)) as { default: S3rverCtor };
  const S3rver = mod.default;
  const directory = await mkdtemp(join(tmpdir(), 's3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: options.silent ?? true,
    directory,
    resetOnClose: true,
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: S3Client[] = [];
  const makeClient = (): S3Client => {
    const c = localS3Client(endpoint);
    clients.push(c);
    return c;
  };
  const client = makeClient();
  for (const bucket of options.buckets ?? []) {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  }
  let stopped = false;
  return {
    client,
    endpoint,
    port,
    directory,
    env: {
      AWS_ENDPOINT_URL_S3: endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
    },
    makeClient,
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const c of clients) c.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

const CONTENT_TYPES: Record<string, string> = {
  '.parquet': 'application/vnd.apache.parquet',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Every file under `dir`, as paths relative to it with `/` separators, sorted. */
export async function listLocalFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

/**
 * Upload every file under `localDir` to `s3://bucket/<prefix><relative path>`.
 * `prefix` should end with `/` (or be empty). Returns the keys written, sorted.
 */
export async function uploadFolder(s3: S3Client, localDir: string, bucket: string, prefix = ''): Promise<string[]> {
  const files = await listLocalFiles(localDir);
  const keys: string[] = [];
  for (const file of files) {
    const key = `${prefix}${file}`;
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: await readFile(join(localDir, file)),
        ContentType: CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      }),
    );
    keys.push(key);
  }
  return keys;
}

export interface ListedObject {
  key: string;
  size: number;
}

/** All objects under a prefix (follows continuation tokens), sorted by key. */
export async function listObjects(s3: S3Client, bucket: string, prefix = ''): Promise<ListedObject[]> {
  const out: ListedObject[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) out.push({ key: o.Key!, size: o.Size ?? 0 });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Read one object: its bytes and content type. */
export async function getObject(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<{ body: Uint8Array; contentType: string | undefined }> {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const body = await res.Body!.transformToByteArray();
  return { body, contentType: res.ContentType };
}
