/**
 * Dispatch scenarios: N jobs queued first, then one consumer drains them. Floor C (empty BullMQ
 * worker), floor D (bare firebase-admin send loop) and ours (apps/dispatcher with its Postgres lookup).
 */
import { join } from 'node:path';
import { AppProbe, type HeapReport } from '../lib/app-probe';
import { appExecArgv, type BenchContext, DIST_ROOT } from '../lib/bench-context';
import type { SessionSet } from '../lib/bench-database';
import { BenchQueue } from '../lib/bench-queue';
import { eventIdFor, newRunTag } from '../lib/callback-corpus';
import { startChild } from '../lib/child-process';
import {
  type Consumer,
  fillPausedQueue,
  startEmptyWorker,
  startOurDispatcher,
  timeDrain,
  waitForWorker,
} from '../lib/dispatch-helpers';
import { countDeliveries, type EmulatorProcess } from '../lib/emulator-process';
import { type WindowUsage, WindowSampler } from '../lib/process-sampler';
import type { SendLoopParams, SendLoopResult } from '../dispatch/bare-send.loop';

export type DispatchVariant = 'floor-c' | 'floor-d' | 'ours' | 'ours-history-off';

export const DISPATCH_LABELS: Record<DispatchVariant, string> = {
  'floor-c': 'floor C: BullMQ worker, empty processor',
  'floor-d': 'floor D: bare firebase-admin send() loop',
  ours: 'ours: apps/dispatcher (Postgres lookup + send)',
  'ours-history-off': 'ours with HISTORY_ENABLED=false',
};

export interface DispatchResult {
  id: DispatchVariant;
  label: string;
  tokensPerSession: number;
  jobs: number;
  concurrency: number;
  elapsedSec: number;
  jobsPerSec?: number;
  pushesPerSec?: number;
  /** Pushes the emulator answered 200 (floor D and ours). */
  delivered?: number;
  duplicates?: number;
  /** CPU and peak RSS by role: consumer, emulator, redis; PostgreSQL; the machine. */
  usage: WindowUsage;
  /** Ours: the V8 heap right after the drain. */
  heap?: HeapReport;
  /** With --repeat: pushes/s (jobs/s for floor C) of every round (this result is the median one). */
  rounds?: number[];
  problems: string[];
}

const DRAIN_TIMEOUT_MS = 300_000;

