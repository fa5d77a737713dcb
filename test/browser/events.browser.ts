/**
 * Browser test of the delivery-history page /admin/events (`npm run test:browser`, after the
 * dashboard's): events with mixed outcomes through a real dispatcher, a FLUSHALL of a private Redis,
 * then each kind searched in headless Chromium by eventId, sessionId, customerId and device token,
 * its per-device outcomes read off the page, at desktop and phone width, with screenshots.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Page, chromium } from 'playwright-core';
import { HistoryScenario, KINDS, type SeededEvent } from '../support/history-scenario';
import { TEST_API_KEY, TEST_SECRET } from '../support/test-config';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = { desktop: join(tmpdir(), 'axp-push-events.png'), phone: join(tmpdir(), 'axp-push-events-phone.png') };
const CREDENTIALS = { username: 'ops', password: 'events-browser-password' };
const EVENTS = 15;

type Check = [name: string, run: () => Promise<void>];

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

async function main(): Promise<void> {
  const scenario = await HistoryScenario.start(CREDENTIALS);
  const userDataDir = mkdtempSync(join(tmpdir(), 'axp-push-chromium-'));
  let failed = 0;
  try {
    await scenario.seed(EVENTS);
    await scenario.settleAndFlushRedis();
    await scenario.admin.listen(0, '127.0.0.1');
    const base = (await scenario.admin.getUrl()).replace('[::1]', '127.0.0.1');
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
      httpCredentials: CREDENTIALS,
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    const pages: string[] = [];
    const search = async (term: string) => {
      await page.goto(`${base}/admin/events`);
      await page.fill('input[name=q]', term);
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      pages.push(await page.content());
    };
    const openFirst = async (e: SeededEvent) => {
      await Promise.all([page.waitForNavigation(), page.click(`#results a:has-text("${e.eventId}")`)]);
      pages.push(await page.content());
    };
    const deviceOutcomes = (p: Page) => p.$$eval('#event .device', (items) => items.map((i) => i.getAttribute('data-outcome') ?? ''));
    const eventOf = (kind: string) => scenario.events.find((e) => e.kind === kind)!;

    const checks: Check[] = [
      ...KINDS.map(
        (kind): Check => [
          `a ${kind} event, searched by its session id, shows its outcome and per-device outcomes`,
          async () => {
            const e = eventOf(kind);
            await search(e.sessionId);
            await openFirst(e);
            const outcome = await page.textContent('#event h2 .badge');
            assert(outcome === e.outcome, `outcome ${outcome}, expected ${e.outcome}`);
            const devices = await deviceOutcomes(page);
            assert(devices.join() === e.deviceOutcomes.join(), `devices ${devices.join()}, expected ${e.deviceOutcomes.join()}`);
          },
        ],
      ),
      [
        'every event is found by its eventId and by its customerId',
        async () => {
          for (const e of scenario.events) {
            for (const term of [e.eventId, e.customerId]) {
              await search(term);
              const listed = await page.$$eval('#results .event', (items) => items.map((i) => i.textContent ?? ''));
              assert(listed.some((t) => t.includes(e.eventId) && t.includes(e.outcome)), `${e.eventId} not listed for ${term}`);
            }
          }
        },
      ],
      [
        'a full device token finds its event and is shown only masked',
        async () => {
          const e = eventOf('pruned');
          await search(e.tokens[0]);
          await openFirst(e);
          assert((await deviceOutcomes(page)).join() === 'pruned', 'pruned device not shown');
          assert(!(await page.content()).includes(e.tokens[0]), 'the full token is on the page');
        },
      ],
      [
        'a dead-lettered event links to its dead-letter entry and replays from its button',
        async () => {
          // The FLUSHALL took the first dead-letter entries with it: one more event that ends there.
          await scenario.seed(KINDS.indexOf('dead-lettered') + 1);
          await scenario.settle();
          const e = scenario.events[scenario.events.length - 1];
          assert(e.kind === 'dead-lettered', `seeded a ${e.kind} event`);
          await search(e.eventId);
          await openFirst(e);
          const href = await page.getAttribute('#event a[href*="/admin/queues/queue/"]', 'href');
          assert(href?.includes(encodeURIComponent(e.eventId)), `no dead-letter link: ${href}`);
          await page.click('#replay');
          await page.waitForFunction("(document.getElementById('replay-result')?.textContent ?? '') !== ''");
          const result = await page.textContent('#replay-result');
          assert(result === 'Replayed.', `replay answered: ${result}`);
          await page.screenshot({ path: SCREENSHOTS.desktop, fullPage: true });
        },
      ],
      [
        'at phone width the page fits the screen',
        async () => {
          await page.setViewportSize({ width: 390, height: 844 });
          const e = eventOf('retried');
          await search(e.sessionId);
          await openFirst(e);
          const width = await page.evaluate<number>('document.documentElement.scrollWidth');
          assert(width <= 390, `the page is ${width} px wide at a 390 px screen`);
          await page.screenshot({ path: SCREENSHOTS.phone, fullPage: true });
        },
      ],
      [
        'no page holds a full device token, the AXP secret, an API key or the admin password',
        async () => {
          const all = pages.join('\n');
          for (const secret of [TEST_SECRET, TEST_API_KEY, CREDENTIALS.password, ...scenario.events.flatMap((e) => e.tokens)]) {
            assert(!all.includes(secret), `a page holds ${secret.slice(0, 6)}…`);
          }
        },
      ],
    ];
    for (const [name, run] of checks) {
      try {
        await run();
        process.stdout.write(`ok   ${name}\n`);
      } catch (error) {
        failed += 1;
        process.stdout.write(`FAIL ${name}: ${(error as Error).message}\n`);
      }
    }
    process.stdout.write(`${checks.length - failed} passed, ${failed} failed; screenshots: ${SCREENSHOTS.desktop}, ${SCREENSHOTS.phone}\n`);
    await context.close();
  } finally {
    rmSync(userDataDir, { recursive: true, force: true });
    await scenario.close();
  }
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((error: Error) => {
  process.stderr.write(`events browser test: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
