import { getQueueToken } from '@nestjs/bullmq';
import { Test, type TestingModule } from '@nestjs/testing';
import type { Queue } from 'bullmq';
import type { Registry } from 'prom-client';
import { AppConfigModule } from '@app/config';
import { METRICS_REGISTRY, MetricName, MetricsModule } from '@app/observability';
import { DEAD_LETTER_QUEUE, NOTIFICATIONS_QUEUE, QueueModule } from '@app/queue';
import { deleteQueueKeys } from '../../../test/support/redis';
import { testConfig } from '../../../test/support/test-config';

async function metricsModule(env: Record<string, string> = {}) {
  const config = testConfig('tool', env);
  const moduleRef: TestingModule = await Test.createTestingModule({
    imports: [AppConfigModule.forRoot(config), QueueModule.forRoot('producer'), MetricsModule.forRoot({ queueDepth: true })],
  }).compile();
  await moduleRef.init();
  return { config, moduleRef, registry: moduleRef.get<Registry>(METRICS_REGISTRY) };
}

const sample = (text: string, queue: string, state: string) =>
  new RegExp(`^${MetricName.QueueJobs}\\{queue="${queue}",state="${state}"\\} (\\d+)$`, 'm').exec(text)?.[1];

describe('queue depth on scrape (real Redis)', () => {
  it('reports the counts of both queues by state', async () => {
    const { config, moduleRef, registry } = await metricsModule();
    try {
      const main = moduleRef.get<Queue>(getQueueToken(NOTIFICATIONS_QUEUE));
      const dlq = moduleRef.get<Queue>(getQueueToken(DEAD_LETTER_QUEUE));
      await main.add('deliver', {});
      await main.add('deliver', {});
      await main.add('deliver', {}, { delay: 60_000 });
      await dlq.add('dead-letter', {});

      const text = await registry.metrics();
      expect(sample(text, NOTIFICATIONS_QUEUE, 'waiting')).toBe('2');
      expect(sample(text, NOTIFICATIONS_QUEUE, 'delayed')).toBe('1');
      expect(sample(text, NOTIFICATIONS_QUEUE, 'active')).toBe('0');
      expect(sample(text, NOTIFICATIONS_QUEUE, 'failed')).toBe('0');
      expect(sample(text, DEAD_LETTER_QUEUE, 'dead-letter')).toBe('1');

      await main.add('deliver', {});
      expect(sample(await registry.metrics(), NOTIFICATIONS_QUEUE, 'waiting')).toBe('3');
    } finally {
      await moduleRef.close();
      await deleteQueueKeys(config.queue.prefix);
    }
  });
});
