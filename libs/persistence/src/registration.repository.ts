import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig, type Platform } from '@app/config';

export interface Registration {
  configId: string;
  deviceToken: string;
  sessionId: string;
  customerId: string | null;
  /** customerId came from a verified customer JWT: the device receives only that customer's events. */
  customerBound: boolean;
  platform: Platform;
  createdAt: Date;
  updatedAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

export interface RegistrationInput {
  configId: string;
  deviceToken: string;
  sessionId: string;
  customerId?: string | null;
  customerBound?: boolean;
  platform?: Platform;
}

export interface LiveToken {
  deviceToken: string;
  platform: Platform;
  /** The customer a bound registration belongs to; absent when the registration is not bound. */
  boundCustomerId?: string;
}

interface RegistrationRow {
  config_id: string;
  device_token: string;
  session_id: string;
  customer_id: string | null;
  customer_bound: boolean;
  platform: Platform;
  created_at: Date;
  updated_at: Date;
  last_seen_at: Date;
  expires_at: Date;
}

const COLUMNS = `config_id, device_token, session_id, customer_id, customer_bound, platform, created_at, updated_at, last_seen_at, expires_at`;

export function tokenHash(deviceToken: string): Buffer {
  return createHash('sha256').update(deviceToken).digest();
}

type LiveTokenRow = Pick<RegistrationRow, 'device_token' | 'platform' | 'customer_id' | 'customer_bound'>;

function toLiveToken(row: LiveTokenRow): LiveToken {
  const token: LiveToken = { deviceToken: row.device_token, platform: row.platform };
  if (row.customer_bound && row.customer_id !== null) token.boundCustomerId = row.customer_id;
  return token;
}

function toRegistration(row: RegistrationRow): Registration {
  return {
    configId: row.config_id,
    deviceToken: row.device_token,
    sessionId: row.session_id,
    customerId: row.customer_id,
    customerBound: row.customer_bound,
    platform: row.platform,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
  };
}

/**
 * Device registrations in Postgres. Plain SQL on the hot paths (token lookup, upsert); expired rows
 * are invisible to every read and removed by `deleteExpired`.
 */
@Injectable()
export class RegistrationRepository {
  private readonly ttlSeconds: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ttlSeconds = config.registrations.ttlSeconds;
  }

  /** Inserts or moves a token (to its new session); `created` tells which. Renews its expiry. */
  async upsert(input: RegistrationInput): Promise<{ registration: Registration; created: boolean }> {
    const rows: Array<RegistrationRow & { inserted: boolean }> = await this.dataSource.query(
      `INSERT INTO registrations (config_id, device_token, token_hash, session_id, customer_id, platform, expires_at, customer_bound)
       VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7), $8)
       ON CONFLICT (config_id, token_hash) DO UPDATE SET
         session_id = EXCLUDED.session_id,
         customer_id = EXCLUDED.customer_id,
         customer_bound = EXCLUDED.customer_bound,
         platform = EXCLUDED.platform,
         updated_at = now(),
         last_seen_at = now(),
         expires_at = EXCLUDED.expires_at,
         -- an expired row being re-registered counts as new
         created_at = CASE WHEN registrations.expires_at <= now() THEN now() ELSE registrations.created_at END
       RETURNING ${COLUMNS}, (xmax = 0 OR created_at = updated_at) AS inserted`,
      [
        input.configId,
        input.deviceToken,
        tokenHash(input.deviceToken),
        input.sessionId,
        input.customerId ?? null,
        input.platform ?? 'android',
        this.ttlSeconds,
        input.customerBound === true && !!input.customerId,
      ],
    );
    return { registration: toRegistration(rows[0]), created: rows[0].inserted };
  }

