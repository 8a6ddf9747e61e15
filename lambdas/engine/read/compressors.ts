/**
 * Decompressors for Parquet pages: `hyparquet-compressors` (pure JS: zstd, gzip, brotli, lz4; snappy
 * is built into hyparquet), with Node's native zstd where the runtime has it (Node ≥ 22.15, so the
 * Lambda runtime), which is several times faster than the JS one.
 */
import * as zlib from 'node:zlib';
import type { Compressors } from 'hyparquet';
import { compressors as jsCompressors } from 'hyparquet-compressors';

type ZstdSync = (buf: Uint8Array, opts?: { maxOutputLength?: number }) => Buffer;
const nativeZstd = (zlib as unknown as { zstdDecompressSync?: ZstdSync }).zstdDecompressSync;

export const compressors: Compressors = {
  ...jsCompressors,
  ...(nativeZstd
    ? { ZSTD: (input: Uint8Array, outputLength: number) => new Uint8Array(nativeZstd(input, { maxOutputLength: Math.max(outputLength, 1) })) }
    : {}),
};
