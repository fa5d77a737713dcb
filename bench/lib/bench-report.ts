/**
 * The run's results as the issue's targets read them: ratios against floors of the same run, printed
 * as Markdown tables (pasted as they are into BENCHMARKS.md) and written as JSON.
 */
import type { DispatchResult } from '../scenarios/dispatch.scenario';
import type { EndToEndResult } from '../scenarios/end-to-end.scenario';
import type { IngestResult } from '../scenarios/ingest.scenario';
import type { SoakResult } from '../scenarios/soak.scenario';
import type { WindowUsage } from './process-sampler';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
  node: string;
  redis: string;
  postgres: string;
}

export interface Target {
  name: string;
  value: number | null;
  target: string;
  met: boolean | null;
}

export interface BenchReport {
  startedAt: string;
  finishedAt?: string;
  mode: 'full' | 'smoke';
  machine: MachineInfo;
  settings: Record<string, unknown>;
  ingest: IngestResult[];
  dispatch: DispatchResult[];
  endToEnd?: EndToEndResult;
  soak?: SoakResult;
  targets: Target[];
  skipped: string[];
  problems: string[];
}

const n = (v: number | null | undefined, digits = 0): string =>
  v === null || v === undefined || Number.isNaN(v) ? '–' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function ratio(a: number | undefined, b: number | undefined): number | null {
  return a !== undefined && b !== undefined && b > 0 ? Math.round((a / b) * 100) / 100 : null;
}

function target(name: string, value: number | null, op: '≥' | '≤', bound: number, unit = ''): Target {
  return { name, value, target: `${op} ${bound}${unit}`, met: value === null ? null : op === '≥' ? value >= bound : value <= bound };
}

