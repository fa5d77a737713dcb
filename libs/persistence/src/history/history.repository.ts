/**
 * Reads and batch writes of the delivery history. Writes are one multi-row statement per table
 * (unnest of column arrays: a fixed number of parameters whatever the batch size).
 */
import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { HistoryBatch, HistoryEventView, HistorySearch } from './history.types';

/** The digest under which a device token is stored and searched: sha256, base64url (43 characters). */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

const iso = (value: Date | string) => new Date(value).toISOString();

/** SQL of the timestamptz of a tuple's epoch-milliseconds element. */
const ts = (index: number) => `to_timestamp((r->>${index})::float8 / 1000.0)`;

// eslint-disable-next-line no-control-regex -- NUL is what is looked for
const UNSTORABLE = /[\u0000\ud800-\udfff]/;

/**
 * Text as Postgres can hold it: a NUL (which no text column takes) and a lone UTF-16 surrogate (which
 * no UTF-8 string can carry) become U+FFFD. Ids are written and looked up through it, so an event
 * whose id holds either is still found by the id it was sent with.
 */
export function storableText(value: string): string {
  if (!UNSTORABLE.test(value)) return value;
  return (value as string & { toWellFormed(): string }).toWellFormed().replaceAll('\u0000', '\ufffd');
}

interface EventSqlRow {
  config_id: string;
  event_id: string;
  session_id: string;
  customer_id: string | null;
  conversation_id: string | null;
  received_at: Date;
  stored_in: 'queue' | 'outbox';
  outcome: string;
  updated_at: Date;
  dead_letter_id: string | null;
}

