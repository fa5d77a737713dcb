import { EventEmitter } from 'node:events';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Queue } from 'bullmq';
import { loadConfig } from '@app/config';
import type { NotificationProcessor } from '../delivery/notification.processor';
import { WorkerProgressIndicator } from './worker-progress.indicator';

describe('WorkerProgressIndicator', () => {
  const config = loadConfig('dispatcher', { DISPATCH_STALL_TIMEOUT_MS: '1000' });
  let worker: EventEmitter;
  let queue: jest.Mocked<Pick<Queue, 'getJobCounts'>>;
  let indicator: WorkerProgressIndicator;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000, doNotFake: ['nextTick', 'setImmediate'] });
    worker = new EventEmitter();
    queue = { getJobCounts: jest.fn().mockResolvedValue({ wait: 0, prioritized: 0 }) };
    const processor = { worker } as unknown as NotificationProcessor;
    indicator = new WorkerProgressIndicator(new HealthIndicatorService(), processor, queue as unknown as Queue, config);
    indicator.onApplicationBootstrap();
  });

  afterEach(() => jest.useRealTimers());

  it('is up while nothing waits, however long the worker has been idle', async () => {
    jest.advanceTimersByTime(60_000);
    expect((await indicator.isHealthy()).progress.status).toBe('up');
  });

  it('goes down when jobs wait and the worker takes none for the stall timeout', async () => {
    expect((await indicator.isHealthy()).progress.status).toBe('up');
    queue.getJobCounts.mockResolvedValue({ wait: 5, prioritized: 0 });
    jest.advanceTimersByTime(500);
    expect((await indicator.isHealthy()).progress.status).toBe('up');
    jest.advanceTimersByTime(600);
    const result = await indicator.isHealthy();
    expect(result.progress).toMatchObject({ status: 'down', waiting: 5 });
  });

  it('comes back up once the worker takes a job again', async () => {
    queue.getJobCounts.mockResolvedValue({ wait: 5, prioritized: 0 });
    jest.advanceTimersByTime(2_000);
    expect((await indicator.isHealthy()).progress.status).toBe('down');
    worker.emit('active');
    expect((await indicator.isHealthy()).progress.status).toBe('up');
  });

  it('is down when the queue cannot be read', async () => {
    queue.getJobCounts.mockRejectedValue(new Error('connection is closed'));
    expect((await indicator.isHealthy()).progress).toMatchObject({ status: 'down', message: expect.stringMatching(/unreadable/) });
  });
});
