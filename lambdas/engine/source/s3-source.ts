/**
 * A log root in S3 (`s3://bucket/prefix`). Lists `logs/` with pagination and reads files with ranged
 * GETs only (the footer first, then the needed column chunks), never the whole object.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { AsyncBuffer } from 'hyparquet';
import { type LogSource, type SourceFile, SourceError, SourceReadError, newStats, rangeCachedBuffer } from './log-source.js';

export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m || !m[1]) throw new SourceError(`not an s3:// URI: ${uri}`);
  const prefix = m[2] === '' || m[2].endsWith('/') ? m[2] : `${m[2]}/`;
  return { bucket: m[1], prefix };
}

export class S3LogSource implements LogSource {
  readonly stats = newStats();
  readonly bucket: string;
  readonly prefix: string;

  constructor(
    readonly root: string,
    private readonly s3: S3Client,
  ) {
    ({ bucket: this.bucket, prefix: this.prefix } = parseS3Uri(root));
  }

  async listLogFiles(): Promise<SourceFile[]> {
    const files: SourceFile[] = [];
    const listPrefix = `${this.prefix}logs/`;
    let token: string | undefined;
    do {
      this.stats.listRequests++;
      let page;
      try {
        page = await this.s3.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: listPrefix, ContinuationToken: token }),
        );
      } catch (e) {
        const err = e as Error & { name?: string };
        throw new SourceError(`cannot list s3://${this.bucket}/${listPrefix}: ${err.name ?? 'Error'}: ${err.message}`);
      }
      for (const o of page.Contents ?? []) {
        if (!o.Key || o.Key.endsWith('/')) continue; // folder placeholder objects
        files.push({ path: o.Key.slice(this.prefix.length), size: o.Size ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  open(file: SourceFile): AsyncBuffer {
    const { s3, bucket, stats } = this;
    const key = this.prefix + file.path;
    return rangeCachedBuffer({
      byteLength: file.size,
      async slice(start: number, end?: number) {
        const stop = end ?? file.size;
        if (stop <= start) return new ArrayBuffer(0);
        stats.readRequests++;
        let bytes: Uint8Array;
        try {
          const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${stop - 1}` }));
          bytes = await out.Body!.transformToByteArray();
        } catch (e) {
          const err = e as Error & { name?: string };
          throw new SourceReadError(`could not fetch s3://${bucket}/${key}: ${err.name ?? 'Error'}: ${err.message}`);
        }
        stats.bytesFetched += bytes.byteLength;
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      },
    });
  }
}
