/**
 * The delivery history's writer against real Postgres: one flush writes every row of its batch,
 * including events whose ids hold what no Postgres text can (a NUL, a lone surrogate), and each event
 * is found again by the id it was sent with.
 */
import { Logger } from '@nestjs/common';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { HistoryRepository, HistoryWriter, tokenDigest } from '@app/persistence';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';

const TOKEN = 'fcm-token-history-writer-0123456789abcdefghijklmnopqrstuvwxyz';

describe('HistoryWriter on Postgres', () => {
  let database: TestDatabase;
  let source: DataSource;
  let repository: HistoryRepository;
  let writer: HistoryWriter;
  let registry: Registry;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = await createTestDatabase();
    source = new DataSource({ type: 'postgres', url: database.url, extra: { max: 2 } });
    await source.initialize();
    repository = new HistoryRepository(source);
    registry = new Registry();
    writer = new HistoryWriter(loadConfig('dispatcher', { AXP_SECRET: 's' }), repository, registry);
  });
  afterAll(async () => {
    await source?.destroy();
    await database?.drop();
  });

  it('writes a batch holding NUL and lone-surrogate ids whole, and finds each event by the id it was sent with', async () => {
    const receivedAt = new Date(Date.now() - 5_000).toISOString();
    const ids = ['plain-event', 's\u0000:/%', '\ud800x', 'pair-\ud83d\ude00', `long-${'e'.repeat(2_000)}`];
    for (const [index, eventId] of ids.entries()) {
      writer.record({
        configId: 'default',
        eventId,
        sessionId: `session\u0000${index}`,
        customerId: '\udfffcustomer',
        receivedAt,
        attempt: 1,
        outcome: 'delivered',
        devices: [{ token: TOKEN, platform: 'android', outcome: 'delivered', messageName: `projects/p/messages/${index}`, latencyMs: 3.4 }],
      });
    }
    await writer.drain();
    expect(writer.pendingRows).toBe(0);
    expect((await registry.getSingleMetric('axp_history_rows_dropped_total')!.get()).values).toEqual([]);

    for (const [index, eventId] of ids.entries()) {
      const found = await repository.find('default', eventId);
      expect({ eventId: eventId.slice(0, 20), outcome: found?.outcome, devices: found?.devices?.length }).toEqual({
        eventId: eventId.slice(0, 20),
        outcome: 'delivered',
        devices: 1,
      });
      expect(found!.receivedAt).toBe(receivedAt);
      expect(found!.devices![0]).toMatchObject({ outcome: 'delivered', messageName: `projects/p/messages/${index}`, latencyMs: 3 });
      expect(found!.attempts).toEqual([expect.objectContaining({ attempt: 1, result: 'delivered' })]);
      const [bySession] = await repository.search({ sessionId: `session\u0000${index}`, limit: 5 });
      expect(bySession?.eventId).toBe(found!.eventId);
    }
    const byToken = await repository.search({ tokenDigest: tokenDigest(TOKEN), limit: 10 });
    expect(byToken).toHaveLength(ids.length);
    expect(byToken.every((e) => e.customerId === '\ufffdcustomer')).toBe(true);
    const rows = JSON.stringify(await source.query(`SELECT * FROM history_devices`));
    expect(rows).not.toContain(TOKEN);
  });

  it('keeps the latest outcome and the highest attempt of an event written twice in one flush', async () => {
    const receivedAt = new Date().toISOString();
    const base = { configId: 'default', eventId: 'twice', sessionId: 's', receivedAt, devices: [] };
    writer.record({ ...base, attempt: 1, outcome: 'retrying' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    writer.record({ ...base, attempt: 2, outcome: 'dead-lettered', deadLetterId: 'dl-1' });
    await writer.drain();
    const found = await repository.find('default', 'twice');
    expect(found).toMatchObject({ outcome: 'dead-lettered', deadLetterId: 'dl-1' });
    expect(found!.attempts!.map((a) => a.result)).toEqual(['retrying', 'dead-lettered']);
  });
});
