import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface OutboxEntry<T> {
  jobId: string;
  data: T;
}

/** The intake's fallback store while Redis is away. */
@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stores an entry; a second write of the same job id is a no-op. */
  async save<T>(entry: OutboxEntry<T>): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO outbox (job_id, data) VALUES ($1, $2) ON CONFLICT (job_id) DO NOTHING`,
      [entry.jobId, JSON.stringify(entry.data)],
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
      await move(rows.map((r) => ({ jobId: r.job_id, data: r.data })));
      await manager.query(`DELETE FROM outbox WHERE job_id = ANY($1::varchar[])`, [rows.map((r) => r.job_id)]);
      return rows.length;
    });
  }
}
