/**
 * Day partitions of the delivery history: created ahead, dropped whole once past the retention.
 * Several replicas (and the migration CLI) may run this at once: one advisory lock per transaction
 * serializes them, and every statement is IF [NOT] EXISTS so a second run is a no-op.
 */
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

/** The partitioned tables; every row is placed by its event's receipt time, so an event's rows share a day. */
export const HISTORY_TABLES = ['history_events', 'history_attempts', 'history_devices'] as const;

/** Days of partitions kept ready after today, so a clock ahead or a late maintenance run never fails a write. */
export const HISTORY_DAYS_AHEAD = 3;

// A fixed lock id ("axp history" in ASCII hex): only the partition maintenance takes it.
const ADVISORY_LOCK = 0x617870686973;
const DAY_MS = 86_400_000;

type Queryable = Pick<QueryRunner | EntityManager, 'query'>;

export interface PartitionReport {
  created: string[];
  dropped: string[];
}

/** The UTC day (midnight) of `time`. */
export function utcDay(time: number): number {
  return Math.floor(time / DAY_MS) * DAY_MS;
}

export function partitionName(table: string, day: number): string {
  return `${table}_p${new Date(day).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

/** Oldest receipt time still kept: rows of earlier days are (or are about to be) dropped with their partition. */
export function retentionStart(retentionDays: number, now: number = Date.now()): number {
  return utcDay(now) - retentionDays * DAY_MS;
}

/** Creates the partitions of today - `retentionDays` ... today + ahead (missing ones only), drops older ones. */
export async function maintainHistoryPartitions(
  dataSource: DataSource,
  retentionDays: number,
  now: number = Date.now(),
): Promise<PartitionReport> {
  return dataSource.transaction((manager) => maintainWith(manager, retentionDays, now));
}

/** The same inside a transaction someone else holds (the migration's). */
export async function maintainWith(db: Queryable, retentionDays: number, now: number = Date.now()): Promise<PartitionReport> {
  await db.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCK]);
  const report: PartitionReport = { created: [], dropped: [] };
  const today = utcDay(now);
  const oldest = retentionStart(retentionDays, now);
  for (const table of HISTORY_TABLES) {
    const existing = await partitionsOf(db, table);
    // Every kept day has its partition, so a late retry or a replay of an older event still has a place.
    for (let day = oldest; day <= today + HISTORY_DAYS_AHEAD * DAY_MS; day += DAY_MS) {
      const name = partitionName(table, day);
      if (existing.has(name)) continue;
      await db.query(
        `CREATE TABLE IF NOT EXISTS "${name}" PARTITION OF "${table}"
         FOR VALUES FROM ('${new Date(day).toISOString()}') TO ('${new Date(day + DAY_MS).toISOString()}')`,
      );
      report.created.push(name);
    }
    for (const [name, day] of existing) {
      if (day >= oldest) continue;
      await db.query(`DROP TABLE IF EXISTS "${name}"`);
      report.dropped.push(name);
    }
  }
  return report;
}

/** The table's partitions named `<table>_pYYYYMMDD`, with their day. */
async function partitionsOf(db: Queryable, table: string): Promise<Map<string, number>> {
  const rows: Array<{ name: string }> = await db.query(
    `SELECT child.relname AS name FROM pg_inherits
     JOIN pg_class parent ON parent.oid = pg_inherits.inhparent
     JOIN pg_class child ON child.oid = pg_inherits.inhrelid
     JOIN pg_namespace ns ON ns.oid = parent.relnamespace
     WHERE parent.relname = $1 AND ns.nspname = current_schema()`,
    [table],
  );
  const days = new Map<string, number>();
  for (const { name } of rows) {
    const match = /_p(\d{4})(\d{2})(\d{2})$/.exec(name);
    if (match) days.set(name, Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  }
  return days;
}
