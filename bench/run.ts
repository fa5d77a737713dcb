/**
 * `npm run bench` (and `npm run bench:smoke`): runs every scenario against the local Redis and
 * Postgres, prints the tables and writes bench/results/latest.json. Exits non-zero only when the run
 * is broken (a crash, a lost or duplicated event, a non-202), never because a ratio was missed.
 */
import 'reflect-metadata';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import IORedis from 'ioredis';
import { type BenchContext, isBuilt } from './lib/bench-context';
import { BenchDatabase } from './lib/bench-database';
import { parseBenchOptions, type BenchOptions } from './lib/bench-options';
import { BenchQueue } from './lib/bench-queue';
import { type BenchReport, computeTargets, formatReport, type MachineInfo } from './lib/bench-report';
import { killAllChildrenNow, stopAllChildren } from './lib/child-process';
import { EmulatorProcess } from './lib/emulator-process';
import type { IntakeVariant } from './lib/intake-servers';
import { Rounds } from './lib/rounds';
import { type DispatchResult, type DispatchVariant, runDispatchScenario } from './scenarios/dispatch.scenario';
import { runEndToEnd } from './scenarios/end-to-end.scenario';
import { type IngestResult, runIngestScenario } from './scenarios/ingest.scenario';
import { formatSoak } from './lib/soak-report';
import { runSoak } from './scenarios/soak.scenario';
import { formatSummary, summarise } from './profiling/profile-summary';

const INGEST_VARIANTS: IntakeVariant[] = ['floor-a', 'floor-b', 'naive-nest', 'ours', 'ours-replicated', 'ours-replica-ack'];
const DISPATCH_VARIANTS: DispatchVariant[] = ['floor-c', 'floor-d', 'ours', 'ours-history-off'];

/** A scenario that could not run is listed, and fails the run: the table would be missing a column. */
function skip(report: BenchReport, reason: string): void {
  report.skipped.push(reason);
  report.problems.push(`skipped ${reason}`);
}

function roundLabel(round: number, options: BenchOptions): string {
  return options.repeat > 1 ? `, round ${round} of ${options.repeat}` : '';
}

function log(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

async function machineInfo(options: BenchOptions): Promise<MachineInfo> {
  const redis = new IORedis(options.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true, retryStrategy: () => null });
  redis.on('error', () => undefined); // reported by the failing command below
  const pg = new Client({ connectionString: options.databaseAdminUrl });
  try {
    await redis.connect();
    const redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?';
    await pg.connect();
    const postgres = (await pg.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v;
    const cpu = cpus();
    return {
      cpuModel: cpu[0]?.model.trim() ?? 'unknown',
      cores: cpu.length,
      memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
      loadAverageAtStart: loadavg(),
      node: process.versions.node,
      redis: redisVersion,
      postgres: `PostgreSQL ${postgres.split(' ')[0]}`,
    };
  } catch (error) {
    throw new Error(
      `the benchmark needs the local services: Redis at ${options.redisUrl} and PostgreSQL at ${options.databaseAdminUrl} ` +
        `(BENCH_REDIS_URL / BENCH_DATABASE_URL override them): ${(error as Error).message}`,
    );
  } finally {
    redis.disconnect();
    await pg.end().catch(() => undefined);
  }
}

/** Runs one scenario; a failure becomes a problem in the report instead of ending the run. */
async function attempt<T>(report: BenchReport, name: string, fn: () => Promise<T>): Promise<T | undefined> {
  if (aborted) throw new AbortedError();
  log(`${name} …`);
  try {
    return await fn();
  } catch (error) {
    report.problems.push(`${name}: ${(error as Error).message}`);
    log(`${name} failed: ${(error as Error).message}`);
    return undefined;
  }
}

async function runGroups(ctx: BenchContext, report: BenchReport): Promise<void> {
  const { options } = ctx;
  const selected = <T extends string>(variants: T[]) => variants.filter((v) => options.variants?.has(v) ?? true);
  if (options.groups.has('ingest')) {
    const rounds = new Rounds<IngestResult>((r) => r.requestsPerSec);
    if (!isBuilt('ingest')) skip(report, 'ingest ours: dist/apps/ingest is not built (npm run build)');
    for (let round = 1; round <= options.repeat; round++) {
      for (const variant of selected(INGEST_VARIANTS).filter((v) => !v.startsWith('ours') || isBuilt('ingest'))) {
        const result = await attempt(report, `ingest ${variant}${roundLabel(round, options)}`, () => runIngestScenario(ctx, variant));
        if (result) {
          rounds.add(variant, result);
          report.problems.push(...result.problems);
          log(`  ${result.requestsPerSec} req/s, p99 ${result.latencyMs.p99} ms, ${result.accepted} accepted`);
        }
      }
    }
    report.ingest.push(...rounds.medians());
  }
  const missing = (['emulator', 'dispatcher', 'ingest'] as const).filter((app) => !isBuilt(app));
  if (options.groups.has('soak')) {
    if (missing.length > 0) skip(report, `soak: not built: ${missing.join(', ')} (npm run build)`);
    else {
      const result = await attempt(report, `soak (${options.soakRate} callbacks/s for ${options.soakSeconds} s)`, () => runSoak(ctx, options.resultsDir));
      if (result) {
        report.soak = result;
        report.problems.push(...result.problems);
        log(`  ${result.achievedRate} callbacks/s sustained; chart ${result.chart}`);
      }
    }
  }
  const needsEmulator = options.groups.has('dispatch') || options.groups.has('e2e');
  if (needsEmulator && missing.length > 0) {
    skip(report, `dispatch and end-to-end: not built: ${missing.join(', ')} (npm run build)`);
    return;
  }
  if (!needsEmulator) return;
  const maxRecorded = Math.ceil(
    Math.max(options.dispatchJobs * Math.max(...options.tokensPerSession), options.e2eRate * options.e2eDurationSec * options.e2eTokensPerSession) * 1.2,
  );
  const emulator = await EmulatorProcess.start(maxRecorded);
  try {
    if (options.groups.has('dispatch')) {
      for (const tokens of options.tokensPerSession) {
        const set = await ctx.database.seedSessions(`d${tokens}`, options.dispatchJobs, tokens);
        const rounds = new Rounds<DispatchResult>((r) => r.pushesPerSec ?? r.jobsPerSec ?? 0);
        for (let round = 1; round <= options.repeat; round++) {
          for (const variant of selected(DISPATCH_VARIANTS)) {
            const name = `dispatch ${variant} (${tokens} token(s))${roundLabel(round, options)}`;
            const result = await attempt(report, name, () => runDispatchScenario(ctx, variant, set, emulator));
            if (result) {
              rounds.add(variant, result);
              report.problems.push(...result.problems);
              log(`  ${result.jobsPerSec ?? '–'} jobs/s, ${result.pushesPerSec ?? '–'} pushes/s in ${result.elapsedSec.toFixed(2)} s`);
            }
          }
        }
        report.dispatch.push(...rounds.medians());
      }
    }
    if (options.groups.has('e2e')) {
      const result = await attempt(report, 'end-to-end', () => runEndToEnd(ctx, emulator));
      if (result) {
        report.endToEnd = result;
        report.problems.push(...result.problems);
        log(`  p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, lost ${result.lost}`);
      }
    }
  } finally {
    await emulator.stop();
  }
}

let aborted = false;

class AbortedError extends Error {
  constructor() {
    super('interrupted');
  }
}

/** Stops children, deletes the run's Redis keys and drops its database; set once both exist. */
let cleanUp: (() => Promise<void>) | undefined;

/** With --profile: where each of our processes spent its time, from the profiles this run wrote. */
function printProfiles(dir: string, since: number): void {
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort()) {
    const path = join(dir, name);
    if (statSync(path).mtimeMs < since) continue;
    const summary = summarise(JSON.parse(readFileSync(path, 'utf8')), 15);
    process.stdout.write(`\nCPU profile ${path}\n${formatSummary(summary)}\n`);
  }
}