@Injectable()
export class HistoryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Writes a flush: the three inserts in one transaction, so a failed flush can be retried whole.
   * Each table's rows travel as one JSON parameter of positional tuples: serialising a batch is one
   * native JSON.stringify, where a parameter per column costs an escaped array literal per value.
   */
  async insert(batch: HistoryBatch): Promise<void> {
    await this.dataSource.transaction(async (db) => {
      if (batch.events !== '[]') {
        // A later write wins: a slow replica's stale "retrying" never hides another's "delivered".
        await db.query(
          `INSERT INTO history_events AS h (config_id, event_id, session_id, customer_id, conversation_id, received_at,
             stored_in, outcome, attempts, updated_at, dead_letter_id)
           SELECT r->>0, r->>1, r->>2, r->>3, r->>4, ${ts(5)}, r->>6, r->>7, (r->>8)::int, ${ts(9)}, r->>10
           FROM jsonb_array_elements($1::jsonb) AS r
           ON CONFLICT (config_id, event_id, received_at) DO UPDATE SET
             outcome = EXCLUDED.outcome, attempts = GREATEST(h.attempts, EXCLUDED.attempts), updated_at = EXCLUDED.updated_at,
             dead_letter_id = COALESCE(EXCLUDED.dead_letter_id, h.dead_letter_id)
           WHERE h.updated_at <= EXCLUDED.updated_at`,
          [batch.events],
        );
      }
      if (batch.attempts !== '[]') {
        await db.query(
          `INSERT INTO history_attempts (config_id, event_id, received_at, attempt, at, instance, result, detail)
           SELECT r->>0, r->>1, ${ts(2)}, (r->>3)::int, ${ts(4)}, r->>5, r->>6, r->>7
           FROM jsonb_array_elements($1::jsonb) AS r`,
          [batch.attempts],
        );
      }
      if (batch.devices !== '[]') {
        await db.query(
          `INSERT INTO history_devices (config_id, event_id, received_at, attempt, at, token_digest, token_masked, platform,
             outcome, code, message_name, latency_ms)
           SELECT r->>0, r->>1, ${ts(2)}, (r->>3)::int, ${ts(4)}, r->>5, r->>6, r->>7, r->>8, r->>9, r->>10, (r->>11)::int
           FROM jsonb_array_elements($1::jsonb) AS r`,
          [batch.devices],
        );
      }
    });
  }

  /** One event with its attempts and per-device outcomes (oldest first), or undefined. */
  async find(configId: string, eventId: string): Promise<HistoryEventView | undefined> {
    configId = storableText(configId);
    eventId = storableText(eventId);
    const [event]: EventSqlRow[] = await this.dataSource.query(
      `SELECT * FROM history_events WHERE config_id = $1 AND event_id = $2 ORDER BY received_at DESC LIMIT 1`,
      [configId, eventId],
    );
    if (!event) return undefined;
    const attempts: Array<{ attempt: number; at: Date; instance: string; result: string; detail: string | null }> =
      await this.dataSource.query(
        `SELECT attempt, at, instance, result, detail FROM history_attempts
         WHERE config_id = $1 AND event_id = $2 AND received_at = $3 ORDER BY at, attempt`,
        [configId, eventId, event.received_at],
      );
    const devices: Array<{
      attempt: number;
      at: Date;
      token_masked: string;
      platform: string | null;
      outcome: string;
      code: string | null;
      message_name: string | null;
      latency_ms: number | null;
    }> = await this.dataSource.query(
      `SELECT attempt, at, token_masked, platform, outcome, code, message_name, latency_ms FROM history_devices
       WHERE config_id = $1 AND event_id = $2 AND received_at = $3 ORDER BY at, attempt, token_masked`,
      [configId, eventId, event.received_at],
    );
    return {
      ...view(event),
      attempts: attempts.map((a) => ({ attempt: a.attempt, at: iso(a.at), instance: a.instance, result: a.result, detail: a.detail })),
      devices: devices.map((d) => ({
        token: d.token_masked,
        platform: d.platform,
        outcome: d.outcome,
        ...(d.code ? { code: d.code } : {}),
        ...(d.message_name ? { messageName: d.message_name } : {}),
        at: iso(d.at),
        attempt: d.attempt,
        latencyMs: d.latency_ms,
      })),
    };
  }

  /** Events matching every given criterion, newest first. */
  async search(criteria: HistorySearch): Promise<HistoryEventView[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (criteria.configId !== undefined) add('e.config_id = ?', storableText(criteria.configId));
    if (criteria.eventId !== undefined) add('e.event_id = ?', storableText(criteria.eventId));
    if (criteria.sessionId !== undefined) add('e.session_id = ?', storableText(criteria.sessionId));
    if (criteria.customerId !== undefined) add('e.customer_id = ?', storableText(criteria.customerId));
    if (criteria.from !== undefined) add('e.received_at >= ?', criteria.from);
    if (criteria.to !== undefined) add('e.received_at <= ?', criteria.to);
    if (criteria.tokenDigest !== undefined) {
      add(
        `EXISTS (SELECT 1 FROM history_devices d WHERE d.token_digest = ? AND d.config_id = e.config_id
           AND d.event_id = e.event_id AND d.received_at = e.received_at)`,
        criteria.tokenDigest,
      );
    }
    params.push(criteria.limit);
    const rows: EventSqlRow[] = await this.dataSource.query(
      `SELECT e.* FROM history_events e ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY e.received_at DESC, e.event_id LIMIT $${params.length}`,
      params,
    );
    return rows.map(view);
  }

  /** Digests of the event's devices that some attempt delivered: a replay days later skips them. */
  async deliveredDigests(configId: string, eventId: string): Promise<Set<string>> {
    const rows: Array<{ token_digest: string }> = await this.dataSource.query(
      `SELECT DISTINCT token_digest FROM history_devices
       WHERE config_id = $1 AND event_id = $2 AND outcome IN ('delivered', 'already-delivered')`,
      [storableText(configId), storableText(eventId)],
    );
    return new Set(rows.map((r) => r.token_digest));
  }
}

function view(row: EventSqlRow): HistoryEventView {
  return {
    configId: row.config_id,
    eventId: row.event_id,
    sessionId: row.session_id,
    customerId: row.customer_id,
    conversationId: row.conversation_id,
    receivedAt: iso(row.received_at),
    storedIn: row.stored_in,
    outcome: row.outcome,
    updatedAt: iso(row.updated_at),
    deadLetterId: row.dead_letter_id,
  };
}
