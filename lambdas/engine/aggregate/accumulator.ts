/**
 * One streaming pass over normalised batches → every aggregate of the report.
 *
 * Memory is bounded by the number of days, models, distinct query texts and error kinds — not by
 * rows — except for the values exact percentiles need (latency as float64, context length), kept in
 * chunked typed columns grouped by (day, model).
 */
import { PriceBook } from '../pricing/pricing.js';
import { type LogBatch, setAsideInvalidNumbers } from '../normalise/normalise.js';
import { TIMESTAMP_INVALID, TIMESTAMP_NULL } from '../normalise/timestamps.js';
import { INSTANT_NULL } from '../read/column-decoder.js';
import { DayClock } from './calendar.js';
import { Float64Column } from './percentiles.js';

/** The days a pass counts: [from, to] is the report window, [previousFrom, from) the previous period. */
export interface DaySpan {
  /** Day numbers (days since 1970-01-01 in the report time zone); null = open-ended ("all"). */
  from: number | null;
  to: number | null;
  previousFrom: number | null;
}

export interface PeriodTotals {
  queries: number;
  succeeded: number;
  failed: number;
  costUsd: number;
  listPriceCostUsd: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  queriesSeen: Set<string>;
}

export function emptyTotals(): PeriodTotals {
  return {
    queries: 0, succeeded: 0, failed: 0, costUsd: 0, listPriceCostUsd: 0,
    inputTokens: 0, outputTokens: 0, totalTokens: 0, queriesSeen: new Set(),
  };
}

export interface DayAcc {
  queries: number;
  succeeded: number;
  failed: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** Total tokens of successful rows that have them, and how many. */
  successTokens: number;
  successTokenRows: number;
}

export interface ModelAcc {
  modelId: string;
  /** Per day (day number): queries and cost, for the stacked cost chart. */
  byDay: Map<number, { queries: number; costUsd: number }>;
  /** Latency (ms) of successful rows, per day. */
  latency: Map<number, Float64Column>;
  queries: number;
  succeeded: number;
  failed: number;
  costUsd: number;
  listPriceCostUsd: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

export interface QueryAcc {
  runs: number;
  failed: number;
  succeeded: number;
  inputTokens: number;
  inputTokenRows: number;
  outputTokens: number;
  outputTokenRows: number;
  costUsd: number;
  latencySum: number;
  latencyRows: number;
}

export interface ErrorAcc {
  errorType: string | null;
  stage: string | null;
  count: number;
  lastSeen: number;
  example: string;
}

export interface UnpricedAcc {
  rows: number;
  inputTokens: number;
  outputTokens: number;
  tokens: number;
}

export interface RecentRow {
  instant: number;
  query: string | null;
  modelId: string | null;
  failed: boolean;
  totalTokens: number;
  cost: number;
  latencyMs: number;
  errorType: string | null;
}

const RECENT_LIMIT = 20;

/** A bounded min-heap on `instant`: keeps the latest rows. */
function pushRecent(heap: RecentRow[], row: RecentRow): void {
  if (heap.length === RECENT_LIMIT) {
    if (row.instant <= heap[0].instant) return;
    heap[0] = row;
  } else {
    heap.push(row);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent].instant <= heap[i].instant) break;
      [heap[parent], heap[i]] = [heap[i], heap[parent]];
      i = parent;
    }
    return;
  }
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < heap.length && heap[l].instant < heap[m].instant) m = l;
    if (r < heap.length && heap[r].instant < heap[m].instant) m = r;
    if (m === i) break;
    [heap[m], heap[i]] = [heap[i], heap[m]];
    i = m;
  }
}

function newModel(modelId: string): ModelAcc {
  return {
    modelId, byDay: new Map(), latency: new Map(),
    queries: 0, succeeded: 0, failed: 0, costUsd: 0, listPriceCostUsd: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0,
  };
}

export class ReportAccumulator {
  readonly clock: DayClock;
  readonly current = emptyTotals();
  readonly previous = emptyTotals();
  readonly days = new Map<number, DayAcc>();
  readonly models = new Map<string, ModelAcc>();
  /** Rows without a model id: their latency still counts overall and per day. */
  readonly noModel = newModel('');
  private lastModelId: string | null = null;
  private lastModel: ModelAcc = this.noModel;
  readonly queries = new Map<string, QueryAcc>();
  readonly errors = new Map<string, ErrorAcc>();
  readonly unpriced = new Map<string, UnpricedAcc>();
  readonly previousLatency = new Float64Column();
  readonly contextLength = new Float64Column();
  /** The latest rows (a min-heap on instant; sorted when the model is built). */
  readonly recent: RecentRow[] = [];
  /** Sums for output tokens per second: successful rows with both output tokens and latency. */
  outputTokensTimed = 0;
  latencyTimedMs = 0;
  repricedRows = 0;
  listPriceMissingRows = 0;
  /** Successful window rows with no logged cost and nothing to price them by (no model id or no tokens). */
  costMissingRows = 0;
  /** Values set aside as impossible (negative or infinite), per log column. */
  readonly invalidValues = new Map<string, number>();
  rowsUsed = 0;
  rowsOutsideWindow = 0;
  readonly skipped = new Map<string, number>();
  /** Smallest and largest day seen in the window (for open-ended windows). */
  minDay = Infinity;
  maxDay = -Infinity;

