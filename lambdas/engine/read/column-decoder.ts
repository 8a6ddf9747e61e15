/**
 * The fast path: decode one flat column chunk straight into the column arrays the aggregator uses.
 *
 * hyparquet's general reader assembles every value through its nested-data (Dremel) machinery and
 * materialises BigInts and strings per value. Log columns are flat, so this decoder uses hyparquet's
 * page-level pieces (page headers, decompression, levels, PLAIN and dictionary decoding) and writes
 * each page into the output directly:
 * - numbers (INT32, INT64, FLOAT, DOUBLE) → Float64Array, NaN for null, INT64 read without BigInts;
 * - text (BYTE_ARRAY) → string | null, decoded once per dictionary entry;
 * - the `timestamp` column → epoch ms, parsed from the page bytes without making strings
 *   (ISO strings), or scaled from Parquet TIMESTAMP integers.
 * Anything else (nested columns, DECIMAL, INT96, FIXED_LEN_BYTE_ARRAY, unusual encodings) reports
 * `unsupported`, and the caller falls back to hyparquet's general reader for that row group.
 */
import type { ColumnMetaData, Compressors, SchemaElement, SchemaTree } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import { readPlain } from 'hyparquet/src/plain.js';
import { parseIsoBytes } from '../normalise/timestamps.js';

export type ColumnKind = 'number' | 'text' | 'instant';

/** Timestamp status per row: why a row's instant is NaN. */
export const INSTANT_OK = 0;
export const INSTANT_NULL = 1;
export const INSTANT_INVALID = 2;

export type DecodedColumn =
  | { kind: 'number'; values: Float64Array }
  | { kind: 'text'; values: (string | null)[] }
  | { kind: 'instant'; values: Float64Array; status: Uint8Array };

export class UnsupportedColumn extends Error {}

const utf8 = new TextDecoder();

/** Multiplier from a Parquet TIMESTAMP integer to milliseconds, or null when the column is not one. */
function timestampScale(el: SchemaElement): number | null {
  const lt = el.logical_type;
  if (lt?.type === 'TIMESTAMP') return lt.unit === 'MILLIS' ? 1 : lt.unit === 'MICROS' ? 1e-3 : 1e-6;
  if (el.converted_type === 'TIMESTAMP_MILLIS') return 1;
  if (el.converted_type === 'TIMESTAMP_MICROS') return 1e-3;
  return null;
}

/** Is this column one the fast path decodes, and as what? */
export function fastKind(schemaPath: SchemaTree[], wanted: ColumnKind): boolean {
  if (schemaPath.length !== 2) return false; // nested
  const el = schemaPath[1].element;
  if (el.repetition_type === 'REPEATED') return false;
  if (el.converted_type === 'DECIMAL' || el.logical_type?.type === 'DECIMAL') return false;
  switch (el.type) {
    case 'INT32':
    case 'INT64':
      return wanted === 'number' || (wanted === 'instant' && timestampScale(el) !== null);
    case 'FLOAT':
    case 'DOUBLE':
      return wanted === 'number';
    case 'BYTE_ARRAY':
      return wanted === 'text' || wanted === 'instant';
    default:
      return false;
  }
}

/** Plain or dictionary values of one page, as the sink needs them. */
type PageValues = ArrayLike<unknown>;

/** Int64 values as float64 without BigInts: hi × 2^32 + lo (exact up to 2^53). */
function int64ToNumbers(values: BigInt64Array): Float64Array {
  const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = words[2 * i + 1] * 4294967296 + (words[2 * i] >>> 0);
  return out;
}

function toNumbers(values: PageValues): Float64Array {
  if (values instanceof Float64Array) return values;
  if (values instanceof BigInt64Array) return int64ToNumbers(values);
  if (values instanceof Int32Array || values instanceof Float32Array) return Float64Array.from(values);
  throw new UnsupportedColumn('unexpected number encoding');
}

export interface ChunkDecoder {
  name: string;
  meta: ColumnMetaData;
  schemaPath: SchemaTree[];
  kind: ColumnKind;
  compressors: Compressors;
}

/**
 * Decode a whole column chunk (`bytes` = the chunk, dictionary page included) of `rows` rows.
 * Throws UnsupportedColumn for encodings outside the fast path; other errors are corrupt data.
 */
