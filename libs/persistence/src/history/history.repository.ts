/**
 * Reads and batch writes of the delivery history. Writes are one multi-row statement per table
 * (unnest of column arrays: a fixed number of parameters whatever the batch size).
 */
import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { HistoryAttemptRow, HistoryDeviceRow, HistoryEventRow, HistoryEventView, HistorySearch } from './history.types';

/** The digest under which a device token is stored and searched: sha256, base64url (43 characters). */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

const iso = (value: Date | string) => new Date(value).toISOString();

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

  /** Writes a flush: the three inserts in one transaction, so a failed flush can be retried whole. */
  async insert(events: HistoryEventRow[], attempts: HistoryAttemptRow[], devices: HistoryDeviceRow[]): Promise<void> {
    await this.dataSource.transaction(async (db) => {
      if (events.length > 0) {
        // A later write wins: a slow replica's stale "retrying" never hides another's "delivered".
        await db.query(
          `INSERT INTO history_events AS h (config_id, event_id, session_id, customer_id, conversation_id, received_at,
             stored_in, outcome, attempts, updated_at, dead_letter_id)
           SELECT * FROM unnest($1::varchar[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
             $7::varchar[], $8::varchar[], $9::int[], $10::timestamptz[], $11::text[])
           ON CONFLICT (config_id, event_id, received_at) DO UPDATE SET
             outcome = EXCLUDED.outcome, attempts = GREATEST(h.attempts, EXCLUDED.attempts), updated_at = EXCLUDED.updated_at,
             dead_letter_id = COALESCE(EXCLUDED.dead_letter_id, h.dead_letter_id)
           WHERE h.updated_at <= EXCLUDED.updated_at`,
          [
            events.map((e) => e.configId),
            events.map((e) => e.eventId),
            events.map((e) => e.sessionId),
            events.map((e) => e.customerId),
            events.map((e) => e.conversationId),
            events.map((e) => e.receivedAt),
            events.map((e) => e.storedIn),
            events.map((e) => e.outcome),
            events.map((e) => e.attempts),
            events.map((e) => e.updatedAt),
            events.map((e) => e.deadLetterId),
          ],
        );
      }
      if (attempts.length > 0) {
        await db.query(
          `INSERT INTO history_attempts (config_id, event_id, received_at, attempt, at, instance, result, detail)
           SELECT * FROM unnest($1::varchar[], $2::text[], $3::timestamptz[], $4::int[], $5::timestamptz[], $6::varchar[],
             $7::varchar[], $8::text[])`,
          [
            attempts.map((a) => a.configId),
            attempts.map((a) => a.eventId),
            attempts.map((a) => a.receivedAt),
            attempts.map((a) => a.attempt),
            attempts.map((a) => a.at),
            attempts.map((a) => a.instance),
            attempts.map((a) => a.result),
            attempts.map((a) => a.detail),
          ],
        );
      }
      if (devices.length > 0) {
        await db.query(
          `INSERT INTO history_devices (config_id, event_id, received_at, attempt, at, token_digest, token_masked, platform,
             outcome, code, message_name, latency_ms)
           SELECT * FROM unnest($1::varchar[], $2::text[], $3::timestamptz[], $4::int[], $5::timestamptz[], $6::char(43)[],
             $7::varchar[], $8::varchar[], $9::varchar[], $10::varchar[], $11::text[], $12::int[])`,
          [
            devices.map((d) => d.configId),
            devices.map((d) => d.eventId),
            devices.map((d) => d.receivedAt),
            devices.map((d) => d.attempt),
            devices.map((d) => d.at),
            devices.map((d) => d.tokenDigest),
            devices.map((d) => d.tokenMasked),
            devices.map((d) => d.platform),
            devices.map((d) => d.outcome),
            devices.map((d) => d.code),
            devices.map((d) => d.messageName),
            devices.map((d) => d.latencyMs),
          ],
        );
      }
    });
  }

  /** One event with its attempts and per-device outcomes (oldest first), or undefined. */
  async find(configId: string, eventId: string): Promise<HistoryEventView | undefined> {
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
    if (criteria.configId !== undefined) add('e.config_id = ?', criteria.configId);
    if (criteria.eventId !== undefined) add('e.event_id = ?', criteria.eventId);
    if (criteria.sessionId !== undefined) add('e.session_id = ?', criteria.sessionId);
    if (criteria.customerId !== undefined) add('e.customer_id = ?', criteria.customerId);
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
      [configId, eventId],
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