  async findByToken(configId: string, deviceToken: string): Promise<Registration | undefined> {
    const rows: RegistrationRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM registrations
       WHERE config_id = $1 AND token_hash = $2 AND expires_at > now()`,
      [configId, tokenHash(deviceToken)],
    );
    return rows[0] ? toRegistration(rows[0]) : undefined;
  }

  async findBySession(configId: string, sessionId: string): Promise<Registration[]> {
    const rows: RegistrationRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM registrations
       WHERE config_id = $1 AND session_id = $2 AND expires_at > now()
       ORDER BY created_at`,
      [configId, sessionId],
    );
    return rows.map(toRegistration);
  }

  /** A token's live registrations in any of `configIds`, the most recently registered first. */
  async findByTokenIn(configIds: readonly string[], deviceToken: string): Promise<Registration[]> {
    if (configIds.length === 0) return [];
    const rows: RegistrationRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM registrations
       WHERE config_id = ANY($1::varchar[]) AND token_hash = $2 AND expires_at > now()
       ORDER BY updated_at DESC`,
      [configIds, tokenHash(deviceToken)],
    );
    return rows.map(toRegistration);
  }

  /** A session's live registrations in any of `configIds`, oldest first. */
  async findBySessionIn(configIds: readonly string[], sessionId: string): Promise<Registration[]> {
    if (configIds.length === 0) return [];
    const rows: RegistrationRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM registrations
       WHERE config_id = ANY($1::varchar[]) AND session_id = $2 AND expires_at > now()
       ORDER BY created_at`,
      [configIds, sessionId],
    );
    return rows.map(toRegistration);
  }

  /** Live registrations of a configuration, most recently registered first, at most `limit`. */
  async list(configId: string, limit: number): Promise<Registration[]> {
    const rows: RegistrationRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM registrations
       WHERE config_id = $1 AND expires_at > now()
       ORDER BY updated_at DESC LIMIT $2`,
      [configId, limit],
    );
    return rows.map(toRegistration);
  }

  /** The dispatcher's lookup: every live token of a session, in one indexed query. */
  async findLiveTokens(configId: string, sessionId: string): Promise<LiveToken[]> {
    const rows: LiveTokenRow[] = await this.dataSource.query(
      `SELECT device_token, platform, customer_id, customer_bound FROM registrations
       WHERE config_id = $1 AND session_id = $2 AND expires_at > now()`,
      [configId, sessionId],
    );
    return rows.map(toLiveToken);
  }

  /** Live tokens of many sessions of one configuration in one indexed query (the dispatcher batches its lookups). */
  async findLiveTokensForSessions(configId: string, sessionIds: readonly string[]): Promise<Map<string, LiveToken[]>> {
    const rows: Array<LiveTokenRow & { session_id: string }> = await this.dataSource.query(
      `SELECT session_id, device_token, platform, customer_id, customer_bound FROM registrations
       WHERE config_id = $1 AND session_id = ANY($2::varchar[]) AND expires_at > now()`,
      [configId, sessionIds],
    );
    const bySession = new Map<string, LiveToken[]>(sessionIds.map((id) => [id, []]));
    for (const row of rows) bySession.get(row.session_id)?.push(toLiveToken(row));
    return bySession;
  }

  /**
   * Keeps a session's `keep` most recently registered devices and deletes the rest (and its expired
   * rows): REGISTRATION_MAX_DEVICES_PER_SESSION. Returns how many rows went.
   */
  async trimSession(configId: string, sessionId: string, keep: number): Promise<number> {
    const result: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM registrations WHERE id IN (
         SELECT id FROM registrations WHERE config_id = $1 AND session_id = $2
         ORDER BY (expires_at > now()) DESC, updated_at DESC, id DESC OFFSET $3
       )`,
      [configId, sessionId, keep],
    );
    return result[1];
  }

  /** Deletes one registration; false when there was no live one. */
  async deleteByToken(configId: string, deviceToken: string): Promise<boolean> {
    const [rows]: [Array<{ live: boolean }>, number] = await this.dataSource.query(
      `DELETE FROM registrations WHERE config_id = $1 AND token_hash = $2 RETURNING expires_at > now() AS live`,
      [configId, tokenHash(deviceToken)],
    );
    return rows.some((r) => r.live);
  }

  /** Removes tokens FCM reported dead; returns how many rows went. */
  async deleteTokens(configId: string, deviceTokens: string[]): Promise<number> {
    if (deviceTokens.length === 0) return 0;
    const result: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM registrations WHERE config_id = $1 AND token_hash = ANY($2::bytea[])`,
      [configId, deviceTokens.map(tokenHash)],
    );
    return result[1];
  }

  /** Periodic clean-up of expired rows, in bounded batches. */
  async deleteExpired(batchSize = 5_000): Promise<number> {
    const result: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM registrations WHERE id IN (
         SELECT id FROM registrations WHERE expires_at <= now() LIMIT $1
       )`,
      [batchSize],
    );
    return result[1];
  }
}
