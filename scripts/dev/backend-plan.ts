/**
 * Which Postgres and which queue store the dev stack uses, and why: the configured services when
 * REDIS_URL / DATABASE_URL are set, the local ones when they answer, else the embedded defaults.
 */
import type { DevSettings, Env } from './dev-settings';
import { type ProbeResult, probePostgres, probeRedis, redactUrl } from './service-probe';

export type DatabasePlan =
  | { kind: 'configured'; url: string; reason: string }
  | { kind: 'local'; adminUrl: string; reason: string }
  | { kind: 'embedded'; reason: string };

export type QueuePlan = { backend: 'redis'; redisUrl: string; reason: string } | { backend: 'postgres'; reason: string };

export interface BackendPlan {
  database: DatabasePlan;
  queue: QueuePlan;
}

export interface PlanOptions {
  /** Ignore local services: embedded Postgres and the queue on it. */
  embedded: boolean;
}

export class PlanError extends Error {}

const where = (url: string): string => {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || (parsed.protocol.startsWith('redis') ? 6379 : 5432)}`;
};

async function planDatabase(env: Env, settings: DevSettings, options: PlanOptions): Promise<DatabasePlan> {
  const configured = env.DATABASE_URL?.trim();
  if (configured) {
    const probe = await probePostgres(configured);
    if (!probe.ok) {
      throw new PlanError(
        `DATABASE_URL is set (${redactUrl(configured)}) but does not answer: ${probe.detail}. Start that Postgres, or unset DATABASE_URL to use a local or the embedded one.`,
      );
    }
    return { kind: 'configured', url: configured, reason: `DATABASE_URL is set and answers (${probe.detail})` };
  }
  if (options.embedded) return { kind: 'embedded', reason: '--embedded given' };
  const probe = await probePostgres(settings.probe.databaseUrl);
  return probe.ok
    ? { kind: 'local', adminUrl: settings.probe.databaseUrl, reason: `a local Postgres answers at ${where(settings.probe.databaseUrl)} (${probe.detail})` }
    : { kind: 'embedded', reason: `no Postgres answers at ${where(settings.probe.databaseUrl)} (${probe.detail})` };
}

async function planQueue(env: Env, settings: DevSettings, options: PlanOptions, redisProbe: Promise<ProbeResult>): Promise<QueuePlan> {
  const backend = env.QUEUE_BACKEND?.trim();
  if (backend === 'postgres') return { backend: 'postgres', reason: 'QUEUE_BACKEND=postgres is set' };
  if (backend && backend !== 'redis') throw new PlanError(`QUEUE_BACKEND must be redis or postgres (got '${backend}')`);
  const configured = env.REDIS_URL?.trim();
  if (configured || backend === 'redis') {
    const url = configured || settings.probe.redisUrl;
    const probe = await redisProbe;
    if (!probe.ok) {
      throw new PlanError(
        `${configured ? `REDIS_URL is set (${redactUrl(url)})` : 'QUEUE_BACKEND=redis is set'} but Redis does not answer at ${where(url)}: ${probe.detail}. Start Redis, or unset it to run the queue on Postgres.`,
      );
    }
    return { backend: 'redis', redisUrl: url, reason: `${configured ? 'REDIS_URL is set and answers' : 'QUEUE_BACKEND=redis'} (${probe.detail})` };
  }
  if (options.embedded) return { backend: 'postgres', reason: '--embedded given' };
  const probe = await redisProbe;
  return probe.ok
    ? { backend: 'redis', redisUrl: settings.probe.redisUrl, reason: `a local Redis answers at ${where(settings.probe.redisUrl)} (${probe.detail})` }
    : { backend: 'postgres', reason: `no Redis answers at ${where(settings.probe.redisUrl)} (${probe.detail})` };
}

export async function planBackends(env: Env, settings: DevSettings, options: PlanOptions): Promise<BackendPlan> {
  const redisUrl = env.REDIS_URL?.trim() || settings.probe.redisUrl;
  const redisNeeded = env.QUEUE_BACKEND?.trim() !== 'postgres' && (!options.embedded || Boolean(env.REDIS_URL?.trim()));
  // Both probes run at once: the start waits for the slower one only.
  const redisProbe = redisNeeded ? probeRedis(redisUrl) : Promise.resolve({ ok: false, detail: 'not probed' });
  // Settle both before reporting a problem, so no probe is left running behind the answer.
  const [database, queue] = await Promise.allSettled([planDatabase(env, settings, options), planQueue(env, settings, options, redisProbe)]);
  if (database.status === 'rejected') throw database.reason;
  if (queue.status === 'rejected') throw queue.reason;
  return { database: database.value, queue: queue.value };
}
