/**
 * Fuzzing the running processes (ingest, dispatcher, admin, FCM emulator, their own Redis and
 * Postgres). `npm test` sends a few thousand requests; `npm run test:fuzz` sends FUZZ_REQUESTS
 * (100,000 by default). The seed is printed; FUZZ_SEED=<n> replays a run.
 */
import { formatFigures, runStackFuzz } from './stack-fuzz';

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 3_000);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const MB_GROWTH_ALLOWED = 64;

// Start-up, the outcomes, and sending: about 30 requests a second on a loaded 2-core machine.
jest.setTimeout(300_000 + REQUESTS * 40);

describe('fuzz: generated requests against the running stack', () => {
  it(`no process exits, no 5xx, every accepted event ends in an outcome, RSS flat (seed ${SEED})`, async () => {
    process.stdout.write(`fuzz seed ${SEED}, ${REQUESTS} requests (replay with FUZZ_SEED=${SEED})\n`);
    const figures = await runStackFuzz({ requests: REQUESTS, seed: SEED });
    process.stdout.write(`${formatFigures(figures)}\n`);
    for (const [what, list] of Object.entries({ exits: figures.exits, '5xx': figures.serverErrors, unexpected: figures.unexpected, timeouts: figures.timeouts, 'without outcome': figures.withoutOutcome })) {
      for (const line of list.slice(0, 10)) process.stdout.write(`  ${what}: ${line.slice(0, 600)}\n`);
    }

    expect(figures.requests).toBeGreaterThanOrEqual(REQUESTS * 0.98);
    expect(figures.exits).toEqual([]);
    expect(figures.serverErrors.slice(0, 5)).toEqual([]);
    expect(figures.unexpected.slice(0, 5)).toEqual([]);
    expect(figures.timeouts.slice(0, 5)).toEqual([]);
    expect(figures.accepted).toBeGreaterThan(0);
    expect(figures.withoutOutcome.slice(0, 5)).toEqual([]);
    for (const [app, rss] of Object.entries(figures.rss)) {
      expect({ app, growthMb: rss.endMb - rss.startMb < MB_GROWTH_ALLOWED }).toEqual({ app, growthMb: true });
    }
  });
});
