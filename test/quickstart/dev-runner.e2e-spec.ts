/**
 * `npm run dev` starting quietly, and when something is wrong: it stops what it started, says why,
 * and exits non-zero.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { findRootDir } from '../../scripts/dev/dev-settings';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { deleteQueueKeys } from '../support/redis';
import { TEST_REDIS_URL, uniquePrefix } from '../support/test-config';
import { freePortBlock } from './port-block';

const ROOT = findRootDir(__dirname);

/** Runs `npm run dev`'s entry; `until`, once matched by the output, stops it with SIGTERM. */
function runDev(env: NodeJS.ProcessEnv, until?: RegExp): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'scripts/launch.mjs'), 'dev'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (until?.test(output) && child.exitCode === null && !child.killed) child.kill('SIGTERM');
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  // A stale dist/ is rebuilt first, one launcher at a time: on a busy machine that takes a while.
  const timer = setTimeout(() => child.kill('SIGKILL'), 160_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

describe('dev runner failures', () => {
  let db: TestDatabase;
  let base: number;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    base = await freePortBlock(5);
    env = {
      ...process.env,
      NODE_ENV: 'development',
      NO_COLOR: '1',
      DEV_PORT_BASE: String(base),
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: uniquePrefix('dev'),
    };
  });

  afterAll(async () => {
    await db?.drop();
    if (env?.QUEUE_PREFIX) await deleteQueueKeys(env.QUEUE_PREFIX);
  });

  it('fits on one screen up to the ready banner: one line per app when ready, no Nest start-up lines', async () => {
    const { output } = await runDev(env, /Try it: npm run demo.*\n/);
    // The whole output when the banner never came, to see where the start stopped.
    expect(output.includes('Try it: npm run demo') ? 'banner printed' : output).toBe('banner printed');
    const lines = output.slice(0, output.indexOf('Try it: npm run demo')).split('\n');
    // The whole output on failure, to see which lines are too many.
    expect(lines.length <= 40 ? 'at most 40 lines' : output).toBe('at most 40 lines');
    for (const app of ['fcm-emulator', 'ingest', 'dispatcher', 'admin']) {
      expect(lines.filter((line) => new RegExp(`\\[dev\\]\\s+${app} ready on http://`).test(line))).toHaveLength(1);
    }
    expect(output).not.toMatch(/InstanceLoader|RoutesResolver|RouterExplorer|NestFactory|NestApplication/);
    expect(output).toMatch(/\[dev\]\s+stopped/);
  }, 180_000);

  it('stops the rest and exits 1 when an app dies during start', async () => {
    // The apps refuse this log level; the emulator, which does not read it, is already running by then.
    const { code, output } = await runDev({ ...env, LOG_LEVEL: 'loud' });
    expect(code).toBe(1);
    expect(output).toContain('DATABASE_URL is set and answers');
    expect(output).toMatch(/\[(ingest|dispatcher|admin)\]\s+\S+: Invalid configuration/);
    expect(output).toMatch(/(ingest|dispatcher|admin) exited during start \(exit code 1\): see its output above/);
    expect(output).toMatch(/fcm-emulator: SIGTERM, closing[\s\S]*\[dev\]\s+stopped/);
    await expect(fetch(`http://127.0.0.1:${base + 3}/__emulator/stats`)).rejects.toThrow();
  }, 180_000);

  it('refuses to start, naming the variable, when DATABASE_URL is set but nothing answers there', async () => {
    const { code, output } = await runDev({ ...env, DATABASE_URL: `postgres://postgres@127.0.0.1:${base + 4}/none` });
    expect(code).toBe(1);
    expect(output).toContain(`DATABASE_URL is set (postgres://postgres@127.0.0.1:${base + 4}/none) but does not answer: connection refused`);
    expect(output).not.toContain('[ingest]');
  }, 180_000);
});
