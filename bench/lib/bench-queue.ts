/**
 * The benchmark's view of one scenario's queue: its own key prefix, job counts, the check that
 * every accepted callback has its job, and deleting every key of the prefix afterwards.
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { NOTIFICATIONS_QUEUE, notificationJobId } from '@app/queue';
import { eventIdFor } from './callback-corpus';
import type { IndexBitmap } from './index-bitmap';

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const;

export type JobCounts = Record<(typeof STATES)[number], number>;

function connectionOf(redisUrl: string): { host: string; port: number } {
  const url = new URL(redisUrl);
  return { host: url.hostname, port: Number(url.port || 6379) };
}

async function deletePrefix(redis: IORedis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 2000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

export class BenchQueue {
  readonly queue: Queue;
  private readonly redis: IORedis;

  constructor(
    readonly redisUrl: string,
    readonly prefix: string,
  ) {
    this.queue = new Queue(NOTIFICATIONS_QUEUE, { prefix, connection: connectionOf(redisUrl) });
    this.redis = new IORedis(redisUrl, { maxRetriesPerRequest: 3 });
  }

  /** A prefix of its own per scenario, with a hash tag as on a Redis Cluster. */
  static uniquePrefix(label: string): string {
    return `{bench-${label}-${randomBytes(3).toString('hex')}}`;
  }

  async counts(): Promise<JobCounts> {
    return (await this.queue.getJobCounts(...STATES)) as JobCounts;
  }

  /** Jobs not yet finished (what a worker still has to do). */
  static unfinished(counts: JobCounts): number {
    return counts.waiting + counts.active + counts.delayed + counts.prioritized + counts['waiting-children'];
  }

  static total(counts: JobCounts): number {
    return BenchQueue.unfinished(counts) + counts.completed + counts.failed;
  }

  /** How many accepted callbacks have no job hash in Redis (expected: 0). */
  async missingJobs(runTag: string, accepted: IndexBitmap, configId = 'default'): Promise<number> {
    let missing = 0;
    let batch: string[] = [];
    const flush = async () => {
      const pipeline = this.redis.pipeline();
      for (const key of batch) pipeline.exists(key);
      const results = (await pipeline.exec()) ?? [];
      for (const [error, exists] of results) if (error || exists !== 1) missing += 1;
      batch = [];
    };
    for (const index of accepted.indices()) {
      batch.push(this.queue.toKey(notificationJobId(configId, eventIdFor(runTag, index))));
      if (batch.length >= 5_000) await flush();
    }
    if (batch.length > 0) await flush();
    return missing;
  }

  /** Deletes every key under the prefix. */
  deleteKeys(): Promise<void> {
    return deletePrefix(this.redis, this.prefix);
  }

  /**
   * Deletes the keys of every prefix with a plain connection: a new Queue would write its meta key
   * while connecting, possibly after the scan.
   */
  static async sweep(redisUrl: string, prefixes: Iterable<string>): Promise<void> {
    const redis = new IORedis(redisUrl, { maxRetriesPerRequest: 3 });
    try {
      for (const prefix of prefixes) await deletePrefix(redis, prefix);
    } finally {
      redis.disconnect();
    }
  }

  /** PID of the Redis server when it runs on this machine (to sample its CPU), else undefined. */
  async serverPid(): Promise<number | undefined> {
    const info = await this.redis.info('server');
    const pid = /process_id:(\d+)/.exec(info)?.[1];
    const host = new URL(this.redisUrl).hostname;
    return pid && (host === '127.0.0.1' || host === 'localhost') ? Number(pid) : undefined;
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.redis.disconnect();
  }
}
