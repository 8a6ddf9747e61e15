/**
 * SVG -> PNG with resvg (WebAssembly) and the bundled DejaVu fonts, so text renders
 * on a machine (or Lambda) with no system fonts and nothing is fetched at run time.
 *
 * Asset lookup (see docs/TEAM-CONTRACTS.md, "Lambda bundle assets"): each of
 * `DejaVuSans.ttf`, `DejaVuSans-Bold.ttf` and `index_bg.wasm` is looked for beside this
 * module file first (the Lambda bundle ships them next to `index.mjs`), then resolved
 * from node_modules.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initWasm, Resvg } from '@resvg/resvg-wasm';

export const DEFAULT_FONT_FAMILY = 'DejaVu Sans';

export interface AssetPaths {
  fontRegular: string;
  fontBold: string;
  wasm: string;
}

const ASSETS: Record<keyof AssetPaths, { file: string; module: string }> = {
  fontRegular: { file: 'DejaVuSans.ttf', module: 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf' },
  fontBold: { file: 'DejaVuSans-Bold.ttf', module: 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf' },
  wasm: { file: 'index_bg.wasm', module: '@resvg/resvg-wasm/index_bg.wasm' },
};

/** The folder of this module file (in the Lambda bundle: the folder of `index.mjs`). */
export function moduleDir(): string {
  return path.dirname(fileURLToPath(import.meta.url));
}

/**
 * Where each asset is read from: `dir` (default: beside this module) when the file is
 * there, else resolved from node_modules. Throws with the tried locations if neither exists.
 */
export function assetPaths(dir: string = moduleDir()): AssetPaths {
  const require = createRequire(import.meta.url);
  const out = {} as AssetPaths;
  for (const key of Object.keys(ASSETS) as (keyof AssetPaths)[]) {
    const { file, module } = ASSETS[key];
    const beside = path.join(dir, file);
    if (existsSync(beside)) {
      out[key] = beside;
      continue;
    }
    try {
      out[key] = require.resolve(module);
    } catch (err) {
      throw new Error(`png: cannot find ${file} beside ${dir} nor as ${module} in node_modules (${(err as Error).message})`);
    }
  }
  return out;
}

let ready: Promise<Uint8Array[]> | undefined;

/** Initialise the wasm module and load the fonts, once, on first use. */
function init(): Promise<Uint8Array[]> {
  ready ??= (async () => {
    const paths = assetPaths();
    const [wasm, regular, bold] = await Promise.all([readFile(paths.wasm), readFile(paths.fontRegular), readFile(paths.fontBold)]);
    await initWasm(wasm);
    return [new Uint8Array(regular), new Uint8Array(bold)];
  })().catch((err: unknown) => {
    ready = undefined; // allow a retry
    throw err;
  });
  return ready;
}

export interface SvgToPngOptions {
  /** Output width in pixels (height follows the aspect ratio). Default: 2x the SVG's own width. */
  width?: number;
  /** CSS colour painted behind the image. Default `white` (email clients may show transparency as black). */
  background?: string;
}

