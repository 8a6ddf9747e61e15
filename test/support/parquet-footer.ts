/**
 * Test helper: change the row count a Parquet file's footer states for the whole file
 * (FileMetaData.num_rows), leaving its row groups as they are, to make a file whose footer
 * disagrees with its row groups. Check the result with DuckDB (`parquet_file_metadata`,
 * `parquet_metadata`): this helper finds the field by its bytes, not by parsing the footer.
 */
import { readFile, writeFile } from 'node:fs/promises';

/** Thrift compact protocol: an i64 as a zigzag varint. */
function zigzagVarint(n: number): number[] {
  let z = BigInt(n) * 2n;
  if (n < 0) z = -BigInt(n) * 2n - 1n;
  const out: number[] = [];
  do {
    let b = Number(z & 0x7fn);
    z >>= 7n;
    if (z > 0n) b |= 0x80;
    out.push(b);
  } while (z > 0n);
  return out;
}

/**
 * FileMetaData is (1: version i32, 2: schema list, 3: num_rows i64, 4: row_groups, ...): num_rows is
 * the first i64 field with delta 1 (header byte 0x16) after the schema, and nothing in the schema
 * elements is an i64, so the first `0x16 <varint of from>` in the footer is it. `from` and `to` must
 * take as many varint bytes (e.g. 300 → 308), so no offset in the file moves.
 */
export async function patchFooterNumRows(path: string, from: number, to: number): Promise<void> {
  const bytes = await readFile(path);
  const footerLength = bytes.readUInt32LE(bytes.length - 8);
  const start = bytes.length - 8 - footerLength;
  const want = [0x16, ...zigzagVarint(from)];
  const put = [0x16, ...zigzagVarint(to)];
  if (want.length !== put.length) throw new Error(`patchFooterNumRows: ${from} and ${to} have varints of different lengths`);
  for (let i = start; i + want.length <= bytes.length - 8; i++) {
    if (want.every((b, k) => bytes[i + k] === b)) {
      put.forEach((b, k) => (bytes[i + k] = b));
      await writeFile(path, bytes);
      return;
    }
  }
  throw new Error(`patchFooterNumRows: no num_rows ${from} found in the footer of ${path}`);
}
