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

/**
 * Rearrange `a[lo..hi]` so that a[k] holds the value it would hold if sorted, smaller-or-equal values
 * before it and larger-or-equal after (Hoare's selection with median-of-three pivots; O(n) on average,
 * and it falls back to sorting the range if partitioning degenerates).
 */
function selectInPlace(a: Float64Array, k: number, lo: number, hi: number): void {
  let budget = 2 * Math.ceil(Math.log2(hi - lo + 2)) + 8;
  while (hi > lo) {
    if (hi - lo < 16 || budget-- === 0) {
      a.subarray(lo, hi + 1).sort();
      return;
    }
    const mid = (lo + hi) >>> 1;
    // median of three into a[mid]
    if (a[mid] < a[lo]) [a[mid], a[lo]] = [a[lo], a[mid]];
    if (a[hi] < a[lo]) [a[hi], a[lo]] = [a[lo], a[hi]];
    if (a[hi] < a[mid]) [a[hi], a[mid]] = [a[mid], a[hi]];
    const pivot = a[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return; // j < k < i: a[k] equals the pivot and is in place
  }
}

/**
 * Several percentiles of `values` (reordered in place, not fully sorted): the same numbers as
 * percentileSorted on a sorted copy, in O(n) per percentile instead of a full sort.
 */
export function percentiles(values: Float64Array, ps: number[]): (number | null)[] {
  const n = values.length;
  if (n === 0) return ps.map(() => null);
  const order = ps.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p);
  const out = new Array<number | null>(ps.length);
  let from = 0; // everything before `from` is <= everything from it on
  for (const { p, i } of order) {
    const h = (n - 1) * p;
    const k = Math.floor(h);
    selectInPlace(values, k, from, n - 1);
    from = k;
    const frac = h - k;
    if (frac === 0 || k + 1 >= n) {
      out[i] = values[k];
      continue;
    }
    let next = Infinity; // the (k+1)-th smallest: the minimum of what follows a[k]
    for (let j = k + 1; j < n; j++) if (values[j] < next) next = values[j];
    out[i] = values[k] + frac * (next - values[k]);
  }
  return out;
}

/** p50 and p95 of values (reordered in place). */
export function p50p95(values: Float64Array): { p50: number | null; p95: number | null } {
  const [p50, p95] = percentiles(values, [0.5, 0.95]);
  return { p50, p95 };
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
