/**
 * The report folder, in memory: every file the deliver stage writes (local folder or S3).
 *
 *   aggregates.json          the ReportModel (JSON.stringify(model, null, 2))
 *   report.html              the self-contained executive report
 *   charts/<name>.svg        one per chart (skipped when the chart has no SVG)
 *   charts/<name>.png        one per chart (skipped when the chart has no PNG bytes)
 *   tables/*.csv             see renderTables
 */
import type { ReportModel } from '../report-model.js';
import { renderTables } from './csv.js';
import { renderHtml } from './html.js';
import type { RenderedChart, ReportFile } from './types.js';

export const JSON_CONTENT_TYPE = 'application/json';
export const HTML_CONTENT_TYPE = 'text/html; charset=utf-8';
export const SVG_CONTENT_TYPE = 'image/svg+xml';
export const PNG_CONTENT_TYPE = 'image/png';

const SAFE_NAME = /^[a-z0-9][a-z0-9-]*$/;

export function renderReportFiles(model: ReportModel, charts: RenderedChart[]): ReportFile[] {
  const files: ReportFile[] = [
    { path: 'aggregates.json', contentType: JSON_CONTENT_TYPE, body: JSON.stringify(model, null, 2) },
    { path: 'report.html', contentType: HTML_CONTENT_TYPE, body: renderHtml(model, charts) },
  ];
  for (const chart of charts) {
    // The name becomes a path segment: refuse anything that could escape charts/.
    if (!SAFE_NAME.test(chart.name)) throw new Error(`Invalid chart name for a file path: ${JSON.stringify(chart.name)}`);
    if (chart.svg && chart.svg.trim() !== '') {
      files.push({ path: `charts/${chart.name}.svg`, contentType: SVG_CONTENT_TYPE, body: chart.svg });
    }
    if (chart.png && chart.png.length > 0) {
      files.push({ path: `charts/${chart.name}.png`, contentType: PNG_CONTENT_TYPE, body: chart.png });
    }
  }
  files.push(...renderTables(model));
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) throw new Error(`Duplicate report file path: ${f.path}`);
    seen.add(f.path);
  }
  return files;
}
