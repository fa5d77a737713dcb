/**
 * Highly available Redis on real processes for the fault suite: a Sentinel group (master, replica,
 * three sentinels) and a Cluster (three masters with a replica each), on free ports and temp dirs.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectionOptions } from 'bullmq';
import IORedis, { Cluster, type RedisOptions } from 'ioredis';
import { ManagedProcess, freePort, removeDir, tempDir, waitFor } from '../../support/processes';

const BASE_ARGS = ['--bind', '127.0.0.1', '--protected-mode', 'no', '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction'];

/** One redis-server (or sentinel) process that can be SIGKILLed and started again on its port and data. */
export class RedisNode {
  private process?: ManagedProcess;

  constructor(
    readonly name: string,
    readonly port: number,
    readonly dir: string,
    private readonly args: string[],
    private readonly logDir: string,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.process?.alive ?? false;
  }

  /** Starts (or restarts) the server; `extraArgs` for this start only, e.g. `--replicaof` after a failover. */
  async start(extraArgs: string[] = []): Promise<void> {
    if (this.running) return;
    this.process = new ManagedProcess(this.name, 'redis-server', [...this.args, ...extraArgs], { logDir: this.logDir, cwd: this.dir });
    await waitFor(`${this.name} on port ${this.port}`, () => this.ping(), 10_000, 50);
  }

  /** SIGKILL, as a crashed host: whatever was not yet replicated is gone with it. */
  async kill(): Promise<void> {
    await this.process?.stop('SIGKILL');
  }

  client(options: RedisOptions = {}): IORedis {
    return new IORedis(this.port, '127.0.0.1', { maxRetriesPerRequest: 1, ...options });
  }

  async command(...args: string[]): Promise<unknown> {
    const client = this.client({ retryStrategy: () => null, connectTimeout: 1_000 });
    try {
      return await client.call(args[0], ...args.slice(1));
    } finally {
      client.disconnect();
    }
  }

  async ping(): Promise<boolean> {
    return (await this.command('PING').catch(() => '')) === 'PONG';
  }

  async destroy(): Promise<void> {
    await this.process?.stop('SIGTERM');
    removeDir(this.dir);
  }
}

async function node(name: string, logDir: string, args: (port: number, dir: string) => string[]): Promise<RedisNode> {
  const port = await freePort();
  const dir = tempDir(name);
  return new RedisNode(name, port, dir, args(port, dir), logDir);
}

export const SENTINEL_MASTER_NAME = 'axp-ha';

/** A master, one replica and three sentinels that promote the replica a second after the master dies. */
export class SentinelGroup {
  private constructor(
    readonly servers: RedisNode[],
    readonly sentinels: RedisNode[],
  ) {}

  static async start(logDir: string): Promise<SentinelGroup> {
    const master = await node('redis-master', logDir, (port, dir) => ['--port', String(port), '--dir', dir, ...BASE_ARGS]);
    await master.start();
    const replica = await node('redis-replica', logDir, (port, dir) => [
      '--port', String(port), '--dir', dir, ...BASE_ARGS, '--replicaof', '127.0.0.1', String(master.port),
    ]);
    await replica.start();
    await waitFor('the replica to sync', async () => /master_link_status:up/.test(String(await replica.command('INFO', 'replication'))), 10_000);
    const sentinels: RedisNode[] = [];
    for (let i = 0; i < 3; i++) {
      sentinels.push(
        await node(`sentinel-${i}`, logDir, (port, dir) => {
          const conf = join(dir, 'sentinel.conf');
          writeFileSync(
            conf,
            [
              `port ${port}`, 'bind 127.0.0.1', 'protected-mode no', `dir ${dir}`,
              `sentinel monitor ${SENTINEL_MASTER_NAME} 127.0.0.1 ${master.port} 2`,
              `sentinel down-after-milliseconds ${SENTINEL_MASTER_NAME} 1000`,
              `sentinel failover-timeout ${SENTINEL_MASTER_NAME} 3000`,
              `sentinel parallel-syncs ${SENTINEL_MASTER_NAME} 1`,
            ].join('\n') + '\n',
          );
          return [conf, '--sentinel'];
        }),
      );
    }
    await Promise.all(sentinels.map((s) => s.start()));
    const group = new SentinelGroup([master, replica], sentinels);
    await waitFor('the sentinels to see the replica and each other', async () => {
      const fields = (await sentinels[0].command('SENTINEL', 'MASTER', SENTINEL_MASTER_NAME)) as string[];
      const at = (name: string) => Number(fields[fields.indexOf(name) + 1]);
      return at('num-slaves') >= 1 && at('num-other-sentinels') >= 2;
    }, 15_000, 200);
    return group;
  }

