/**
 * Decompressors for Parquet pages. zstd, the reference logger's codec, dominates decoding time, so it
 * gets the fastest decoder the runtime offers: Node's native zstd (Node ≥ 22.15, so the Lambda
 * runtime), else `zstddec` (the zstd reference decoder compiled to WebAssembly, ~3.5× faster than
 * the pure-JS one here). Everything else comes from `hyparquet-compressors` (pure JS: gzip, brotli,
 * lz4; snappy is built into hyparquet).
 */
import * as zlib from 'node:zlib';
import type { Compressors } from 'hyparquet';
import { compressors as jsCompressors } from 'hyparquet-compressors';
import { ZSTDDecoder } from 'zstddec';

type ZstdSync = (buf: Uint8Array, opts?: { maxOutputLength?: number }) => Buffer;
const nativeZstd = (zlib as unknown as { zstdDecompressSync?: ZstdSync }).zstdDecompressSync;

async function wasmZstd(): Promise<(input: Uint8Array, outputLength: number) => Uint8Array> {
  const decoder = new ZSTDDecoder();
  await decoder.init();
  return (input, outputLength) => decoder.decode(input, outputLength);
}

export const compressors: Compressors = {
  ...jsCompressors,
  ZSTD: nativeZstd
    ? (input: Uint8Array, outputLength: number) => new Uint8Array(nativeZstd(input, { maxOutputLength: Math.max(outputLength, 1) }))
    : await wasmZstd(),
};
