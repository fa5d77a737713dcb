/** Prints the figures of every scenario as one table, then removes the results file. */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { Figures } from './figures';

const COLUMNS: Array<keyof Figures> = ['scenario', 'sent', 'accepted', 'expected', 'delivered', 'duplicated', 'lost', 'notes'];

export default function globalTeardown(): void {
  const file = process.env.FAULTS_RESULTS_FILE;
  if (!file || !existsSync(file)) return;
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Figures)
    .sort((a, b) => a.scenario.localeCompare(b.scenario, 'en', { numeric: true }));
  rmSync(file, { force: true });
  if (rows.length === 0) return;
  const lines = [
    `| ${COLUMNS.join(' | ')} |`,
    `| ${COLUMNS.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${COLUMNS.map((c) => String(row[c])).join(' | ')} |`),
  ];
  process.stdout.write(`\nFault suite figures\n${lines.join('\n')}\n`);
}
