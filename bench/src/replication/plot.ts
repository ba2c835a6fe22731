/**
 * Percentiles, a log-bucket latency histogram, and line plots written as SVG and converted to PNG
 * with `rsvg-convert` or ImageMagick's `convert` when one is installed (the SVG is kept otherwise).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** Counts per bucket with bounds 0.125 ms × 2^k (the last bucket is open). */
export function histogram(values: readonly number[]): Array<{ upTo: number; count: number }> {
  const bounds: number[] = [];
  for (let b = 0.125; b <= 2048; b *= 2) bounds.push(b);
  const rows = bounds.map((upTo) => ({ upTo, count: 0 }));
  rows.push({ upTo: Number.POSITIVE_INFINITY, count: 0 });
  for (const v of values) {
    const i = bounds.findIndex((b) => v <= b);
    rows[i < 0 ? rows.length - 1 : i].count++;
  }
  while (rows.length > 1 && rows[rows.length - 1].count === 0) rows.pop();
  let first = 0;
  while (first < rows.length - 1 && rows[first].count === 0) first++;
  return rows.slice(first);
}

export interface Series {
  name: string;
  color: string;
  points: ReadonlyArray<readonly [number, number]>;
}

export interface PlotSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** shaded x ranges (e.g. the full sync), each with the series color it belongs to */
  bands?: Array<{ from: number; to: number; color: string; label: string }>;
  /** y axis maximum; the data's maximum by default */
  yMax?: number;
}

const W = 900;
const H = 420;
const L = 80;
const R = 20;
const T = 40;
const B = 60;

function niceStep(max: number): number {
  const raw = max / 5;
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  for (const m of [1, 2, 5, 10]) if (raw <= m * mag) return m * mag;
  return 10 * mag;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function lineSvg(spec: PlotSpec): string {
  let xMax = 0;
  let yMax = 0;
  for (const s of spec.series)
    for (const [x, y] of s.points) {
      xMax = Math.max(xMax, x);
      yMax = Math.max(yMax, y);
    }
  for (const b of spec.bands ?? []) xMax = Math.max(xMax, b.to);
  if (spec.yMax !== undefined) yMax = spec.yMax;
  const yStep = niceStep(yMax || 1);
  yMax = Math.ceil((yMax || 1) / yStep) * yStep;
  const xStep = niceStep(xMax || 1);
  xMax = Math.ceil((xMax || 1) / xStep) * xStep;
  const px = (x: number) => L + (x / xMax) * (W - L - R);
  const py = (y: number) => H - B - (Math.min(y, yMax) / yMax) * (H - T - B);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="white"/>`);
  for (const b of spec.bands ?? []) {
    out.push(`<rect x="${px(b.from)}" y="${T}" width="${Math.max(1, px(b.to) - px(b.from))}" height="${H - T - B}" fill="${b.color}" fill-opacity="0.12"/>`);
  }
  for (let y = 0; y <= yMax + 1e-9; y += yStep) {
    out.push(`<line x1="${L}" x2="${W - R}" y1="${py(y)}" y2="${py(y)}" stroke="#ddd"/>`);
    out.push(`<text x="${L - 6}" y="${py(y) + 4}" text-anchor="end">${+y.toPrecision(6)}</text>`);
  }
  for (let x = 0; x <= xMax + 1e-9; x += xStep) {
    out.push(`<line x1="${px(x)}" x2="${px(x)}" y1="${H - B}" y2="${H - B + 5}" stroke="#333"/>`);
    out.push(`<text x="${px(x)}" y="${H - B + 18}" text-anchor="middle">${+x.toPrecision(6)}</text>`);
  }
  out.push(`<line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#333"/>`);
  out.push(`<line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#333"/>`);
  out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(spec.title)}</text>`);
  out.push(`<text x="${(L + W - R) / 2}" y="${H - 18}" text-anchor="middle">${esc(spec.xLabel)}</text>`);
  out.push(`<text x="18" y="${(T + H - B) / 2}" text-anchor="middle" transform="rotate(-90 18 ${(T + H - B) / 2})">${esc(spec.yLabel)}</text>`);
  for (const s of spec.series) {
    if (s.points.length === 0) continue;
    const d = s.points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.3"/>`);
  }
  let ly = T + 8;
  for (const s of spec.series) {
    out.push(`<line x1="${W - R - 290}" x2="${W - R - 265}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="3"/>`);
    out.push(`<text x="${W - R - 260}" y="${ly + 4}">${esc(s.name)}</text>`);
    ly += 18;
  }
  for (const b of spec.bands ?? []) {
    out.push(`<rect x="${W - R - 290}" y="${ly - 6}" width="25" height="12" fill="${b.color}" fill-opacity="0.25"/>`);
    out.push(`<text x="${W - R - 260}" y="${ly + 4}">${esc(b.label)}</text>`);
    ly += 18;
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/**
 * Writes `<base>.png` (through `convert`) or, without ImageMagick, `<base>.svg`; returns the file
 * name written, relative to its directory.
 */
export function writePlot(base: string, spec: PlotSpec): string {
  mkdirSync(path.dirname(base), { recursive: true });
  const svg = `${base}.svg`;
  writeFileSync(svg, lineSvg(spec));
  const png = `${base}.png`;
  // rsvg-convert (librsvg2-bin) renders SVG by itself; ImageMagick needs an SVG delegate
  const tools: Array<[string, string[]]> = [
    ['rsvg-convert', ['-o', png, svg]],
    ['/usr/bin/convert', [svg, png]],
    ['convert', [svg, png]],
  ];
  for (const [bin, argv] of tools) {
    const r = spawnSync(bin, argv, { encoding: 'utf8' });
    if (r.status === 0 && existsSync(png)) {
      rmSync(svg);
      return path.basename(png);
    }
  }
  return path.basename(svg);
}
