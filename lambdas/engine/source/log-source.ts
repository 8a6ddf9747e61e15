/**
 * A log root — a local folder or `s3://bucket/prefix` holding `logs/`, `contexts/`, `responses/` —
 * seen as a list of files under `logs/` and random access to their bytes.
 */
import type { AsyncBuffer } from 'hyparquet';

export interface SourceFile {
  /** Path relative to the log root, with `/` separators (e.g. `logs/dt=2025-11-19/part-0.parquet`). */
  path: string;
  size: number;
  /** Set when the entry cannot be read at all (a broken symbolic link, say): named in the ledger. */
  problem?: string;
}

/** I/O counters, so the benchmark and tests can see what was fetched. */
export interface SourceStats {
  listRequests: number;
  /** Byte-range reads (S3 GETs or file reads). */
  readRequests: number;
  bytesFetched: number;
  /** Whole-object GETs (no Range header); should stay 0 on S3. */
  wholeObjectReads: number;
}

export interface LogSource {
  /** How the root is shown in the report (folder path or s3:// URI). */
  readonly root: string;
  readonly stats: SourceStats;
  /** Every file under `logs/`, recursively, sorted by path. Throws SourceError when the root is unreachable. */
  listLogFiles(): Promise<SourceFile[]>;
  /** Random access to one file's bytes. */
  open(file: SourceFile): AsyncBuffer;
}

/** The log root cannot be used at all (missing folder, no such bucket, access denied). */
export class SourceError extends Error {}

/**
 * Bytes of one file could not be fetched (access denied, KMS, throttling, network, I/O): a failure of
 * the storage, not of the file's content, so it is never reported as a corrupt Parquet file.
 */
export class SourceReadError extends Error {}

export function newStats(): SourceStats {
  return { listRequests: 0, readRequests: 0, bytesFetched: 0, wholeObjectReads: 0 };
}

/**
 * Wrap an AsyncBuffer so that every byte is fetched at most once: reads inside an already-fetched
 * range (the footer read first, say) are served from memory.
 */
export function rangeCachedBuffer(inner: AsyncBuffer): AsyncBuffer {
  const fetched: { start: number; end: number; data: Promise<ArrayBuffer> }[] = [];
  return {
    byteLength: inner.byteLength,
    slice(start: number, end?: number) {
      const stop = end ?? inner.byteLength;
      for (const r of fetched) {
        if (start >= r.start && stop <= r.end) return r.data.then((d) => d.slice(start - r.start, stop - r.start));
      }
      const data = Promise.resolve(inner.slice(start, stop));
      fetched.push({ start, end: stop, data });
      return data;
    },
  };
}
