/**
 * Short, quiet probes of Redis and Postgres: the dev runner uses a service only when it answers
 * within about a second, and says why when it does not.
 */
import IORedis from 'ioredis';
import { Client } from 'pg';

export interface ProbeResult {
  ok: boolean;
  /** What answered (a version), or why nothing usable did. */
  detail: string;
}

const describe = (error: unknown): string => {
  const e = error as NodeJS.ErrnoException & { errors?: Error[] };
  if (e.code === 'ECONNREFUSED') return 'connection refused';
  // Node reports "localhost" failures as an AggregateError of the IPv4 and IPv6 attempts.
  if (e.errors?.length) return describe(e.errors[0]);
  return e.message || String(error);
};

/** Hides the password of a URL for printing. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

export async function probeRedis(url: string, timeoutMs = 1_000): Promise<ProbeResult> {
  const redis = new IORedis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // The socket's own error (ECONNREFUSED) says more than the "Connection is closed" connect() rejects with.
  let socketError: unknown;
  redis.on('error', (error: unknown) => (socketError ??= error));
  try {
    await redis.connect();
    const info = await redis.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown version';
    return { ok: true, detail: `Redis ${version}` };
  } catch (error) {
    return { ok: false, detail: describe(socketError ?? error) };
  } finally {
    // After a refused connection the client has ended; disconnecting it again would arm a 2 s timer.
    if (redis.status !== 'end') redis.disconnect();
  }
}

export async function probePostgres(url: string, timeoutMs = 1_500): Promise<ProbeResult> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return { ok: true, detail: `PostgreSQL ${rows[0].server_version.split(' ')[0]}` };
  } catch (error) {
    return { ok: false, detail: describe(error) };
  } finally {
    await client.end().catch(() => undefined);
  }
}
