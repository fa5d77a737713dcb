/**
 * The running-stack fuzz run: the built ingest, dispatcher and admin processes with their own
 * Redis, Postgres and FCM emulator (test/faults/support/stack.ts), sent generated requests many at
 * a time. Afterwards every accepted event must have an outcome, and the figures say how it went.
 */
import fc from 'fast-check';
import { DEAD_LETTER_QUEUE, type DeadLetterJobData, NOTIFICATIONS_QUEUE, notificationJobId } from '@app/queue';
import { TEST_API_KEY, TEST_SECRET } from '../support/test-config';
import { type AppProcess, FaultStack } from '../faults/support/stack';
import { describeRequest, generatedRequest, requestBytes } from './generated-requests';
import { rawExchange } from './raw-http';
import { KeepAliveClient } from './stack-client';
import { type FuzzRequest, stackRequest } from './stack-requests';

export interface StackFuzzOptions {
  requests: number;
  seed: number;
  concurrency?: number;
}

export interface RssFigures {
  startMb: number;
  endMb: number;
  /** Median RSS of each tenth of the run, MB: a leak climbs all the way, a heap settling levels off. */
  tenthsMb: number[];
}

export interface StackFuzzFigures {
  seed: number;
  requests: number;
  byStatus: Record<string, number>;
  exits: string[];
  serverErrors: string[];
  unexpected: string[];
  timeouts: string[];
  /** Connections closed without an answer (a refused body the client was still writing): not failures. */
  noAnswer: number;
  accepted: number;
  withoutOutcome: string[];
  completed: number;
  deadLettered: number;
  delivered: number;
  rss: Record<string, RssFigures>;
  seconds: number;
  /** Seconds spent sending, without starting the stack and waiting for the outcomes. */
  sendSeconds: number;
}

const ADMIN_USER = 'faults';
const ADMIN_PASSWORD = 'faults-admin-pw';
const CHUNK = 500;
/** One request in RAW_EVERY goes over a bare socket, with bytes no HTTP client would write. */
const RAW_EVERY = 25;
const MB = 1024 * 1024;

export async function runStackFuzz(options: StackFuzzOptions): Promise<StackFuzzFigures> {
  const started = Date.now();
  const stack = await FaultStack.start('fuzz', {
    REGISTRATION_RATE_LIMIT: '1000000',
    QUEUE_COMPLETED_RETENTION_COUNT: '10000000',
    QUEUE_FAILED_RETENTION_COUNT: '10000000',
    DEAD_LETTER_RETENTION_COUNT: '10000000',
    ADMIN_USERNAME: ADMIN_USER,
    ADMIN_PASSWORD,
  });
  let failed = true;
  try {
    const sessions = (await stack.seedSessions(20, 1)).map((s) => s.sessionId);
    const ingest = await stack.startIngest();
    const dispatcher = await stack.startDispatcher();
    const admin = await stack.startAdmin();
    const apps: AppProcess[] = [ingest, dispatcher, admin, stack.emulatorProcess];
    const { figures, accepted } = await send(options, { ingest, admin }, sessions, apps);
    await stack.quiet(300_000);
    await settleOutcomes(stack, figures, accepted);
    figures.delivered = (await stack.emulator.stats()).received;
    for (const app of apps) if (!app.alive) figures.exits.push(`${app.name} exited: ${JSON.stringify(app.exitStatus)}\n${app.tail(20)}`);
    figures.seconds = Math.round((Date.now() - started) / 1000);
    failed = figures.exits.length + figures.serverErrors.length + figures.unexpected.length + figures.withoutOutcome.length > 0;
    return figures;
  } finally {
    await stack.destroy(failed);
  }
}

