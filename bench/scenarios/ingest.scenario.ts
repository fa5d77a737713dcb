/**
 * Ingest scenarios: one intake variant in its own process, autocannon in another, a fixed number of
 * connections and a fixed duration; afterwards every 202 is matched to its job in Redis.
 */
import type { HeapReport } from '../lib/app-probe';
import { BenchQueue } from '../lib/bench-queue';
import type { BenchContext } from '../lib/bench-context';
import { CALLBACK_PATH, BENCH_SECRET, newRunTag } from '../lib/callback-corpus';
import { DURABLE, INTAKE_LABELS, type IntakeVariant, REPLICATED, startIntake } from '../lib/intake-servers';
import { corpusSizeFor, type LatencySummary, startLoad } from '../lib/load-protocol';
import { LOOPBACK } from '../lib/net-utils';
import { type WindowUsage, WindowSampler } from '../lib/process-sampler';
import { startReplicatedRedis } from '../lib/replicated-redis';

export interface IngestResult {
  id: IntakeVariant;
  label: string;
  requestsPerSec: number;
  latencyMs: LatencySummary;
  responses: number;
  statusCounts: Record<string, number>;
  share202: number;
  errors: number;
  timeouts: number;
  /** 202 answers over the whole run, warm-up included. */
  accepted: number;
  /** Jobs in Redis after the run (durable variants). */
  jobs?: number;
  /** Accepted callbacks without a job (must be 0). */
  missingJobs?: number;
  /** Events parked in the Postgres outbox at the end (ours; 0 while Redis is up). */
  outbox?: number;
  /** CPU and peak RSS by role: server, load generator, redis; PostgreSQL; the machine. */
  usage: WindowUsage;
  /** Ours: the V8 heap right after the load, to explain the peak RSS. */
  heap?: HeapReport;
  signedLive: number;
  /** With --repeat: req/s of every round (this result is the median one). */
  rounds?: number[];
  problems: string[];
}

const OUTBOX_WAIT_MS = 10_000;

export async function runIngestScenario(ctx: BenchContext, variant: IntakeVariant): Promise<IngestResult> {
  if (!REPLICATED.has(variant)) return measureIngest(ctx, variant);
  // The REDIS_MIN_REPLICAS_ACK pair: each on a fresh master with one replica, same settings otherwise.
  const redis = await startReplicatedRedis();
  try {
    return await measureIngest({ ...ctx, options: { ...ctx.options, redisUrl: redis.url } }, variant);
  } finally {
    await redis.stop();
  }
}

async function measureIngest(ctx: BenchContext, variant: IntakeVariant): Promise<IngestResult> {
  const { options } = ctx;
  const prefix = BenchQueue.uniquePrefix(variant);
  ctx.prefixes.add(prefix);
  const queue = new BenchQueue(options.redisUrl, prefix);
  const server = await startIntake(variant, ctx, prefix);
  try {
    const runTag = newRunTag();
    const warmupSec = options.smoke ? 0 : 2;
    const durationSec = options.ingestAmount === undefined ? options.ingestDurationSec : undefined;
    const load = await startLoad({
      url: `http://${LOOPBACK}:${server.port}`,
      path: CALLBACK_PATH,
      connections: options.connections,
      warmupSec,
      durationSec,
      amount: options.ingestAmount,
      corpus: { runTag, secret: BENCH_SECRET },
      corpusSize: corpusSizeFor(durationSec, options.ingestAmount, warmupSec, options.connections),
    });
    await load.measuring;
    await server.probe.startProfile();
    const redisPid = await queue.serverPid();
    const sampler = new WindowSampler({ server: server.child.pid, loadGenerator: load.pid, redis: redisPid }).start();
    const { result, accepted } = await load.result;
    const usage = sampler.stop();
    await server.probe.stopProfile();
    const heap = await server.probe.heap();

    const problems: string[] = [];
    const count202 = result.statusCounts['202'] ?? 0;
    const others = Object.entries(result.statusCounts).filter(([status]) => status !== '202');
    if (others.length > 0) problems.push(`${variant}: answers other than 202: ${others.map(([s, n]) => `${n}×${s}`).join(', ')}`);
    if (result.errors > 0) problems.push(`${variant}: ${result.errors} request errors (${result.timeouts} timeouts)`);
    if (count202 === 0) problems.push(`${variant}: no callback was accepted`);

    const measured: IngestResult = {
      id: variant,
      label: INTAKE_LABELS[variant],
      requestsPerSec: Math.round(result.requestsPerSec),
      latencyMs: result.latencyMs,
      responses: result.responses,
      statusCounts: result.statusCounts,
      share202: result.responses > 0 ? count202 / result.responses : 0,
      errors: result.errors,
      timeouts: result.timeouts,
      accepted: accepted.size,
      usage,
      heap,
      signedLive: result.signedLive,
      problems,
    };
    if (DURABLE.has(variant)) {
      if (variant === 'ours' || REPLICATED.has(variant)) measured.outbox = await waitForEmptyOutbox(ctx);
      measured.jobs = BenchQueue.total(await queue.counts());
      measured.missingJobs = await queue.missingJobs(runTag, accepted);
      if (measured.missingJobs > 0) problems.push(`${variant}: ${measured.missingJobs} of ${accepted.size} accepted callbacks have no job in Redis`);
      if (measured.jobs < accepted.size) problems.push(`${variant}: ${measured.jobs} jobs for ${accepted.size} accepted callbacks`);
      if (measured.outbox) problems.push(`${variant}: ${measured.outbox} events still in the outbox after ${OUTBOX_WAIT_MS} ms`);
    }
    return measured;
  } finally {
    await server.stop();
    await queue.deleteKeys();
    await queue.close();
  }
}

/** Ours parks events in Postgres when Redis is slow; give the relay time to move them before counting. */
async function waitForEmptyOutbox(ctx: BenchContext): Promise<number> {
  const deadline = Date.now() + OUTBOX_WAIT_MS;
  let count = await ctx.database.outboxCount();
  while (count > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    count = await ctx.database.outboxCount();
  }
  return count;
}
