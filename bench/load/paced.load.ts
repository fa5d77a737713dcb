/**
 * The end-to-end load: an open-loop sender at a steady rate (not bursts once a second), each
 * callback signed when it leaves and stamped with its send time in an extra AXP field.
 */
import { Agent, request } from 'node:http';
import { type CorpusSpec, preciseNow, signedCallback } from '../lib/callback-corpus';
import { IndexBitmap } from '../lib/index-bitmap';
import { percentile } from '../lib/percentile';

export interface PacedParams {
  host: string;
  port: number;
  path: string;
  ratePerSec: number;
  durationSec: number;
  maxSockets: number;
  corpus: CorpusSpec;
}

export interface PacedResult {
  sent: number;
  achievedRate: number;
  statusCounts: Record<string, number>;
  errors: number;
  firstError?: string;
  /** Callback round trip (send → 202), ms. */
  callbackLatencyMs: { p50: number; p99: number; max: number };
  accepted: string;
}

async function run(params: PacedParams): Promise<PacedResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: params.maxSockets });
  const total = Math.round(params.ratePerSec * params.durationSec);
  const accepted = new IndexBitmap(total);
  const statusCounts: Record<string, number> = {};
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let sent = 0;
  let settled = 0;
  let allSettled: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (allSettled = resolve));

  const settle = () => {
    settled += 1;
    if (settled === total) allSettled();
  };
  const send = (index: number) => {
    const sentAt = preciseNow();
    const { body, signature } = signedCallback(params.corpus, index, sentAt);
    const req = request(
      {
        agent,
        host: params.host,
        port: params.port,
        path: params.path,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-hmac': signature },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          latencies.push(preciseNow() - sentAt);
          statusCounts[res.statusCode ?? 0] = (statusCounts[res.statusCode ?? 0] ?? 0) + 1;
          if (res.statusCode === 202) accepted.add(index);
          settle();
        });
      },
    );
    req.on('error', (error) => {
      errors += 1;
      firstError ??= error.message;
      settle();
    });
    req.end(body);
  };

  const started = preciseNow();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((preciseNow() - started) / 1000) * params.ratePerSec) + 1);
      while (sent < due) send(sent++);
      if (sent >= total) return resolve();
      setTimeout(tick, 1);
    };
    tick();
  });
  const sendingSec = (preciseNow() - started) / 1000;
  await finished;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    sent,
    achievedRate: sent / sendingSec,
    statusCounts,
    errors,
    firstError,
    callbackLatencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? 0 },
    accepted: accepted.toBase64(),
  };
}

process.on('message', (message: { type: string; params?: PacedParams }) => {
  if (message.type !== 'run' || !message.params) return;
  process.send?.({ type: 'measuring' });
  run(message.params).then(
    (result) => process.send?.({ type: 'result', result }, () => process.exit(0)),
    (error: Error) => process.send?.({ type: 'error', message: error.stack ?? error.message }, () => process.exit(1)),
  );
});
