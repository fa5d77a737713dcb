import { createServer, type Server } from 'node:net';
import { PlanError, planBackends } from '../../scripts/dev/backend-plan';
import { devSettings, findRootDir } from '../../scripts/dev/dev-settings';
import { TEST_DATABASE_ADMIN_URL, TEST_REDIS_URL } from '../support/test-config';

/** A port that accepted a connection a moment ago and is closed now: nothing answers there. */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('dev runner: which Postgres and queue store it picks (real probes)', () => {
  const root = findRootDir(__dirname);
  let closed: number;

  beforeAll(async () => {
    closed = await closedPort();
  });

  const settingsFor = (env: Record<string, string>) => devSettings(env, root);

  it('uses the local Redis and Postgres when they answer', async () => {
    const env = { DEV_REDIS_URL: TEST_REDIS_URL, DEV_DATABASE_URL: TEST_DATABASE_ADMIN_URL };
    const plan = await planBackends(env, settingsFor(env), { embedded: false });
    expect(plan.database).toMatchObject({ kind: 'local', adminUrl: TEST_DATABASE_ADMIN_URL });
    expect(plan.database.reason).toMatch(/a local Postgres answers .*PostgreSQL \d+/);
    expect(plan.queue).toMatchObject({ backend: 'redis', redisUrl: TEST_REDIS_URL });
  });

  it('falls back to the embedded Postgres and the Postgres queue backend when nothing answers', async () => {
    const env = {
      DEV_REDIS_URL: `redis://127.0.0.1:${closed}`,
      DEV_DATABASE_URL: `postgres://postgres@127.0.0.1:${closed}/postgres`,
    };
    const started = Date.now();
    const plan = await planBackends(env, settingsFor(env), { embedded: false });
    expect(plan.database).toEqual({ kind: 'embedded', reason: `no Postgres answers at 127.0.0.1:${closed} (connection refused)` });
    expect(plan.queue).toEqual({ backend: 'postgres', reason: `no Redis answers at 127.0.0.1:${closed} (connection refused)` });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('--embedded ignores services that answer; QUEUE_BACKEND=postgres keeps the queue off Redis', async () => {
    const env = { DEV_REDIS_URL: TEST_REDIS_URL, DEV_DATABASE_URL: TEST_DATABASE_ADMIN_URL };
    const embedded = await planBackends(env, settingsFor(env), { embedded: true });
    expect([embedded.database.kind, embedded.queue.backend]).toEqual(['embedded', 'postgres']);
    const pinned = { ...env, QUEUE_BACKEND: 'postgres' };
    const plan = await planBackends(pinned, settingsFor(pinned), { embedded: false });
    expect([plan.database.kind, plan.queue.backend]).toEqual(['local', 'postgres']);
  });

  it('refuses, naming the variable, when REDIS_URL or DATABASE_URL is set but does not answer', async () => {
    const redis = { REDIS_URL: `redis://127.0.0.1:${closed}`, DEV_DATABASE_URL: TEST_DATABASE_ADMIN_URL };
    await expect(planBackends(redis, settingsFor(redis), { embedded: false })).rejects.toThrow(
      new PlanError(
        `REDIS_URL is set (redis://127.0.0.1:${closed}) but Redis does not answer at 127.0.0.1:${closed}: connection refused. Start Redis, or unset it to run the queue on Postgres.`,
      ),
    );
    const database = { DATABASE_URL: `postgres://u:secret@127.0.0.1:${closed}/db`, DEV_REDIS_URL: TEST_REDIS_URL };
    await expect(planBackends(database, settingsFor(database), { embedded: false })).rejects.toThrow(
      /^DATABASE_URL is set \(postgres:\/\/u:\*\*\*@127\.0\.0\.1:\d+\/db\) but does not answer: connection refused/,
    );
  });
});
