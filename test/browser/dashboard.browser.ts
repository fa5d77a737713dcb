/**
 * Browser test of the queue dashboard (`npm run test:browser`): Debian's Chromium, headless, driven
 * by playwright-core, against the admin app on the local Redis and Postgres. Prints one line per
 * check and a closing `N passed, N failed`; exits non-zero when a check fails.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';
import { type BrowserContext, chromium } from 'playwright-core';
import {
  DEAD_LETTER_QUEUE,
  type DeadLetterJobData,
  deadLetterJob,
  NOTIFICATIONS_QUEUE,
  notificationJobId,
} from '@app/queue';
import { createAdminApp } from '../../apps/admin/src/admin.app';
import { axpEvent } from '../support/axp';
import { createTestDatabase } from '../support/database';
import { deleteQueueKeys } from '../support/redis';
import { testConfig } from '../support/test-config';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = join(tmpdir(), 'axp-push-dashboard.png');
const CREDENTIALS = { username: 'ops', password: 'browser-test-password' };
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

type Check = [name: string, run: () => Promise<void>];

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

async function browserContext(httpCredentials?: typeof CREDENTIALS): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'axp-push-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    httpCredentials,
    viewport: { width: 1400, height: 900 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

async function writeDeadLetter(queue: Queue<DeadLetterJobData>): Promise<string> {
  const event = axpEvent();
  const sourceJobId = notificationJobId('default', event.eventId);
  const spec = deadLetterJob({
    configId: 'default',
    event,
    receivedAt: new Date().toISOString(),
    reason: 'exhausted',
    lastError: 'messaging/server-unavailable: The service is currently unavailable',
    attempts: 8,
    sourceJobId,
    deadLetteredAt: new Date().toISOString(),
  });
  const jobId = `${sourceJobId}@${Date.now()}`;
  await queue.add(spec.name, spec.data, { ...spec.opts, jobId });
  for (let i = 0; i < 200 && (await queue.getJobState(jobId)) !== 'failed'; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert((await queue.getJobState(jobId)) === 'failed', 'the admin app did not park the dead-letter entry');
  return jobId;
}

async function main(): Promise<number> {
  assert(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);
  const db = await createTestDatabase();
  const config = testConfig('admin', {
    DATABASE_URL: db.url,
    ADMIN_USERNAME: CREDENTIALS.username,
    ADMIN_PASSWORD: CREDENTIALS.password,
  });
  let app: NestFastifyApplication | undefined;
  let passed = 0;
  let failed = 0;
  try {
    app = await createAdminApp(config);
    await app.listen(0, '127.0.0.1');
    const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const dashboard = `${base}/admin/queues`;
    const deadLetter = app.get<Queue<DeadLetterJobData>>(getQueueToken(DEAD_LETTER_QUEUE));
    const jobId = await writeDeadLetter(deadLetter);

    const checks: Check[] = [
      [
        'the dashboard refuses a browser without credentials',
        async () => {
          const browser = await browserContext();
          try {
            const page = await browser.context.newPage();
            // Chromium answers a Basic challenge it has no credentials for by failing the navigation.
            const outcome = await page.goto(dashboard).then(
              (response) => `HTTP ${response?.status()}`,
              (error: Error) => (/ERR_INVALID_AUTH_CREDENTIALS/.test(error.message) ? 'HTTP 401' : error.message),
            );
            assert(outcome === 'HTTP 401', `expected a 401, got ${outcome}`);
          } finally {
            await browser.close();
          }
        },
      ],
      [
        'after logging in, the dashboard shows the dead-letter queue with one job',
        async () => {
          const browser = await browserContext(CREDENTIALS);
          const page = await browser.context.newPage();
          try {
            const response = await page.goto(dashboard);
            assert(response?.status() === 200, `expected 200, got ${response?.status()}`);
            await page.getByText('Dead letter', { exact: false }).first().waitFor({ timeout: 15_000 });
            await page.goto(`${dashboard}/queue/${encodeURIComponent(DEAD_LETTER_QUEUE)}?status=failed`);
            const reason = page.getByText('exhausted after 8 attempts', { exact: false }).first();
            await reason.waitFor({ timeout: 15_000 });
            await page.getByText(jobId, { exact: false }).first().waitFor({ timeout: 15_000 });
            const text = await page.locator('body').innerText();
            const listed = new Set(text.match(/[\w%.-]+\/[\w%.-]+@\d{13}/g) ?? []);
            assert(listed.size === 1 && listed.has(jobId), `expected exactly job ${jobId}, saw ${[...listed].join(', ')}`);
            const counts = await deadLetter.getJobCounts('failed', 'wait');
            assert(counts.failed === 1 && counts.wait === 0, `expected one parked job, found ${JSON.stringify(counts)}`);
          } finally {
            await page.screenshot({ path: SCREENSHOT, fullPage: true }).catch(() => undefined);
            await browser.close();
          }
        },
      ],
      [
        "the job's Retry button puts the event back on the notifications queue",
        async () => {
          const browser = await browserContext(CREDENTIALS);
          const page = await browser.context.newPage();
          try {
            await page.goto(`${dashboard}/queue/${encodeURIComponent(DEAD_LETTER_QUEUE)}?status=failed`);
            await page.getByText(jobId, { exact: false }).first().waitFor({ timeout: 15_000 });
            // The job card's Retry is an icon button (refresh icon) with a tooltip, next to "Retry all".
            await page.locator('button:has(svg.lucide-refresh-cw)').filter({ hasNotText: 'Retry all' }).first().click();
            const confirm = page.getByRole('button', { name: /^(confirm|retry|yes)$/i });
            if (await confirm.first().isVisible().catch(() => false)) await confirm.first().click();
            const replayedAs = notificationJobId('default', (await deadLetter.getJob(jobId))!.data.event.eventId);
            const notifications = app!.get<Queue>(getQueueToken(NOTIFICATIONS_QUEUE));
            for (let i = 0; i < 200 && !(await notifications.getJob(replayedAs)); i += 1) {
              await new Promise((resolve) => setTimeout(resolve, 50));
            }
            assert(await notifications.getJob(replayedAs), `job ${replayedAs} is not on the notifications queue`);
          } finally {
            await browser.close();
          }
        },
      ],
    ];

    for (const [name, run] of checks) {
      try {
        await run();
        passed += 1;
        process.stdout.write(`ok - ${name}\n`);
      } catch (error) {
        failed += 1;
        process.stdout.write(`not ok - ${name}: ${(error as Error).message}\n`);
      }
    }
    process.stdout.write(`screenshot: ${SCREENSHOT}\n`);
  } catch (error) {
    failed += 1;
    process.stdout.write(`not ok - setup: ${(error as Error).stack ?? String(error)}\n`);
  } finally {
    await app?.close();
    await deleteQueueKeys(config.queue.prefix);
    await db.drop();
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stdout.write(`not ok - ${error.message}\n0 passed, 1 failed\n`);
    process.exit(1);
  },
);
