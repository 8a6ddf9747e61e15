/**
 * SVG -> PNG. The PNGs are decoded here by hand (chunk CRCs, IHDR, zlib inflate of IDAT,
 * scanline unfiltering), independently of resvg, so the checks look at real pixels.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { renderCharts } from '../../lambdas/engine/render/charts.js';
import { assetPaths, measureText, svgToPng } from '../../lambdas/engine/render/png.js';
import { makeModel } from '../support/model-fixture.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

// ------------------------------------------------------------------------------------------
// A minimal PNG reader (8-bit RGBA, non-interlaced: what we expect resvg to write).

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

interface Image { width: number; height: number; rgba: Uint8Array }

function ihdrSize(png: Uint8Array): { width: number; height: number } {
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: dv.getUint32(16), height: dv.getUint32(20) };
}

function decodePng(png: Uint8Array): Image {
  expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(String.fromCharCode(...png.subarray(12, 16))).toBe('IHDR');
  const { width, height } = ihdrSize(png);
  expect([png[24], png[25], png[28]]).toEqual([8, 6, 0]); // bit depth 8, RGBA, not interlaced
  const idat: Uint8Array[] = [];
  let off = 8;
  let sawEnd = false;
  while (off < png.length) {
    const len = dv.getUint32(off);
    const typeAndData = png.subarray(off + 4, off + 8 + len);
    expect(crc32(typeAndData)).toBe(dv.getUint32(off + 8 + len));
    const type = String.fromCharCode(...typeAndData.subarray(0, 4));
    if (type === 'IDAT') idat.push(typeAndData.subarray(4));
    if (type === 'IEND') { sawEnd = true; break; }
    off += 12 + len;
  }
  expect(sawEnd).toBe(true);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  expect(raw.length).toBe(height * (stride + 1));
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= 4 ? out[y * stride + x - 4]! : 0;
      const b = y > 0 ? out[(y - 1) * stride + x]! : 0;
      const c = x >= 4 && y > 0 ? out[(y - 1) * stride + x - 4]! : 0;
      let pred = 0;
      if (filter === 1) pred = a;
      else if (filter === 2) pred = b;
      else if (filter === 3) pred = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else expect(filter).toBe(0);
      out[y * stride + x] = (v + pred) & 0xff;
    }
  }
  return { width, height, rgba: out };
}

const pixel = (img: Image, x: number, y: number): number[] => [...img.rgba.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4)];

function countPixels(img: Image, pred: (r: number, g: number, b: number, a: number) => boolean): number {
  let n = 0;
  for (let i = 0; i < img.rgba.length; i += 4) if (pred(img.rgba[i]!, img.rgba[i + 1]!, img.rgba[i + 2]!, img.rgba[i + 3]!)) n++;
  return n;
}
const isDark = (r: number, g: number, b: number): boolean => r + g + b < 3 * 96;
const hex = (c: string) => (r: number, g: number, b: number): boolean =>
  r === parseInt(c.slice(1, 3), 16) && g === parseInt(c.slice(3, 5), 16) && b === parseInt(c.slice(5, 7), 16);

/** Columns (x) that contain at least one dark pixel. */
function inkColumns(img: Image): { first: number; last: number } {
  let first = -1, last = -1;
  for (let x = 0; x < img.width; x++) {
    for (let y = 0; y < img.height; y++) {
      const [r, g, b] = pixel(img, x, y);
      if (isDark(r!, g!, b!)) { if (first < 0) first = x; last = x; break; }
    }
  }
  return { first, last };
}

