import { loadConfig } from '@app/config';
import { redisClusterOptions, redisOptions } from './redis-connection';

const redis = (env: Record<string, string>) => loadConfig('dispatcher', env).redis;

describe('redisOptions', () => {
  it('reads host, port, db and credentials from REDIS_URL', () => {
    const options = redisOptions(redis({ REDIS_URL: 'redis://user:p%40ss@cache.internal:6380/2' }), 'worker');
    expect(options).toMatchObject({ host: 'cache.internal', port: 6380, db: 2, username: 'user', password: 'p@ss' });
    expect(options.tls).toBeUndefined();
    expect(options.sentinels).toBeUndefined();
  });

  it('turns on TLS for rediss://', () => {
    expect(redisOptions(redis({ REDIS_URL: 'rediss://cache:6379' }), 'producer').tls).toEqual({});
  });

  it('makes producers fail fast and workers wait forever', () => {
    const config = redis({});
    expect(redisOptions(config, 'producer')).toMatchObject({ enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    expect(redisOptions(config, 'worker')).toMatchObject({ enableOfflineQueue: true, maxRetriesPerRequest: null });
  });

  it('backs off reconnects up to two seconds', () => {
    const retry = redisOptions(redis({}), 'worker').retryStrategy!;
    expect([1, 5, 100].map((n) => retry(n))).toEqual([200, 1000, 2000]);
  });

  it('reconnects when a demoted master answers READONLY, and only then', () => {
    const reconnect = redisOptions(redis({}), 'producer').reconnectOnError!;
    expect(reconnect(new Error("READONLY You can't write against a read only replica."))).toBe(2);
    expect(reconnect(new Error('ERR unknown command'))).toBe(false);
  });

  describe('Sentinel', () => {
    const env = {
      REDIS_URL: 'redis://:master-pw@ignored-host:1234/3',
      REDIS_SENTINELS: 'sentinel-0.redis:26379, sentinel-1.redis:26379,sentinel-2.redis:26380',
      REDIS_SENTINEL_NAME: 'mymaster',
    };

    it('connects through the sentinels to the named master, keeping password and db from REDIS_URL', () => {
      const options = redisOptions(redis(env), 'worker');
      expect(options.sentinels).toEqual([
        { host: 'sentinel-0.redis', port: 26379 },
        { host: 'sentinel-1.redis', port: 26379 },
        { host: 'sentinel-2.redis', port: 26380 },
      ]);
      expect(options).toMatchObject({ name: 'mymaster', password: 'master-pw', db: 3, maxRetriesPerRequest: null });
      expect(options.host).toBeUndefined();
      expect(options.port).toBeUndefined();
    });

    it('is not a cluster', () => {
      expect(redisClusterOptions(redis(env), 'worker')).toBeUndefined();
    });

    it('needs a master name and refuses a cluster at the same time', () => {
      expect(() => redis({ REDIS_SENTINELS: 's:26379' })).toThrow(/REDIS_SENTINEL_NAME/);
      expect(() => redis({ ...env, REDIS_CLUSTER_NODES: 'n:7000' })).toThrow(/cannot both be set/);
      expect(() => redis({ REDIS_SENTINELS: 'no-port', REDIS_SENTINEL_NAME: 'm' })).toThrow(/REDIS_SENTINELS: 'no-port'/);
    });
  });

  describe('Cluster', () => {
    const env = { REDIS_URL: 'rediss://:cluster-pw@seed:7000', REDIS_CLUSTER_NODES: 'node-0:7000,node-1:7001' };

    it('seeds the cluster with the nodes and passes credentials and TLS to every node', () => {
      const cluster = redisClusterOptions(redis(env), 'producer')!;
      expect(cluster.nodes).toEqual([
        { host: 'node-0', port: 7000 },
        { host: 'node-1', port: 7001 },
      ]);
      expect(cluster.options.redisOptions).toMatchObject({ password: 'cluster-pw', tls: {}, enableOfflineQueue: false });
      expect(cluster.options.redisOptions).not.toHaveProperty('host');
      expect(cluster.options.redisOptions).not.toHaveProperty('port');
      expect(cluster.options.redisOptions).not.toHaveProperty('db');
      expect(cluster.options.enableOfflineQueue).toBe(false);
    });

    it('keeps workers patient on a cluster too', () => {
      const cluster = redisClusterOptions(redis(env), 'worker')!;
      expect(cluster.options.redisOptions).toMatchObject({ maxRetriesPerRequest: null, enableOfflineQueue: true });
      expect(cluster.options.enableOfflineQueue).toBe(true);
    });

    it('requires a hash-tagged queue prefix, so all keys of a queue share one slot', () => {
      expect(loadConfig('dispatcher', env).queue.prefix).toBe('{axp-push}');
      expect(() => loadConfig('dispatcher', { ...env, QUEUE_PREFIX: 'bull' })).toThrow(/QUEUE_PREFIX: must carry a hash tag/);
      expect(() => loadConfig('dispatcher', { ...env, QUEUE_PREFIX: '{a}{b}' })).toThrow(/QUEUE_PREFIX/);
    });
  });
});
