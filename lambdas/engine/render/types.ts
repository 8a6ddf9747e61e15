/** What the render stage produces and the deliver stage writes. */

/** One file of the report folder, in memory. `path` is relative to the report folder (e.g. `charts/cost-per-day.png`). */
export interface ReportFile {
  path: string;
  contentType: string;
  body: string | Uint8Array;
}

export type ChartName = 'cost-per-day' | 'volume-reliability' | 'model-usage' | 'efficiency';

/** One executive chart, rendered. */
export interface RenderedChart {
  name: ChartName;
  title: string;
  /** One sentence saying what the chart shows (used as alt text). */
  description: string;
  svg: string;
  png: Uint8Array;
  width: number;
  height: number;
}