  constructor(
    readonly span: DaySpan,
    timezone: string,
    readonly prices: PriceBook,
  ) {
    this.clock = new DayClock(timezone);
  }

  skip(reason: string, count: number): void {
    if (count > 0) this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + count);
  }

  add(b: LogBatch): void {
    setAsideInvalidNumbers(b, this.invalidValues);
    const { from, to, previousFrom } = this.span;
    for (let i = 0; i < b.length; i++) {
      const ms = b.instant[i];
      if (Number.isNaN(ms)) {
        this.skip(b.instantStatus[i] === INSTANT_NULL ? TIMESTAMP_NULL : TIMESTAMP_INVALID, 1);
        continue;
      }
      const day = this.clock.dayOf(ms);
      if ((to !== null && day > to) || (from !== null && day < from)) {
        this.rowsOutsideWindow++;
        if (previousFrom !== null && from !== null && day >= previousFrom && day < from) this.addPrevious(b, i);
        continue;
      }
      this.rowsUsed++;
      this.addCurrent(b, i, day, ms);
    }
  }

  /** Logged cost, else the price-table cost (re-priced), else NaN (unpriced or no tokens). */
  private rowCost(b: LogBatch, i: number, countIt: boolean): number {
    const logged = b.cost[i];
    if (!Number.isNaN(logged)) return logged;
    const model = b.modelId[i];
    const inT = b.inputTokens[i];
    const outT = b.outputTokens[i];
    if (model === null || (Number.isNaN(inT) && Number.isNaN(outT))) return NaN;
    const priced = this.prices.price(model, Number.isNaN(inT) ? 0 : inT, Number.isNaN(outT) ? 0 : outT);
    if (countIt) {
      if (priced === null) {
        let u = this.unpriced.get(model);
        if (!u) this.unpriced.set(model, (u = { rows: 0, inputTokens: 0, outputTokens: 0, tokens: 0 }));
        u.rows++;
        if (!Number.isNaN(inT)) u.inputTokens += inT;
        if (!Number.isNaN(outT)) u.outputTokens += outT;
        const tot = b.totalTokens[i];
        u.tokens += Number.isNaN(tot) ? 0 : tot;
      } else {
        this.repricedRows++;
      }
    }
    return priced === null ? NaN : priced;
  }

  private listPrice(b: LogBatch, i: number): number {
    const model = b.modelId[i];
    const inT = b.inputTokens[i];
    const outT = b.outputTokens[i];
    if (model === null || (Number.isNaN(inT) && Number.isNaN(outT))) return NaN;
    const p = this.prices.price(model, Number.isNaN(inT) ? 0 : inT, Number.isNaN(outT) ? 0 : outT);
    return p === null ? NaN : p;
  }

  private addTotals(t: PeriodTotals, b: LogBatch, i: number, failed: boolean, cost: number, list: number): void {
    t.queries++;
    if (failed) t.failed++;
    else t.succeeded++;
    if (!Number.isNaN(cost)) t.costUsd += cost;
    if (!Number.isNaN(list)) t.listPriceCostUsd += list;
    const inT = b.inputTokens[i];
    const outT = b.outputTokens[i];
    const tot = b.totalTokens[i];
    if (!Number.isNaN(inT)) t.inputTokens += inT;
    if (!Number.isNaN(outT)) t.outputTokens += outT;
    if (!Number.isNaN(tot)) t.totalTokens += tot;
  }

  private addPrevious(b: LogBatch, i: number): void {
    const failed = b.error[i] !== null;
    const cost = this.rowCost(b, i, false);
    const list = failed ? NaN : this.listPrice(b, i);
    this.addTotals(this.previous, b, i, failed, cost, list);
    const q = b.query[i];
    if (q !== null) this.previous.queriesSeen.add(q);
    const lat = b.latencyMs[i];
    if (!failed && !Number.isNaN(lat)) this.previousLatency.push(lat);
  }

  private addCurrent(b: LogBatch, i: number, day: number, ms: number): void {
    if (day < this.minDay) this.minDay = day;
    if (day > this.maxDay) this.maxDay = day;
    const failed = b.error[i] !== null;
    const model = b.modelId[i];
    const cost = this.rowCost(b, i, true);
    let list = NaN;
    if (!failed) {
      list = this.listPrice(b, i);
      if (Number.isNaN(list)) this.listPriceMissingRows++;
      if (Number.isNaN(b.cost[i]) && (model === null || (Number.isNaN(b.inputTokens[i]) && Number.isNaN(b.outputTokens[i])))) this.costMissingRows++;
    }
    this.addTotals(this.current, b, i, failed, cost, list);
    const inT = b.inputTokens[i];
    const outT = b.outputTokens[i];
    const tot = b.totalTokens[i];
    const lat = b.latencyMs[i];

    // by day
    let d = this.days.get(day);
    if (!d) {
      d = { queries: 0, succeeded: 0, failed: 0, costUsd: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, successTokens: 0, successTokenRows: 0 };
      this.days.set(day, d);
    }
    d.queries++;
    if (failed) d.failed++;
    else d.succeeded++;
    if (!Number.isNaN(cost)) d.costUsd += cost;
    if (!Number.isNaN(inT)) d.inputTokens += inT;
    if (!Number.isNaN(outT)) d.outputTokens += outT;
    if (!Number.isNaN(tot)) {
      d.totalTokens += tot;
      if (!failed) {
        d.successTokens += tot;
        d.successTokenRows++;
      }
    }

    // by model, and by day and model
    let m = this.noModel;
    if (model !== null) {
      if (model === this.lastModelId) m = this.lastModel;
      else {
        let found = this.models.get(model);
        if (!found) this.models.set(model, (found = newModel(model)));
        this.lastModelId = model;
        this.lastModel = m = found;
      }
      m.queries++;
      if (failed) m.failed++;
      else m.succeeded++;
      if (!Number.isNaN(cost)) m.costUsd += cost;
      if (!Number.isNaN(list)) m.listPriceCostUsd += list;
      if (!Number.isNaN(inT)) m.inputTokens += inT;
      if (!Number.isNaN(outT)) m.outputTokens += outT;
      if (!Number.isNaN(tot)) m.totalTokens += tot;
      let dm = m.byDay.get(day);
      if (!dm) m.byDay.set(day, (dm = { queries: 0, costUsd: 0 }));
      dm.queries++;
      if (!Number.isNaN(cost)) dm.costUsd += cost;
    }

    // latency and efficiency (successful rows)
    if (!failed) {
      if (!Number.isNaN(lat)) {
        let g = m.latency.get(day);
        if (!g) m.latency.set(day, (g = new Float64Column()));
        g.push(lat);
        if (!Number.isNaN(outT)) {
          this.outputTokensTimed += outT;
          this.latencyTimedMs += lat;
        }
      }
      const ctx = b.contextLength[i];
      if (!Number.isNaN(ctx)) this.contextLength.push(ctx);
    }

    // by query text
    const q = b.query[i];
    if (q !== null) {
      let qa = this.queries.get(q);
      if (!qa) {
        qa = { runs: 0, failed: 0, succeeded: 0, inputTokens: 0, inputTokenRows: 0, outputTokens: 0, outputTokenRows: 0, costUsd: 0, latencySum: 0, latencyRows: 0 };
        this.queries.set(q, qa);
      }
      qa.runs++;
      if (!Number.isNaN(cost)) qa.costUsd += cost;
      if (failed) qa.failed++;
      else {
        qa.succeeded++;
        if (!Number.isNaN(inT)) {
          qa.inputTokens += inT;
          qa.inputTokenRows++;
        }
        if (!Number.isNaN(outT)) {
          qa.outputTokens += outT;
          qa.outputTokenRows++;
        }
        if (!Number.isNaN(lat)) {
          qa.latencySum += lat;
          qa.latencyRows++;
        }
      }
    }

    // errors by type and stage
    if (failed) {
      const type = b.errorType[i];
      const stage = b.stage[i];
      const key = `${type ?? ''}\u0000${stage ?? ''}\u0000${type === null ? 1 : 0}${stage === null ? 1 : 0}`;
      let e = this.errors.get(key);
      if (!e) this.errors.set(key, (e = { errorType: type, stage, count: 0, lastSeen: -Infinity, example: '' }));
      e.count++;
      if (ms >= e.lastSeen) {
        e.lastSeen = ms;
        e.example = b.error[i]!;
      }
    }

    // the latest rows
    if (this.recent.length < RECENT_LIMIT || ms > this.recent[0].instant) {
      pushRecent(this.recent, {
        instant: ms, query: b.query[i], modelId: model, failed, totalTokens: tot, cost,
        latencyMs: lat, errorType: b.errorType[i],
      });
    }
  }
}

