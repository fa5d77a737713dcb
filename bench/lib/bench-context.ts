/** What every scenario shares: the options, the database, where the built apps are, and our apps' env. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BenchDatabase } from './bench-database';
import type { BenchOptions } from './bench-options';
import { BENCH_SECRET } from './callback-corpus';
import { LOOPBACK } from './net-utils';

/** dist/ (this file is dist/bench/lib/bench-context.js once built). */
export const DIST_ROOT = resolve(__dirname, '../..');

export const APP_ENTRIES = {
  ingest: join(DIST_ROOT, 'apps/ingest/src/main.js'),
  dispatcher: join(DIST_ROOT, 'apps/dispatcher/src/main.js'),
  emulator: join(DIST_ROOT, 'tools/fcm-emulator/src/main.js'),
} as const;

export type AppEntry = keyof typeof APP_ENTRIES;

export function isBuilt(app: AppEntry): boolean {
  return existsSync(APP_ENTRIES[app]);
}

export interface BenchContext {
  options: BenchOptions;
  database: BenchDatabase;
  /** Every queue prefix used, swept again at the end in case a scenario failed half-way. */
  prefixes: Set<string>;
}

/** Environment of our apps: production mode, loopback only, the bench database and secret. */
export function appEnv(ctx: BenchContext, extra: Record<string, string>): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: ctx.options.logLevel,
    HOST: LOOPBACK,
    REDIS_URL: ctx.options.redisUrl,
    DATABASE_URL: ctx.database.url,
    AXP_SECRET: BENCH_SECRET,
    REGISTRATION_API_KEYS: 'bench-registration-key',
    OPENAPI_ENABLED: 'false',
    ...(ctx.options.appNodeOptions ? { NODE_OPTIONS: ctx.options.appNodeOptions } : {}),
    ...extra,
    ...ctx.options.appEnv,
  };
}

/** Node flags of our apps and of the floors: the probe that can profile the measured window and report the heap. */
export function appExecArgv(): string[] {
  return ['--require', join(DIST_ROOT, 'bench/profiling/process-probe.preload.js')];
}
