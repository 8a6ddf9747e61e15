import { renderReportFiles } from '../../lambdas/engine/render/report-folder.js';
import type { ChartName, RenderedChart } from '../../lambdas/engine/render/types.js';
import { makeModel } from '../support/model-fixture.js';

const NAMES: ChartName[] = ['cost-per-day', 'volume-reliability', 'model-usage', 'efficiency'];
const fakeChart = (name: ChartName, i: number): RenderedChart => ({
  name,
  title: `Title ${name}`,
  description: `Description ${name}.`,
  svg: `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="${i + 1}" height="5"/></svg>`,
  png: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, i]),
  width: 800,
  height: 400,
});

describe('renderReportFiles', () => {
  const model = makeModel();
  const charts = NAMES.map(fakeChart);
  const files = renderReportFiles(model, charts);
  const byPath = new Map(files.map((f) => [f.path, f]));

  it('produces exactly the report folder: paths and content types', () => {
    const listing = Object.fromEntries(files.map((f) => [f.path, f.contentType]));
    expect(listing).toEqual({
      'aggregates.json': 'application/json',
      'report.html': 'text/html; charset=utf-8',
      'charts/cost-per-day.svg': 'image/svg+xml',
      'charts/cost-per-day.png': 'image/png',
      'charts/volume-reliability.svg': 'image/svg+xml',
      'charts/volume-reliability.png': 'image/png',
      'charts/model-usage.svg': 'image/svg+xml',
      'charts/model-usage.png': 'image/png',
      'charts/efficiency.svg': 'image/svg+xml',
      'charts/efficiency.png': 'image/png',
      'tables/summary.csv': 'text/csv; charset=utf-8',
      'tables/by-day.csv': 'text/csv; charset=utf-8',
      'tables/by-model.csv': 'text/csv; charset=utf-8',
      'tables/top-queries.csv': 'text/csv; charset=utf-8',
      'tables/errors.csv': 'text/csv; charset=utf-8',
      'tables/recent-queries.csv': 'text/csv; charset=utf-8',
      'tables/data-quality-files.csv': 'text/csv; charset=utf-8',
      'tables/unpriced-models.csv': 'text/csv; charset=utf-8',
    });
    expect(files).toHaveLength(18); // no duplicates
  });

  it('aggregates.json is the model, pretty-printed with 2 spaces', () => {
    const body = byPath.get('aggregates.json')?.body as string;
    expect(JSON.parse(body)).toEqual(model);
    expect(body.startsWith('{\n  "schemaVersion": 1,\n  "generatedAt": "2025-11-21T08:00:00.000Z",')).toBe(true);
  });

  it('chart files carry the chart bytes unchanged', () => {
    expect(byPath.get('charts/model-usage.svg')?.body).toBe(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="3" height="5"/></svg>');
    const png = byPath.get('charts/efficiency.png')?.body;
    expect(png).toBeInstanceOf(Uint8Array);
    expect([...(png as Uint8Array)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 3]);
  });

  it('report.html is the self-contained page with the charts embedded', () => {
    const html = byPath.get('report.html')?.body as string;
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html.match(/<img src="data:image\/svg\+xml;base64,/g)).toHaveLength(4);
  });

  it('without charts: no chart files, the rest unchanged', () => {
    const paths = renderReportFiles(model, []).map((f) => f.path);
    expect(paths.filter((p) => p.startsWith('charts/'))).toEqual([]);
    expect(paths).toContain('report.html');
    expect(paths).toContain('aggregates.json');
    expect(paths.filter((p) => p.startsWith('tables/'))).toHaveLength(8);
  });

  it('skips a chart format that is empty', () => {
    const paths = renderReportFiles(model, [{ ...fakeChart('efficiency', 0), png: new Uint8Array() }]).map((f) => f.path);
    expect(paths).toContain('charts/efficiency.svg');
    expect(paths).not.toContain('charts/efficiency.png');
  });

  it('refuses a chart name that is not a safe file name', () => {
    const bad = { ...fakeChart('efficiency', 0), name: '../../etc/passwd' as ChartName };
    expect(() => renderReportFiles(model, [bad])).toThrow(/Invalid chart name/);
  });

  it('refuses two charts with the same name', () => {
    expect(() => renderReportFiles(model, [fakeChart('efficiency', 0), fakeChart('efficiency', 1)])).toThrow(/Duplicate report file path/);
  });
});