export function decodeColumnChunk(bytes: Uint8Array, rows: number, d: ChunkDecoder): DecodedColumn {
  const element = d.schemaPath[1].element;
  const columnDecoder = {
    pathInSchema: d.meta.path_in_schema,
    type: d.meta.type,
    element,
    schemaPath: d.schemaPath,
    codec: d.meta.codec,
    compressors: d.compressors,
    parsers: undefined as never,
  };
  const scale = d.kind === 'instant' ? timestampScale(element) : null;
  const numbers = d.kind === 'number' || scale !== null ? new Float64Array(rows).fill(NaN) : null;
  const texts = d.kind === 'text' ? new Array<string | null>(rows).fill(null) : null;
  const instants = d.kind === 'instant' ? (numbers ?? new Float64Array(rows).fill(NaN)) : null;
  const status = d.kind === 'instant' ? new Uint8Array(rows).fill(INSTANT_NULL) : null;

  // a dictionary, decoded once into what the sink writes
  let dictNumbers: Float64Array | null = null;
  let dictTexts: string[] | null = null;
  let dictInstants: Float64Array | null = null;

  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
  let row = 0;
  while (row < rows && reader.offset < bytes.byteLength) {
    const header = parquetHeader(reader);
    const compressed = bytes.subarray(reader.offset, reader.offset + header.compressed_page_size);
    reader.offset += header.compressed_page_size;

    if (header.type === 'DICTIONARY_PAGE') {
      const dph = header.dictionary_page_header!;
      const page = decompressPage(compressed, Number(header.uncompressed_page_size), d.meta.codec, d.compressors);
      const values = readPlain({ view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 }, d.meta.type, dph.num_values, element.type_length);
      if (d.kind === 'text') dictTexts = Array.from(values as Uint8Array[], (v) => utf8.decode(v));
      else if (d.kind === 'number') dictNumbers = toNumbers(values);
      else if (scale !== null) dictInstants = toNumbers(values).map((v) => v * scale);
      else dictInstants = Float64Array.from(values as Uint8Array[], (v) => parseIsoBytes(v, 0, v.length));
      continue;
    }

    let definitionLevels: ArrayLike<number> | undefined;
    let values: PageValues;
    let count: number;
    let encoding: string;
    if (header.type === 'DATA_PAGE') {
      const daph = header.data_page_header!;
      const page = decompressPage(compressed, Number(header.uncompressed_page_size), d.meta.codec, d.compressors);
      const r = readDataPage(page, daph, columnDecoder as never);
      definitionLevels = r.definitionLevels;
      values = r.dataPage;
      count = daph.num_values;
      encoding = daph.encoding;
    } else if (header.type === 'DATA_PAGE_V2') {
      const daph2 = header.data_page_header_v2!;
      const r = readDataPageV2(compressed, header, columnDecoder as never);
      definitionLevels = r.definitionLevels;
      values = r.dataPage;
      count = daph2.num_values;
      encoding = daph2.encoding;
    } else {
      continue; // index pages
    }
    if (count > rows - row) throw new Error(`column ${d.name}: pages hold more values than the row group's ${rows} rows`);

    const dictionary = encoding === 'PLAIN_DICTIONARY' || encoding === 'RLE_DICTIONARY';
    if (!dictionary && encoding !== 'PLAIN') throw new UnsupportedColumn(`encoding ${encoding}`);
    if (dictionary && !dictTexts && !dictNumbers && !dictInstants) throw new Error(`column ${d.name}: dictionary page missing`);
    const maxDef = d.schemaPath[1].element.repetition_type === 'REQUIRED' ? 0 : 1;
    const allDefined = !definitionLevels || definitionLevels.length === 0 || maxDef === 0;
    const plainNumbers = !dictionary && (numbers || scale !== null) ? toNumbers(values) : null;

    let v = 0; // index into the page's non-null values
    for (let i = 0; i < count; i++, row++) {
      if (!allDefined && definitionLevels![i] !== maxDef) continue; // null: already NaN / null / INSTANT_NULL
      const k = dictionary ? (values[v++] as number) : v++;
      if (texts) {
        texts[row] = dictionary ? dictTexts![k] : utf8.decode(values[k] as Uint8Array);
      } else if (status) {
        let ms: number;
        if (dictionary) ms = dictInstants![k];
        else if (scale !== null) ms = plainNumbers![k] * scale;
        else {
          const b = values[k] as Uint8Array;
          ms = parseIsoBytes(b, 0, b.length);
        }
        instants![row] = ms;
        status[row] = Number.isNaN(ms) ? INSTANT_INVALID : INSTANT_OK;
      } else {
        numbers![row] = dictionary ? dictNumbers![k] : plainNumbers![k];
      }
    }
  }
  if (row !== rows) throw new Error(`column ${d.name}: decoded ${row} of ${rows} rows`);
  if (texts) return { kind: 'text', values: texts };
  if (status) return { kind: 'instant', values: instants!, status };
  return { kind: 'number', values: numbers! };
}
