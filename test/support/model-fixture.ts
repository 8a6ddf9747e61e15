/**
 * A small, hand-written report model for renderer tests (charts, HTML, CSV, email).
 * Figures are internally consistent by hand: 3 days, 2 models, 1 error row.
 */
import type { ReportModel } from '../../lambdas/engine/report-model.js';
import { PERCENTILE_METHOD, REPORT_SCHEMA_VERSION } from '../../lambdas/engine/report-model.js';

export function makeModel(overrides: Partial<ReportModel> = {}): ReportModel {
  const haiku = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
  const sonnet = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
  const model: ReportModel = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: '2025-11-21T08:00:00.000Z',
    source: 'sample/logs-root',
    window: { from: '2025-11-18', to: '2025-11-20', timezone: 'UTC', days: 3 },
    totals: {
      queries: 5, succeeded: 4, failed: 1, errorRate: 0.2,
      costUsd: 0.0625, listPriceCostUsd: 0.068,
      inputTokens: 20000, outputTokens: 3000, totalTokens: 23000, uniqueQueries: 4,
    },
    latencyMs: { p50: 15000, p95: 20550, p99: 20910, mean: 15250, max: 21000, count: 4, method: PERCENTILE_METHOD },
    byDay: [
      { date: '2025-11-18', queries: 2, succeeded: 1, failed: 1, errorRate: 0.5, costUsd: 0.01, inputTokens: 5000, outputTokens: 1000, totalTokens: 6000, tokensPerQuery: 6000, latencyMs: { p50: 10000, p95: 10000 } },
      { date: '2025-11-19', queries: 0, succeeded: 0, failed: 0, errorRate: null, costUsd: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, tokensPerQuery: null, latencyMs: { p50: null, p95: null } },
      { date: '2025-11-20', queries: 3, succeeded: 3, failed: 0, errorRate: 0, costUsd: 0.0525, inputTokens: 15000, outputTokens: 2000, totalTokens: 17000, tokensPerQuery: 5666.666666666667, latencyMs: { p50: 16000, p95: 20800 } },
    ],
    byDayAndModel: [
      { date: '2025-11-18', modelId: haiku, displayName: 'claude-haiku-4-5', queries: 1, costUsd: 0.01 },
      { date: '2025-11-20', modelId: haiku, displayName: 'claude-haiku-4-5', queries: 1, costUsd: 0.0125 },
      { date: '2025-11-20', modelId: sonnet, displayName: 'claude-sonnet-4-5', queries: 2, costUsd: 0.04 },
    ],
    byModel: [
      { modelId: sonnet, displayName: 'claude-sonnet-4-5', queries: 2, succeeded: 2, failed: 0, share: 0.5, costShare: 0.64, costUsd: 0.04, listPriceCostUsd: 0.044, listPriceGapUsd: -0.004, listPriceGapPct: -0.0909090909090909, priced: true, inputTokens: 10000, outputTokens: 1000, totalTokens: 11000, avgCostPerQuery: 0.02, costPer1kTokens: 0.0036363636363636364, latencyMs: { p50: 18500, p95: 20750 } },
      { modelId: haiku, displayName: 'claude-haiku-4-5', queries: 2, succeeded: 2, failed: 0, share: 0.5, costShare: 0.36, costUsd: 0.0225, listPriceCostUsd: 0.024, listPriceGapUsd: -0.0015, listPriceGapPct: -0.0625, priced: true, inputTokens: 10000, outputTokens: 2000, totalTokens: 12000, avgCostPerQuery: 0.01125, costPer1kTokens: 0.001875, latencyMs: { p50: 11000, p95: 11900 } },
    ],
    byQuery: [
      { query: 'What was <b>Apple</b>\'s revenue in FY2024? <script>alert(1)</script>', runs: 2, failed: 0, avgInputTokens: 5000, avgOutputTokens: 500, costUsd: 0.04, avgCostUsd: 0.02, avgLatencyMs: 18500 },
      { query: '=HYPERLINK("http://evil.example","click")', runs: 1, failed: 0, avgInputTokens: 5000, avgOutputTokens: 1000, costUsd: 0.0125, avgCostUsd: 0.0125, avgLatencyMs: 12000 },
      { query: 'Résumé of Nestlé\'s 10-K — “risk factors” 📈', runs: 2, failed: 1, avgInputTokens: 5000, avgOutputTokens: 1000, costUsd: 0.01, avgCostUsd: 0.01, avgLatencyMs: 10000 },
    ],
    errors: [
      { errorType: 'ThrottlingException', stage: 'generation', count: 1, lastSeen: '2025-11-18T23:41:44.000Z', example: 'Rate exceeded <img src=x onerror=alert(1)>' },
    ],
    recentQueries: [
      { timestamp: '2025-11-20T01:46:49.520Z', query: 'What was <b>Apple</b>\'s revenue in FY2024? <script>alert(1)</script>', modelId: sonnet, status: 'ok', totalTokens: 5946, costUsd: 0.026034, latencyMs: 21000, errorType: null },
      { timestamp: '2025-11-18T23:41:44.000Z', query: 'Résumé of Nestlé\'s 10-K — “risk factors” 📈', modelId: null, status: 'error', totalTokens: null, costUsd: null, latencyMs: null, errorType: 'ThrottlingException' },
    ],
    efficiency: {
      tokensPerQuery: 5750, outputTokensPerSecond: 49.18032786885246,
      contextLengthChars: { p50: 18313, p95: 40000, mean: 22000, count: 4 },
      costPer1kTokens: 0.002717391304347826,
    },
    previousPeriod: {
      window: { from: '2025-11-15', to: '2025-11-17', timezone: 'UTC', days: 3 },
      totals: { queries: 4, succeeded: 4, failed: 0, errorRate: 0, costUsd: 0.05, listPriceCostUsd: 0.055, inputTokens: 16000, outputTokens: 2000, totalTokens: 18000, uniqueQueries: 3 },
      latencyMs: { p50: 14000, p95: 19000 },
      change: { queries: 0.25, failed: null, errorRate: 0.2, costUsd: 0.25, totalTokens: 0.2777777777777778, latencyP50: 0.07142857142857142, latencyP95: 0.08157894736842106 },
    },
    dataQuality: {
      rowsRead: 12, rowsUsed: 5, rowsOutsideWindow: 6, rowsSkipped: 1,
      skipped: [{ reason: 'timestamp is not a valid ISO-8601 instant', count: 1 }],
      files: [
        { path: 'logs/dt=2025-11-18/part-0.zstd.parquet', rows: 6, status: 'read' },
        { path: 'logs/dt=2025-11-20/part-0.zstd.parquet', rows: 6, status: 'read' },
        { path: 'logs/dt=2025-11-20/broken.parquet', rows: null, status: 'unreadable', reason: 'not a Parquet file (bad magic bytes)' },
        { path: 'logs/_SUCCESS', rows: null, status: 'ignored', reason: 'not a Parquet file name' },
      ],
      unpricedModels: [{ modelId: 'my-finetuned-model', rows: 1, inputTokens: 1000, outputTokens: 100, tokens: 1100 }],
      repricedRows: 1,
      listPriceMissingRows: 1,
      costMissingRows: 0,
      invalidValues: [],
      rowsWithoutContextFile: 0,
      rowsWithoutResponseFile: 1,
      notes: ['The headline cost excludes 1 model without a logged cost or a known price: my-finetuned-model (1 row).'],
    },
    pricing: { source: '@pydantic/genai-prices 0.1.8 (provider aws)', overridesFile: null },
  };
  return { ...model, ...overrides };
}
