/**
 * The quickstart end to end, as a newcomer runs it: `npm run dev` with no Redis and no Postgres
 * reachable (embedded Postgres, queue on BullMQ's PostgreSQL backend), then `npm run demo`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedPostgresSupport } from '../../scripts/dev/embedded-postgres';
import { findRootDir } from '../../scripts/dev/dev-settings';
import { freePortBlock } from './port-block';

const ROOT = findRootDir(__dirname);
const support = embeddedPostgresSupport(ROOT);
if (!support.ok) {
  process.stderr.write(`quickstart e2e skipped: the embedded Postgres cannot run on this platform (${support.reason})\n`);
}
const describeEmbedded = support.ok ? describe : describe.skip;
const title = support.ok
  ? 'quickstart: npm run dev (no Redis, no Postgres) and npm run demo'
  : `quickstart (skipped: ${support.reason})`;

interface Run {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

function run(script: 'dev' | 'demo', env: NodeJS.ProcessEnv): Run {
  // The same entry as `npm run dev` / `npm run demo`: builds dist/ first when it is stale.
  const child = spawn(process.execPath, [join(ROOT, 'scripts/launch.mjs'), script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

async function waitForOutput(target: Run, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void target.exit.then(() => (exited = true));
  while (!pattern.test(target.output())) {
    if (exited || Date.now() > deadline) {
      throw new Error(`${exited ? 'exited' : 'timed out'} before ${pattern}; output:\n${target.output().slice(-6000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describeEmbedded(title, () => {
  let dataDir: string;
  let base: number;
  let env: NodeJS.ProcessEnv;
  let dev: Run | undefined;

  beforeAll(async () => {
    base = await freePortBlock(7);
    dataDir = mkdtempSync(join(tmpdir(), 'axp-quickstart-'));
    // As root the embedded server runs as the 'postgres' user, which must be able to enter this folder.
    chmodSync(dataDir, 0o755);
    env = { ...process.env, NODE_ENV: 'development', NO_COLOR: '1', DEV_PORT_BASE: String(base), DEV_DATA_DIR: dataDir, DEMO_TIMEOUT_MS: '30000' };
    for (const name of ['REDIS_URL', 'DATABASE_URL', 'QUEUE_BACKEND', 'AXP_SECRET', 'REGISTRATION_API_KEYS', 'PORT']) {
      delete env[name];
    }
    // "Nothing installed": the probed local services are ports where nothing listens.
    env.DEV_REDIS_URL = `redis://127.0.0.1:${base + 5}`;
    env.DEV_DATABASE_URL = `postgres://postgres@127.0.0.1:${base + 6}/postgres`;
    dev = run('dev', env);
    await waitForOutput(dev, /dev stack is up/, 170_000);
  }, 180_000);

  afterAll(async () => {
    if (dev && dev.child.exitCode === null) {
      dev.child.kill('SIGTERM');
      const timer = setTimeout(() => dev?.child.kill('SIGKILL'), 40_000);
      await dev.exit;
      clearTimeout(timer);
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('picks the embedded Postgres and the Postgres queue backend, and says why', () => {
    const out = dev!.output();
    // A first run (new cluster, every migration) still fits on one screen up to the banner's end.
    expect(out.slice(0, out.indexOf('Try it: npm run demo')).split('\n').length).toBeLessThanOrEqual(40);
    expect(out).toContain(`no Postgres answers at 127.0.0.1:${base + 6}`);
    expect(out).toContain(`no Redis answers at 127.0.0.1:${base + 5}`);
    expect(out).toMatch(/Queue\s+BullMQ PostgreSQL backend \(QUEUE_BACKEND=postgres\)/);
    expect(out).toContain(`AXP callback URL     http://127.0.0.1:${base}/v1/axp/default/notifications`);
    expect(out).toContain('delivery ledger: kept in the delivery_ledger table');
    expect(existsSync(join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
  });

  it('runs the demo: the emulator receives the FCM request with the AXP event as data', async () => {
    const demo = run('demo', env);
    const code = await demo.exit;
    const out = demo.output();
    expect({ code, out }).toEqual({ code: 0, out: expect.stringContaining('← 202 Accepted') });
    // Timings for a person: `30 ms`, never `30.35546875 ms`.
    expect(out).toMatch(/\d ms after the callback/);
    expect(out).not.toMatch(/\d\.\d+ ms/);
    // The job as the dashboard's API shows it: Bull Board works on the Postgres backend.
    expect(out).toMatch(/state completed\s+attempts 1\n\s+result \{.*"outcome":"delivered"/);

    const eventId = /"eventId": "([0-9a-f-]{36})"/.exec(out)?.[1];
    const sessionId = /"sessionId": "([0-9a-f-]{36})"/.exec(out)?.[1];
    const conversationId = /"conversationId": "([0-9a-f-]{36})"/.exec(out)?.[1];
    expect(eventId && sessionId && conversationId).toBeTruthy();
    const res = await fetch(`http://127.0.0.1:${base + 3}/__emulator/requests`);
    const { requests } = (await res.json()) as { requests: Array<{ status: number; message: { token: string; data: Record<string, string> } }> };
    const push = requests.find((r) => r.message.data?.eventId === eventId);
    expect(push?.status).toBe(200);
    expect(push?.message.token).toMatch(/^demo-device-/);
    expect(push?.message.data).toEqual({
      eventId,
      sessionId,
      conversationId,
      customerId: 'customer-id-12345',
      eventDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
  }, 60_000);

  it('serves the dashboard behind basic auth, with Postgres in its datastore panel', async () => {
    const dashboard = `http://127.0.0.1:${base + 2}/admin/queues`;
    const auth = { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` };
    expect((await fetch(dashboard)).status).toBe(401);
    expect((await fetch(dashboard, { headers: auth })).status).toBe(200);
    const stats = await fetch(`${dashboard}/api/redis/stats`, { headers: auth });
    expect(await stats.json()).toMatchObject({ backend: 'postgres', port: base + 4 });
  });

  it('fails the demo, naming why, when the push does not arrive', async () => {
    const emulator = `http://127.0.0.1:${base + 3}/__emulator`;
    await fetch(`${emulator}/default`, { method: 'PUT', body: JSON.stringify({ outcome: 'unregistered' }) });
    try {
      const demo = run('demo', { ...env, DEMO_TIMEOUT_MS: '4000' });
      expect(await demo.exit).toBe(1);
      expect(demo.output()).toContain('no FCM request for the device arrived within 4 s');
    } finally {
      await fetch(`${emulator}/default`, { method: 'DELETE' });
    }
  }, 60_000);

  it('stops every process on SIGTERM, the embedded Postgres included', async () => {
    dev!.child.kill('SIGTERM');
    expect(await dev!.exit).toBe(0);
    expect(dev!.output()).toMatch(/embedded Postgres stopped[\s\S]*\[dev\]\s+stopped/);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    for (const port of [base, base + 1, base + 2, base + 3, base + 4]) {
      await expect(fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
    }
  }, 60_000);
});
