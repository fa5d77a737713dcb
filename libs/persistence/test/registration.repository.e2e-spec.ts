import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AppConfigModule } from '@app/config';
import { createDataSource, PersistenceModule, RegistrationRepository } from '@app/persistence';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { testConfig } from '../../../test/support/test-config';

describe('RegistrationRepository (real Postgres)', () => {
  let db: TestDatabase;
  let repo: RegistrationRepository;
  let dataSource: DataSource;
  let close: () => Promise<void>;

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = testConfig('dispatcher', { DATABASE_URL: db.url, REGISTRATION_TTL: '3600' });
    const moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule.forRoot(config), PersistenceModule.forRoot()],
    }).compile();
    await moduleRef.init();
    repo = moduleRef.get(RegistrationRepository);
    dataSource = moduleRef.get(DataSource);
    close = () => moduleRef.close();
  });

  afterAll(async () => {
    await close();
    await db.drop();
  });

  it('creates, then updates in place: re-registering moves the token to the new session', async () => {
    const first = await repo.upsert({ configId: 'default', deviceToken: 'tok-move', sessionId: 's1' });
    expect(first.created).toBe(true);
    expect(first.registration).toMatchObject({ sessionId: 's1', platform: 'android', customerId: null });
    const second = await repo.upsert({ configId: 'default', deviceToken: 'tok-move', sessionId: 's2', platform: 'ios' });
    expect(second.created).toBe(false);
    expect(second.registration).toMatchObject({ sessionId: 's2', platform: 'ios' });
    expect(await repo.findLiveTokens('default', 's1')).toEqual([]);
    expect(await repo.findLiveTokens('default', 's2')).toEqual([{ deviceToken: 'tok-move', platform: 'ios' }]);
  });

  it('holds several tokens per session and keeps configurations apart', async () => {
    await repo.upsert({ configId: 'default', deviceToken: 'a1', sessionId: 'multi' });
    await repo.upsert({ configId: 'default', deviceToken: 'a2', sessionId: 'multi', customerId: 'c-1' });
    await repo.upsert({ configId: 'other', deviceToken: 'a1', sessionId: 'multi' });
    const tokens = (await repo.findLiveTokens('default', 'multi')).map((t) => t.deviceToken).sort();
    expect(tokens).toEqual(['a1', 'a2']);
    expect(await repo.findBySession('other', 'multi')).toHaveLength(1);
  });

  it('looks up the live tokens of many sessions at once, each session with its own', async () => {
    await repo.upsert({ configId: 'default', deviceToken: 'b1', sessionId: 'batch-1' });
    await repo.upsert({ configId: 'default', deviceToken: 'b2', sessionId: 'batch-1', platform: 'ios' });
    await repo.upsert({ configId: 'default', deviceToken: 'b3', sessionId: 'batch-2' });
    await repo.upsert({ configId: 'other', deviceToken: 'b4', sessionId: 'batch-2' });
    const found = await repo.findLiveTokensForSessions('default', ['batch-1', 'batch-2', 'batch-none']);
    expect(found.get('batch-1')?.sort((a, b) => a.deviceToken.localeCompare(b.deviceToken))).toEqual([
      { deviceToken: 'b1', platform: 'android' },
      { deviceToken: 'b2', platform: 'ios' },
    ]);
    expect(found.get('batch-2')).toEqual([{ deviceToken: 'b3', platform: 'android' }]);
    expect(found.get('batch-none')).toEqual([]);
  });

  it('stores tokens longer than a btree entry allows', async () => {
    const long = 'x'.repeat(4096);
    await repo.upsert({ configId: 'default', deviceToken: long, sessionId: 'long' });
    expect((await repo.findByToken('default', long))?.deviceToken).toBe(long);
  });

  it('ignores expired rows on every read, removes them on clean-up, and re-registration revives them as new', async () => {
    await repo.upsert({ configId: 'default', deviceToken: 'old', sessionId: 'exp' });
    await dataSource.query(`UPDATE registrations SET expires_at = now() - interval '1 second' WHERE device_token = 'old'`);
    expect(await repo.findLiveTokens('default', 'exp')).toEqual([]);
    expect(await repo.findByToken('default', 'old')).toBeUndefined();
    expect(await repo.findBySession('default', 'exp')).toEqual([]);
    expect(await repo.deleteByToken('default', 'old')).toBe(false);

    await repo.upsert({ configId: 'default', deviceToken: 'old2', sessionId: 'exp' });
    await dataSource.query(`UPDATE registrations SET expires_at = now() - interval '1 second' WHERE device_token = 'old2'`);
    const revived = await repo.upsert({ configId: 'default', deviceToken: 'old2', sessionId: 'exp' });
    expect(revived.created).toBe(true);
    expect(revived.registration.expiresAt.getTime()).toBeGreaterThan(Date.now() + 3500_000);

    await repo.upsert({ configId: 'default', deviceToken: 'old3', sessionId: 'exp' });
    await dataSource.query(`UPDATE registrations SET expires_at = now() - interval '1 second' WHERE device_token = 'old3'`);
    expect(await repo.deleteExpired()).toBeGreaterThanOrEqual(1);
    const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM registrations WHERE expires_at <= now()`);
    expect(n).toBe(0);
  });

  it('deletes single tokens and batches of dead tokens', async () => {
    await repo.upsert({ configId: 'default', deviceToken: 'd1', sessionId: 'del' });
    await repo.upsert({ configId: 'default', deviceToken: 'd2', sessionId: 'del' });
    await repo.upsert({ configId: 'default', deviceToken: 'd3', sessionId: 'del' });
    expect(await repo.deleteByToken('default', 'd1')).toBe(true);
    expect(await repo.deleteByToken('default', 'd1')).toBe(false);
    expect(await repo.deleteTokens('default', ['d2', 'd3', 'missing'])).toBe(2);
    expect(await repo.findLiveTokens('default', 'del')).toEqual([]);
    expect(await repo.deleteTokens('default', [])).toBe(0);
  });

  it('looks tokens up through the (config_id, session_id) index', async () => {
    await dataSource.query('SET enable_seqscan = off');
    const plan: Array<{ 'QUERY PLAN': string }> = await dataSource.query(
      `EXPLAIN SELECT device_token, platform FROM registrations WHERE config_id = 'default' AND session_id = 'x' AND expires_at > now()`,
    );
    await dataSource.query('SET enable_seqscan = on');
    expect(plan.map((p) => p['QUERY PLAN']).join('\n')).toMatch(/ix_registrations_config_session/);
  });
});

describe('migrations', () => {
  it('create the schema on an empty database and are reversible', async () => {
    const db = await createTestDatabase({ migrate: false });
    const dataSource = createDataSource({ url: db.url, poolSize: 1 });
    await dataSource.initialize();
    try {
      const tables = async () =>
        (await dataSource.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`))
          .map((r: { tablename: string }) => r.tablename)
          .filter((t: string) => t !== 'migrations');
      await dataSource.runMigrations();
      expect(await tables()).toContain('registrations');
      for (let i = 0; i < dataSource.migrations.length; i++) await dataSource.undoLastMigration();
      expect(await tables()).toEqual([]);
      await dataSource.runMigrations();
      expect(await tables()).toContain('registrations');
    } finally {
      await dataSource.destroy();
      await db.drop();
    }
  });
});
