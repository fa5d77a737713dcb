import { randomUUID } from 'node:crypto';
import { Test, type TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AppConfigModule } from '@app/config';
import { DeliveryLedgerRepository, PersistenceModule } from '@app/persistence';
import { DeliveryLedger } from '../src/delivery/delivery-ledger.service';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { deleteQueueKeys } from '../../../test/support/redis';
import { testConfig } from '../../../test/support/test-config';

/** The delivery ledger behaves the same on both queue backends: Redis keys, or the Postgres table. */
describe.each(['redis', 'postgres'] as const)('DeliveryLedger on %s', (backend) => {
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let ledger: DeliveryLedger;
  const config = () => testConfig('dispatcher', { QUEUE_BACKEND: backend, DATABASE_URL: db.url });
  let prefix = '';

  beforeAll(async () => {
    db = await createTestDatabase();
    const cfg = config();
    prefix = cfg.queue.prefix;
    moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule.forRoot(cfg), PersistenceModule.forRoot()],
      providers: [DeliveryLedger],
    }).compile();
    await moduleRef.init();
    ledger = moduleRef.get(DeliveryLedger);
  });

  afterAll(async () => {
    await moduleRef.close();
    await deleteQueueKeys(prefix);
    await db.drop();
  });

  const states = (session: Awaited<ReturnType<DeliveryLedger['claim']>>) =>
    Object.fromEntries([...session.claims].map(([token, claim]) => [token, claim.state]));

  it('claims free tokens, holds them against a second send, and remembers deliveries', async () => {
    const eventId = randomUUID();
    const first = await ledger.claim('default', eventId, ['a', 'b']);
    expect(states(first)).toEqual({ a: 'claimed', b: 'claimed' });

    const second = await ledger.claim('default', eventId, ['a', 'b']);
    expect(states(second)).toEqual({ a: 'busy', b: 'busy' });
    const held = second.claims.get('a');
    expect(held?.state === 'busy' && held.retryInMs).toBeGreaterThan(ledger.claimTtlMs - 5_000);

    await first.delivered('a');
    await first.release('b');
    const third = await ledger.claim('default', eventId, ['a', 'b', 'c']);
    expect(states(third)).toEqual({ a: 'delivered', b: 'claimed', c: 'claimed' });

    // Another event (or configuration) of the same tokens is independent.
    expect(states(await ledger.claim('default', randomUUID(), ['a']))).toEqual({ a: 'claimed' });
    expect(states(await ledger.claim('other', eventId, ['a']))).toEqual({ a: 'claimed' });
  });

  it('lets a sender release only its own claim', async () => {
    const eventId = randomUUID();
    const first = await ledger.claim('default', eventId, ['t']);
    await first.release('t');
    const second = await ledger.claim('default', eventId, ['t']);
    expect(states(second)).toEqual({ t: 'claimed' });
    await first.release('t'); // the first sender's claim is gone: this must not free the second's
    expect(states(await ledger.claim('default', eventId, ['t']))).toEqual({ t: 'busy' });
  });

  if (backend === 'postgres') {
    it('takes over a claim that lapsed (a crashed sender) and cleans expired rows', async () => {
      const eventId = randomUUID();
      await ledger.claim('default', eventId, ['x']);
      const dataSource = moduleRef.get(DataSource);
      await dataSource.query(`UPDATE delivery_ledger SET expires_at = now() - interval '1 second'`);
      expect(states(await ledger.claim('default', eventId, ['x']))).toEqual({ x: 'claimed' });
      await dataSource.query(`UPDATE delivery_ledger SET expires_at = now() - interval '1 second'`);
      const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM delivery_ledger`);
      expect(n).toBeGreaterThan(0);
      expect(await moduleRef.get(DeliveryLedgerRepository).deleteExpired()).toBe(n);
    });
  }
});
