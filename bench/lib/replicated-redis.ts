/**
 * A private Redis master with one replica, for the ingest variants that measure
 * REDIS_MIN_REPLICAS_ACK: `WAIT` needs a replica to answer, and the cost is only fair when the
 * setting's on and off runs both write to a master that replicates.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { freePort, LOOPBACK } from './net-utils';

export interface ReplicatedRedis {
  /** REDIS_URL of the master. */
  url: string;
  stop(): Promise<void>;
}

function startServer(port: number, dir: string, extra: string[]): ChildProcess {
  // The production settings the shared Redis runs with: AOF every second, no eviction.
  const args = ['--port', String(port), '--bind', LOOPBACK, '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec'];
  return spawn('redis-server', [...args, '--maxmemory-policy', 'noeviction', ...extra], { stdio: 'ignore' });
}

async function replicationUp(port: number, deadlineMs: number): Promise<void> {
  const client = new IORedis(port, LOOPBACK, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
  try {
    const deadline = Date.now() + deadlineMs;
    while (Date.now() < deadline) {
      const info = await client.info('replication').catch(() => '');
      if (/master_link_status:up/.test(info)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the bench's Redis replica on port ${port} did not sync within ${deadlineMs} ms`);
  } finally {
    client.disconnect();
  }
}

export async function startReplicatedRedis(): Promise<ReplicatedRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'axp-bench-replicated-'));
  const [masterPort, replicaPort] = [await freePort(), await freePort()];
  const master = startServer(masterPort, join(dir), []);
  const replicaDir = mkdtempSync(join(dir, 'replica-'));
  const replica = startServer(replicaPort, replicaDir, ['--replicaof', LOOPBACK, String(masterPort)]);
  const stop = async () => {
    for (const child of [replica, master]) {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await replicationUp(replicaPort, 15_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `redis://${LOOPBACK}:${masterPort}`, stop };
}
