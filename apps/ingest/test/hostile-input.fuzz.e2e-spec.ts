import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createIngestApp } from '../src/ingest.app';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { deleteQueueKeys } from '../../../test/support/redis';
import { mb, settledMemory } from '../../../test/support/gc';
import { TEST_API_KEY, TEST_SECRET, testConfig } from '../../../test/support/test-config';
import { CALLBACK, type FuzzContext, validEvent } from '../../../test/fuzz/hostile-cases';
import { formatTally, runGeneratedRequests, runHostileCases } from '../../../test/fuzz/hostile-run';
import { rawExchange, rawRequest } from '../../../test/fuzz/raw-http';
import { signAxpEvent } from '@app/axp';

/** Generated requests per run here; `npm run test:faults` runs many more against the built app. */
const GENERATED_RUNS = 400;

describe('hostile input on every public route of the ingest', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let prefix: string;
  let ctx: FuzzContext;
  const serverErrors: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = testConfig('ingest', { DATABASE_URL: db.url, REGISTRATION_RATE_LIMIT: '1000000' });
    prefix = config.queue.prefix;
    app = await createIngestApp(config);
    // Counts 5xx answers the server sent, including those the client never read (it hung up first).
    app
      .getHttpAdapter()
      .getInstance()
      .addHook('onResponse', (request, reply, done) => {
        if (reply.statusCode >= 500) serverErrors.push(`${request.method} ${request.url.slice(0, 200)} → ${reply.statusCode}`);
        done();
      });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    ctx = { target: { host: '127.0.0.1', port }, secret: TEST_SECRET, apiKey: TEST_API_KEY };
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await deleteQueueKeys(prefix);
    await db?.drop();
  });

  it('answers every hand-written hostile request with its expected status, never a 5xx', async () => {
    const tally = await runHostileCases(ctx);
    process.stdout.write(`${formatTally('hand-written cases', tally)}\n`);
    expect(tally.failures).toEqual([]);
    expect(tally.serverErrors).toBe(0);
    expect(serverErrors).toEqual([]);
  }, 60_000);

  it('answers generated requests on every route with 2xx or 4xx, and memory stays flat', async () => {
    await runGeneratedRequests(ctx, 100); // warm-up: JIT, pools, lazily built routes
    const before = settledMemory();
    const tally = await runGeneratedRequests(ctx, GENERATED_RUNS);
    await runHostileCases(ctx, tally);
    const after = settledMemory();
    process.stdout.write(
      `${formatTally('generated + hand-written', tally)}; heapUsed ${mb(before.heapUsed)} → ${mb(after.heapUsed)}, rss ${mb(before.rss)} → ${mb(after.rss)}\n`,
    );
    expect(tally.failures).toEqual([]);
    expect(serverErrors).toEqual([]);
    // Leaks per request (a retained body, a listener per socket) would show as tens of MB here.
    expect(after.heapUsed - before.heapUsed).toBeLessThan(16 * 1024 * 1024);
  }, 120_000);

  it('never pollutes Object.prototype', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
  });

  it('keeps serving while 200 slow clients hold connections with unfinished headers', async () => {
    const sockets: Socket[] = [];
    try {
      for (let i = 0; i < 200; i++) {
        const socket = connect(ctx.target.port, ctx.target.host);
        socket.on('error', () => undefined);
        socket.write(`POST ${CALLBACK} HTTP/1.1\r\nhost: x\r\nx-slow: `);
        sockets.push(socket);
      }
      const event = validEvent();
      const body = JSON.stringify(event);
      const response = await rawExchange(ctx.target, [
        rawRequest('POST', CALLBACK, [
          ['host', 'x'],
          ['connection', 'close'],
          ['content-type', 'application/json'],
          ['x-hmac', signAxpEvent(TEST_SECRET, event.eventId, event.sessionId)],
          ['content-length', String(Buffer.byteLength(body))],
        ], body),
      ]);
      expect(response.status).toBe(202);
      expect(response.ms).toBeLessThan(2_000);
    } finally {
      sockets.forEach((s) => s.destroy());
    }
  });
});