const textSvg = (text: string, attrs = 'font-family="DejaVu Sans"'): string =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="60"><text x="10" y="42" font-size="32" fill="black" ${attrs}>${text}</text></svg>`;

// ------------------------------------------------------------------------------------------

describe('svgToPng', () => {
  const rectSvg = '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><rect x="0" y="0" width="100" height="50" fill="#0072B2"/></svg>';

  test('PNG signature; IHDR size is 2x the SVG by default and follows the width option', async () => {
    const png = await svgToPng(rectSvg);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(ihdrSize(png)).toEqual({ width: 200, height: 100 }); // 100x50 at 2x
    expect(ihdrSize(await svgToPng(rectSvg, { width: 300 }))).toEqual({ width: 300, height: 150 });
    expect(ihdrSize(await svgToPng(rectSvg, { width: 100 }))).toEqual({ width: 100, height: 50 });
  });

  test('pixels carry the drawn colour; the background defaults to white and can be set', async () => {
    const img = decodePng(await svgToPng(rectSvg));
    expect(pixel(img, 100, 50)).toEqual([0x00, 0x72, 0xb2, 255]);
    expect(countPixels(img, hex('#0072B2'))).toBe(200 * 100);

    const blank = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"></svg>';
    const white = decodePng(await svgToPng(blank));
    expect(countPixels(white, (r, g, b, a) => r === 255 && g === 255 && b === 255 && a === 255)).toBe(80 * 40);
    const red = decodePng(await svgToPng(blank, { background: '#ff0000' }));
    expect(pixel(red, 5, 5)).toEqual([255, 0, 0, 255]);
  });

  test('text renders with the bundled font (no system fonts): differs from the same SVG with empty text', async () => {
    const withText = await svgToPng(textSvg('Hello, world'));
    const empty = await svgToPng(textSvg(''));
    expect(Buffer.from(withText).equals(Buffer.from(empty))).toBe(false);
    const dark = countPixels(decodePng(withText), isDark);
    expect(dark).toBeGreaterThan(500);
    expect(countPixels(decodePng(empty), isDark)).toBe(0);
    // An unknown family falls back to the default (DejaVu Sans) instead of drawing nothing.
    expect(countPixels(decodePng(await svgToPng(textSvg('Hello, world', 'font-family="No Such Font"'))), isDark)).toBeGreaterThan(500);
    // Bold text uses DejaVuSans-Bold: visibly more ink than regular.
    const bold = countPixels(decodePng(await svgToPng(textSvg('Hello, world', 'font-family="DejaVu Sans" font-weight="bold"'))), isDark);
    expect(bold).toBeGreaterThan(dark * 1.15);
  });

  test('measureText agrees with the ink width resvg draws (chart layout uses it)', async () => {
    // 300x60 SVG rendered at 1x: pixel columns are CSS pixels.
    for (const [text, bold] of [['Cost per day by model', false], ['MMMMMMMM', false], ['claude-haiku-4-5', true]] as const) {
      const img = decodePng(await svgToPng(textSvg(text, `font-family="DejaVu Sans" font-size="20"${bold ? ' font-weight="bold"' : ''}`).replace('font-size="32" ', ''), { width: 300 }));
      const { first, last } = inkColumns(img);
      const ink = last - first + 1;
      const advance = measureText(text, 20, bold);
      // Ink excludes the side bearings of the first and last glyph (a couple of pixels).
      expect(advance).toBeGreaterThan(ink - 2);
      expect(advance).toBeLessThan(ink * 1.08 + 4);
    }
  });
});

describe('asset lookup', () => {
  const nm = (p: string): string => require.resolve(p);
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(tmpdir(), 'png-assets-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('from a source checkout (nothing beside the module): node_modules', () => {
    const p = assetPaths();
    expect(p).toEqual({
      fontRegular: path.join(ROOT, 'node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
      fontBold: path.join(ROOT, 'node_modules/dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
      wasm: path.join(ROOT, 'node_modules/@resvg/resvg-wasm/index_bg.wasm'),
    });
    for (const f of Object.values(p)) expect(existsSync(f)).toBe(true);
  });

  test('files beside the module win, one by one', () => {
    copyFileSync(nm('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'), path.join(dir, 'DejaVuSans.ttf'));
    expect(assetPaths(dir).fontRegular).toBe(path.join(dir, 'DejaVuSans.ttf'));
    expect(assetPaths(dir).wasm).toBe(path.join(ROOT, 'node_modules/@resvg/resvg-wasm/index_bg.wasm'));
    copyFileSync(nm('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'), path.join(dir, 'DejaVuSans-Bold.ttf'));
    copyFileSync(nm('@resvg/resvg-wasm/index_bg.wasm'), path.join(dir, 'index_bg.wasm'));
    expect(assetPaths(dir)).toEqual({
      fontRegular: path.join(dir, 'DejaVuSans.ttf'),
      fontBold: path.join(dir, 'DejaVuSans-Bold.ttf'),
      wasm: path.join(dir, 'index_bg.wasm'),
    });
  });

  test('as a Lambda-style ESM bundle outside the repo: reads the assets shipped next to index.mjs', () => {
    // Bundle png.ts the way the Lambda is bundled (ESM, node), put it far from node_modules.
    const out = path.join(dir, 'index.mjs');
    const esbuild = path.join(ROOT, 'node_modules/.bin/esbuild');
    const built = spawnSync(esbuild, [path.join(ROOT, 'lambdas/engine/render/png.ts'), '--bundle', '--platform=node', '--format=esm', `--outfile=${out}`, '--log-level=error'], { encoding: 'utf8' });
    expect(built.stderr).toBe('');
    expect(built.status).toBe(0);
    const runner = path.join(dir, 'run.mjs');
    writeFileSync(runner, `import { assetPaths, svgToPng } from './index.mjs';
