/**
 * Retention of the delivery history by day partitions: a partition past HISTORY_RETENTION_DAYS is
 * dropped whole, the current ones stay, with three replicas running the maintenance at once.
 */
import { DataSource } from 'typeorm';
import { HISTORY_DAYS_AHEAD, HISTORY_TABLES, maintainHistoryPartitions, partitionName, utcDay } from '@app/persistence';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';

const DAY = 86_400_000;
const RETENTION = 30;

describe('history partitions', () => {
  let database: TestDatabase;
  const sources: DataSource[] = [];

  const connect = async () => {
    const source = new DataSource({ type: 'postgres', url: database.url, extra: { max: 1 } });
    await source.initialize();
    sources.push(source);
    return source;
  };
  const partitions = async (db: DataSource, table: string): Promise<string[]> =>
    (
      await db.query(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = $1 ORDER BY 1`,
        [table],
      )
    ).map((r: { name: string }) => r.name);

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(sources.map((s) => s.destroy()));
    await database?.drop();
  });

  it('drops a partition past the retention and keeps the current ones, with three replicas at once', async () => {
    const db = await connect();
    const today = utcDay(Date.now());
    const old = today - (RETENTION + 10) * DAY;
    const kept = today - (RETENTION - 1) * DAY;
    for (const table of HISTORY_TABLES) {
      await db.query(
        `CREATE TABLE "${partitionName(table, old)}" PARTITION OF "${table}"
         FOR VALUES FROM ('${new Date(old).toISOString()}') TO ('${new Date(old + DAY).toISOString()}')`,
      );
    }
    const insert = (at: number, id: string) =>
      db.query(
        `INSERT INTO history_events (config_id, event_id, session_id, received_at, stored_in, outcome, attempts, updated_at)
         VALUES ('default', $1, 's', $2, 'queue', 'delivered', 1, now())`,
        [id, new Date(at + 3_600_000)],
      );
    await insert(old, 'old-event');
    await insert(today, 'today-event');

    const replicas = await Promise.all([connect(), connect(), connect()]);
    const reports = await Promise.all(replicas.map((r) => maintainHistoryPartitions(r, RETENTION)));

    // Each partition dropped exactly once over all replicas; none failed.
    expect(reports.flatMap((r) => r.dropped).sort()).toEqual(HISTORY_TABLES.map((t) => partitionName(t, old)).sort());
    for (const table of HISTORY_TABLES) {
      const names = await partitions(db, table);
      expect(names).not.toContain(partitionName(table, old));
      expect(names).toEqual(
        expect.arrayContaining([partitionName(table, kept), partitionName(table, today), partitionName(table, today + HISTORY_DAYS_AHEAD * DAY)]),
      );
      expect(names).toHaveLength(RETENTION + 1 + HISTORY_DAYS_AHEAD);
    }
    const events = await db.query(`SELECT event_id FROM history_events ORDER BY 1`);
    expect(events).toEqual([{ event_id: 'today-event' }]);

    // A second round finds nothing to do.
    const again = await Promise.all(replicas.map((r) => maintainHistoryPartitions(r, RETENTION)));
    expect(again.flatMap((r) => [...r.created, ...r.dropped])).toEqual([]);
  });
});
