import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectsCommand } from '@aws-sdk/client-s3';
import { getObject, listObjects, startS3rver, uploadFolder, type S3rverHandle } from '../support/s3rver.js';

describe('test/support/s3rver', () => {
  let s3: S3rverHandle;
  let dir: string;
  beforeAll(async () => {
    s3 = await startS3rver({ buckets: ['bkt'] });
    dir = await mkdtemp(join(tmpdir(), 's3rver-src-'));
    await mkdir(join(dir, 'logs', 'dt=2025-11-18'), { recursive: true });
    await writeFile(join(dir, 'logs', 'dt=2025-11-18', 'a.parquet'), 'PAR1');
    await writeFile(join(dir, 'notes.txt'), 'hello');
  });
  afterAll(async () => {
    await s3.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('uploads a folder under a prefix and lists/reads it back with content types', async () => {
    const keys = await uploadFolder(s3.client, dir, 'bkt', 'root/');
    expect(keys).toEqual(['root/logs/dt=2025-11-18/a.parquet', 'root/notes.txt']);
    expect((await listObjects(s3.client, 'bkt', 'root/')).map((o) => o.key)).toEqual(keys);
    const notes = await getObject(s3.client, 'bkt', 'root/notes.txt');
    expect(Buffer.from(notes.body).toString()).toBe('hello');
    expect(notes.contentType).toBe('text/plain; charset=utf-8');
    expect(s3.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('supports DeleteObjects (multi-delete)', async () => {
    await uploadFolder(s3.client, dir, 'bkt', 'del/');
    const res = await s3.client.send(
      new DeleteObjectsCommand({ Bucket: 'bkt', Delete: { Objects: [{ Key: 'del/notes.txt' }], Quiet: true } }),
    );
    expect(res.Errors ?? []).toEqual([]);
    expect((await listObjects(s3.client, 'bkt', 'del/')).map((o) => o.key)).toEqual(['del/logs/dt=2025-11-18/a.parquet']);
  });
});
