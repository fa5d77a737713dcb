/**
 * A Postgres database of the benchmark's own (migrated with the project's migrations, dropped at the
 * end) and registrations seeded in bulk: one INSERT … SELECT per session set, hashed by Postgres.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createDataSource } from '@app/persistence';
import { benchSessionId, benchToken, TOKEN_LENGTH } from './session-names';

export interface SessionSet {
  label: string;
  sessions: number;
  tokensPerSession: number;
  sessionId(index: number): string;
  token(index: number, k: number): string;
}


function withDatabase(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export class BenchDatabase {
  private constructor(
    private readonly adminUrl: string,
    readonly name: string,
    readonly url: string,
  ) {}

  static async create(adminUrl: string): Promise<BenchDatabase> {
    const name = `axp_bench_${randomBytes(5).toString('hex')}`;
    await BenchDatabase.admin(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
    const database = new BenchDatabase(adminUrl, name, withDatabase(adminUrl, name));
    const dataSource = createDataSource({ url: database.url, poolSize: 2 });
    await dataSource.initialize();
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await dataSource.destroy();
    }
    return database;
  }

  private static async admin<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }

  query<T>(fn: (client: Client) => Promise<T>): Promise<T> {
    return BenchDatabase.admin(this.url, fn);
  }

  /** Registers `sessions` sessions of `tokensPerSession` tokens each for the configuration. */
  async seedSessions(label: string, sessions: number, tokensPerSession: number, configId = 'default'): Promise<SessionSet> {
    const set: SessionSet = {
      label,
      sessions,
      tokensPerSession,
      sessionId: (i) => benchSessionId(label, i),
      token: (i, k) => benchToken(label, i, k),
    };
    await this.query((c) =>
      c.query(
        `INSERT INTO registrations (config_id, device_token, token_hash, session_id, customer_id, platform, expires_at)
         SELECT $1, t.token, sha256(convert_to(t.token, 'UTF8')), 'bench-' || $2 || '-session-' || s, 'bench-customer',
                'android', now() + interval '1 day'
         FROM generate_series(0, $3::int - 1) AS s,
              generate_series(0, $4::int - 1) AS k,
              LATERAL (SELECT rpad('bench-' || $2 || '-token-' || s || '-' || k || '-', $5::int, 'x') AS token) AS t`,
        [configId, label, sessions, tokensPerSession, TOKEN_LENGTH],
      ),
    );
    return set;
  }

  async outboxCount(): Promise<number> {
    const result = await this.query((c) => c.query<{ n: string }>('SELECT count(*) AS n FROM outbox'));
    return Number(result.rows[0].n);
  }

  async drop(): Promise<void> {
    await BenchDatabase.admin(this.adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`));
  }
}
