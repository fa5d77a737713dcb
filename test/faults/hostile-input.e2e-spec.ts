/**
 * Fault 6: hostile input against the built ingest process, on every public route: many more generated
 * requests than `npm test` runs, the hand-written cases, and slow clients held open while it all runs.
 * Only 2xx/4xx answers, no crash, RSS flat, stalled connections closed by the server's timeouts.
 */
import { connect, type Socket } from 'node:net';
import { TEST_API_KEY, TEST_SECRET } from '../support/test-config';
import { sleep, waitFor } from '../support/processes';
import { CALLBACK, type FuzzContext } from '../fuzz/hostile-cases';
import { emptyTally, formatTally, runGeneratedRequests, runHostileCases } from '../fuzz/hostile-run';
import { report } from './support/figures';
import { type AppProcess, FaultStack } from './support/stack';

const ROUNDS = 5;
const GENERATED_PER_ROUND = 800;
const MB = 1024 * 1024;

interface SlowClient {
  kind: 'headers' | 'body';
  openedAt: number;
  closedAt?: number;
  answer: string;
}

/** A client that trickles one byte every 500 ms and never finishes its request. */
function slowClient(port: number, kind: SlowClient['kind']): { client: SlowClient; socket: Socket } {
  const client: SlowClient = { kind, openedAt: Date.now(), answer: '' };
  const socket = connect(port, '127.0.0.1');
  const head = `POST ${CALLBACK} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n`;
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => (client.answer += chunk.toString('latin1')));
  socket.on('close', () => (client.closedAt = Date.now()));
  socket.write(kind === 'headers' ? head : `${head}content-length: 1000\r\n\r\n{`);
  const timer = setInterval(() => (socket.destroyed ? clearInterval(timer) : socket.write(kind === 'headers' ? 'x' : ' ')), 500);
  socket.on('close', () => clearInterval(timer));
  return { client, socket };
}

describe('fault 6: hostile input against the built ingest', () => {
  let stack: FaultStack;
  let ingest: AppProcess;
  let ctx: FuzzContext;

  beforeAll(async () => {
    stack = await FaultStack.start('hostile-input', { REGISTRATION_RATE_LIMIT: '1000000' });
    ingest = await stack.startIngest();
    ctx = { target: { host: '127.0.0.1', port: ingest.port }, secret: TEST_SECRET, apiKey: TEST_API_KEY };
  });

  afterAll(async () => {
    await stack?.destroy(process.env.FAULTS_KEEP_LOGS === '1');
  });

  it('answers only 2xx/4xx, never crashes, keeps RSS flat and closes stalled clients', async () => {
    const slow = [
      ...Array.from({ length: 25 }, () => slowClient(ingest.port, 'headers')),
      ...Array.from({ length: 25 }, () => slowClient(ingest.port, 'body')),
    ];
    const tally = emptyTally();
    const rss: number[] = [];
    await runGeneratedRequests(ctx, 200, tally); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      await runGeneratedRequests(ctx, GENERATED_PER_ROUND, tally);
      await runHostileCases(ctx, tally);
      await sleep(500);
      rss.push(ingest.rssBytes());
    }
    await waitFor('the server to close every stalled client', () => slow.every((s) => s.client.closedAt !== undefined), 40_000, 250);
    slow.forEach((s) => s.socket.destroy());

    const heldMs = (kind: SlowClient['kind']) =>
      Math.max(...slow.filter((s) => s.client.kind === kind).map((s) => s.client.closedAt! - s.client.openedAt));
    const statuses = new Set(slow.map((s) => /^HTTP\/1\.1 (\d{3})/.exec(s.client.answer)?.[1] ?? 'closed'));
    const growth = rss[rss.length - 1] - rss[1];
    process.stdout.write(`${formatTally('hostile input (built ingest)', tally)}\n`);
    const accepted = Object.entries(tally.byStatus)
      .filter(([status]) => status.startsWith('2'))
      .reduce((sum, [, n]) => sum + n, 0);
    report({
      scenario: '6 hostile input (fuzz)',
      sent: tally.requests,
      accepted,
      expected: '-',
      delivered: '-',
      duplicated: '-',
      lost: '-',
      notes:
        `5xx=${tally.serverErrors}, failures=${tally.failures.length}, crash: none; RSS per round ${rss.map((b) => (b / MB).toFixed(0)).join('/')} MB; ` +
        `50 slow clients closed by the server after at most ${heldMs('headers')} ms (headers) / ${heldMs('body')} ms (body), answers ${[...statuses].join(',')}`,
    });

    expect(tally.failures).toEqual([]);
    expect(tally.serverErrors).toBe(0);
    expect(ingest.alive).toBe(true);
    expect(await ingest.status('/health/live')).toBe(200);
    expect(growth).toBeLessThan(40 * MB);
    // headersTimeout 10 s and requestTimeout 30 s, enforced every 2 s.
    expect(heldMs('headers')).toBeLessThan(14_000);
    expect(heldMs('body')).toBeLessThan(34_000);
  });
});
