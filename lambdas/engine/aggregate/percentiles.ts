/**
 * Exact percentiles by linear interpolation between closest ranks: numpy's default `method="linear"`,
 * also DuckDB's `quantile_cont` and pandas' `quantile`. For sorted values v[0..n-1] and p in [0, 1]:
 * h = (n - 1) p, result = v[floor h] + (h - floor h) (v[floor h + 1] - v[floor h]).
 */

/** Percentile of values already sorted ascending; null for no values. */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const frac = h - lo;
  return frac === 0 ? sorted[lo] : sorted[lo] + frac * (sorted[hi] - sorted[lo]);
}

/** Sort a typed array in place (numeric order) and return it. */
export function sortNumeric<T extends Float64Array | Uint32Array>(values: T): T {
  return values.sort() as T;
}

/** p50 and p95 of (unsorted) values; sorts `values` in place. */
export function p50p95(values: Float64Array): { p50: number | null; p95: number | null } {
  values.sort();
  return { p50: percentileSorted(values, 0.5), p95: percentileSorted(values, 0.95) };
}

/**
 * A growable column of float64 values stored in fixed-size chunks, so memory stays at ~8 bytes a
 * value without the 2x slack of a doubling array.
 */
export class Float64Column {
  private static readonly CHUNK = 65_536;
  private readonly chunks: Float64Array[] = [];
  private fill = Float64Column.CHUNK;
  length = 0;

  push(v: number): void {
    if (this.fill === Float64Column.CHUNK) {
      this.chunks.push(new Float64Array(Float64Column.CHUNK));
      this.fill = 0;
    }
    this.chunks[this.chunks.length - 1][this.fill++] = v;
    this.length++;
  }

  /** Copy every value into `target` starting at `offset`; returns the next offset. */
  copyInto(target: Float64Array, offset: number): number {
    const last = this.chunks.length - 1;
    for (let i = 0; i < last; i++) {
      target.set(this.chunks[i], offset);
      offset += Float64Column.CHUNK;
    }
    if (last >= 0) {
      target.set(this.chunks[last].subarray(0, this.fill), offset);
      offset += this.fill;
    }
    return offset;
  }

  toArray(): Float64Array {
    const out = new Float64Array(this.length);
    this.copyInto(out, 0);
    return out;
  }

  /** Drop the values (after their last use), so their memory can be reclaimed while the report is built. */
  release(): void {
    this.chunks.length = 0;
    this.fill = Float64Column.CHUNK;
    this.length = 0;
  }
}

/**
 * Concatenate several columns into one new array. With `release`, each column is emptied once
 * copied, so the copy does not double the memory held.
 */
export function concatColumns(columns: Iterable<Float64Column>, { release = false } = {}): Float64Array {
  const list = [...columns];
  const out = new Float64Array(list.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of list) {
    offset = c.copyInto(out, offset);
    if (release) c.release();
  }
  return out;
}
