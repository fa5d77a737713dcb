/**
 * The soak's figures over time: per figure its slope per hour and steady value after the warm-up,
 * the verdict "still growing", and an SVG line chart of every figure (no charting dependency).
 */

export interface SoakFigure {
  name: string;
  unit: string;
  /** Growth below this (in `unit`) between the first and last third of the measured window is noise. */
  floor: number;
  /** Informational figures are drawn and reported but never fail the run (e.g. the load generator). */
  informational?: boolean;
}

export interface SoakSample {
  /** Seconds since the load started. */
  t: number;
  values: Record<string, number>;
}

export interface FigureSummary {
  name: string;
  unit: string;
  /** Mean of the last third of the measured window. */
  steady: number;
  /** Least-squares slope over the measured window, per hour. */
  slopePerHour: number;
  /** Mean of the last third minus mean of the first third of the measured window. */
  growth: number;
  growing: boolean;
  informational: boolean;
}

const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

function slope(points: Array<[number, number]>): number {
  const mx = mean(points.map((p) => p[0]));
  const my = mean(points.map((p) => p[1]));
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * A figure grows when its last third is above its first third by more than 10 % and more than its
 * floor: a bounded store has reached its plateau once its retention has cycled, so the thirds of the
 * window after the warm-up should be level.
 */
export function summarise(figures: SoakFigure[], samples: SoakSample[], warmupSec: number): FigureSummary[] {
  const measured = samples.filter((s) => s.t >= warmupSec);
  const third = Math.max(1, Math.floor(measured.length / 3));
  return figures.map((figure) => {
    const points = measured.filter((s) => figure.name in s.values).map((s): [number, number] => [s.t, s.values[figure.name]]);
    const first = mean(points.slice(0, third).map((p) => p[1]));
    const last = mean(points.slice(-third).map((p) => p[1]));
    const growth = last - first;
    return {
      name: figure.name,
      unit: figure.unit,
      steady: round(last),
      slopePerHour: round(slope(points) * 3600),
      growth: round(growth),
      growing: points.length >= 3 && growth > Math.max(figure.floor, Math.abs(first) * 0.1),
      informational: figure.informational ?? false,
    };
  });
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One small line chart per figure, stacked, with the warm-up shaded. */
export function svgChart(title: string, figures: SoakFigure[], samples: SoakSample[], warmupSec: number): string {
  const width = 760;
  const panel = 120;
  const left = 70;
  const right = 20;
  const top = 40;
  const gap = 34;
  const plotW = width - left - right;
  const height = top + figures.length * (panel + gap) + 10;
  const tMax = Math.max(1, ...samples.map((s) => s.t));
  const x = (t: number) => left + (t / tMax) * plotW;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="20" font-size="14" font-weight="bold">${escape(title)}</text>`,
  ];
  figures.forEach((figure, i) => {
    const y0 = top + i * (panel + gap) + 14;
    const values = samples.filter((s) => figure.name in s.values).map((s) => [s.t, s.values[figure.name]] as const);
    const vMax = Math.max(1e-9, ...values.map((v) => v[1])) * 1.1;
    const y = (v: number) => y0 + panel - (v / vMax) * panel;
    out.push(`<text x="${left}" y="${y0 - 4}" font-weight="bold">${escape(`${figure.name} (${figure.unit})`)}</text>`);
    out.push(`<rect x="${left}" y="${y0}" width="${x(Math.min(warmupSec, tMax)) - left}" height="${panel}" fill="#eee"/>`);
    out.push(`<rect x="${left}" y="${y0}" width="${plotW}" height="${panel}" fill="none" stroke="#999"/>`);
    out.push(`<text x="${left - 4}" y="${y0 + 10}" text-anchor="end">${fmt(vMax)}</text>`);
    out.push(`<text x="${left - 4}" y="${y0 + panel}" text-anchor="end">0</text>`);
    out.push(`<text x="${left + plotW}" y="${y0 + panel + 12}" text-anchor="end">${Math.round(tMax)} s</text>`);
    const path = values.map(([t, v], k) => `${k === 0 ? 'M' : 'L'}${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    if (path) out.push(`<path d="${path}" fill="none" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="1.5"/>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function fmt(v: number): string {
  return v >= 100 ? String(Math.round(v)) : v.toFixed(1);
}
