/**
 * Raw decoded columns → uniform column arrays the aggregator can trust:
 * instants as epoch ms (NaN when unusable), numbers as float64 (NaN for null; BigInt, numeric
 * strings and Decimals accepted), text as string | null. A column missing from the file (schema
 * drift: older files lack cost, context_length, processing_time_ms) is all null.
 */
import type { RawBatch } from '../read/parquet-reader.js';
import { INSTANT_INVALID, INSTANT_NULL, INSTANT_OK } from '../read/column-decoder.js';
import { toInstant } from './timestamps.js';

export interface LogBatch {
  length: number;
  /** Epoch ms; NaN when the timestamp is null or not an instant. */
  instant: Float64Array;
  /** Per row: INSTANT_OK, INSTANT_NULL or INSTANT_INVALID (to explain skipped rows). */
  instantStatus: Uint8Array;
  query: ArrayLike<string | null>;
  modelId: ArrayLike<string | null>;
  inputTokens: Float64Array;
  outputTokens: Float64Array;
  totalTokens: Float64Array;
  cost: Float64Array;
  contextLength: Float64Array;
  latencyMs: Float64Array;
  error: ArrayLike<string | null>;
  errorType: ArrayLike<string | null>;
  stage: ArrayLike<string | null>;
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v === null || v === undefined) return NaN;
  if (typeof v === 'string') return v.trim() === '' ? NaN : Number(v);
  return NaN;
}

function numbers(col: ArrayLike<unknown> | undefined, length: number): Float64Array {
  const out = new Float64Array(length);
  if (!col) return out.fill(NaN);
  if (col instanceof Float64Array) return col;
  for (let i = 0; i < length; i++) {
    const v = col[i];
    out[i] = typeof v === 'number' ? v : toNumber(v);
  }
  return out;
}

function texts(col: ArrayLike<unknown> | undefined, length: number): ArrayLike<string | null> {
  if (!col) return new Array<null>(length).fill(null);
  let clean = true;
  for (let i = 0; i < length; i++) {
    const v = col[i];
    if (v !== null && typeof v !== 'string') {
      clean = false;
      break;
    }
  }
  if (clean) return col as ArrayLike<string | null>;
  const out = new Array<string | null>(length);
  for (let i = 0; i < length; i++) {
    const v = col[i];
    out[i] = v === null || v === undefined ? null : v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v);
  }
  return out;
}

/** total_tokens missing (older files) but input and output present: total = input + output. */
export function fillTotalTokens(input: Float64Array, output: Float64Array, total: Float64Array): void {
  for (let i = 0; i < total.length; i++) {
    if (Number.isNaN(total[i]) && !Number.isNaN(input[i]) && !Number.isNaN(output[i])) total[i] = input[i] + output[i];
  }
}

export function normalise(batch: RawBatch): LogBatch {
  const n = batch.length;
  const c = batch.columns;
  const raw = c.timestamp ?? new Array(n).fill(null);
  const instant = new Float64Array(n);
  const instantStatus = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    instant[i] = toInstant(raw[i]);
    instantStatus[i] = raw[i] === null || raw[i] === undefined ? INSTANT_NULL : Number.isNaN(instant[i]) ? INSTANT_INVALID : INSTANT_OK;
  }
  const inputTokens = numbers(c.input_tokens, n);
  const outputTokens = numbers(c.output_tokens, n);
  const totalTokens = numbers(c.total_tokens, n);
  fillTotalTokens(inputTokens, outputTokens, totalTokens);
  return {
    length: n,
    instant,
    instantStatus,
    query: texts(c.query, n),
    modelId: texts(c.model_id, n),
    inputTokens,
    outputTokens,
    totalTokens,
    cost: numbers(c.cost, n),
    contextLength: numbers(c.context_length, n),
    latencyMs: numbers(c.processing_time_ms, n),
    error: texts(c.error, n),
    errorType: texts(c.error_type, n),
    stage: texts(c.stage, n),
  };
}

/** Numeric columns whose values must be finite and non-negative to mean anything. */
const NON_NEGATIVE: readonly (keyof LogBatch & ('inputTokens' | 'outputTokens' | 'totalTokens' | 'cost' | 'contextLength' | 'latencyMs'))[] = [
  'cost', 'inputTokens', 'outputTokens', 'totalTokens', 'contextLength', 'latencyMs',
];
/** Log column name of each numeric field, as the data-quality ledger names it. */
export const NUMERIC_COLUMN_NAMES: Record<(typeof NON_NEGATIVE)[number], string> = {
  cost: 'cost', inputTokens: 'input_tokens', outputTokens: 'output_tokens', totalTokens: 'total_tokens',
  contextLength: 'context_length', latencyMs: 'processing_time_ms',
};

/**
 * Values that cannot be true — negative, infinite — are treated as missing (NaN) and counted per
 * column in `counts`, so a single bad cost cannot turn the headline into Infinity or shrink it, and the
 * report says how many were set aside. A missing cost is then re-priced from the price table as usual.
 */
export function setAsideInvalidNumbers(b: LogBatch, counts: Map<string, number>): void {
  for (const field of NON_NEGATIVE) {
    const col = b[field];
    let bad = 0;
    for (let i = 0; i < b.length; i++) {
      const v = col[i];
      // NaN (missing) passes both tests untouched; -0 is fine
      if (v < 0 || v === Infinity) {
        col[i] = NaN;
        bad++;
      }
    }
    if (bad > 0) {
      const name = NUMERIC_COLUMN_NAMES[field];
      counts.set(name, (counts.get(name) ?? 0) + bad);
    }
  }
}
