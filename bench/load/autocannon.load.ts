/**
 * The ingest load generator, in a process of its own: autocannon at a fixed number of keep-alive
 * connections, each request a pre-signed callback with an eventId never used before.
 */
import autocannon from 'autocannon';
import { buildCorpus, type CorpusSpec, signedCallback } from '../lib/callback-corpus';
import { IndexBitmap } from '../lib/index-bitmap';
import type { LoadParams, LoadResult } from '../lib/load-protocol';

let params: LoadParams;
let corpus: { bodies: string[]; signatures: string[] };
let next = 0;
let signedLive = 0;
const accepted = new IndexBitmap(1 << 20);
let statusCounts: Record<string, number> = {};

interface Slot {
  index?: number;
}

function nextCallback(spec: CorpusSpec): { index: number; body: string; signature: string } {
  const index = next++;
  if (index < corpus.bodies.length) return { index, body: corpus.bodies[index], signature: corpus.signatures[index] };
  // Only when the corpus was sized too small for this machine: counted and reported.
  signedLive += 1;
  return { index, ...signedCallback(spec, index) };
}

function run(phase: { durationSec?: number; amount?: number }): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: params.url,
        connections: params.connections,
        pipelining: 1,
        timeout: 10,
        ...(phase.amount !== undefined ? { amount: phase.amount } : { duration: phase.durationSec }),
        requests: [
          {
            method: 'POST',
            path: params.path,
            setupRequest: (request, context) => {
              const callback = nextCallback(params.corpus);
              (context as Slot).index = callback.index;
              request.body = callback.body;
              request.headers = { 'content-type': 'application/json', 'x-hmac': callback.signature };
              return request;
            },
            onResponse: (status, _body, context) => {
              statusCounts[status] = (statusCounts[status] ?? 0) + 1;
              const index = (context as Slot).index;
              if (status === 202 && index !== undefined) accepted.add(index);
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

function percentile(result: autocannon.Result, key: string): number {
  return (result.latency as unknown as Record<string, number>)[key] ?? 0;
}

async function measure(): Promise<LoadResult> {
  if (params.warmupSec > 0) await run({ durationSec: params.warmupSec });
  const warmupStatusCounts = statusCounts;
  statusCounts = {};
  process.send?.({ type: 'measuring' });
  const started = performance.now();
  const result = await run({ durationSec: params.durationSec, amount: params.amount });
  const elapsedSec = (performance.now() - started) / 1000;
  const responses = Object.values(statusCounts).reduce((a, b) => a + b, 0);
  return {
    elapsedSec,
    responses,
    requestsPerSec: responses / (params.amount !== undefined ? elapsedSec : result.duration),
    statusCounts,
    warmupStatusCounts,
    latencyMs: {
      p50: percentile(result, 'p50'),
      p90: percentile(result, 'p90'),
      p99: percentile(result, 'p99'),
      max: result.latency.max,
      mean: result.latency.mean,
    },
    errors: result.errors,
    timeouts: result.timeouts,
    used: next,
    signedLive,
    accepted: accepted.toBase64(),
  };
}

process.on('message', (message: { type: string; params?: LoadParams }) => {
  if (message.type === 'prepare' && message.params) {
    params = message.params;
    corpus = buildCorpus(params.corpus, params.corpusSize);
    process.send?.({ type: 'prepared', size: corpus.bodies.length });
  } else if (message.type === 'go') {
    measure().then(
      (result) => process.send?.({ type: 'result', result }, () => process.exit(0)),
      (error: Error) => process.send?.({ type: 'error', message: error.stack ?? error.message }, () => process.exit(1)),
    );
  }
});
