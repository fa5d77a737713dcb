import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './load-config';

const base = { AXP_SECRET: 's', REGISTRATION_API_KEYS: 'k' };

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies documented defaults', () => {
    const config = loadConfig('ingest', base);
    expect(config.http).toEqual({ host: '0.0.0.0', port: 3000 });
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.axp.configurations).toEqual([
      expect.objectContaining({ id: 'default', secrets: ['s'] }),
    ]);
    expect(config.dispatch).toEqual({
      concurrency: 200,
      backoffMs: 1000,
      maxAttempts: 8,
      maxAgeSeconds: 900,
      stallTimeoutMs: 60_000,
      claimTtlMs: 90_000,
      retention: {
        completed: { age: 3600, count: 10_000 },
        failed: { age: 14 * 86400, count: 100_000 },
        deadLetter: { age: 30 * 86400, count: 100_000 },
        cleanIntervalSeconds: 60,
      },
    });
    expect(config.fcm.ttlSeconds).toBe(86400);
    expect(config.registrations.ttlSeconds).toBe(30 * 86400);
    expect(config.ingest.enqueueTimeoutMs).toBe(500);
    expect(loadConfig('dispatcher', {}).http.port).toBe(3001);
    expect(loadConfig('admin', { ADMIN_USERNAME: 'a', ADMIN_PASSWORD: 'b' }).http.port).toBe(3002);
  });

  it('splits rotating secrets and API keys on commas', () => {
    const config = loadConfig('ingest', { AXP_SECRET: 'a, b', REGISTRATION_API_KEYS: 'k1,k2,' });
    expect(config.axp.configurations[0].secrets).toEqual(['a', 'b']);
    expect(config.registrations.apiKeys).toEqual(['k1', 'k2']);
  });

  it('refuses an ingest without a secret, naming the variable', () => {
    expect(problemsOf(() => loadConfig('ingest', { REGISTRATION_API_KEYS: 'k' })).join()).toMatch(/AXP_SECRET/);
  });

  it('refuses an ingest without registration keys unless auth is explicitly off', () => {
    expect(problemsOf(() => loadConfig('ingest', { AXP_SECRET: 's' })).join()).toMatch(/REGISTRATION_API_KEYS/);
    expect(loadConfig('ingest', { AXP_SECRET: 's', REGISTRATION_AUTH: 'none' }).registrations.auth).toBe('none');
  });

  it('refuses an admin without credentials', () => {
    const problems = problemsOf(() => loadConfig('admin', {}));
    expect(problems.join()).toMatch(/ADMIN_USERNAME/);
    expect(problems.join()).toMatch(/ADMIN_PASSWORD/);
  });

  it('reports every malformed variable at once', () => {
    const problems = problemsOf(() =>
      loadConfig('ingest', { ...base, PORT: 'eighty', REDIS_URL: 'http://x', DISPATCH_MAX_ATTEMPTS: '0' }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT: /),
        expect.stringMatching(/^REDIS_URL: /),
        expect.stringMatching(/^DISPATCH_MAX_ATTEMPTS: /),
      ]),
    );
  });

  it('reads the dispatcher stall timeout, at least one second', () => {
    expect(loadConfig('dispatcher', {}).dispatch.stallTimeoutMs).toBe(60_000);
    expect(loadConfig('dispatcher', { DISPATCH_STALL_TIMEOUT_MS: '3000' }).dispatch.stallTimeoutMs).toBe(3000);
    expect(problemsOf(() => loadConfig('dispatcher', { DISPATCH_STALL_TIMEOUT_MS: '10' }))[0]).toMatch(/DISPATCH_STALL_TIMEOUT_MS/);
  });

  it('reads the replicas-ack setting: off by default, its timeout below the enqueue deadline', () => {
    expect(loadConfig('ingest', base).redis).toMatchObject({ minReplicasAck: 0, replicasAckTimeoutMs: 200 });
    const on = loadConfig('ingest', { ...base, REDIS_MIN_REPLICAS_ACK: '1', REDIS_REPLICAS_ACK_TIMEOUT_MS: '150' }).redis;
    expect(on).toMatchObject({ minReplicasAck: 1, replicasAckTimeoutMs: 150 });
    const problems = problemsOf(() => loadConfig('ingest', { ...base, REDIS_MIN_REPLICAS_ACK: '1', ENQUEUE_TIMEOUT_MS: '200' }));
    expect(problems).toEqual([expect.stringMatching(/^REDIS_REPLICAS_ACK_TIMEOUT_MS: must be below ENQUEUE_TIMEOUT_MS/)]);
    expect(problemsOf(() => loadConfig('ingest', { ...base, REDIS_MIN_REPLICAS_ACK: '-1' }))[0]).toMatch(/REDIS_MIN_REPLICAS_ACK/);
  });

  it('reads TRUST_PROXY as Fastify expects it, trusting no proxy by default', () => {
    expect(loadConfig('ingest', base).ingest.trustProxy).toBe(false);
    expect(loadConfig('ingest', { ...base, TRUST_PROXY: 'true' }).ingest.trustProxy).toBe(true);
    expect(loadConfig('ingest', { ...base, TRUST_PROXY: '2' }).ingest.trustProxy).toBe(2);
    const cidrs = loadConfig('ingest', { ...base, TRUST_PROXY: '10.0.0.0/8, ::1' }).ingest.trustProxy;
    expect(cidrs).toEqual(['10.0.0.0/8', '::1']);
    expect(problemsOf(() => loadConfig('ingest', { ...base, TRUST_PROXY: 'all' }))[0]).toMatch(/^TRUST_PROXY: /);
  });

  it('parses durations for REGISTRATION_TTL', () => {
    expect(loadConfig('dispatcher', { REGISTRATION_TTL: '12h' }).registrations.ttlSeconds).toBe(43200);
    expect(loadConfig('dispatcher', { REGISTRATION_TTL: '3600' }).registrations.ttlSeconds).toBe(3600);
    expect(problemsOf(() => loadConfig('dispatcher', { REGISTRATION_TTL: 'soon' }))[0]).toMatch(/REGISTRATION_TTL/);
  });

  describe('AXP_CONFIG_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'axp-config-'));
    const file = (name: string, content: unknown) => {
      const path = join(dir, name);
      writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
      return path;
    };

    it('adds configurations from the file after the env one', () => {
      const path = file('ok.json', [
        { id: 'tenant-a', secrets: ['x', 'y'], fcm: { projectId: 'p-a', credentialsFile: '/a.json' } },
      ]);
      const config = loadConfig('ingest', { ...base, AXP_CONFIG_FILE: path });
      expect(config.axp.configurations.map((c) => c.id)).toEqual(['default', 'tenant-a']);
      expect(config.axp.configurations[1].fcm).toEqual({ projectId: 'p-a', credentialsFile: '/a.json' });
      expect(config.axp.defaultConfigId).toBe('default');
    });

    it('makes the first file entry the default when no env secret is set', () => {
      const path = file('only.json', [{ id: 'tenant-b', secrets: ['x'] }]);
      const config = loadConfig('ingest', { REGISTRATION_API_KEYS: 'k', AXP_CONFIG_FILE: path });
      expect(config.axp.defaultConfigId).toBe('tenant-b');
    });

    it('refuses duplicate ids', () => {
      const path = file('dup.json', [{ id: 'default', secrets: ['x'] }]);
      expect(problemsOf(() => loadConfig('ingest', { ...base, AXP_CONFIG_FILE: path })).join()).toMatch(/defined twice/);
    });

    it('names the file and the entry that is wrong', () => {
      const path = file('bad.json', [{ id: 'a b', secrets: 'nope' }]);
      const problems = problemsOf(() => loadConfig('ingest', { ...base, AXP_CONFIG_FILE: path }));
      expect(problems.join('\n')).toMatch(/bad\.json.*\[0\.id\]/);
      expect(problems.join('\n')).toMatch(/\[0\.secrets\]/);
    });

    it('says when the file cannot be read', () => {
      expect(problemsOf(() => loadConfig('ingest', { ...base, AXP_CONFIG_FILE: join(dir, 'missing.json') }))[0]).toMatch(
        /cannot read JSON/,
      );
      expect(problemsOf(() => loadConfig('ingest', { ...base, AXP_CONFIG_FILE: file('x.json', '{') }))[0]).toMatch(
        /cannot read JSON/,
      );
    });
  });
});
