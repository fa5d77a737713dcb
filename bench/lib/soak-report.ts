/** The soak's result as Markdown: the table and figures BENCHMARKS.md shows. */
import type { SoakResult } from '../scenarios/soak.scenario';
import type { FigureSummary } from './soak-series';

/** The soak's Markdown table, as BENCHMARKS.md shows it. */
export function formatSoak(r: SoakResult): string {
  const out = [
    `Soak: ${r.ratePerSec} callbacks/s asked, ${r.achievedRate} sustained, for ${Math.round(r.durationSec / 6) / 10} min ` +
      `(${r.sent} callbacks, ${r.pushesAccepted} pushes accepted (${r.pushesPerSec}/s), ${r.pushesFailed} failed answers; ${r.deadLetterEntriesAtEnd} dead-letter entries held at the end). ` +
      `Warm-up ${r.warmupSec} s, ${r.samples} samples. Env: ${Object.entries(r.env).map(([k, v]) => `${k}=${v}`).join(' ')}`,
    '',
    '| figure | steady (last third) | slope per hour | growth first→last third | per callback | verdict |',
    '|---|---:|---:|---:|---:|---|',
    ...r.figures.map(
      (f) =>
        `| ${f.name} | ${f.steady} ${f.unit} | ${f.slopePerHour} ${f.unit}/h | ${f.growth} ${f.unit} | ${perCallback(f, r.achievedRate)} | ${f.informational ? 'informational' : f.growing ? '**GROWING**' : 'flat'} |`,
    ),
    '',
    '| key per event | MEMORY USAGE (mean) | keys seen |',
    '|---|---:|---:|',
    ...Object.entries(r.bytesPerKey).map(([kind, k]) => `| ${kind} | ${k.meanBytes} B | ${k.keys} |`),
    '',
    `Redis used_memory ${r.usedMemoryBeforeMb} MB before the load, ${r.usedMemoryAfterMb} MB after it and one ledger window; ` +
      `ledger keys left: ${r.ledgerKeysAfterWindow}; longest TTL of any key: ${r.longestTtlMs} ms (${r.longestTtlKey ?? 'none'}). Chart: ${r.chart}`,
  ];
  return out.join('\n');
}

/** Growth per callback of a figure in MB (bytes); '–' for the others. */
function perCallback(f: FigureSummary, rate: number): string {
  if (f.unit !== 'MB' || rate <= 0) return '–';
  return `${Math.round((f.slopePerHour * 1024 * 1024) / (rate * 3600))} B`;
}
