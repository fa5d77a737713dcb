/**
 * End to end: ours (ingest + dispatcher) between a steady stream of signed callbacks and the FCM
 * emulator. Latency is callback sent → FCM request received; every accepted event must reach each
 * token of its session exactly once.
 */
import type { BenchContext } from '../lib/bench-context';
import { BenchQueue } from '../lib/bench-queue';
import { BENCH_SECRET, CALLBACK_PATH, eventIdFor, newRunTag, SENT_AT_FIELD } from '../lib/callback-corpus';
import { startOurDispatcher, waitForWorker } from '../lib/dispatch-helpers';
import { countDeliveries, type EmulatorProcess } from '../lib/emulator-process';
import { IndexBitmap } from '../lib/index-bitmap';
import { startOurIngest } from '../lib/intake-servers';
import { startPacedLoad } from '../lib/load-protocol';
import { LOOPBACK } from '../lib/net-utils';
import { percentile } from '../lib/percentile';
import { type WindowUsage, WindowSampler } from '../lib/process-sampler';
import type { PacedParams, PacedResult } from '../load/paced.load';

export interface EndToEndResult {
  ratePerSec: number;
  durationSec: number;
  tokensPerSession: number;
  achievedRate: number;
  sent: number;
  accepted: number;
  statusCounts: Record<string, number>;
  /** Callback sent → FCM request received by the emulator, ms. */
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  callbackLatencyMs: PacedResult['callbackLatencyMs'];
  expectedPushes: number;
  delivered: number;
  lost: number;
  duplicates: number;
  /** CPU and peak RSS by role: ingest, dispatcher, emulator, redis; PostgreSQL; the machine. */
  usage: WindowUsage;
  problems: string[];
}

const SETTLE_TIMEOUT_MS = 60_000;
/** Seconds at the same rate before the measured window (JIT, connection pools, query plans); skipped in smoke mode. */
const WARMUP_SEC = 3;

export async function runEndToEnd(ctx: BenchContext, emulator: EmulatorProcess): Promise<EndToEndResult> {
  const { options } = ctx;
  const total = Math.round(options.e2eRate * options.e2eDurationSec);
  const set = await ctx.database.seedSessions('e2e', total, options.e2eTokensPerSession);
  const sessions = Array.from({ length: total }, (_, i) => set.sessionId(i));
  const prefix = BenchQueue.uniquePrefix('e2e');
  ctx.prefixes.add(prefix);
  const queue = new BenchQueue(options.redisUrl, prefix);
  await emulator.reset();
  const dispatcher = await startOurDispatcher(ctx, prefix, emulator, 'dispatcher-e2e');
  const ingest = await startOurIngest(ctx, prefix, 'ingest-e2e').catch(async (error: Error) => {
    await dispatcher.stop();
    throw error;
  });
  try {
    await waitForWorker(queue, dispatcher.child);
    const paced = (runTag: string, durationSec: number): PacedParams => ({
      host: LOOPBACK,
      port: ingest.port,
      path: CALLBACK_PATH,
      ratePerSec: options.e2eRate,
      durationSec,
      maxSockets: options.connections,
      corpus: { runTag, secret: BENCH_SECRET, sessions },
    });
    if (!options.smoke) {
      const warmup = await startPacedLoad(paced(newRunTag(), WARMUP_SEC)).result;
      await waitForPushes(emulator, IndexBitmap.fromBase64(warmup.accepted).size * options.e2eTokensPerSession);
      await emulator.reset();
    }
    const runTag = newRunTag();
    const load = startPacedLoad(paced(runTag, options.e2eDurationSec));
    await load.measuring;
    await Promise.all([ingest.probe.startProfile(), dispatcher.probe.startProfile()]);
    const redisPid = await queue.serverPid();
    const sampler = new WindowSampler({
      ingest: ingest.child.pid,
      dispatcher: dispatcher.child.pid,
      emulator: emulator.child.pid,
      redis: redisPid,
    }).start();
    const result = await load.result;
    const accepted = IndexBitmap.fromBase64(result.accepted);
    const expectedPushes = accepted.size * options.e2eTokensPerSession;
    await waitForPushes(emulator, expectedPushes);
    const usage = sampler.stop();
    await Promise.all([ingest.probe.stopProfile(), dispatcher.probe.stopProfile()]);

    const pushes = await emulator.requests();
    const { pairs, duplicates } = countDeliveries(pushes);
    let lost = 0;
    for (const index of accepted.indices()) {
      for (let k = 0; k < options.e2eTokensPerSession; k++) {
        if (!pairs.has(`${eventIdFor(runTag, index)}|${set.token(index, k)}`)) lost += 1;
      }
    }
    const latencies = pushes
      .filter((p) => p.status === 200 && p.message.data?.[SENT_AT_FIELD] !== undefined)
      .map((p) => p.at - Number(p.message.data?.[SENT_AT_FIELD]))
      .sort((a, b) => a - b);
    const problems: string[] = [];
    const others = Object.entries(result.statusCounts).filter(([status]) => status !== '202');
    if (others.length > 0) problems.push(`e2e: callbacks answered other than 202: ${others.map(([s, n]) => `${n}×${s}`).join(', ')}`);
    if (result.errors > 0) problems.push(`e2e: ${result.errors} callbacks failed (${result.firstError})`);
    if (lost > 0) problems.push(`e2e: ${lost} of ${expectedPushes} accepted pushes never reached the emulator`);
    if (duplicates > 0) problems.push(`e2e: ${duplicates} (event, token) pairs were pushed more than once`);
    return {
      ratePerSec: options.e2eRate,
      durationSec: options.e2eDurationSec,
      tokensPerSession: options.e2eTokensPerSession,
      achievedRate: Math.round(result.achievedRate),
      sent: result.sent,
      accepted: accepted.size,
      statusCounts: result.statusCounts,
      latencyMs: {
        p50: round(percentile(latencies, 50)),
        p90: round(percentile(latencies, 90)),
        p99: round(percentile(latencies, 99)),
        max: round(latencies.at(-1) ?? 0),
      },
      callbackLatencyMs: result.callbackLatencyMs,
      expectedPushes,
      delivered: pairs.size,
      lost,
      duplicates,
      usage,
      problems,
    };
  } finally {
    await ingest.stop();
    await dispatcher.stop();
    await queue.deleteKeys();
    await queue.close();
  }
}

/** Waits until the emulator has answered `expected` pushes with 200, or gives up after a minute. */
async function waitForPushes(emulator: EmulatorProcess, expected: number): Promise<void> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (((await emulator.stats()).byStatus['200'] ?? 0) >= expected) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
