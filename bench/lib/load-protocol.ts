/**
 * The parent's side of the load generator: prepare (pre-sign the corpus), go, collect the result.
 * The 'measuring' message marks the start of the measured window, after the warm-up.
 */
import { join } from 'node:path';
import type { PacedParams, PacedResult } from '../load/paced.load';
import type { CorpusSpec } from './callback-corpus';
import { type ChildMessage, startChild } from './child-process';
import { IndexBitmap } from './index-bitmap';

export interface LoadParams {
  url: string;
  path: string;
  connections: number;
  warmupSec: number;
  durationSec?: number;
  amount?: number;
  corpus: CorpusSpec;
  corpusSize: number;
}

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export interface LoadResult {
  elapsedSec: number;
  responses: number;
  requestsPerSec: number;
  statusCounts: Record<string, number>;
  warmupStatusCounts: Record<string, number>;
  latencyMs: LatencySummary;
  errors: number;
  timeouts: number;
  /** Callbacks taken from the corpus, warm-up included. */
  used: number;
  /** Callbacks signed during the run because the corpus was too small (should be 0). */
  signedLive: number;
  /** Base64 bitmap of the indices answered 202, warm-up included. */
  accepted: string;
}

export interface LoadRun {
  pid: number;
  /** Resolves when the measured window starts. */
  measuring: Promise<void>;
  result: Promise<{ result: LoadResult; accepted: IndexBitmap }>;
}

/** Forks the load generator, waits until its corpus is signed, then starts it. */
export async function startLoad(params: LoadParams): Promise<LoadRun> {
  const child = startChild({ name: 'load generator', script: join(__dirname, '../load/autocannon.load.js') });
  child.send({ type: 'prepare', params });
  await child.waitFor('prepared', 120_000);
  const measuring = child.waitFor('measuring', 120_000).then(() => undefined);
  const timeoutMs = ((params.durationSec ?? 60) + params.warmupSec) * 1000 + 120_000;
  const result = child.waitFor<ChildMessage & { result: LoadResult }>('result', timeoutMs).then(({ result }) => ({
    result,
    accepted: IndexBitmap.fromBase64(result.accepted),
  }));
  child.send({ type: 'go' });
  // Whoever awaits them gets the rejections; a caller that stops at the first one must not crash on the other.
  measuring.catch(() => undefined);
  result.catch(() => undefined);
  return { pid: child.pid, measuring, result };
}

/** Forks the paced (open-loop) sender of the end-to-end scenario and starts it. */
export function startPacedLoad(params: PacedParams): Omit<LoadRun, 'result'> & { result: Promise<PacedResult> } {
  const child = startChild({ name: 'e2e sender', script: join(__dirname, '../load/paced.load.js') });
  const measuring = child.waitFor('measuring', 30_000).then(() => undefined);
  const result = child
    .waitFor<ChildMessage & { result: PacedResult }>('result', (params.durationSec + 120) * 1000)
    .then((message) => message.result);
  measuring.catch(() => undefined);
  result.catch(() => undefined);
  child.send({ type: 'run', params });
  return { pid: child.pid, measuring, result };
}

/** Sizes the corpus so a fast machine rarely runs out: 45,000 callbacks per second of load. */
export function corpusSizeFor(durationSec: number | undefined, amount: number | undefined, warmupSec: number, connections: number): number {
  if (amount !== undefined) return amount + connections * 2;
  return Math.ceil(((durationSec ?? 10) + warmupSec) * 45_000);
}
