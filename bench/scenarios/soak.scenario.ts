/**
 * Soak: a steady callback load (1 to 3 devices per session, some devices failing once and retried,
 * some failing for good and dead-lettered) with every retention shortened so each cycles many times.
 * Samples Redis, Postgres and every process's RSS; fails when a figure still grows after the warm-up.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { DEAD_LETTER_QUEUE, NOTIFICATIONS_QUEUE } from '@app/queue';
import type { BenchContext } from '../lib/bench-context';
import type { SessionSet } from '../lib/bench-database';
import { BenchQueue } from '../lib/bench-queue';
import { BENCH_SECRET, CALLBACK_PATH, newRunTag } from '../lib/callback-corpus';
import { startOurDispatcher, waitForWorker } from '../lib/dispatch-helpers';
import { EmulatorProcess } from '../lib/emulator-process';
import { startOurIngest } from '../lib/intake-servers';
import { startPacedLoad } from '../lib/load-protocol';
import { LOOPBACK } from '../lib/net-utils';
import { OwnRedis, rssMb, tableSizes } from '../lib/soak-probes';
import { type FigureSummary, type SoakFigure, type SoakSample, summarise, svgChart } from '../lib/soak-series';

/** Retention and retry settings of the soak's apps: seconds instead of hours, so each cycles often. */
export const SOAK_ENV: Record<string, string> = {
  DISPATCH_BACKOFF_MS: '200',
  DISPATCH_MAX_ATTEMPTS: '3',
  DELIVERY_CLAIM_TTL_MS: '2000',
  QUEUE_COMPLETED_RETENTION_SECONDS: '10',
  QUEUE_FAILED_RETENTION_SECONDS: '15',
  DEAD_LETTER_RETENTION_DAYS: '0.0002',
  QUEUE_CLEAN_INTERVAL_SECONDS: '2',
};
/** The longest of those lifetimes (dead-letter entries: 0.0002 d ≈ 17 s), which the warm-up spans several times. */
const LONGEST_RETENTION_SEC = 17;
const SESSIONS_PER_SET = 3_000;

export interface SoakResult {
  ratePerSec: number;
  durationSec: number;
  achievedRate: number;
  sent: number;
  statusCounts: Record<string, number>;
  pushesAccepted: number;
  /** Pushes FCM accepted per second of load: what the dispatcher sustained. */
  pushesPerSec: number;
  pushesFailed: number;
  deadLetterEntriesAtEnd: number;
  warmupSec: number;
  samples: number;
  figures: FigureSummary[];
  /** MEMORY USAGE per kind of per-event key while the load ran. */
  bytesPerKey: Record<string, { keys: number; meanBytes: number }>;
  /** After the load and one ledger window: ledger keys left (must be 0) and the longest TTL of any key. */
  ledgerKeysAfterWindow: number;
  longestTtlMs: number;
  longestTtlKey?: string;
  usedMemoryBeforeMb: number;
  usedMemoryAfterMb: number;
  env: Record<string, string>;
  chart: string;
  problems: string[];
}

