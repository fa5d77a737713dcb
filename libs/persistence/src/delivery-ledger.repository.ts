import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** A key's answer to a claim: claimed now, or held by `state` for `ttlMs` more. */
export type LedgerClaimRow = { key: string; claimed: true } | { key: string; claimed: false; state: string; ttlMs: number };

/**
 * The dispatcher's delivery ledger in Postgres, for installs whose queue runs on Postgres: the same
 * claim / mark / release as the Redis ledger, with expiry kept in a column.
 */
@Injectable()
export class DeliveryLedgerRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Claims every free (absent or expired) key for `state` and `ttlMs`, in one statement. */
  async claim(keys: readonly string[], state: string, ttlMs: number): Promise<LedgerClaimRow[]> {
    // Every part of one statement sees the same snapshot: `held` shows the rows as they were, so
    // the keys not claimed here show the state and expiry of whoever holds them.
    const rows: Array<{ key: string; claimed: boolean; state: string | null; ttl_ms: number | null }> = await this.dataSource.query(
      `WITH input AS (SELECT DISTINCT unnest($1::varchar[]) AS key),
       claimed AS (
         INSERT INTO delivery_ledger (key, state, expires_at)
         SELECT key, $2, now() + make_interval(secs => $3::double precision / 1000) FROM input
         ON CONFLICT (key) DO UPDATE SET state = EXCLUDED.state, expires_at = EXCLUDED.expires_at
           WHERE delivery_ledger.expires_at <= now()
         RETURNING key
       )
       SELECT input.key, claimed.key IS NOT NULL AS claimed, held.state,
              GREATEST(1, CEIL(EXTRACT(EPOCH FROM (held.expires_at - now())) * 1000))::int AS ttl_ms
       FROM input
       LEFT JOIN claimed ON claimed.key = input.key
       LEFT JOIN delivery_ledger held ON held.key = input.key`,
      [keys, state, ttlMs],
    );
    return rows.map((r) =>
      r.claimed ? { key: r.key, claimed: true } : { key: r.key, claimed: false, state: r.state ?? '', ttlMs: r.ttl_ms ?? 1 },
    );
  }

  async set(key: string, state: string, ttlMs: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO delivery_ledger (key, state, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3::double precision / 1000))
       ON CONFLICT (key) DO UPDATE SET state = EXCLUDED.state, expires_at = EXCLUDED.expires_at`,
      [key, state, ttlMs],
    );
  }

  /** Deletes the key only while it still holds `state` (a lapsed claim may have been taken since). */
  async release(key: string, state: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM delivery_ledger WHERE key = $1 AND state = $2`, [key, state]);
  }

  /** Removes expired entries in bounded batches; returns how many went. */
  async deleteExpired(batchSize = 5_000): Promise<number> {
    const result: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM delivery_ledger WHERE key IN (SELECT key FROM delivery_ledger WHERE expires_at <= now() LIMIT $1)`,
      [batchSize],
    );
    return result[1];
  }
}