/** Floor C and ours: the same queue filling and drain timing, different consumers. */
async function runQueueConsumer(
  ctx: BenchContext,
  variant: 'floor-c' | 'ours' | 'ours-history-off',
  set: SessionSet,
  emulator: EmulatorProcess,
): Promise<DispatchResult> {
  const { options } = ctx;
  const prefix = BenchQueue.uniquePrefix(`${variant}-t${set.tokensPerSession}`);
  ctx.prefixes.add(prefix);
  const queue = new BenchQueue(options.redisUrl, prefix);
  const runTag = newRunTag();
  const jobs = options.dispatchJobs;
  await emulator.reset();
  await fillPausedQueue(queue, runTag, set, jobs);
  // The history's cost: the same dispatcher, in the same run, with the history written and without.
  const consumer: Consumer =
    variant === 'floor-c'
      ? startEmptyWorker(ctx, prefix, `floor-c-t${set.tokensPerSession}`)
      : await startOurDispatcher(ctx, prefix, emulator, `${variant}-t${set.tokensPerSession}`, {
          HISTORY_ENABLED: variant === 'ours' ? 'true' : 'false',
        });
  try {
    await waitForWorker(queue, consumer.child);
    const redisPid = await queue.serverPid();
    await consumer.probe.startProfile();
    const sampler = new WindowSampler({ consumer: consumer.child.pid, emulator: emulator.child.pid, redis: redisPid }).start();
    const drain = await timeDrain(queue, DRAIN_TIMEOUT_MS);
    const usage = sampler.stop();
    await consumer.probe.stopProfile();
    const heap = await consumer.probe.heap();
    const counts = await queue.counts();
    const problems: string[] = [];
    const name = `${variant} (${set.tokensPerSession} token${set.tokensPerSession > 1 ? 's' : ''})`;
    if (!drain.drained) problems.push(`${name}: ${BenchQueue.unfinished(counts)} jobs left after ${DRAIN_TIMEOUT_MS / 1000} s`);
    if (counts.failed > 0) problems.push(`${name}: ${counts.failed} jobs failed`);
    const result: DispatchResult = {
      id: variant,
      label: DISPATCH_LABELS[variant],
      tokensPerSession: set.tokensPerSession,
      jobs,
      concurrency: options.dispatchConcurrency,
      elapsedSec: drain.elapsedSec,
      jobsPerSec: Math.round(jobs / drain.elapsedSec),
      usage,
      heap,
      problems,
    };
    if (variant !== 'floor-c') {
      const { pairs, duplicates } = countDeliveries(await emulator.requests());
      let missing = 0;
      for (let i = 0; i < jobs; i++) {
        for (let k = 0; k < set.tokensPerSession; k++) {
          if (!pairs.has(`${eventIdFor(runTag, i)}|${set.token(i, k)}`)) missing += 1;
        }
      }
      result.delivered = (await emulator.stats()).byStatus['200'] ?? 0;
      result.duplicates = duplicates;
      result.pushesPerSec = Math.round(result.delivered / drain.elapsedSec);
      if (missing > 0) problems.push(`${name}: ${missing} of ${jobs * set.tokensPerSession} pushes never reached the emulator`);
      if (duplicates > 0) problems.push(`${name}: ${duplicates} (event, token) pairs were pushed more than once`);
    }
    return result;
  } finally {
    await consumer.stop();
    await queue.deleteKeys();
    await queue.close();
  }
}

async function runSendLoop(ctx: BenchContext, set: SessionSet, emulator: EmulatorProcess): Promise<DispatchResult> {
  const { options } = ctx;
  await emulator.reset();
  const child = startChild({
    name: 'floor-d send loop',
    script: join(DIST_ROOT, 'bench/dispatch/bare-send.loop.js'),
    execArgv: appExecArgv(),
  });
  const probe = new AppProbe(ctx, child, `floor-d-t${set.tokensPerSession}`);
  try {
    const params: SendLoopParams = {
      emulatorHost: emulator.host,
      emulatorPort: emulator.port,
      maxSockets: 100,
      concurrency: options.dispatchConcurrency * set.tokensPerSession,
      jobs: options.dispatchJobs,
      tokensPerSession: set.tokensPerSession,
      sessionLabel: set.label,
      runTag: newRunTag(),
    };
    const measuring = child.waitFor('measuring', 60_000);
    const done = child.waitFor<{ type: string; result: SendLoopResult }>('result', DRAIN_TIMEOUT_MS);
    done.catch(() => undefined); // awaited below unless `measuring` fails first
    child.send({ type: 'run', params });
    await measuring;
    await probe.startProfile();
    const sampler = new WindowSampler({ consumer: child.pid, emulator: emulator.child.pid }).start();
    const { result } = await done;
    const usage = sampler.stop();
    await probe.stopProfile();
    const problems = result.failed > 0 ? [`floor-d: ${result.failed} sends failed (${result.firstError})`] : [];
    return {
      id: 'floor-d',
      label: DISPATCH_LABELS['floor-d'],
      tokensPerSession: set.tokensPerSession,
      jobs: options.dispatchJobs,
      concurrency: params.concurrency,
      elapsedSec: result.elapsedSec,
      pushesPerSec: Math.round(result.pushesPerSec),
      delivered: result.sent,
      usage,
      problems,
    };
  } finally {
    await child.stop();
  }
}

export function runDispatchScenario(
  ctx: BenchContext,
  variant: DispatchVariant,
  set: SessionSet,
  emulator: EmulatorProcess,
): Promise<DispatchResult> {
  return variant === 'floor-d' ? runSendLoop(ctx, set, emulator) : runQueueConsumer(ctx, variant, set, emulator);
}
