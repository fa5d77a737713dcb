import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface OutboxEntry<T> {
  jobId: string;
  data: T;
}

/**
 * jsonb refuses `\u0000` and lone-surrogate escapes, which an accepted event may hold (JSON.stringify
 * writes them so): such data is stored as one JSON string holding its JSON text, which jsonb takes.
 */
function jsonbText(data: unknown): string {
  const text = JSON.stringify(data);
  return /\\u0000|\\ud[89a-f]/i.test(text) ? JSON.stringify(text) : text;
}

function fromJsonb<T>(stored: unknown): T {
  return (typeof stored === 'string' ? JSON.parse(stored) : stored) as T;
}

/** The intake's fallback store while Redis is away. */
@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stores an entry; a second write of the same job id is a no-op. */
  async save<T>(entry: OutboxEntry<T>): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO outbox (job_id, data) VALUES ($1, $2) ON CONFLICT (job_id) DO NOTHING`,
      [entry.jobId, jsonbText(entry.data)],
    );
  }

  async count(): Promise<number> {
    const [{ n }]: Array<{ n: number }> = await this.dataSource.query(`SELECT count(*)::int AS n FROM outbox`);
    return n;
  }

  /**
   * Hands the oldest entries to `move` and deletes them once it resolves, in one transaction.
   * SKIP LOCKED lets several ingest replicas relay at once without taking the same rows.
   */
  async drain<T>(batchSize: number, move: (entries: OutboxEntry<T>[]) => Promise<void>): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: Array<{ job_id: string; data: T }> = await manager.query(
        `SELECT job_id, data FROM outbox ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batchSize],
      );
      if (rows.length === 0) return 0;
      await move(rows.map((r) => ({ jobId: r.job_id, data: fromJsonb<T>(r.data) })));
      await manager.query(`DELETE FROM outbox WHERE job_id = ANY($1::varchar[])`, [rows.map((r) => r.job_id)]);
      return rows.length;
    });
  }
}
