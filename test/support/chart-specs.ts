/** Reading chart specs in tests: one chart by name, and its inline data rows. */
import type { ChartSpec } from '../../lambdas/engine/render/charts.js';

export type Row = Record<string, unknown>;

export function chart(specs: ChartSpec[], name: string): ChartSpec {
  const c = specs.find((s) => s.name === name);
  if (!c) throw new Error(`no chart ${name}`);
  return c;
}

export function values(c: ChartSpec): Row[] {
  const data = (c.spec as { data?: { values?: Row[] } }).data;
  if (!data?.values) throw new Error(`${c.name}: no inline data.values`);
  return data.values;
}
