/**
 * The benchmark's settings: command-line flags first, then BENCH_* variables, then defaults.
 * `--smoke` shrinks every scenario to a few hundred requests so CI can keep the script from rotting.
 */
import { resolve } from 'node:path';

export type ScenarioGroup = 'ingest' | 'dispatch' | 'e2e' | 'soak';
export const SCENARIO_GROUPS: readonly ScenarioGroup[] = ['ingest', 'dispatch', 'e2e', 'soak'];
/** Without --only: the soak (20 minutes by default) runs only when asked for, or shortened in smoke mode. */
const DEFAULT_GROUPS: readonly ScenarioGroup[] = ['ingest', 'dispatch', 'e2e'];

export interface BenchOptions {
  smoke: boolean;
  groups: Set<ScenarioGroup>;
  /** Rounds of the ingest and dispatch scenarios, interleaved; the median round of each is reported. */
  repeat: number;
  /** Scenario ids to run within the groups (floor-a, floor-b, naive-nest, floor-c, floor-d, ours); all when absent. */
  variants?: Set<string>;
  /** Concurrent keep-alive connections of the ingest load generator. */
  connections: number;
  /** Seconds per ingest scenario (full mode). */
  ingestDurationSec: number;
  /** Requests per ingest scenario instead of a duration (smoke mode). */
  ingestAmount?: number;
  /** Jobs queued before each dispatch scenario starts. */
  dispatchJobs: number;
  /** Concurrency of the dispatcher, the empty worker and the bare send loop. */
  dispatchConcurrency: number;
  /** Tokens per session in the dispatch scenarios, one scenario set per value. */
  tokensPerSession: number[];
  e2eRate: number;
  e2eDurationSec: number;
  /** Tokens per session in the end-to-end scenario. */
  e2eTokensPerSession: number;
  /** Callbacks per second of the soak (--soak-rate). */
  soakRate: number;
  /** Length of the soak's load in seconds (--soak-minutes, may be fractional). */
  soakSeconds: number;
  /** CPU-profiles our apps over each measured window (bench/results/profiles/*.cpuprofile). */
  profile: boolean;
  /** LOG_LEVEL of our apps under load (production default: info). */
  logLevel: string;
  /** NODE_OPTIONS for our apps only (e.g. heap flags being tried); none by default. */
  appNodeOptions?: string;
  /** Extra environment of our apps (e.g. DATABASE_POOL_SIZE=50), to try settings; none by default. */
  appEnv: Record<string, string>;
  redisUrl: string;
  databaseAdminUrl: string;
  resultsDir: string;
}

type Raw = Record<string, string | undefined>;

function parseArgs(argv: string[]): Raw {
  const raw: Raw = {};
  for (const arg of argv) {
    const match = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument '${arg}' (flags look like --name=value; see BENCHMARKS.md)`);
    raw[match[1]] = match[2] ?? 'true';
  }
  return raw;
}

function envName(flag: string): string {
  return `BENCH_${flag.toUpperCase().replace(/-/g, '_')}`;
}

/** `A=1,B=2` → { A: '1', B: '2' }. */
function parseAppEnv(value: string | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of (value ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(pair);
    if (!match) throw new Error(`--app-env: '${pair}' is not NAME=value`);
    env[match[1]] = match[2];
  }
  return env;
}

export function parseBenchOptions(argv: string[], env: Raw): BenchOptions {
  const flags = parseArgs(argv);
  const known = new Set([
    'smoke', 'only', 'variants', 'repeat', 'connections', 'duration', 'amount', 'jobs', 'concurrency', 'tokens',
    'e2e-rate', 'e2e-duration', 'e2e-tokens', 'soak-rate', 'soak-minutes', 'profile', 'log-level', 'node-options', 'app-env', 'results-dir',
  ]);
  for (const name of Object.keys(flags)) {
    if (!known.has(name)) throw new Error(`unknown flag --${name}; known: ${[...known].map((k) => `--${k}`).join(', ')}`);
  }
  const get = (flag: string): string | undefined => flags[flag] ?? env[envName(flag)];
  const int = (flag: string, fallback: number, min = 1): number => {
    const value = get(flag);
    if (value === undefined || value === '') return fallback;
    if (!/^\d+$/.test(value) || Number(value) < min) throw new Error(`--${flag} (or ${envName(flag)}) must be a whole number ≥ ${min}, got '${value}'`);
    return Number(value);
  };
  const bool = (flag: string): boolean => ['true', '1', 'yes'].includes((get(flag) ?? 'false').toLowerCase());
  const minutes = (flag: string, fallback: number): number => {
    const value = get(flag);
    if (value === undefined || value === '') return fallback;
    if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0) throw new Error(`--${flag} (or ${envName(flag)}) must be a number of minutes above 0, got '${value}'`);
    return Number(value);
  };

  const smoke = bool('smoke');
  const groups = new Set<ScenarioGroup>();
  const defaults = smoke ? SCENARIO_GROUPS : DEFAULT_GROUPS;
  for (const name of (get('only') ?? defaults.join(',')).split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!SCENARIO_GROUPS.includes(name as ScenarioGroup)) throw new Error(`--only: '${name}' is not one of ${SCENARIO_GROUPS.join(', ')}`);
    groups.add(name as ScenarioGroup);
  }
  const tokens = (get('tokens') ?? (smoke ? '3' : '1,3')).split(',').map((s) => Number(s.trim()));
  if (tokens.some((t) => !Number.isInteger(t) || t < 1 || t > 100)) throw new Error('--tokens must be a comma-separated list of whole numbers 1-100');

  const variants = get('variants') ? new Set(get('variants')!.split(',').map((v) => v.trim())) : undefined;
  const knownVariants = ['floor-a', 'floor-b', 'naive-nest', 'floor-c', 'floor-d', 'ours', 'ours-history-off', 'ours-replicated', 'ours-replica-ack'];
  for (const v of variants ?? []) if (!knownVariants.includes(v)) throw new Error(`--variants: '${v}' is not one of ${knownVariants.join(', ')}`);

  return {
    smoke,
    groups,
    repeat: int('repeat', 1),
    variants,
    connections: int('connections', 64),
    ingestDurationSec: int('duration', 10),
    ingestAmount: get('amount') !== undefined ? int('amount', 300) : smoke ? 400 : undefined,
    dispatchJobs: int('jobs', smoke ? 300 : 20_000),
    dispatchConcurrency: int('concurrency', 200),
    tokensPerSession: tokens,
    e2eRate: int('e2e-rate', smoke ? 200 : 1_000),
    e2eDurationSec: int('e2e-duration', smoke ? 2 : 30),
    e2eTokensPerSession: int('e2e-tokens', 1),
    soakRate: int('soak-rate', smoke ? 50 : 500),
    soakSeconds: Math.round(minutes('soak-minutes', smoke ? 1.25 : 20) * 60),
    profile: bool('profile'),
    logLevel: get('log-level') ?? 'info',
    appNodeOptions: get('node-options'),
    appEnv: parseAppEnv(get('app-env')),
    redisUrl: env.BENCH_REDIS_URL ?? env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    databaseAdminUrl: env.BENCH_DATABASE_URL ?? env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    resultsDir: resolve(get('results-dir') ?? resolve(__dirname, '../../../bench/results')),
  };
}
