/** Building blocks for engine tests: the reference log schema and a row builder. */
export const LOG_SCHEMA: Record<string, string> = {
  timestamp: 'VARCHAR',
  query: 'VARCHAR',
  model_id: 'VARCHAR',
  input_tokens: 'BIGINT',
  output_tokens: 'BIGINT',
  total_tokens: 'BIGINT',
  cost: 'DOUBLE',
  context_length: 'BIGINT',
  processing_time_ms: 'DOUBLE',
  error: 'VARCHAR',
  error_type: 'VARCHAR',
  stage: 'VARCHAR',
  context_file: 'VARCHAR',
  response_file: 'VARCHAR',
};

export const HAIKU = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
export const SONNET = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

export type LogRow = Record<string, unknown>;

/** A successful row; pass overrides (e.g. `{ error: 'x', model_id: null, ... }`). */
export function okRow(timestamp: string, over: LogRow = {}): LogRow {
  const input = (over.input_tokens as number | undefined) ?? 1000;
  const output = (over.output_tokens as number | undefined) ?? 100;
  return {
    timestamp,
    query: 'What was revenue?',
    model_id: HAIKU,
    input_tokens: input,
    output_tokens: output,
    total_tokens: input + output,
    cost: 0.0015,
    context_length: 4000,
    processing_time_ms: 1000,
    error: null,
    error_type: null,
    stage: null,
    context_file: `s3://b/p/contexts/context_${timestamp}.txt`,
    response_file: `s3://b/p/responses/response_${timestamp}.json`,
    ...over,
  };
}

/** An error row as the reference logger writes it: model, tokens and cost null. */
export function errorRow(timestamp: string, over: LogRow = {}): LogRow {
  return okRow(timestamp, {
    model_id: null,
    input_tokens: null,
    output_tokens: null,
    total_tokens: null,
    cost: null,
    processing_time_ms: null,
    context_length: null,
    error: 'An error occurred (ThrottlingException): Rate exceeded',
    error_type: 'ThrottlingException',
    stage: 'generation',
    response_file: null,
    ...over,
  });
}

/** A small deterministic pseudo-random generator (LCG) for varied test data. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
