/**
 * Floors A and B: the least a Node intake can do. A parses the JSON, checks the HMAC and answers
 * 202; B also stores the event with one BullMQ `add` per request (same job id and options as ours).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Queue } from 'bullmq';
import { JobName, NOTIFICATIONS_QUEUE, notificationJobId, notificationJobOptions } from '@app/queue';

const mode = process.argv[2] as 'ack' | 'queue-add';
const secret = process.env.AXP_SECRET ?? '';
const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const CONFIG_ID = 'default';
const jobOptions = notificationJobOptions({ maxAttempts: 8, backoffMs: 1000 });

const queue =
  mode === 'queue-add'
    ? new Queue(NOTIFICATIONS_QUEUE, {
        prefix: process.env.QUEUE_PREFIX,
        connection: { host: redisUrl.hostname, port: Number(redisUrl.port || 6379) },
      })
    : undefined;

function answer(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
}

function signatureMatches(eventId: string, sessionId: string, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || header.length !== 64) return false;
  const expected = createHmac('sha256', secret).update(eventId + sessionId).digest();
  return timingSafeEqual(expected, Buffer.from(header, 'hex'));
}

async function handle(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
  let event: Record<string, string>;
  try {
    event = JSON.parse(raw) as Record<string, string>;
  } catch {
    return answer(res, 400, '{"message":"body must be JSON"}');
  }
  if (typeof event?.eventId !== 'string' || typeof event.sessionId !== 'string') {
    return answer(res, 400, '{"message":"eventId and sessionId are required"}');
  }
  if (!signatureMatches(event.eventId, event.sessionId, req.headers['x-hmac'])) {
    return answer(res, 401, '{"message":"bad signature"}');
  }
  if (queue) {
    try {
      await queue.add(
        JobName.Deliver,
        { configId: CONFIG_ID, event, receivedAt: new Date().toISOString() },
        { ...jobOptions, jobId: notificationJobId(CONFIG_ID, event.eventId) },
      );
    } catch {
      return answer(res, 500, '{"message":"not stored"}');
    }
  }
  answer(res, 202, `{"eventId":${JSON.stringify(event.eventId)}}`);
}

const server = createServer({ keepAliveTimeout: 72_000 }, (req, res) => {
  if (req.method !== 'POST') return answer(res, 404, '{}');
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => void handle(req, res, Buffer.concat(chunks).toString('utf8')));
});

async function start(): Promise<void> {
  await queue?.waitUntilReady();
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send?.({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
  });
}

process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close();
  void (queue?.close() ?? Promise.resolve()).finally(() => process.exit(0));
});

start().catch((error: Error) => {
  process.send?.({ type: 'error', message: error.message });
  process.exit(1);
});
