/**
 * Floor C: a BullMQ worker whose processor does nothing, at the dispatcher's concurrency, on the same
 * queue, job data and job options as ours. What is left is the queue's own cost per job.
 */
import { Worker } from 'bullmq';
import { NOTIFICATIONS_QUEUE } from '@app/queue';

const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const concurrency = Number(process.env.DISPATCH_CONCURRENCY ?? 200);

const worker = new Worker(NOTIFICATIONS_QUEUE, async () => undefined, {
  prefix: process.env.QUEUE_PREFIX,
  concurrency,
  connection: { host: redisUrl.hostname, port: Number(redisUrl.port || 6379), maxRetriesPerRequest: null },
});

worker.on('error', (error) => process.send?.({ type: 'error', message: error.message }));

worker.waitUntilReady().then(
  () => process.send?.({ type: 'ready' }),
  (error: Error) => {
    process.send?.({ type: 'error', message: error.message });
    process.exit(1);
  },
);

process.on('SIGTERM', () => void worker.close().finally(() => process.exit(0)));