async function send(
  options: StackFuzzOptions,
  targets: { ingest: AppProcess; admin: AppProcess },
  sessions: string[],
  apps: AppProcess[],
): Promise<{ figures: StackFuzzFigures; accepted: Set<string> }> {
  const ctx = {
    secret: TEST_SECRET,
    apiKey: TEST_API_KEY,
    adminAuth: Buffer.from(`${ADMIN_USER}:${ADMIN_PASSWORD}`).toString('base64'),
    sessions,
    bodyLimit: 64 * 1024,
  };
  const arbitrary = stackRequest(ctx);
  const raw = generatedRequest({ target: { host: '127.0.0.1', port: targets.ingest.port }, secret: TEST_SECRET, apiKey: TEST_API_KEY });
  const clients = { ingest: new KeepAliveClient(targets.ingest.port), admin: new KeepAliveClient(targets.admin.port) };
  const figures: StackFuzzFigures = {
    seed: options.seed, requests: 0, byStatus: {}, exits: [], serverErrors: [], unexpected: [], timeouts: [], noAnswer: 0,
    accepted: 0, withoutOutcome: [], completed: 0, deadLettered: 0, delivered: 0, rss: {}, seconds: 0, sendSeconds: 0,
  };
  const accepted = new Set<string>();
  const rss = new Map<string, Array<{ at: number; bytes: number }>>(apps.map((a) => [a.name, []]));
  const sampleRss = () => {
    for (const app of apps) if (app.alive) rss.get(app.name)!.push({ at: figures.requests, bytes: app.rssBytes() });
  };
  const sampler = setInterval(sampleRss, 500);

  let next = 0;
  let chunk: FuzzRequest[] = [];
  let chunkStart = 0;
  const take = (): { index: number; request: FuzzRequest } | undefined => {
    if (next >= options.requests) return undefined;
    const index = next++;
    if (index - chunkStart >= chunk.length) {
      chunkStart = index;
      chunk = fc.sample(arbitrary, { seed: options.seed + index, numRuns: CHUNK });
    }
    return { index, request: chunk[index - chunkStart] };
  };
  const record = (status: number, where: string, answer: string) => {
    figures.requests += 1;
    figures.byStatus[status] = (figures.byStatus[status] ?? 0) + 1;
    if (status >= 500) figures.serverErrors.push(`${status} ${answer.slice(0, 300)} for ${where}`);
  };

  const worker = async () => {
    for (let item = take(); item; item = take()) {
      if (item.index % RAW_EVERY === 0) {
        const [request] = fc.sample(raw, { seed: options.seed + item.index, numRuns: 1 });
        const answer = await rawExchange({ host: '127.0.0.1', port: targets.ingest.port }, [requestBytes(request)], { timeoutMs: 20_000 });
        if (answer.status === 0 && answer.error === 'client timeout') figures.timeouts.push(describeRequest(request));
        else if (answer.status === 0) figures.noAnswer += 1;
        else record(answer.status, describeRequest(request), answer.body);
      }
      const { request } = item;
      const answer = await clients[request.target].send(request);
      if (answer.status === -1) continue; // the HTTP client would not write it; nothing was sent
      if (answer.status === 0) {
        if (answer.error === 'client timeout') figures.timeouts.push(describe(request));
        else figures.noAnswer += 1;
        continue;
      }
      record(answer.status, describe(request), answer.body);
      if (answer.status < 500 && request.statuses && !request.statuses.includes(answer.status)) {
        figures.unexpected.push(`${answer.status} (expected ${request.statuses.join('/')}) ${answer.body.slice(0, 200)} for ${describe(request)}`);
      }
      if (answer.status === 202 && request.eventId !== undefined) accepted.add(notificationJobId('default', request.eventId));
      if (answer.status === 202 && request.testPush) accepted.add((JSON.parse(answer.body) as { jobId: string }).jobId);
    }
  };
  const sendStarted = Date.now();
  try {
    sampleRss();
    await Promise.all(Array.from({ length: options.concurrency ?? 48 }, worker));
    sampleRss();
  } finally {
    clearInterval(sampler);
    clients.ingest.close();
    clients.admin.close();
  }
  figures.sendSeconds = Math.round((Date.now() - sendStarted) / 1000);
  figures.accepted = accepted.size;
  for (const [name, samples] of rss) figures.rss[name] = rssWindows(samples, options.requests);
  return { figures, accepted };
}