/** Rasterise an SVG string to PNG bytes, with the bundled DejaVu Sans fonts. */
export async function svgToPng(svg: string, opts: SvgToPngOptions = {}): Promise<Uint8Array> {
  const fontBuffers = await init();
  const resvg = new Resvg(svg, {
    fitTo: opts.width !== undefined ? { mode: 'width', value: Math.round(opts.width) } : { mode: 'zoom', value: 2 },
    background: opts.background ?? 'white',
    font: { fontBuffers, defaultFontFamily: DEFAULT_FONT_FAMILY, sansSerifFamily: DEFAULT_FONT_FAMILY, loadSystemFonts: false },
    textRendering: 1,
    shapeRendering: 2,
  });
  try {
    const image = resvg.render();
    try {
      return image.asPng();
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}

// ---------------------------------------------------------------------------------------------
// Text measurement with the same fonts, so chart layout (label limits, legend spacing, bounds)
// matches what resvg draws. Vega has no canvas here and would otherwise estimate 0.8 em per char.

/** Advance widths of a TrueType font, from its `cmap` (format 4, BMP) and `hmtx` tables. */
export class FontWidths {
  readonly unitsPerEm: number;
  private readonly advances: number[];
  private readonly cache = new Map<number, number>();
  private readonly lookup: (codePoint: number) => number;

  constructor(bytes: Uint8Array) {
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const tables = new Map<string, number>();
    const numTables = v.getUint16(4);
    for (let i = 0; i < numTables; i++) {
      const rec = 12 + i * 16;
      const tag = String.fromCharCode(v.getUint8(rec), v.getUint8(rec + 1), v.getUint8(rec + 2), v.getUint8(rec + 3));
      tables.set(tag, v.getUint32(rec + 8));
    }
    const table = (tag: string): number => {
      const at = tables.get(tag);
      if (at === undefined) throw new Error(`font has no ${tag} table`);
      return at;
    };
    this.unitsPerEm = v.getUint16(table('head') + 18);
    const numberOfHMetrics = v.getUint16(table('hhea') + 34);
    const hmtx = table('hmtx');
    this.advances = Array.from({ length: numberOfHMetrics }, (_, i) => v.getUint16(hmtx + i * 4));

    const cmap = table('cmap');
    let sub = -1;
    for (let i = 0, n = v.getUint16(cmap + 2); i < n; i++) {
      const platform = v.getUint16(cmap + 4 + i * 8);
      const encoding = v.getUint16(cmap + 6 + i * 8);
      const offset = cmap + v.getUint32(cmap + 8 + i * 8);
      if (v.getUint16(offset) === 4 && ((platform === 3 && encoding === 1) || platform === 0)) { sub = offset; break; }
    }
    if (sub < 0) throw new Error('font has no format-4 Unicode cmap');
    const segCount = v.getUint16(sub + 6) / 2;
    const endCodes = sub + 14;
    const startCodes = endCodes + segCount * 2 + 2;
    const idDeltas = startCodes + segCount * 2;
    const idRangeOffsets = idDeltas + segCount * 2;
    this.lookup = (c: number): number => {
      if (c > 0xffff) return 0;
      for (let i = 0; i < segCount; i++) {
        if (v.getUint16(endCodes + i * 2) < c) continue;
        const start = v.getUint16(startCodes + i * 2);
        if (start > c) return 0;
        const delta = v.getUint16(idDeltas + i * 2);
        const ro = v.getUint16(idRangeOffsets + i * 2);
        if (ro === 0) return (c + delta) & 0xffff;
        const g = v.getUint16(idRangeOffsets + i * 2 + ro + (c - start) * 2);
        return g === 0 ? 0 : (g + delta) & 0xffff;
      }
      return 0;
    };
  }

  /** Advance of one code point in font units (missing glyphs: the .notdef advance). */
  advance(codePoint: number): number {
    let a = this.cache.get(codePoint);
    if (a === undefined) {
      const glyph = this.lookup(codePoint);
      a = this.advances[Math.min(glyph, this.advances.length - 1)] ?? 0;
      this.cache.set(codePoint, a);
    }
    return a;
  }

  /** Width of `text` in pixels at `fontSize` (no kerning: within a few percent of the shaped width). */
  width(text: string, fontSize: number): number {
    let units = 0;
    for (const ch of text) units += this.advance(ch.codePointAt(0)!);
    return (units / this.unitsPerEm) * fontSize;
  }
}

let widths: { regular: FontWidths; bold: FontWidths } | undefined;

/** Text width in pixels with the bundled DejaVu Sans (regular or bold). Loads the fonts synchronously once. */
export function measureText(text: string, fontSize: number, bold = false): number {
  if (!widths) {
    const paths = assetPaths();
    widths = { regular: new FontWidths(readFileSync(paths.fontRegular)), bold: new FontWidths(readFileSync(paths.fontBold)) };
  }
  return (bold ? widths.bold : widths.regular).width(text, fontSize);
}
