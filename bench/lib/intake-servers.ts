/** Starts each intake variant in a child process of its own and tells where it listens. */
import { join } from 'node:path';
import { AppProbe } from './app-probe';
import { APP_ENTRIES, appEnv, appExecArgv, type BenchContext, DIST_ROOT } from './bench-context';
import { BENCH_SECRET } from './callback-corpus';
import { type ChildHandle, startChild } from './child-process';
import { freePort, LOOPBACK, waitForHttp } from './net-utils';

export type IntakeVariant = 'floor-a' | 'floor-b' | 'naive-nest' | 'ours' | 'ours-replicated' | 'ours-replica-ack';

export const INTAKE_LABELS: Record<IntakeVariant, string> = {
  'floor-a': 'floor A: node:http + JSON + HMAC, 202 (no store)',
  'floor-b': 'floor B: node:http + HMAC + queue.add per request',
  'naive-nest': 'naive NestJS (Express) + HMAC + queue.add',
  ours: 'ours: apps/ingest (Fastify, batched addBulk)',
  'ours-replicated': 'ours, Redis with a replica, REDIS_MIN_REPLICAS_ACK=0',
  'ours-replica-ack': 'ours, Redis with a replica, REDIS_MIN_REPLICAS_ACK=1 (WAIT per batch)',
};

/** Variants run against a private master with one replica (bench/lib/replicated-redis.ts). */
export const REPLICATED: ReadonlySet<IntakeVariant> = new Set(['ours-replicated', 'ours-replica-ack']);

/** Variants that store the event, whose 202s must each have a job. */
export const DURABLE: ReadonlySet<IntakeVariant> = new Set(['floor-b', 'naive-nest', 'ours', 'ours-replicated', 'ours-replica-ack']);

export interface RunningServer {
  child: ChildHandle;
  port: number;
  /** CPU profile (with --profile) and heap of the process. */
  probe: AppProbe;
  stop(): Promise<void>;
}

async function startFloor(variant: IntakeVariant, ctx: BenchContext, prefix: string): Promise<RunningServer> {
  const script =
    variant === 'naive-nest'
      ? join(DIST_ROOT, 'bench/servers/naive-nest.server.js')
      : join(DIST_ROOT, 'bench/servers/bare-callback.server.js');
  const child = startChild({
    name: variant,
    script,
    args: variant === 'floor-a' ? ['ack'] : variant === 'floor-b' ? ['queue-add'] : [],
    env: { AXP_SECRET: BENCH_SECRET, REDIS_URL: ctx.options.redisUrl, QUEUE_PREFIX: prefix, NODE_ENV: 'production' },
    execArgv: appExecArgv(),
  });
  const { port } = await child.waitFor<{ type: string; port: number }>('ready', 30_000);
  return { child, port, probe: new AppProbe(ctx, child, variant), stop: () => child.stop() };
}

/** Our ingest as built (dist/apps/ingest/src/main.js), configured through its environment. */
export async function startOurIngest(ctx: BenchContext, prefix: string, profileName: string, env: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  const child = startChild({
    name: 'ingest',
    script: APP_ENTRIES.ingest,
    env: appEnv(ctx, { PORT: String(port), QUEUE_PREFIX: prefix, ...env }),
    // The heap cap the ingest runs with everywhere (npm run start:ingest, Dockerfile, compose, Kubernetes).
    execArgv: [...appExecArgv(), '--max-old-space-size=192'],
  });
  await waitForHttp(`http://${LOOPBACK}:${port}/health/ready`, 30_000, () => child.running, () => child.stderr);
  return { child, port, probe: new AppProbe(ctx, child, profileName), stop: () => child.stop() };
}

export function startIntake(variant: IntakeVariant, ctx: BenchContext, prefix: string): Promise<RunningServer> {
  if (variant === 'ours') return startOurIngest(ctx, prefix, 'ingest');
  if (REPLICATED.has(variant)) {
    return startOurIngest(ctx, prefix, variant, { REDIS_MIN_REPLICAS_ACK: variant === 'ours-replica-ack' ? '1' : '0' });
  }
  return startFloor(variant, ctx, prefix);
}
