/**
 * Runs the hand-written hostile cases and the generated requests against a listening ingest and
 * tallies the answers: any 5xx, unexpected status or missing answer is a failure with its request.
 */
import fc from 'fast-check';
import { HOSTILE_CASES, type FuzzContext } from './hostile-cases';
import { describeRequest, generatedRequest, requestBytes } from './generated-requests';
import { rawExchange } from './raw-http';

export interface FuzzTally {
  requests: number;
  byStatus: Record<string, number>;
  serverErrors: number;
  failures: string[];
  slowestMs: number;
}

export function emptyTally(): FuzzTally {
  return { requests: 0, byStatus: {}, serverErrors: 0, failures: [], slowestMs: 0 };
}

function count(tally: FuzzTally, status: number, ms: number): void {
  tally.requests += 1;
  tally.byStatus[status] = (tally.byStatus[status] ?? 0) + 1;
  if (status >= 500) tally.serverErrors += 1;
  tally.slowestMs = Math.max(tally.slowestMs, ms);
}

/** Every hand-written case once; `parallel` of them at a time. */
export async function runHostileCases(ctx: FuzzContext, tally = emptyTally(), parallel = 4): Promise<FuzzTally> {
  const queue = [...HOSTILE_CASES];
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      const response = await rawExchange(ctx.target, c.parts(ctx), c.options);
      count(tally, response.status, response.ms);
      const ok = response.status === 0 ? c.expect.includes('no-answer') : c.expect.includes(response.status);
      if (!ok) {
        tally.failures.push(
          `${c.name}: got ${response.status || response.error} (expected ${c.expect.join(' or ')}) ${response.head.split('\r\n')[0]} ${response.body.slice(0, 200)}`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return tally;
}

/** `numRuns` generated requests; the first one answered 5xx (or not at all) fails the run, shrunk. */
export async function runGeneratedRequests(ctx: FuzzContext, numRuns: number, tally = emptyTally(), seed?: number): Promise<FuzzTally> {
  try {
    await fc.assert(
      fc.asyncProperty(generatedRequest(ctx), async (request) => {
        const response = await rawExchange(ctx.target, [requestBytes(request)], { timeoutMs: 10_000 });
        count(tally, response.status, response.ms);
        if (response.status === 0 || response.status >= 500) {
          throw new Error(`answered ${response.status || response.error}: ${response.body.slice(0, 300)}\nrequest: ${describeRequest(request)}`);
        }
      }),
      { numRuns, seed, endOnFailure: false, verbose: 0 },
    );
  } catch (error) {
    tally.failures.push((error as Error).message.slice(0, 4_000));
  }
  return tally;
}

export function formatTally(label: string, tally: FuzzTally): string {
  const statuses = Object.entries(tally.byStatus)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([s, n]) => `${s}:${n}`)
    .join(' ');
  return `${label}: ${tally.requests} requests, 5xx=${tally.serverErrors}, failures=${tally.failures.length}, slowest ${tally.slowestMs} ms [${statuses}]`;
}