/** RSS early (after the first 10% of requests, once warmed up) and late (the last 20%), medians. */
function rssWindows(samples: Array<{ at: number; bytes: number }>, total: number): RssFigures {
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted.length ? sorted[Math.floor(sorted.length / 2)] : NaN;
  };
  const early = samples.filter((s) => s.at >= total * 0.1 && s.at <= total * 0.3).map((s) => s.bytes);
  const late = samples.filter((s) => s.at >= total * 0.8).map((s) => s.bytes);
  const first = early.length ? early : samples.slice(0, 3).map((s) => s.bytes);
  const last = late.length ? late : samples.slice(-3).map((s) => s.bytes);
  const tenthsMb = Array.from({ length: 10 }, (_, t) => {
    const inTenth = samples.filter((s) => s.at >= (total * t) / 10 && s.at < (total * (t + 1)) / 10).map((s) => s.bytes);
    return Math.round(median(inTenth) / MB);
  });
  return { startMb: Math.round(median(first) / MB), endMb: Math.round(median(last) / MB), tenthsMb };
}

/** Every accepted job id: completed (delivered, no device, expired...) or failed with a dead-letter entry. */
async function settleOutcomes(stack: FaultStack, figures: StackFuzzFigures, accepted: Set<string>): Promise<void> {
  const notifications = stack.queue(NOTIFICATIONS_QUEUE);
  const deadLetters = stack.queue<DeadLetterJobData>(DEAD_LETTER_QUEUE);
  try {
    const completed = new Set(await notifications.getRanges(['completed'], 0, -1, true));
    const failedIds = new Set(await notifications.getRanges(['failed'], 0, -1, true));
    const entries = await deadLetters.getJobs(['failed', 'wait', 'active', 'delayed', 'completed', 'prioritized'], 0, -1);
    const sources = new Set(entries.map((e) => e.data.sourceJobId));
    figures.completed = completed.size;
    figures.deadLettered = entries.length;
    for (const id of accepted) {
      // A dead-letter entry may also come from an earlier attempt of a job that is now completed.
      if (completed.has(id) || (failedIds.has(id) && sources.has(id))) continue;
      figures.withoutOutcome.push(id.slice(0, 200));
    }
  } finally {
    await Promise.all([notifications.close(), deadLetters.close()]);
  }
}

function describe(request: FuzzRequest): string {
  const body = request.body ? request.body.subarray(0, 300).toString('latin1') : '';
  return `${request.target} ${request.method} ${request.path.slice(0, 300)} ${JSON.stringify(request.headers).slice(0, 300)} ${JSON.stringify(body)}`;
}

export function formatFigures(f: StackFuzzFigures): string {
  const statuses = Object.entries(f.byStatus).sort(([a], [b]) => Number(a) - Number(b)).map(([s, n]) => `${s}:${n}`).join(' ');
  const rss = Object.entries(f.rss).map(([name, r]) => `${name} ${r.startMb}→${r.endMb} MB`).join(', ');
  return [
    `fuzz seed ${f.seed} (replay: FUZZ_SEED=${f.seed} FUZZ_REQUESTS=${f.requests}): ${f.requests} requests, sent in ${f.sendSeconds} s (${f.seconds} s in all) [${statuses}]`,
    `  process exits ${f.exits.length}, 5xx ${f.serverErrors.length}, unexpected answers ${f.unexpected.length}, client timeouts ${f.timeouts.length}, closed without answer ${f.noAnswer}`,
    `  accepted events ${f.accepted}: without outcome ${f.withoutOutcome.length}; jobs completed ${f.completed}, dead-letter entries ${f.deadLettered}, FCM sends received ${f.delivered}`,
    `  RSS (early→late median): ${rss}`,
    // A short run may leave a tenth without a sample: shown as '-'.
    ...Object.entries(f.rss).map(([name, r]) => `    ${name} by tenth of the run: ${r.tenthsMb.map((mb) => (Number.isNaN(mb) ? '-' : mb)).join(' ')} MB`),
  ].join('\n');
}
