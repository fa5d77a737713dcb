/**
 * Shared steps of the dispatch scenarios: queue N jobs while the queue is paused, start a consumer,
 * then time from `resume()` until nothing is left to do.
 */
import { join } from 'node:path';
import { JobName, type NotificationJobData, notificationJobId, notificationJobOptions } from '@app/queue';
import { AppProbe } from './app-probe';
import { APP_ENTRIES, appEnv, appExecArgv, type BenchContext, DIST_ROOT } from './bench-context';
import type { SessionSet } from './bench-database';
import { BenchQueue } from './bench-queue';
import { eventFor } from './callback-corpus';
import { type ChildHandle, startChild } from './child-process';
import type { EmulatorProcess } from './emulator-process';
import { freePort, LOOPBACK, waitForHttp } from './net-utils';

const ADD_CHUNK = 1_000;

/** Job options of the ingest's defaults (DISPATCH_MAX_ATTEMPTS 8, DISPATCH_BACKOFF_MS 1000). */
const JOB_OPTIONS = notificationJobOptions({ maxAttempts: 8, backoffMs: 1000 });

/** Queues one job per session of `set`, as the ingest writes them, into a paused queue. */
export async function fillPausedQueue(queue: BenchQueue, runTag: string, set: SessionSet, jobs: number): Promise<void> {
  await queue.queue.pause();
  const receivedAt = new Date().toISOString();
  for (let start = 0; start < jobs; start += ADD_CHUNK) {
    const batch = [];
    for (let i = start; i < Math.min(jobs, start + ADD_CHUNK); i++) {
      // Dated when queued: the dispatcher expires events by eventDate (DISPATCH_MAX_AGE_SECONDS), and a
      // long run (--repeat on a busy machine) reaches the dispatch scenarios well after it started.
      const event = { ...eventFor({ runTag, secret: '', sessions: [set.sessionId(i)] }, i), eventDate: receivedAt };
      const data: NotificationJobData = { configId: 'default', event, receivedAt };
      batch.push({ name: JobName.Deliver, data, opts: { ...JOB_OPTIONS, jobId: notificationJobId('default', event.eventId) } });
    }
    await queue.queue.addBulk(batch);
  }
}

/** Waits until a worker of the queue is connected to Redis. */
export async function waitForWorker(queue: BenchQueue, child: ChildHandle, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!child.running) throw new Error(`${child.name} exited while starting${child.stderr ? `:\n${child.stderr}` : ''}`);
    if ((await queue.queue.getWorkersCount()) > 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${child.name}: no worker connected within ${timeoutMs} ms`);
}

/** Resumes the queue and resolves with the seconds until no job is waiting, active or delayed. */
export async function timeDrain(queue: BenchQueue, timeoutMs: number): Promise<{ elapsedSec: number; drained: boolean }> {
  const started = performance.now();
  await queue.queue.resume();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (BenchQueue.unfinished(await queue.counts()) === 0) {
      return { elapsedSec: (performance.now() - started) / 1000, drained: true };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { elapsedSec: (performance.now() - started) / 1000, drained: false };
}

export interface Consumer {
  child: ChildHandle;
  probe: AppProbe;
  stop(): Promise<void>;
}

/** Floor C's worker (bench/dispatch/empty.worker.ts) on the scenario's prefix. */
export function startEmptyWorker(ctx: BenchContext, prefix: string, profileName: string): Consumer {
  const child = startChild({
    name: 'floor-c worker',
    script: join(DIST_ROOT, 'bench/dispatch/empty.worker.js'),
    env: { REDIS_URL: ctx.options.redisUrl, QUEUE_PREFIX: prefix, DISPATCH_CONCURRENCY: String(ctx.options.dispatchConcurrency) },
    execArgv: appExecArgv(),
  });
  return { child, probe: new AppProbe(ctx, child, profileName), stop: () => child.stop() };
}

/** Our dispatcher as built (dist/apps/dispatcher/src/main.js), on the scenario's prefix and the emulator. */
export async function startOurDispatcher(
  ctx: BenchContext,
  prefix: string,
  emulator: EmulatorProcess,
  profileName: string,
  env: Record<string, string> = {},
): Promise<Consumer> {
  const port = await freePort();
  const child = startChild({
    name: 'dispatcher',
    script: APP_ENTRIES.dispatcher,
    env: appEnv(ctx, {
      PORT: String(port),
      QUEUE_PREFIX: prefix,
      FCM_EMULATOR_HOST: emulator.hostPort,
      DISPATCH_CONCURRENCY: String(ctx.options.dispatchConcurrency),
      ...env,
    }),
    execArgv: appExecArgv(),
  });
  await waitForHttp(`http://${LOOPBACK}:${port}/health/live`, 30_000, () => child.running, () => child.stderr);
  return { child, probe: new AppProbe(ctx, child, profileName), stop: () => child.stop() };
}