export function computeTargets(report: BenchReport): Target[] {
  const targets: Target[] = [];
  const ingest = (id: string) => report.ingest.find((r) => r.id === id);
  const ours = ingest('ours');
  if (ours) {
    targets.push(target('ingest: ours / floor B (req/s)', ratio(ours.requestsPerSec, ingest('floor-b')?.requestsPerSec), '≥', 1.0, '×'));
    targets.push(target('ingest: ours / naive NestJS (req/s)', ratio(ours.requestsPerSec, ingest('naive-nest')?.requestsPerSec), '≥', 3, '×'));
    targets.push(target('ingest: ours p99', ours.latencyMs.p99, '≤', 25, ' ms'));
    targets.push(target('ingest: ours p99 / floor B p99', ratio(ours.latencyMs.p99, ingest('floor-b')?.latencyMs.p99), '≤', 1.5, '×'));
    targets.push(target('ingest: ours peak RSS', ours.usage.processes.server?.peakRssMb ?? null, '≤', 200, ' MB'));
    targets.push(target('ingest: 202s without a job', ours.missingJobs ?? null, '≤', 0));
  }
  // The cost of REDIS_MIN_REPLICAS_ACK=1: both runs on a master with one replica, only the setting differs.
  const acked = ingest('ours-replica-ack');
  if (acked) {
    const off = ingest('ours-replicated')?.requestsPerSec;
    targets.push(target('ingest: REDIS_MIN_REPLICAS_ACK=1 / off (req/s)', ratio(acked.requestsPerSec, off), '≥', 0.5, '×'));
  }
  for (const t of [...new Set(report.dispatch.map((r) => r.tokensPerSession))]) {
    const of = (id: string) => report.dispatch.find((r) => r.id === id && r.tokensPerSession === t);
    const value = ratio(of('ours')?.pushesPerSec, of('floor-d')?.pushesPerSec);
    // Issue 17: one device per session (the common case) is bound by the per-job cost, three by the sends.
    const wanted = t === 1 ? 0.7 : 0.95;
    if (of('ours')) targets.push(target(`dispatch (${t} token${t > 1 ? 's' : ''}): ours / floor D (pushes/s)`, value, '≥', wanted, '×'));
    // Issue 13: the delivery history costs at most a tenth of the dispatcher's throughput.
    const history = ratio(of('ours')?.pushesPerSec, of('ours-history-off')?.pushesPerSec);
    if (of('ours') && of('ours-history-off')) {
      targets.push(target(`dispatch (${t} token${t > 1 ? 's' : ''}): history on / off (pushes/s)`, history, '≥', 0.9, '×'));
    }
  }
  const e2e = report.endToEnd;
  if (e2e) {
    targets.push(target('end-to-end p50', e2e.latencyMs.p50, '≤', 3, ' ms'));
    targets.push(target('end-to-end p99', e2e.latencyMs.p99, '≤', 20, ' ms'));
    targets.push(target('end-to-end lost or duplicated pushes', e2e.lost + e2e.duplicates, '≤', 0));
  }
  return targets;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

const cpu = (usage: WindowUsage, role: string) => n(usage.processes[role]?.cpuCores, 2);
/** CPU microseconds one process spends per unit of work: steadier than throughput on a busy machine. */
const perUnit = (usage: WindowUsage, role: string, rate: number | undefined) => {
  const cores = usage.processes[role]?.cpuCores;
  return cores === null || cores === undefined || !rate ? '–' : n((cores * 1e6) / rate);
};

export function formatReport(report: BenchReport): string {
  const out: string[] = [];
  const m = report.machine;
  out.push(`Machine: ${m.cores} × ${m.cpuModel}, ${n(m.memoryGb, 1)} GB RAM; Node ${m.node}, Redis ${m.redis}, ${m.postgres}.`);
  out.push(`Load average at start ${m.loadAverageAtStart.map((v) => v.toFixed(2)).join(' / ')}${m.loadAverageAtEnd ? `, at end ${m.loadAverageAtEnd.map((v) => v.toFixed(2)).join(' / ')}` : ''}. Mode: ${report.mode}.`);
  out.push('CPU columns are cores used during the measured window (1.00 = one core busy); "machine" counts every process, ours or not.');
  if (report.ingest.length > 0) {
    const s = report.settings;
    out.push('', `Ingest: ${s.connections} connections, ${s.ingestLoad}.`, '');
    out.push(
      table(
        ['scenario', 'req/s', 'p50 ms', 'p99 ms', '202 share', 'jobs / 202s', 'peak RSS MB', 'server CPU', 'server µs/req', 'load gen CPU', 'Redis CPU', 'machine CPU'],
        report.ingest.map((r) => [
          r.label,
          n(r.requestsPerSec),
          n(r.latencyMs.p50, 1),
          n(r.latencyMs.p99, 1),
          `${n(r.share202 * 100, 1)} %`,
          r.jobs === undefined ? '–' : `${n(r.jobs)} / ${n(r.accepted)}${r.missingJobs ? ` (${r.missingJobs} missing)` : ''}`,
          n(r.usage.processes.server?.peakRssMb),
          cpu(r.usage, 'server'),
          perUnit(r.usage, 'server', r.requestsPerSec),
          cpu(r.usage, 'loadGenerator'),
          cpu(r.usage, 'redis'),
          n(r.usage.machineCores, 2),
        ]),
      ),
    );
  }
  const spread = (rows: Array<{ label: string; rounds?: number[]; tokensPerSession?: number }>) =>
    rows
      .filter((r) => r.rounds)
      .map((r) => `  ${r.label}${r.tokensPerSession ? ` (${r.tokensPerSession} token(s))` : ''}: ${r.rounds!.map((v) => n(v)).join(' / ')}`);
  const ingestSpread = spread(report.ingest);
  if (ingestSpread.length > 0) out.push('', 'Every round, req/s (the median round is shown above):', ...ingestSpread);
  if (report.dispatch.length > 0) {
    out.push('', `Dispatch: ${report.settings.dispatchJobs} jobs queued first, dispatcher concurrency ${report.settings.dispatchConcurrency}.`, '');
    out.push(
      table(
        ['scenario', 'tokens', 'concurrency', 'jobs/s', 'pushes/s', 'time s', 'consumer CPU', 'consumer µs/job', 'emulator CPU', 'Redis CPU', 'Postgres CPU', 'machine CPU', 'peak RSS MB'],
        report.dispatch.map((r) => [
          r.label,
          String(r.tokensPerSession),
          r.id === 'floor-d' ? `${r.concurrency} sends` : `${r.concurrency} jobs`,
          n(r.jobsPerSec),
          n(r.pushesPerSec),
          n(r.elapsedSec, 2),
          cpu(r.usage, 'consumer'),
          perUnit(r.usage, 'consumer', r.jobsPerSec ?? (r.pushesPerSec ? r.pushesPerSec / r.tokensPerSession : undefined)),
          cpu(r.usage, 'emulator'),
          cpu(r.usage, 'redis'),
          n(r.usage.postgresCores, 2),
          n(r.usage.machineCores, 2),
          n(r.usage.processes.consumer?.peakRssMb),
        ]),
      ),
    );
  }
  const dispatchSpread = spread(report.dispatch);
  if (dispatchSpread.length > 0) out.push('', 'Every round, pushes/s (jobs/s for floor C):', ...dispatchSpread);
  const e = report.endToEnd;
  if (e) {
    out.push('', `End to end: ${e.ratePerSec} callbacks/s for ${e.durationSec} s, ${e.tokensPerSession} token(s) per session; latency = callback sent → FCM request received.`, '');
    out.push(
      table(
        ['achieved/s', 'accepted', 'pushes', 'lost', 'dup', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'callback p99 ms'],
        [[n(e.achievedRate), n(e.accepted), n(e.delivered), n(e.lost), n(e.duplicates), n(e.latencyMs.p50, 1), n(e.latencyMs.p90, 1), n(e.latencyMs.p99, 1), n(e.latencyMs.max, 1), n(e.callbackLatencyMs.p99, 1)]],
      ),
    );
    const roles = ['ingest', 'dispatcher', 'emulator', 'redis'].filter((r) => e.usage.processes[r]);
    out.push(
      '',
      `CPU: ${roles.map((r) => `${r} ${cpu(e.usage, r)}`).join(', ')}, PostgreSQL ${n(e.usage.postgresCores, 2)}, machine ${n(e.usage.machineCores, 2)}. ` +
        `Peak RSS: ingest ${n(e.usage.processes.ingest?.peakRssMb)} MB, dispatcher ${n(e.usage.processes.dispatcher?.peakRssMb)} MB.`,
    );
  }
  if (report.targets.length > 0) {
    out.push('', 'Targets:', '');
    out.push(table(['target', 'value', 'wanted', 'met'], report.targets.map((t) => [t.name, n(t.value, 2), t.target, t.met === null ? '–' : t.met ? 'yes' : 'NO'])));
  }
  if (report.mode === 'smoke') out.push('', 'Smoke mode: every scenario ran and was checked; its figures are not measurements and no target is judged.');
  for (const s of report.skipped) out.push(`Skipped: ${s}`);
  if (report.problems.length > 0) out.push('', 'Problems (the run is broken, not just slow):', ...report.problems.map((p) => `  - ${p}`));
  return out.join('\n');
}