export async function runSoak(ctx: BenchContext, resultsDir: string): Promise<SoakResult> {
  const { options } = ctx;
  const durationSec = options.soakSeconds;
  const warmupSec = Math.min(Math.round(durationSec / 3), Math.max(LONGEST_RETENTION_SEC * 2, Math.round(durationSec / 5)));
  const sampleMs = options.smoke ? 1_000 : 5_000;
  const redis = await OwnRedis.start();
  const soakCtx: BenchContext = { ...ctx, options: { ...options, redisUrl: redis.url, appEnv: { ...SOAK_ENV, ...options.appEnv } } };
  const sets = await Promise.all([1, 2, 3].map((n) => ctx.database.seedSessions(`soak${n}`, SESSIONS_PER_SET, n)));
  // Sessions of 1, 2, 1, 3 devices in turn: 1.75 pushes per callback.
  const order = [0, 1, 0, 2];
  const sessions = Array.from({ length: SESSIONS_PER_SET * 4 }, (_, i) => sets[order[i % 4]].sessionId(Math.floor(i / 4)));
  const prefix = BenchQueue.uniquePrefix('soak');
  const queue = new BenchQueue(redis.url, prefix);
  const emulator = await EmulatorProcess.start(1_000);
  const stops: Array<() => Promise<void>> = [() => emulator.stop()];
  const problems: string[] = [];
  try {
    await failingDevices(emulator, sets);
    const dispatcher = await startOurDispatcher(soakCtx, prefix, emulator, 'dispatcher-soak');
    stops.unshift(() => dispatcher.stop());
    const ingest = await startOurIngest(soakCtx, prefix, 'ingest-soak');
    stops.unshift(() => ingest.stop());
    await waitForWorker(queue, dispatcher.child);
    const usedMemoryBefore = await redis.usedMemory();

    const load = startPacedLoad({
      host: LOOPBACK,
      port: ingest.port,
      path: CALLBACK_PATH,
      ratePerSec: options.soakRate,
      durationSec,
      maxSockets: options.connections,
      corpus: { runTag: newRunTag(), secret: BENCH_SECRET, sessions },
    });
    const pids: Record<string, number | undefined> = {
      ingest: ingest.child.pid,
      dispatcher: dispatcher.child.pid,
      emulator: emulator.child.pid,
      redis: redis.pid,
      'load generator': load.pid,
    };
    const samples: SoakSample[] = [];
    const started = Date.now();
    let done = false;
    const finished = load.result.finally(() => (done = true));
    let bytesPerKey: SoakResult['bytesPerKey'] = {};
    while (!done) {
      await Promise.race([finished.catch(() => undefined), new Promise((r) => setTimeout(r, sampleMs))]);
      if (done) break;
      await rearmTransientFailures(emulator, sets[2], samples.length);
      const point = await sample(redis, ctx, pids, (Date.now() - started) / 1000);
      const counts = await queue.counts();
      // Jobs not yet done: growing means the dispatcher does not keep up with the rate on this machine.
      point.values['queue backlog'] = counts.waiting + counts.active + counts.delayed + counts.prioritized;
      samples.push(point);
      // Key sizes once, mid-run, while every kind of key exists.
      if ((Date.now() - started) / 1000 > durationSec / 2 && Object.keys(bytesPerKey).length === 0) {
        bytesPerKey = await keySizes(redis, prefix);
      }
    }
    const result = await finished;
    if (Object.keys(bytesPerKey).length === 0) bytesPerKey = await keySizes(redis, prefix);
    // One ledger window (back-offs 200+400 ms, claim 2 s) and a margin: no event may be left in the ledger.
    await new Promise((r) => setTimeout(r, 5_000));
    const ledgerKeysAfterWindow = (await redis.scan(`${prefix}:ledger:*`)).length;
    const longest = await redis.longestTtl();
    const stats = await emulator.stats();
    const deadLetterEntriesAtEnd = await deadLetterCount(redis.url, prefix);

    const figures = figureList(samples, options.smoke);
    const summaries = summarise(figures, samples, warmupSec);
    for (const s of summaries.filter((f) => f.growing && !f.informational)) {
      problems.push(`soak: ${s.name} still grows after the warm-up (+${s.growth} ${s.unit}, ${s.slopePerHour} ${s.unit}/h)`);
    }
    if (ledgerKeysAfterWindow > 0) problems.push(`soak: ${ledgerKeysAfterWindow} ledger keys left after their window`);
    const others = Object.entries(result.statusCounts).filter(([status]) => status !== '202');
    if (others.length > 0) problems.push(`soak: callbacks answered other than 202: ${others.map(([s, n]) => `${n}×${s}`).join(', ')}`);
    if (result.errors > 0) problems.push(`soak: ${result.errors} callbacks failed (${result.firstError})`);

    mkdirSync(resultsDir, { recursive: true });
    const chart = join(resultsDir, options.smoke ? 'soak-smoke.svg' : 'soak.svg');
    const title = `Soak: ${options.soakRate} callbacks/s for ${Math.round(durationSec / 60)} min (warm-up shaded)`;
    writeFileSync(chart, svgChart(title, figures, samples, warmupSec));
    writeFileSync(join(resultsDir, options.smoke ? 'soak-smoke-samples.json' : 'soak-samples.json'), `${JSON.stringify(samples)}\n`);
    return {
      ratePerSec: options.soakRate,
      durationSec,
      achievedRate: Math.round(result.achievedRate),
      sent: result.sent,
      statusCounts: result.statusCounts,
      pushesAccepted: stats.byStatus['200'] ?? 0,
      pushesPerSec: Math.round((stats.byStatus['200'] ?? 0) / durationSec),
      pushesFailed: stats.received - (stats.byStatus['200'] ?? 0),
      deadLetterEntriesAtEnd,
      warmupSec,
      samples: samples.length,
      figures: summaries,
      bytesPerKey,
      ledgerKeysAfterWindow,
      longestTtlMs: longest.ttlMs,
      longestTtlKey: longest.key,
      usedMemoryBeforeMb: mb(usedMemoryBefore),
      usedMemoryAfterMb: mb(await redis.usedMemory()),
      env: SOAK_ENV,
      chart,
      problems,
    };
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
    await queue.close().catch(() => undefined);
    await redis.stop();
  }
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 100) / 100;

