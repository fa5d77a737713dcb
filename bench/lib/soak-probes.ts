/**
 * What the soak measures and where: a redis-server of its own (so used_memory and DBSIZE count only
 * this run), the size of every table of the bench database, the RSS of each process, and the
 * bytes one event leaves in each Redis structure (MEMORY USAGE of sampled keys).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import IORedis from 'ioredis';
import type { BenchDatabase } from './bench-database';
import { freePort, LOOPBACK } from './net-utils';

/** A throw-away redis-server without persistence, stopped at the end of the soak. */
export class OwnRedis {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly client: IORedis,
  ) {}

  static async start(): Promise<OwnRedis> {
    const port = await freePort();
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', LOOPBACK, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'],
      { stdio: 'ignore' },
    );
    const kill = () => child.kill('SIGKILL');
    process.once('exit', kill);
    child.once('exit', () => process.removeListener('exit', kill));
    const client = new IORedis({ host: LOOPBACK, port, maxRetriesPerRequest: 3, lazyConnect: true });
    client.on('error', () => undefined);
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await client.connect();
        await client.ping();
        break;
      } catch (error) {
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`redis-server for the soak did not start (is redis-server on PATH?): ${(error as Error).message}`);
        }
        client.disconnect();
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return new OwnRedis(child, `redis://${LOOPBACK}:${port}`, client);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async usedMemory(): Promise<number> {
    return Number(/used_memory:(\d+)/.exec(await this.client.info('memory'))?.[1] ?? 0);
  }

  async keys(): Promise<number> {
    return this.client.dbsize();
  }

  /** Every key matching `pattern` (SCAN, never KEYS: it runs while the apps work). */
  async scan(pattern: string, limit = 1_000_000): Promise<string[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0' && found.length < limit);
    return found;
  }

  /** The longest TTL of any key, in ms (-1 when none has one), and which key has it. */
  async longestTtl(): Promise<{ ttlMs: number; key?: string }> {
    let best: { ttlMs: number; key?: string } = { ttlMs: -1 };
    const keys = await this.scan('*');
    for (let i = 0; i < keys.length; i += 500) {
      const batch = keys.slice(i, i + 500);
      const pipeline = this.client.pipeline();
      batch.forEach((k) => pipeline.pttl(k));
      const ttls = ((await pipeline.exec()) ?? []).map(([, v]) => Number(v));
      ttls.forEach((ttl, k) => {
        if (ttl > best.ttlMs) best = { ttlMs: ttl, key: batch[k] };
      });
    }
    return best;
  }

  /** Mean MEMORY USAGE (bytes) of up to `sample` keys matching `pattern`. */
  async meanKeyBytes(pattern: string, sample = 50): Promise<{ keys: number; meanBytes: number }> {
    const keys = await this.scan(pattern, 200_000);
    const picked = keys.slice(0, sample);
    const sizes = await Promise.all(picked.map((k) => this.client.memory('USAGE', k, 'SAMPLES', '0')));
    const total = sizes.reduce<number>((a, b) => a + Number(b ?? 0), 0);
    return { keys: keys.length, meanBytes: picked.length ? Math.round(total / picked.length) : 0 };
  }

  async stop(): Promise<void> {
    this.client.disconnect();
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

/** Bytes of every table of the bench database (a partitioned table counts all its partitions). */
export async function tableSizes(database: BenchDatabase): Promise<Record<string, number>> {
  const result = await database.query((c) =>
    c.query<{ name: string; bytes: string }>(
      `SELECT c.relname AS name,
              CASE WHEN c.relkind = 'p'
                   THEN (SELECT coalesce(sum(pg_total_relation_size(relid)), 0) FROM pg_partition_tree(c.oid))
                   ELSE pg_total_relation_size(c.oid) END AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition`,
    ),
  );
  return Object.fromEntries(result.rows.map((r) => [r.name, Number(r.bytes)]));
}

/** Resident set size of a process in MB, from /proc (null once it is gone or off Linux). */
export function rssMb(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round((Number(match[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}
