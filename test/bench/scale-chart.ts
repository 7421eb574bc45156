/**
 * The scale bench's chart: each cost divided by its value at the smallest size, against the
 * number of apps, both axes logarithmic, so a flat cost is a horizontal line and a linear one
 * climbs one decade per decade. Drawn as SVG and photographed by headless chromium (the browser
 * tests' own, deploy/test-deps.sh) into a PNG.
 */
import fs from 'node:fs';
import { chromium } from 'playwright-core';

export interface Series { readonly label: string; readonly values: readonly number[] }

const COLOURS = ['#000000', '#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

export function chartSvg(sizes: readonly number[], series: readonly Series[]): string {
  const W = 900, H = 520, L = 70, R = 330, T = 40, B = 60;
  const ratios = series.map((s) => s.values.map((v) => v / s.values[0]));
  const all = ratios.flat().filter((v) => v > 0 && Number.isFinite(v));
  const yMin = Math.min(0.5, ...all), yMax = Math.max(2, ...all, sizes[sizes.length - 1] / sizes[0]);
  const lx = (n: number) => L + ((Math.log10(n) - Math.log10(sizes[0])) / (Math.log10(sizes[sizes.length - 1]) - Math.log10(sizes[0]))) * (W - L - R);
  const ly = (v: number) => H - B - ((Math.log10(v) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * (H - T - B);
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="13">`, `<rect width="${W}" height="${H}" fill="white"/>`];
  out.push(`<text x="${L}" y="24" font-size="15">Cost at N apps / cost at ${sizes[0]} apps (log–log; dashed: linear growth)</text>`);
  for (const n of sizes) out.push(`<line x1="${lx(n)}" y1="${T}" x2="${lx(n)}" y2="${H - B}" stroke="#ddd"/><text x="${lx(n)}" y="${H - B + 18}" text-anchor="middle">${n} apps</text>`);
  for (let d = Math.ceil(Math.log10(yMin)); d <= Math.floor(Math.log10(yMax)); d++) {
    const v = 10 ** d;
    out.push(`<line x1="${L}" y1="${ly(v)}" x2="${W - R}" y2="${ly(v)}" stroke="#ddd"/><text x="${L - 6}" y="${ly(v) + 4}" text-anchor="end">${v}×</text>`);
  }
  const last = sizes[sizes.length - 1];
  out.push(`<line x1="${lx(sizes[0])}" y1="${ly(1)}" x2="${lx(last)}" y2="${ly(last / sizes[0])}" stroke="#999" stroke-dasharray="6 4"/>`);
  ratios.forEach((r, i) => {
    const c = COLOURS[i % COLOURS.length];
    const pts = r.map((v, j) => `${lx(sizes[j]).toFixed(1)},${ly(Math.max(v, yMin)).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${pts}" fill="none" stroke="${c}" stroke-width="2.5"/>`);
    out.push(`<rect x="${W - R + 20}" y="${T + i * 22 - 10}" width="14" height="4" fill="${c}"/><text x="${W - R + 40}" y="${T + i * 22 - 4}">${series[i].label} (${r[r.length - 1].toFixed(1)}×)</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

export async function writeChartPng(file: string, svg: string, browser = process.env.BERTH_CHROMIUM ?? '/usr/bin/chromium'): Promise<void> {
  const b = await chromium.launch({ executablePath: browser, args: ['--no-sandbox'] });
  try {
    const page = await b.newPage({ viewport: { width: 900, height: 520 } });
    await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
    fs.writeFileSync(file, await page.screenshot({ type: 'png' }));
  } finally {
    await b.close();
  }
}