  /** What the apps need to connect through the sentinels. */
  env(): Record<string, string> {
    return { REDIS_SENTINELS: this.sentinels.map((s) => s.address).join(','), REDIS_SENTINEL_NAME: SENTINEL_MASTER_NAME };
  }

  /** Options for a BullMQ Queue of the assertions (BullMQ's option type names its own Redis options). */
  connection(): ConnectionOptions {
    return <ConnectionOptions>{ sentinels: this.sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })), name: SENTINEL_MASTER_NAME, maxRetriesPerRequest: 1 };
  }

  /** The master the sentinels name now. */
  async masterPort(): Promise<number> {
    const [, port] = (await this.sentinels[0].command('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', SENTINEL_MASTER_NAME)) as string[];
    return Number(port);
  }

  async master(): Promise<RedisNode> {
    const port = await this.masterPort();
    const found = this.servers.find((s) => s.port === port);
    if (!found) throw new Error(`the sentinels name an unknown master on port ${port}`);
    return found;
  }

  async destroy(): Promise<void> {
    await Promise.allSettled([...this.sentinels, ...this.servers].map((s) => s.destroy()));
  }
}

/** Three masters with one replica each; a replica takes over a second after its master dies. */
export class RedisClusterGroup {
  private constructor(readonly nodes: RedisNode[]) {}

  static async start(logDir: string): Promise<RedisClusterGroup> {
    const nodes: RedisNode[] = [];
    for (let i = 0; i < 6; i++) {
      // The bus port is chosen too: port + 10000 may be past 65535 or taken.
      const bus = await freePort();
      nodes.push(
        await node(`cluster-${i}`, logDir, (port, dir) => [
          '--port', String(port), '--dir', dir, ...BASE_ARGS,
          '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf'),
          '--cluster-node-timeout', '1000', '--cluster-port', String(bus),
        ]),
      );
    }
    await Promise.all(nodes.map((n) => n.start()));
    execFileSync('redis-cli', ['--cluster', 'create', ...nodes.map((n) => n.address), '--cluster-replicas', '1', '--cluster-yes'], { stdio: 'pipe' });
    const group = new RedisClusterGroup(nodes);
    await waitFor('the cluster to be ok on every node', async () => {
      const infos = await Promise.all(nodes.map((n) => n.command('CLUSTER', 'INFO')));
      return infos.every((info) => /cluster_state:ok/.test(String(info)));
    }, 20_000, 200);
    return group;
  }

  env(): Record<string, string> {
    return { REDIS_CLUSTER_NODES: this.nodes.map((n) => n.address).join(',') };
  }

  cluster(): Cluster {
    return new Cluster(this.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })), { redisOptions: { maxRetriesPerRequest: 1 } });
  }

  /** The node serving `key`'s slot as master, as the live nodes see it. */
  async masterOf(key: string): Promise<RedisNode> {
    const live = this.nodes.filter((n) => n.running);
    const slot = Number(await live[0].command('CLUSTER', 'KEYSLOT', key));
    const ranges = (await live[0].command('CLUSTER', 'SLOTS')) as Array<[number, number, [string, number]]>;
    const range = ranges.find(([from, to]) => slot >= from && slot <= to);
    const found = this.nodes.find((n) => n.port === Number(range?.[2][1]));
    if (!found) throw new Error(`no master serves slot ${slot}`);
    return found;
  }

  async destroy(): Promise<void> {
    await Promise.allSettled(this.nodes.map((n) => n.destroy()));
  }
}
