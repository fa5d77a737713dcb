import type { ClusterNode, ClusterOptions, RedisOptions } from 'ioredis';
import type { RedisConfig } from '@app/config';

export type ConnectionRole = 'producer' | 'worker';

/**
 * ioredis options for a role. Producers sit on an HTTP path: they fail fast while Redis is away
 * (no offline queue) so the caller's deadline decides. Workers block and must never give up a
 * command (`maxRetriesPerRequest: null`, as BullMQ requires).
 */
export function redisOptions(config: RedisConfig, role: ConnectionRole): RedisOptions {
  const url = new URL(config.url);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  const base: RedisOptions = {
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    connectTimeout: 5_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    // A master demoted to replica answers writes with READONLY: reconnect, which asks the sentinels again.
    reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
    ...(role === 'producer'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 }
      : { enableOfflineQueue: true, maxRetriesPerRequest: null }),
  };
  if (config.sentinels?.length) {
    // No `failoverDetector`: in ioredis 5 its +switch-master disconnect can land while the client is
    // already asking the sentinels after the master died, which ends the client for good (seen in the
    // Sentinel fault scenario). A dead master closes the socket; a demoted one answers READONLY.
    return { ...base, sentinels: config.sentinels, name: config.sentinelName };
  }
  return { ...base, host: url.hostname || '127.0.0.1', port: url.port ? Number(url.port) : 6379 };
}

/** Seed nodes and options for a Redis Cluster, or undefined when the config names none. */
export function redisClusterOptions(
  config: RedisConfig,
  role: ConnectionRole,
): { nodes: ClusterNode[]; options: ClusterOptions } | undefined {
  if (!config.clusterNodes?.length) return undefined;
  const { host: _host, port: _port, db: _db, ...redisOpts } = redisOptions(config, role);
  return {
    nodes: config.clusterNodes,
    options: {
      redisOptions: redisOpts,
      enableOfflineQueue: redisOpts.enableOfflineQueue,
      maxRedirections: 16,
    },
  };
}
