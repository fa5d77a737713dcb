/**
 * The delivery history end to end: events with mixed outcomes through a real dispatcher and FCM
 * emulator, a FLUSHALL of (a private) Redis, then every event found through the admin API with its
 * per-device outcomes, and no full token, secret or API key in any row or answer. npm test runs it
 * with 100 events (apps/admin/test), the fault suite with 10,000 (test/faults).
 */
import { DataSource } from 'typeorm';
import { checkEvent, HistoryScenario } from './history-scenario';
import { TEST_API_KEY, TEST_SECRET } from './test-config';

export function describeDeliveryHistory(COUNT: number): void {
  describe(`delivery history of ${COUNT} events`, () => {
    let scenario: HistoryScenario;

    beforeAll(async () => {
      scenario = await HistoryScenario.start();
      await scenario.seed(COUNT);
      await scenario.settleAndFlushRedis();
    }, 1_200_000);

    afterAll(() => scenario?.close());

    it(`finds each of ${COUNT} events by eventId, sessionId and customerId with its per-device outcomes after a FLUSHALL`, async () => {
      const problems: string[] = [];
      for (let i = 0; i < scenario.events.length; i += 50) {
        const batch = await Promise.all(scenario.events.slice(i, i + 50).map((e) => checkEvent(scenario, e)));
        problems.push(...batch.flat());
      }
      expect(problems.slice(0, 20)).toEqual([]);
    }, 1_800_000);

    it('finds an event by a full device token and answers it masked', async () => {
      const e = scenario.events.find((x) => x.kind === 'delivered')!;
      const found = await scenario.get(`/admin/api/events?deviceToken=${encodeURIComponent(e.tokens[1])}`);
      expect(found.status).toBe(200);
      expect((found.json().events as Array<{ eventId: string }>).map((x) => x.eventId)).toEqual([e.eventId]);
      const one = await scenario.get(`/admin/api/events/default/${e.eventId}`);
      expect(one.body).not.toContain(e.tokens[0]);
      expect(one.json().devices).toEqual(expect.arrayContaining([expect.objectContaining({ token: expect.stringContaining('…') })]));
    });

    it('answers 404 for an unknown event and 400 naming the field for a bad query', async () => {
      expect((await scenario.get('/admin/api/events/default/no-such-event')).status).toBe(404);
      const badDate = await scenario.get('/admin/api/events?from=yesterday');
      expect([badDate.status, badDate.json().field]).toEqual([400, 'from']);
      const badLimit = await scenario.get('/admin/api/events?limit=0');
      expect([badLimit.status, badLimit.json().field]).toEqual([400, 'limit']);
      const listed = await scenario.get('/admin/api/events?limit=3&from=2000-01-01');
      expect((listed.json().events as unknown[]).length).toBe(3);
      expect((await scenario.admin.inject({ method: 'GET', url: '/admin/api/events' })).statusCode).toBe(401);
    });

    it('keeps no full device token, secret or API key in any history row, API answer or page', async () => {
      const db = new DataSource({ type: 'postgres', url: scenario.database.url });
      await db.initialize();
      let dump: string;
      try {
        const tables = ['history_events', 'history_attempts', 'history_devices'];
        const rows = await Promise.all(tables.map((t) => db.query(`SELECT row_to_json(t)::text AS row FROM ${t} t`)));
        dump = rows.flat().map((r: { row: string }) => r.row).join('\n');
      } finally {
        await db.destroy();
      }
      const sample = scenario.events.filter((e) => e.tokens.length > 0).slice(0, 10);
      const answers = await Promise.all(
        sample.flatMap((e) => [
          scenario.get(`/admin/api/events/default/${e.eventId}`),
          scenario.get(`/admin/events?q=${encodeURIComponent(e.tokens[0])}&configId=default&eventId=${e.eventId}`),
        ]),
      );
      const seen = [dump, ...answers.map((a) => a.body)].join('\n');
      expect(dump.length).toBeGreaterThan(1000);
      // Every seeded token holds ':APA91b' in its middle, which no mask keeps and no digest can hold:
      // one scan finds any full token; a sample is also looked for as a whole.
      expect(seen.includes(':APA91b')).toBe(false);
      const tokens = scenario.events.flatMap((e) => e.tokens);
      expect(tokens.every((t) => t.includes(':APA91b'))).toBe(true);
      for (const secret of [TEST_SECRET, TEST_API_KEY, 'admin-password', ...tokens.slice(0, 200)]) {
        if (seen.includes(secret)) throw new Error(`found in the history: ${secret.slice(0, 6)}…`);
      }
    });
  });
}
