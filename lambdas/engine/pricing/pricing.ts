/**
 * Prices: list prices of Bedrock models from `@pydantic/genai-prices` (provider `aws`; it understands
 * the `us.`/`eu.`/`apac.`/`global.` inference-profile prefixes and tiered prices), overridden by a
 * user table for custom or fine-tuned models.
 *
 * Override table (JSON), USD per million tokens, keyed by the exact model id as logged:
 * `{ "models": { "my-finetuned-model": { "input_mtok": 1.0, "output_mtok": 4.0 } } }`
 * (the bare map without "models" is accepted too).
 */
import { readFileSync } from 'node:fs';
import { calcPrice } from '@pydantic/genai-prices';

export interface PriceOverride {
  input_mtok: number;
  output_mtok: number;
}
export type PriceOverrides = Record<string, PriceOverride>;

export class PriceTableError extends Error {}

/** Validate an override table given as an object, a JSON string of one, or a path to a JSON file. */
export function loadPriceOverrides(input: PriceOverrides | string | null | undefined): PriceOverrides {
  if (input === null || input === undefined) return {};
  let raw: unknown = input;
  if (typeof input === 'string') {
    const inline = input.trimStart().startsWith('{');
    const text = inline ? input : readPriceFile(input);
    try {
      raw = JSON.parse(text);
    } catch (e) {
      // V8 quotes the start of the text in its message: keep the error on one line.
      const reason = (e as Error).message.replace(/\s+/g, ' ');
      throw new PriceTableError(`price overrides ${inline ? '(inline JSON)' : input} are not valid JSON: ${reason}`);
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new PriceTableError('price overrides must be a JSON object of model id → { input_mtok, output_mtok }');
  }
  const table = 'models' in raw ? (raw as { models: unknown }).models : raw;
  if (typeof table !== 'object' || table === null || Array.isArray(table)) {
    throw new PriceTableError('price overrides: "models" must be an object');
  }
  const out: PriceOverrides = Object.create(null) as PriceOverrides;
  for (const [modelId, price] of Object.entries(table as Record<string, unknown>)) {
    const p = price as Partial<PriceOverride> | null;
    const ok = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
    if (!p || !ok(p.input_mtok) || !ok(p.output_mtok)) {
      throw new PriceTableError(
        `price overrides: model "${modelId}" needs non-negative numbers input_mtok and output_mtok (USD per million tokens)`,
      );
    }
    out[modelId] = { input_mtok: p.input_mtok!, output_mtok: p.output_mtok! };
  }
  return out;
}

function readPriceFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new PriceTableError(`cannot read price overrides file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** How one model is priced, resolved once per model. */
type ModelPricing =
  | { kind: 'linear'; inputPerToken: number; outputPerToken: number }
  | { kind: 'tiered' } // price depends on the request size: ask the price table per row
  | { kind: 'none' };

/** List prices per model, resolved once per model and cached. */
export class PriceBook {
  private readonly cache = new Map<string, ModelPricing>();

  constructor(private readonly overrides: PriceOverrides = {}) {}

  /** USD price of one request, or null when the model has no price. */
  price(modelId: string, inputTokens: number, outputTokens: number): number | null {
    const p = this.pricing(modelId);
    if (p.kind === 'linear') return inputTokens * p.inputPerToken + outputTokens * p.outputPerToken;
    if (p.kind === 'none') return null;
    const r = calcPrice({ input_tokens: inputTokens, output_tokens: outputTokens }, modelId, { providerId: 'aws' });
    return r && Number.isFinite(r.total_price) ? r.total_price : null;
  }

  hasPrice(modelId: string): boolean {
    return this.pricing(modelId).kind !== 'none';
  }

  /** Override ids that no model priced so far matched (a typo in --prices would otherwise go unnoticed). */
  unusedOverrides(): string[] {
    return Object.keys(this.overrides).filter((id) => !this.cache.has(id));
  }

  private pricing(modelId: string): ModelPricing {
    let p = this.cache.get(modelId);
    if (!p) {
      p = this.resolve(modelId);
      this.cache.set(modelId, p);
    }
    return p;
  }

  private resolve(modelId: string): ModelPricing {
    // own keys only: a model logged as "constructor" or "toString" must not find Object.prototype
    const o = Object.hasOwn(this.overrides, modelId) ? this.overrides[modelId] : undefined;
    if (o) return { kind: 'linear', inputPerToken: o.input_mtok / 1e6, outputPerToken: o.output_mtok / 1e6 };
    const r = calcPrice({ input_tokens: 1_000_000, output_tokens: 1_000_000 }, modelId, { providerId: 'aws' });
    if (!r || !Number.isFinite(r.total_price)) return { kind: 'none' };
    const linear = Object.values(r.model_price).every((v) => v === undefined || typeof v === 'number');
    if (!linear) return { kind: 'tiered' };
    return { kind: 'linear', inputPerToken: r.input_price / 1e6, outputPerToken: r.output_price / 1e6 };
  }
}

/** Where list prices come from, for the report's footer. */
export const PRICE_SOURCE = '@pydantic/genai-prices (provider aws, bundled price data)';