const png = await svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><text x="5" y="30" font-size="24">Hi</text></svg>');
console.log(JSON.stringify({ paths: assetPaths(), size: [png[16] << 24 | png[17] << 16 | png[18] << 8 | png[19], png[20] << 24 | png[21] << 16 | png[22] << 8 | png[23]] }));
`);
    const run = (): ReturnType<typeof spawnSync> => spawnSync(process.execPath, [runner], { encoding: 'utf8', cwd: dir });

    // Without the assets next to it, it cannot find them (no node_modules up the tree from the temp dir).
    const missing = run();
    expect(missing.status).not.toBe(0);
    expect(String(missing.stderr)).toMatch(/cannot find (DejaVuSans\.ttf|index_bg\.wasm)/);

    mkdirSync(dir, { recursive: true });
    copyFileSync(nm('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'), path.join(dir, 'DejaVuSans.ttf'));
    copyFileSync(nm('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'), path.join(dir, 'DejaVuSans-Bold.ttf'));
    copyFileSync(nm('@resvg/resvg-wasm/index_bg.wasm'), path.join(dir, 'index_bg.wasm'));
    const ok = run();
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const result = JSON.parse(String(ok.stdout)) as { paths: Record<string, string>; size: number[] };
    expect(result.paths).toEqual({
      fontRegular: path.join(dir, 'DejaVuSans.ttf'),
      fontBold: path.join(dir, 'DejaVuSans-Bold.ttf'),
      wasm: path.join(dir, 'index_bg.wasm'),
    });
    expect(result.size).toEqual([240, 80]);
  });
});

describe('chart PNGs (fixture model)', () => {
  test('the four charts written as real PNG files: right size, not blank, palette colours present', async () => {
    const charts = await renderCharts(makeModel());
    const dir = mkdtempSync(path.join(tmpdir(), 'chart-pngs-'));
    try {
      for (const c of charts) writeFileSync(path.join(dir, `${c.name}.png`), c.png);
      // Colours that must appear as solid areas (bars) or markers, per chart (Okabe-Ito values).
      const expected: Record<string, string[]> = {
        'cost-per-day': ['#0072B2', '#E69F00'], // sonnet, haiku
        'volume-reliability': ['#56B4E9', '#D55E00'], // succeeded, failed
        'model-usage': ['#0072B2', '#E69F00'],
        efficiency: ['#0072B2', '#E69F00', '#009E73'], // p50, p95, tokens per query
      };
      for (const c of charts) {
        const file = path.join(dir, `${c.name}.png`);
        const bytes = new Uint8Array(readFileSync(file));
        const img = decodePng(bytes);
        expect(img.width).toBe(c.width * 2);
        expect(Math.abs(img.height - c.height * 2)).toBeLessThanOrEqual(1);
        const colours = new Set<number>();
        for (let i = 0; i < img.rgba.length; i += 4) colours.add((img.rgba[i]! << 16) | (img.rgba[i + 1]! << 8) | img.rgba[i + 2]!);
        expect(colours.size).toBeGreaterThan(50);
        expect(countPixels(img, isDark)).toBeGreaterThan(2000); // title, labels
        for (const colour of expected[c.name]!) expect(countPixels(img, hex(colour))).toBeGreaterThan(40);
        // Mostly white background.
        expect(countPixels(img, (r, g, b) => r === 255 && g === 255 && b === 255)).toBeGreaterThan(img.width * img.height * 0.5);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
