/** Turn a `--source` string into a LogSource. */
import { S3Client } from '@aws-sdk/client-s3';
import { LocalLogSource } from './local-source.js';
import type { LogSource } from './log-source.js';
import { S3LogSource } from './s3-source.js';

export function openLogSource(source: string, s3?: S3Client): LogSource {
  if (source.startsWith('s3://')) return new S3LogSource(source, s3 ?? new S3Client({}));
  return new LocalLogSource(source);
}