async function sample(redis: OwnRedis, ctx: BenchContext, pids: Record<string, number | undefined>, t: number): Promise<SoakSample> {
  const values: Record<string, number> = {
    'redis used_memory': mb(await redis.usedMemory()),
    'redis keys': await redis.keys(),
  };
  for (const [table, bytes] of Object.entries(await tableSizes(ctx.database))) values[`pg ${table}`] = mb(bytes);
  for (const [role, pid] of Object.entries(pids)) {
    const rss = rssMb(pid);
    if (rss !== null) values[`rss ${role}`] = rss;
  }
  return { t: Math.round(t * 10) / 10, values };
}

/** Every figure seen, with the growth under which it counts as flat. */
function figureList(samples: SoakSample[], smoke: boolean): SoakFigure[] {
  const names = [...new Set(samples.flatMap((s) => Object.keys(s.values)))];
  return names.map((name): SoakFigure => {
    if (name === 'redis used_memory') return { name, unit: 'MB', floor: 4 };
    if (name === 'redis keys') return { name, unit: 'keys', floor: 2_000 };
    if (name === 'queue backlog') return { name, unit: 'jobs', floor: 1_000 };
    // The delivery history keeps whole days (HISTORY_RETENTION_DAYS ≥ 1): no soak lasts long enough
    // for its retention to cycle, so it is shown (with its bytes per callback) and not judged.
    if (name.startsWith('pg history')) return { name, unit: 'MB', floor: 1, informational: true };
    if (name.startsWith('pg ')) return { name, unit: 'MB', floor: 1 };
    // The load generator keeps every callback's latency for its percentiles: it grows by design. A
    // smoke run is shorter than a V8 heap takes to settle: there RSS is shown, not judged.
    return { name, unit: 'MB', floor: 30, informational: smoke || name === 'rss load generator' };
  });
}

/** 1 % of single-device sessions always fail transiently (exhausted → dead letter); 1 % of two-device sessions have a rejected device. */
async function failingDevices(emulator: EmulatorProcess, sets: SessionSet[]): Promise<void> {
  for (let i = 7; i < SESSIONS_PER_SET; i += 100) {
    await setBehaviour(emulator, sets[0].token(i, 0), { outcome: 'internal' });
    await setBehaviour(emulator, sets[1].token(i + 6, 1), { outcome: 'invalid-payload' });
  }
}

/** Each sample, 20 devices of three-device sessions fail once: their job retries them and delivers. */
async function rearmTransientFailures(emulator: EmulatorProcess, set: SessionSet, round: number): Promise<void> {
  const tasks = [];
  for (let k = 0; k < 20; k++) {
    const session = (round * 20 + k) * 37 % SESSIONS_PER_SET;
    tasks.push(setBehaviour(emulator, set.token(session, 0), { outcome: 'unavailable', times: 1 }));
  }
  await Promise.all(tasks);
}

async function setBehaviour(emulator: EmulatorProcess, token: string, behaviour: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${emulator.url}/__emulator/tokens/${encodeURIComponent(token)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(behaviour),
  });
  if (!response.ok) throw new Error(`fcm-emulator behaviour: HTTP ${response.status}`);
}

/** MEMORY USAGE of the keys one event leaves: its job, its ledger hash, a dead-letter entry. */
async function keySizes(redis: OwnRedis, prefix: string): Promise<SoakResult['bytesPerKey']> {
  return {
    'notification job (hash)': await redis.meanKeyBytes(`${prefix}:${NOTIFICATIONS_QUEUE}:default/*`),
    'ledger event (hash)': await redis.meanKeyBytes(`${prefix}:ledger:*`),
    'dead-letter entry (hash)': await redis.meanKeyBytes(`${prefix}:${DEAD_LETTER_QUEUE}:default/*`),
  };
}

async function deadLetterCount(redisUrl: string, prefix: string): Promise<number> {
  const url = new URL(redisUrl);
  const dlq = new Queue(DEAD_LETTER_QUEUE, { prefix, connection: { host: url.hostname, port: Number(url.port) } });
  try {
    const counts = await dlq.getJobCounts('wait', 'failed', 'completed');
    return (counts.wait ?? 0) + (counts.failed ?? 0) + (counts.completed ?? 0);
  } finally {
    await dlq.close();
  }
}