async function main(): Promise<number> {
  const options = parseBenchOptions(process.argv.slice(2), process.env);
  const report: BenchReport = {
    startedAt: new Date().toISOString(),
    mode: options.smoke ? 'smoke' : 'full',
    machine: await machineInfo(options),
    settings: {
      connections: options.connections,
      ingestLoad: options.ingestAmount !== undefined ? `${options.ingestAmount} requests per scenario` : `${options.ingestDurationSec} s per scenario after a 2 s warm-up`,
      dispatchJobs: options.dispatchJobs,
      dispatchConcurrency: options.dispatchConcurrency,
      repeat: options.repeat,
      tokensPerSession: options.tokensPerSession,
      e2eRate: options.e2eRate,
      e2eDurationSec: options.e2eDurationSec,
      logLevel: options.logLevel,
      appNodeOptions: options.appNodeOptions ?? '',
      appEnv: options.appEnv,
      profile: options.profile,
    },
    ingest: [],
    dispatch: [],
    targets: [],
    skipped: [],
    problems: [],
  };
  const database = await BenchDatabase.create(options.databaseAdminUrl);
  const ctx: BenchContext = { options, database, prefixes: new Set() };
  cleanUp = async () => {
    cleanUp = undefined;
    await stopAllChildren();
    await BenchQueue.sweep(options.redisUrl, ctx.prefixes).catch((error: Error) => log(`could not delete the run's Redis keys: ${error.message}`));
    await database.drop().catch((error: Error) => log(`could not drop ${database.name}: ${error.message}`));
  };
  try {
    await runGroups(ctx, report);
  } finally {
    await cleanUp?.();
  }
  report.problems.push(...unexpected);
  report.finishedAt = new Date().toISOString();
  report.machine.loadAverageAtEnd = loadavg();
  // Smoke runs are far too short to measure anything: they check that every scenario still works.
  report.targets = options.smoke ? [] : computeTargets(report);
  mkdirSync(options.resultsDir, { recursive: true });
  const file = join(options.resultsDir, options.smoke ? 'smoke.json' : 'latest.json');
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\n${formatReport(report)}\n${report.soak ? `\n${formatSoak(report.soak)}\n` : ''}\nResults: ${file}\n`);
  if (options.profile) printProfiles(join(options.resultsDir, 'profiles'), Date.parse(report.startedAt));
  return report.problems.length > 0 ? 1 : 0;
}

process.on('exit', killAllChildrenNow);
// A stray rejection is a bug of the benchmark: report it and finish the run, so the clean-up still happens.
const unexpected: string[] = [];
process.on('unhandledRejection', (error) => {
  unexpected.push(`unexpected error: ${(error as Error)?.stack ?? String(error)}`);
  log(unexpected[unexpected.length - 1]);
});
// First signal: stop the children, let the current scenario remove its keys, start no other one, then
// clean up as on a normal end. A second signal ends at once.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (aborted) process.exit(130);
    aborted = true;
    log(`${signal}: stopping the children and cleaning up (again to quit at once)`);
    void stopAllChildren();
  });
}

main().then(
  (code) => process.exit(aborted ? 130 : code),
  (error: Error) => {
    process.stderr.write(`bench: ${error.message}\n`);
    process.exit(aborted ? 130 : 1);
  },
);
