import { Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { Registry } from 'prom-client';
import { MetricName, QUEUE_SCRAPE_TIMEOUT_MS } from './metrics.constants';
import { QueueDepthCollector } from './queue-depth.collector';

type CountingQueue = jest.Mocked<Pick<Queue, 'getJobCounts'>>;

function collector(main: CountingQueue, dlq: CountingQueue) {
  const registry = new Registry();
  new QueueDepthCollector(registry, main as unknown as Queue, dlq as unknown as Queue);
  return registry;
}

describe('QueueDepthCollector', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('sums the states that mean "waiting" and everything pending in the dead-letter queue', async () => {
    const main: CountingQueue = {
      getJobCounts: jest.fn().mockResolvedValue({ wait: 3, prioritized: 2, active: 1, delayed: 4, failed: 5 }),
    };
    const dlq: CountingQueue = {
      getJobCounts: jest.fn().mockResolvedValue({ wait: 1, prioritized: 0, active: 0, delayed: 0, failed: 6 }),
    };
    const text = await collector(main, dlq).metrics();
    expect(text).toContain(`${MetricName.QueueJobs}{queue="axp-notifications",state="waiting"} 5`);
    expect(text).toContain(`${MetricName.QueueJobs}{queue="axp-notifications",state="failed"} 5`);
    expect(text).toContain(`${MetricName.QueueJobs}{queue="axp-notifications-dead-letter",state="dead-letter"} 7`);
  });

  it('gives up after the scrape timeout instead of hanging the scrape', async () => {
    const never: CountingQueue = { getJobCounts: jest.fn().mockReturnValue(new Promise(() => undefined)) };
    const registry = collector(never, never);
    const started = Date.now();
    const text = await registry.metrics();
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(QUEUE_SCRAPE_TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(QUEUE_SCRAPE_TIMEOUT_MS + 1_000);
    expect(text).not.toMatch(new RegExp(`^${MetricName.QueueJobs}\\{`, 'm'));
    // The error counter is read alongside the gauge, so a failed scrape shows on the next one.
    const next = await registry.metrics();
    expect(next).toContain(`${MetricName.QueueScrapeErrorsTotal} 1`);
  });

  it('leaves the depth out when Redis refuses, without waiting', async () => {
    const down: CountingQueue = { getJobCounts: jest.fn().mockRejectedValue(new Error('connect ECONNREFUSED')) };
    const registry = collector(down, down);
    const started = Date.now();
    expect(await registry.metrics()).not.toMatch(new RegExp(`^${MetricName.QueueJobs}\\{`, 'm'));
    expect(Date.now() - started).toBeLessThan(500);
  });
});
