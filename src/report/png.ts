/**
 * Charts as PNG without a browser: vega-lite compiles the spec, a headless vega View (renderer 'none')
 * draws it as SVG, and resvg rasterises the SVG with the system fonts.
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import type { NamedSpec, VegaLiteSpec } from './specs.js';

/** The chart as an SVG document string. */
export async function specToSvg(spec: VegaLiteSpec): Promise<string> {
  // vega-lite's layout notes are for chart authors, not for the person running `virtax report`.
  const quiet = {
    level: () => quiet,
    info: () => quiet,
    warn: () => quiet,
    error: (...m: unknown[]) => {
      throw new Error(m.map(String).join(' '));
    },
    debug: () => quiet,
  };
  const compiled = compile(spec as unknown as TopLevelSpec, { logger: quiet as never }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The chart as PNG bytes, at `scale` times its natural size, on a white background. */
export async function specToPng(spec: VegaLiteSpec, scale = 2): Promise<Buffer> {
  const svg = await specToSvg(spec);
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

/** Every chart as `{ file: "<name>.png", png }`; the caller writes them. */
export async function renderPngs(specs: NamedSpec[], scale = 2): Promise<{ file: string; png: Buffer }[]> {
  const out: { file: string; png: Buffer }[] = [];
  for (const s of specs) out.push({ file: `${s.name}.png`, png: await specToPng(s.spec, scale) });
  return out;
}
