/**
 * Browser test of the admin page's configurations view (part of `npm run test:browser`): Debian's
 * Chromium, headless, driven by playwright-core, against the admin app on the local Redis and a
 * fresh Postgres database. Lists, creates, rotates a secret and creates a key through the page.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { chromium, type Page } from 'playwright-core';
import { createAdminApp } from '../../apps/admin/src/admin.app';
import { createTestDatabase } from '../support/database';
import { deleteQueueKeys } from '../support/redis';
import { testConfig } from '../support/test-config';

const CHROMIUM = '/usr/bin/chromium';
const CREDENTIALS = { username: 'ops', password: 'browser-test-password' };
const fingerprint = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 8);

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

async function rowText(page: Page, id: string): Promise<string> {
  const row = page.locator(`#configurations tr[data-id="${id}"]`);
  await row.waitFor({ timeout: 15_000 });
  return row.innerText();
}

async function main(): Promise<number> {
  assert(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);
  const db = await createTestDatabase();
  const config = testConfig('admin', {
    DATABASE_URL: db.url,
    ADMIN_USERNAME: CREDENTIALS.username,
    ADMIN_PASSWORD: CREDENTIALS.password,
    CONFIG_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  });
  const userDataDir = mkdtempSync(join(tmpdir(), 'axp-push-chromium-'));
  let app: NestFastifyApplication | undefined;
  let passed = 0;
  let failed = 0;
  try {
    app = await createAdminApp(config);
    await app.listen(0, '127.0.0.1');
    const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
      httpCredentials: CREDENTIALS,
    });
    const page = await context.newPage();
    const firstSecret = `first-${randomBytes(8).toString('hex')}`;
    const secondSecret = `second-${randomBytes(8).toString('hex')}`;
    let createdKey = '';
    const checks: Array<[string, () => Promise<void>]> = [
      [
        'lists the environment configuration as read-only',
        async () => {
          const response = await page.goto(`${base}/admin/configurations`);
          assert(response?.status() === 200, `expected 200, got ${response?.status()}`);
          const text = await rowText(page, 'default');
          assert(text.includes('read-only'), `the default configuration is not read-only: ${text}`);
        },
      ],
      [
        'creates a configuration from the form',
        async () => {
          await page.getByLabel('configuration id').fill('tenant-browser');
          await page.getByLabel('name').fill('Browser tenant');
          await page.getByLabel('AXP secret').fill(firstSecret);
          await page.getByLabel('FCM project id').fill('browser-project');
          await page.getByRole('button', { name: 'Save configuration' }).click();
          await page.getByText('Configuration saved').waitFor({ timeout: 15_000 });
          const text = await rowText(page, 'tenant-browser');
          assert(text.includes('browser-project') && text.includes(fingerprint(firstSecret)), `unexpected row: ${text}`);
          assert(!text.includes(firstSecret), 'the page shows the secret');
        },
      ],
      [
        'rotates a secret: adds a second, then removes the first',
        async () => {
          page.once('dialog', (dialog) => void dialog.accept(secondSecret));
          await page.locator('tr[data-id="tenant-browser"]').getByRole('button', { name: 'Add secret' }).click();
          await page.getByText('Secret added to tenant-browser', { exact: false }).waitFor({ timeout: 15_000 });
          let text = await rowText(page, 'tenant-browser');
          assert(text.includes(fingerprint(secondSecret)) && text.includes(fingerprint(firstSecret)), `both secrets expected: ${text}`);
          await page.getByRole('button', { name: `Remove secret ${fingerprint(firstSecret)}` }).click();
          await page.getByText(`Secret ${fingerprint(firstSecret)} removed`).waitFor({ timeout: 15_000 });
          text = await rowText(page, 'tenant-browser');
          assert(!text.includes(fingerprint(firstSecret)) && text.includes(fingerprint(secondSecret)), `only the new secret expected: ${text}`);
        },
      ],
      [
        'creates an API key, shown once, listed by its fingerprint',
        async () => {
          await page.locator('tr[data-id="tenant-browser"]').getByRole('button', { name: 'Create key' }).click();
          const shown = page.getByText('New API key for tenant-browser', { exact: false });
          await shown.waitFor({ timeout: 15_000 });
          createdKey = (/axpk_[A-Za-z0-9_-]+/.exec(await shown.innerText()) ?? [''])[0];
          assert(createdKey, 'no key shown');
          const text = await rowText(page, 'tenant-browser');
          assert(text.includes(fingerprint(createdKey)), `the key's fingerprint is not listed: ${text}`);
          const api = await page.request.get(`${base}/admin/api/configurations/tenant-browser`);
          assert(!(await api.text()).includes(createdKey), 'the API answers the key after its creation');
        },
      ],
    ];
    for (const [name, run] of checks) {
      try {
        await run();
        passed += 1;
        process.stdout.write(`ok - configurations: ${name}\n`);
      } catch (error) {
        failed += 1;
        process.stdout.write(`not ok - configurations: ${name}: ${(error as Error).message}\n`);
      }
    }
    await context.close();
  } catch (error) {
    failed += 1;
    process.stdout.write(`not ok - configurations setup: ${(error as Error).stack ?? String(error)}\n`);
  } finally {
    await app?.close();
    await deleteQueueKeys(config.queue.prefix);
    await db.drop();
    rmSync(userDataDir, { recursive: true, force: true });
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
